"""Every change to the registry: registration, updates, moves, consent, duplicates, merges, closure.

Audit summaries name the fields that changed, never their values (no personal data in the log).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pravasi.audit.services import audit_record, pii_access_record
from pravasi.core.contacts import email_index, phone_index
from pravasi.core.errors import Conflict, NotAllowed, ValidationFailed
from pravasi.policy.selectors import policy

from . import policies
from .models import (
    ConsentPurpose,
    ConsentRecord,
    DuplicateFlag,
    EmergencyContact,
    FamilyMember,
    MergeRecord,
    NameKey,
    NameToken,
    Passport,
    Person,
    PersonStatus,
    PrivacyNotice,
    ResidenceHistory,
    sort_name_of,
)
from .names import name_keys
from .selectors import LIVE, forget_known_keys, passport_index, person_visible_or_404, persons_visible_to
from .validation import clean_about, clean_contacts, clean_emergency_contact, clean_family_member, clean_needs, clean_passport, clean_residence, clean_work, education_codes

SECTIONS = {
    "about": clean_about,
    "residence": clean_residence,
    "contacts": clean_contacts,
    "work": clean_work,
    "needs": clean_needs,
}
REGISTRATION_STEPS = ["about", "passport", "residence", "contacts", "emergency", "family", "needs"]


# --- helpers used by several services -------------------------------------------------------------


def _require_editor(actor, person: Person) -> None:
    """The person themself, or an official whose jurisdiction holds them."""
    if policies.is_owner(actor, person):
        return
    if policies.can_browse_registry(actor) and persons_visible_to(actor).filter(id=person.id).exists():
        return
    raise NotAllowed(_("You may not change this record."))


def _lock(person: Person) -> Person:
    return Person.objects.select_for_update().get(id=person.id)


def _apply(person: Person, cleaned: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in cleaned.items():
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field)
    if "mobile" in changed:
        person.mobile_index = phone_index(person.mobile) if person.mobile else ""
    if "email" in changed:
        person.email_index = email_index(person.email) if person.email else ""
    return changed


def refresh_name_tokens(person: Person) -> None:
    keys = name_keys(person.given_name, person.family_name)
    sort_name = sort_name_of(person.family_name, person.given_name)
    NameToken.objects.filter(person=person).exclude(key__in=keys).delete()
    NameToken.objects.filter(person=person).exclude(sort_name=sort_name).update(sort_name=sort_name)
    existing = set(NameToken.objects.filter(person=person).values_list("key", flat=True))
    missing = keys - existing
    if missing:
        NameKey.objects.bulk_create([NameKey(key=k) for k in missing], ignore_conflicts=True)
        NameToken.objects.bulk_create([NameToken(person=person, key=k, sort_name=sort_name) for k in missing], ignore_conflicts=True)
        forget_known_keys()


def derive_vulnerabilities(person: Person, today: date | None = None) -> None:
    """Age-based needs follow the date of birth; the others are what the person told us."""
    today = today or timezone.localdate()
    dob = person.date_of_birth
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    person.vuln_minor = age < int(policy("MINOR_AGE_YEARS", default=18))
    person.vuln_elderly = age >= int(policy("ELDERLY_AGE_YEARS", default=60))


def is_ecr_by_education(education: str) -> bool | None:
    level = education_codes().get(education)
    return None if level is None else bool(level["ecr"])


def current_notice() -> PrivacyNotice:
    notice = PrivacyNotice.objects.order_by("-published_date").first()
    if notice is None:
        raise ValidationFailed(_("No privacy notice is published yet; registration is closed until it is."))
    return notice


# --- registration and self-service ------------------------------------------------------------------


@transaction.atomic
def person_register(
    *,
    actor,
    data: dict[str, Any],
    user=None,
    office=None,
    consents: list[str] | tuple[str, ...] = (),
    method: str = ConsentRecord.Method.WEB,
    language: str = "en",
    source_ip: str | None = None,
) -> Person:
    """Creates a person from the minimum fields (about you, where you live, how to reach you)."""
    errors: dict[str, list[str]] = {}
    about: dict[str, Any] = {}
    try:
        about = clean_about(data, partial=True)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if user is not None and not data.get("state_of_origin") and "state_of_origin" not in errors:
        # A person registering themself names their state, so its Protector of Emigrants can help;
        # an official's registration-drive sheet may lack it.
        errors["state_of_origin"] = [_("Choose an Indian state or union territory.")]
    residence: dict[str, Any] = {}
    if data.get("residence_country"):
        try:
            residence = clean_residence({k: v for k, v in data.items() if k.startswith("residence_") or k in ("latitude", "longitude")})
        except ValidationFailed as exc:
            errors.update(exc.fields)
    contacts: dict[str, Any] = {}
    try:
        contact_data = {k: data.get(k, "") for k in ("mobile", "email", "messaging_app", "messaging_handle")}
        if user is not None:
            contact_data["mobile"] = contact_data["mobile"] or user.mobile
            contact_data["email"] = contact_data["email"] or user.email
        contacts = clean_contacts(contact_data, require_one=False)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    if user is not None and Person.objects.filter(user=user).exists():
        raise Conflict(_("You are already registered; update your profile instead."))
    if not data.get("preferred_language"):
        about["preferred_language"] = language
    person = Person(user=user, registered_by_office=office, status=PersonStatus.ABROAD if residence else PersonStatus.PRE_DEPARTURE)
    _apply(person, {**about, **residence, **contacts})
    derive_vulnerabilities(person)
    person.registration_step = 2
    person.save()
    refresh_name_tokens(person)
    if consents:
        notice = current_notice()
        for purpose in consents:
            _consent_write(actor=actor, person=person, purpose=purpose, given=True, notice=notice, method=method, language=language)
    audit_record(actor=actor, action="registry.person_registered", target=person, summary={"method": method, "office": office.code if office else None}, source_ip=source_ip)
    duplicates_flag_for(person)
    return person


@transaction.atomic
def person_update_section(*, actor, person: Person, section: str, data: dict[str, Any], source_ip: str | None = None) -> Person:
    if section not in SECTIONS:
        raise ValidationFailed.on("section", _("Unknown part of the profile."))
    _require_editor(actor, person)
    cleaned = SECTIONS[section](data)
    person = _lock(person)
    changed = _apply(person, cleaned)
    if section == "about":
        derive_vulnerabilities(person)
    if section == "residence" and person.status == PersonStatus.PRE_DEPARTURE:
        person.status = PersonStatus.ABROAD
        changed.append("status")
    _advance_step(person, section)
    person.save()
    if {"given_name", "family_name"} & set(changed):
        refresh_name_tokens(person)
    if changed:
        audit_record(actor=actor, action="registry.person_updated", target=person, summary={"section": section, "changed": sorted(changed)}, source_ip=source_ip)
    if {"given_name", "family_name", "date_of_birth", "mobile"} & set(changed):
        duplicates_flag_for(person)
    return person


def _advance_step(person: Person, section: str) -> None:
    if section in REGISTRATION_STEPS:
        step = REGISTRATION_STEPS.index(section) + 2
        person.registration_step = max(person.registration_step, step)
        if person.registration_step > len(REGISTRATION_STEPS) and person.registration_completed_at is None:
            person.registration_completed_at = timezone.now()


@transaction.atomic
def person_registration_skip(*, actor, person: Person, section: str) -> Person:
    """The person chose to leave an optional step for later; progress moves on."""
    _require_editor(actor, person)
    person = _lock(person)
    _advance_step(person, section)
    person.save(update_fields=["registration_step", "registration_completed_at", "updated_at"])
    return person


@transaction.atomic
def passport_record(*, actor, person: Person, data: dict[str, Any], source_ip: str | None = None) -> Passport:
    """Records the current passport. A number already held by another person is refused."""
    _require_editor(actor, person)
    cleaned = clean_passport(data, date_of_birth=person.date_of_birth)
    return _passport_write(actor=actor, person=person, data=data, cleaned=cleaned, source_ip=source_ip)


def _passport_write(*, actor, person: Person, data: dict[str, Any], cleaned: dict[str, Any], source_ip: str | None) -> Passport:
    person = _lock(person)
    index = passport_index(cleaned["number"])
    holder = Passport.objects.filter(number_index=index).first()
    if holder is not None and holder.person_id != person.id:
        raise Conflict(
            _("This passport number is already registered. If it is yours, call the helpline to have the records joined."),
            fields={"passport_number": [_("This passport number is already registered to another record.")]},
        )
    if "is_ecr" not in data or data.get("is_ecr") in (None, ""):
        derived = is_ecr_by_education(person.education)
        cleaned["is_ecr"] = bool(derived)
    if holder is not None:
        passport = holder
        Passport.objects.filter(person=person, is_current=True).exclude(id=holder.id).update(is_current=False)
    else:
        Passport.objects.filter(person=person, is_current=True).update(is_current=False)
        passport = Passport(person=person, number_index=index)
    passport.number = cleaned["number"]
    for field in ("issue_date", "expiry_date", "place_of_issue", "is_ecr", "mrz_verified"):
        setattr(passport, field, cleaned[field])
    passport.is_current = True
    try:
        with transaction.atomic():
            passport.save()
    except IntegrityError as exc:
        raise Conflict(
            _("This passport number was registered a moment ago by another record."), fields={"passport_number": [_("This passport number is already registered to another record.")]}
        ) from exc
    _advance_step(person, "passport")
    person.save(update_fields=["registration_step", "registration_completed_at", "updated_at"])
    audit_record(actor=actor, action="registry.passport_recorded", target=person, summary={"mrz_verified": passport.mrz_verified, "is_ecr": passport.is_ecr}, source_ip=source_ip)
    return passport


@transaction.atomic
def person_for_clearance(*, actor, data: dict[str, Any], passport: dict[str, Any], source_ip: str | None = None) -> tuple[Person, bool]:
    """The emigrant named on a clearance application, found by passport number or registered on the way.

    A passport number alone never opens a record: an existing person is linked only when the number is
    their current passport and the name and date of birth the applicant typed are theirs too, so an
    agent or insurer cannot reach someone's record by guessing numbers. A new person is registered
    without any consent given on their behalf; the record exists because the Emigration Act requires
    the application.
    """
    cleaned = clean_passport(passport, date_of_birth=None)
    found = Passport.objects.select_related("person").filter(number_index=passport_index(cleaned["number"])).first()
    if found is not None:
        if not (found.is_current and _same_person(found.person, data)):
            raise ValidationFailed.on(
                "passport_number",
                _("This passport is registered with other details. Check the passport number, the name and the date of birth against the passport itself."),
            )
        return found.person, False
    person = person_register(actor=actor, data=data, method=ConsentRecord.Method.STAFF, source_ip=source_ip)
    _passport_write(actor=actor, person=person, data=passport, cleaned=clean_passport(passport, date_of_birth=person.date_of_birth), source_ip=source_ip)
    return person, True


def _fold(text: str) -> str:
    return " ".join(str(text or "").casefold().split())


def _same_person(person: Person, data: dict[str, Any]) -> bool:
    born = str(data.get("date_of_birth") or "").strip()[:10]
    return bool(person.date_of_birth and born == person.date_of_birth.isoformat() and _fold(data.get("given_name")) == _fold(person.given_name) and _fold(data.get("family_name")) == _fold(person.family_name))


def _entry_add(*, actor, person: Person, model, cleaned: dict[str, Any], limit: int, too_many: str, step: str, action: str, summary: dict | None, source_ip: str | None):
    """Adds one emergency contact or family member (a list the person keeps) and moves registration on."""
    person = _lock(person)
    if model.objects.filter(person=person).count() >= limit:
        raise ValidationFailed.on("name", too_many)
    entry = model.objects.create(person=person, **cleaned)
    _advance_step(person, step)
    person.save(update_fields=["registration_step", "registration_completed_at", "updated_at"])
    audit_record(actor=actor, action=action, target=person, summary=summary, source_ip=source_ip)
    return entry


def _entry_remove(*, actor, person: Person, model, entry_id, action: str, source_ip: str | None) -> None:
    deleted, _n = model.objects.filter(person=person, id=entry_id).delete()
    if deleted:
        audit_record(actor=actor, action=action, target=person, source_ip=source_ip)


@transaction.atomic
def emergency_contact_add(*, actor, person: Person, data: dict[str, Any], source_ip: str | None = None) -> EmergencyContact:
    _require_editor(actor, person)
    cleaned = clean_emergency_contact(data)
    return _entry_add(
        actor=actor,
        person=person,
        model=EmergencyContact,
        cleaned=cleaned,
        limit=5,
        too_many=_("Up to five emergency contacts can be kept; remove one first."),
        step="emergency",
        action="registry.emergency_contact_added",
        summary={"where": cleaned["where"]},
        source_ip=source_ip,
    )


@transaction.atomic
def emergency_contact_remove(*, actor, person: Person, contact_id, source_ip: str | None = None) -> None:
    _require_editor(actor, person)
    _entry_remove(actor=actor, person=person, model=EmergencyContact, entry_id=contact_id, action="registry.emergency_contact_removed", source_ip=source_ip)


@transaction.atomic
def family_member_add(*, actor, person: Person, data: dict[str, Any], source_ip: str | None = None) -> FamilyMember:
    _require_editor(actor, person)
    return _entry_add(
        actor=actor,
        person=person,
        model=FamilyMember,
        cleaned=clean_family_member(data),
        limit=15,
        too_many=_("Up to fifteen family members can be listed."),
        step="family",
        action="registry.family_member_added",
        summary=None,
        source_ip=source_ip,
    )


@transaction.atomic
def family_member_remove(*, actor, person: Person, member_id, source_ip: str | None = None) -> None:
    _require_editor(actor, person)
    _entry_remove(actor=actor, person=person, model=FamilyMember, entry_id=member_id, action="registry.family_member_removed", source_ip=source_ip)


@transaction.atomic
def person_moved(*, actor, person: Person, data: dict[str, Any], source_ip: str | None = None) -> Person:
    """'I have moved': the old residence goes to the history; the new one becomes current."""
    _require_editor(actor, person)
    cleaned = clean_residence(data)
    person = _lock(person)
    if person.residence_country:
        moved_on = cleaned.get("residence_since_date") or timezone.localdate()
        ResidenceHistory.objects.create(person=person, country=person.residence_country, region=person.residence_region, since_date=person.residence_since_date, until_date=moved_on, reason="MOVED")
    person.residence_address = ""
    person.latitude = person.longitude = None
    _apply(person, cleaned)
    person.status = PersonStatus.ABROAD
    person.returned_date = None
    person.save()
    audit_record(actor=actor, action="registry.person_moved", target=person, summary={"country": person.residence_country}, source_ip=source_ip)
    return person


@transaction.atomic
def person_returned(*, actor, person: Person, returned_date: date | None = None, source_ip: str | None = None) -> Person:
    """'I have returned to India': residence abroad ends; the person stays registered."""
    _require_editor(actor, person)
    returned_date = returned_date or timezone.localdate()
    if returned_date > timezone.localdate():
        raise ValidationFailed.on("returned_date", _("The date you returned cannot be in the future."))
    person = _lock(person)
    if person.residence_country:
        ResidenceHistory.objects.create(
            person=person, country=person.residence_country, region=person.residence_region, since_date=person.residence_since_date, until_date=returned_date, reason="RETURNED"
        )
    person.residence_country = person.residence_region = person.residence_address = ""
    person.residence_since_date = person.residence_until_date = None
    person.latitude = person.longitude = None
    person.status = PersonStatus.RETURNED
    person.returned_date = returned_date
    person.save()
    audit_record(actor=actor, action="registry.person_returned", target=person, source_ip=source_ip)
    return person


# --- consent ------------------------------------------------------------------------------------------


def _consent_write(*, actor, person: Person, purpose: str, given: bool, notice: PrivacyNotice, method: str, partner=None, agreement_reference: str = "", language: str = "en") -> ConsentRecord:
    record = ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        partner=partner if purpose == ConsentPurpose.PARTNER_SHARING else None,
        agreement_reference=agreement_reference,
        notice=notice,
        given=given,
        at=timezone.now(),
        method=method,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        language=language,
    )
    audit_record(
        actor=actor,
        action="registry.consent_given" if given else "registry.consent_withdrawn",
        target=person,
        summary={"purpose": purpose, "partner": str(partner.id) if partner else None, "notice": notice.version},
    )
    return record


@transaction.atomic
def consent_set(*, actor, person: Person, purpose: str, given: bool, partner=None, agreement_reference: str = "", method: str = ConsentRecord.Method.WEB, language: str = "en") -> ConsentRecord | None:
    """Gives or withdraws consent for one purpose; withdrawing is one call, like giving. No-op if unchanged."""
    if purpose not in ConsentPurpose.values:
        raise ValidationFailed.on("purpose", _("Unknown purpose."))
    if purpose == ConsentPurpose.PARTNER_SHARING and partner is None:
        raise ValidationFailed.on("partner", _("Sharing needs a named partner."))
    if not policies.is_owner(actor, person):
        raise NotAllowed(_("Only the person can give or withdraw their consent."))
    person = _lock(person)
    latest = ConsentRecord.objects.filter(person=person, purpose=purpose, partner=partner if purpose == ConsentPurpose.PARTNER_SHARING else None).order_by("-at").first()
    if latest is not None and latest.given == given:
        return None
    if latest is None and not given:
        return None
    return _consent_write(actor=actor, person=person, purpose=purpose, given=given, notice=current_notice(), method=method, partner=partner, agreement_reference=agreement_reference, language=language)


def consent_receipt(record: ConsentRecord) -> dict[str, Any]:
    """A consent record in the spirit of ISO/IEC TS 27560 (and the Kantara consent receipt)."""
    notice = record.notice
    return {
        "schema": "ISO/IEC TS 27560:2023 consent record (Pravasi profile 1.0)",
        "record_id": str(record.id),
        "timestamp": record.at.isoformat(),
        "subject": {"id": str(record.person_id), "id_type": "pravasi-registry"},
        "controller": {"name": notice.controller, "contact": notice.grievance_contact},
        "notice": {"version": notice.version, "published": notice.published_date.isoformat(), "language": record.language},
        "purpose": {"code": record.purpose, "description": str(ConsentPurpose(record.purpose).label)},
        "recipient": ({"name": record.partner.name, "agreement": record.agreement_reference} if record.partner else None),
        "legal_basis": "consent (DPDP Act 2023, s.6)",
        "state": "GIVEN" if record.given else "WITHDRAWN",
        "collection_method": record.method,
        "withdrawal": "Withdraw at any time from 'My consents' on the profile, as easily as it was given.",
        "personal_data_categories": ["identity", "contact", "residence abroad", "emergency contacts", "family", "vulnerabilities"],
    }


# --- officials: opening a record, duplicates, merges ---------------------------------------------


def person_record_open(*, actor, person_id, purpose: str = "VIEW", source_ip: str | None = None) -> Person:
    """Returns a person an official may see and writes a personal-data access entry."""
    person = person_visible_or_404(actor=actor, person_id=person_id)
    if not policies.is_owner(actor, person):
        pii_access_record(actor=actor, person_id=person.id, purpose=purpose, source_ip=source_ip)
    return person


def duplicates_flag_for(person: Person) -> list[DuplicateFlag]:
    """Flags likely matches (same birth date and a shared name key, or the same mobile); never merges."""
    keys = name_keys(person.given_name, person.family_name)
    candidates = Person.objects.filter(LIVE).exclude(id=person.id)
    same_dob = candidates.filter(date_of_birth=person.date_of_birth, name_tokens__key__in=keys).distinct() if keys else candidates.none()
    same_phone = candidates.filter(mobile_index=person.mobile_index) if person.mobile_index else candidates.none()
    found: dict = {}
    for other in same_dob[:20]:
        found.setdefault(other.id, []).append("SAME_BIRTH_DATE_SIMILAR_NAME")
    for other in same_phone[:20]:
        found.setdefault(other.id, []).append("SAME_MOBILE")
    flags = []
    for other_id, reasons in found.items():
        a, b = sorted([person.id, other_id])
        flag, created = DuplicateFlag.objects.get_or_create(person_a_id=a, person_b_id=b, defaults={"reasons": reasons})
        if not created and flag.status == DuplicateFlag.Status.OPEN and set(reasons) - set(flag.reasons):
            flag.reasons = sorted(set(flag.reasons) | set(reasons))
            flag.save(update_fields=["reasons", "updated_at"])
        flags.append(flag)
    return flags


def _flag_for_decision(actor, flag_id) -> DuplicateFlag:
    flag = DuplicateFlag.objects.select_for_update().filter(id=flag_id).first()
    if flag is None or not policies.can_browse_registry(actor):
        raise NotAllowed(_("You may not decide on this pair."))
    if flag.status != DuplicateFlag.Status.OPEN:
        raise Conflict(_("Another official has already decided on this pair."))
    visible = persons_visible_to(actor)
    if not visible.filter(id=flag.person_a_id).exists() or not visible.filter(id=flag.person_b_id).exists():
        raise NotAllowed(_("You may not decide on this pair."))
    return flag


@transaction.atomic
def duplicate_dismiss(*, actor, flag_id, source_ip: str | None = None) -> DuplicateFlag:
    flag = _flag_for_decision(actor, flag_id)
    flag.status = DuplicateFlag.Status.DISMISSED
    flag.decided_by, flag.decided_at = actor, timezone.now()
    flag.save()
    audit_record(actor=actor, action="registry.duplicate_dismissed", target=flag, source_ip=source_ip)
    return flag


MOVABLE = (("passports", Passport), ("emergency_contacts", EmergencyContact), ("family_members", FamilyMember), ("consents", ConsentRecord), ("residence_history", ResidenceHistory))


@transaction.atomic
def person_merge(*, actor, flag_id, survivor_id, source_ip: str | None = None) -> MergeRecord:
    """Moves the other record's passports, contacts, family and consents to the survivor; reversible."""
    flag = _flag_for_decision(actor, flag_id)
    if str(survivor_id) not in (str(flag.person_a_id), str(flag.person_b_id)):
        raise ValidationFailed.on("survivor", _("Choose one of the two records to keep."))
    locked = {str(p.id): p for p in Person.objects.select_for_update().filter(id__in=[flag.person_a_id, flag.person_b_id]).order_by("id")}
    survivor = locked[str(survivor_id)]
    merged = next(p for key, p in locked.items() if key != str(survivor_id))
    if merged.user_id and survivor.user_id:
        raise Conflict(_("Both records have their own sign-in; ask the person which account to keep before merging."))
    moved: dict[str, list[str]] = {}
    if Passport.objects.filter(person=merged, is_current=True).exists():
        moved["passport_current"] = [str(p) for p in Passport.objects.filter(person=survivor, is_current=True).values_list("id", flat=True)]
        Passport.objects.filter(person=survivor, is_current=True).update(is_current=False)
    for name, model in MOVABLE:
        ids = [str(i) for i in model.objects.filter(person=merged).values_list("id", flat=True)]
        if ids:
            moved[name] = ids
            model.objects.filter(id__in=ids).update(person=survivor)
    if merged.user_id and not survivor.user_id:
        moved["user"] = [str(merged.user_id)]
        user_id = merged.user_id
        Person.objects.filter(id=merged.id).update(user=None)
        Person.objects.filter(id=survivor.id).update(user_id=user_id)
    Person.objects.filter(id=merged.id).update(merged_into=survivor)
    flag.status = DuplicateFlag.Status.MERGED
    flag.decided_by, flag.decided_at = actor, timezone.now()
    flag.save()
    record = MergeRecord.objects.create(survivor=survivor, merged=merged, flag=flag, moved=moved, merged_by=actor)
    audit_record(
        actor=actor,
        action="registry.persons_merged",
        target=record,
        summary={"survivor": str(survivor.id), "merged": str(merged.id), "moved": {k: len(v) for k, v in moved.items()}},
        source_ip=source_ip,
    )
    return record


@transaction.atomic
def person_merge_revert(*, actor, merge_id, source_ip: str | None = None) -> MergeRecord:
    record = MergeRecord.objects.select_for_update().filter(id=merge_id, reverted_at__isnull=True).first()
    if record is None:
        raise Conflict(_("This merge does not exist or was already reversed."))
    visible = persons_visible_to(actor)
    if not visible.filter(id=record.survivor_id).exists():
        raise NotAllowed(_("You may not reverse this merge."))
    for name, model in MOVABLE:
        ids = record.moved.get(name, [])
        if ids:
            model.objects.filter(id__in=ids).update(person_id=record.merged_id)
    if record.moved.get("passport_current"):
        Passport.objects.filter(person_id=record.survivor_id, is_current=True).update(is_current=False)
        Passport.objects.filter(id__in=record.moved["passport_current"]).update(is_current=True)
    if record.moved.get("user"):
        Person.objects.filter(id=record.survivor_id).update(user=None)
        Person.objects.filter(id=record.merged_id).update(user_id=record.moved["user"][0])
    Person.objects.filter(id=record.merged_id).update(merged_into=None)
    if record.flag_id:
        DuplicateFlag.objects.filter(id=record.flag_id).update(status=DuplicateFlag.Status.OPEN, decided_by=None, decided_at=None)
    record.reverted_at, record.reverted_by = timezone.now(), actor
    record.save()
    audit_record(actor=actor, action="registry.merge_reverted", target=record, source_ip=source_ip)
    return record


# --- the person's own data: export and closure ------------------------------------------------------


def person_data_export(*, actor, person: Person, source_ip: str | None = None) -> dict[str, Any]:
    """Everything the registry holds about the person, for 'download my data'."""
    if not policies.is_owner(actor, person):
        raise NotAllowed(_("Only the person can download their data."))
    from pravasi.audit.selectors import pii_accesses_for_person

    fields = [f.name for f in Person._meta.concrete_fields if f.name not in {"id", "user", "mobile_index", "email_index", "registered_by_office", "merged_into"}]
    data = {
        "exported_at": timezone.now().isoformat(),
        "person": {"id": str(person.id), **{f: _jsonable(getattr(person, f)) for f in fields}},
        "passports": [
            {"number": p.number, "issue_date": p.issue_date.isoformat(), "expiry_date": p.expiry_date.isoformat(), "place_of_issue": p.place_of_issue, "is_ecr": p.is_ecr, "current": p.is_current}
            for p in person.passports.all()
        ],
        "residence_history": [
            {"country": r.country, "region": r.region, "since": _jsonable(r.since_date), "until": _jsonable(r.until_date), "reason": r.reason} for r in person.residence_history.all()
        ],
        "emergency_contacts": [{"name": c.name, "relation": c.relation, "where": c.where, "country": c.country, "phone": c.phone, "email": c.email} for c in person.emergency_contacts.all()],
        "family_members": [{"name": m.name, "relation": m.relation, "sex": m.sex, "date_of_birth": _jsonable(m.date_of_birth)} for m in person.family_members.all()],
        "consents": [consent_receipt(r) for r in person.consents.select_related("notice", "partner").order_by("at")],
        "accessed_by_officials": [
            {"at": a.at.isoformat(), "official": a.actor_label, "office": a.office_label, "purpose": a.purpose} for a in pii_accesses_for_person(person_id=person.id, limit=1000)
        ],
    }
    audit_record(actor=actor, action="registry.data_exported", target=person, source_ip=source_ip)
    return data


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


KEPT_AFTER_CLOSURE = [
    (_("Your consent history"), _("to prove what you agreed to and when (DPDP Act 2023, s.6(10))")),
    (_("The audit log and the list of officials who opened your record"), _("for accountability of officials; these entries hold no contact details")),
    (_("Records of emigration clearance or grievances"), _("where the Emigration Act 1983 requires their keeping")),
]


@transaction.atomic
def person_close(*, actor, person: Person, source_ip: str | None = None) -> list[tuple[str, str]]:
    """Closes the account: erases what no law requires to keep; says what is kept and why."""
    if not policies.is_owner(actor, person):
        raise NotAllowed(_("Only the person can close their account."))
    person = _lock(person)
    person.passports.all().delete()
    person.emergency_contacts.all().delete()
    person.family_members.all().delete()
    person.residence_history.all().delete()
    person.name_tokens.all().delete()
    DuplicateFlag.objects.filter(Q(person_a=person) | Q(person_b=person)).delete()
    for field in (
        "family_name",
        "district_of_origin",
        "skills",
        "residence_country",
        "residence_region",
        "residence_address",
        "mobile",
        "mobile_index",
        "email",
        "email_index",
        "messaging_app",
        "messaging_handle",
        "employer_name",
        "needs_note",
        "occupation_isco",
        "education",
    ):
        setattr(person, field, "")
    person.given_name = "Closed account"
    person.date_of_birth = date(1900, 1, 1)
    person.residence_since_date = person.residence_until_date = person.visa_expiry_date = None
    person.latitude = person.longitude = None
    for field in ("vuln_pregnancy", "vuln_disability", "vuln_chronic_illness", "vuln_minor", "vuln_elderly", "vuln_language"):
        setattr(person, field, False)
    person.status = PersonStatus.CLOSED
    person.closed_at = timezone.now()
    user = person.user
    person.user = None
    person.save()
    if user is not None:
        user.is_active = False
        user.email = user.mobile = ""
        user.email_index = user.mobile_index = None
        user.display_name = ""
        user.set_unusable_password()
        user.save()
    audit_record(actor=actor, action="registry.account_closed", target=person, source_ip=source_ip)
    return KEPT_AFTER_CLOSURE


# --- reference data ------------------------------------------------------------------------------------

NOTICE_DIR = __import__("pathlib").Path(__file__).resolve().parent / "notices"


@transaction.atomic
def privacy_notices_load(*, actor=None) -> int:
    """Publishes the privacy notices kept in the repository (idempotent: a known version is left alone)."""
    import yaml

    created = 0
    for path in sorted(NOTICE_DIR.glob("privacy-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _notice, was_created = PrivacyNotice.objects.get_or_create(
            version=str(data["version"]),
            defaults={
                "published_date": data["published_date"],
                "text_en": data["text_en"],
                "text_hi": data["text_hi"],
                "controller": data["controller"],
                "grievance_contact": data["grievance_contact"],
            },
        )
        if was_created:
            created += 1
            audit_record(actor=actor, action="registry.privacy_notice_published", target=_notice, summary={"version": _notice.version})
    return created

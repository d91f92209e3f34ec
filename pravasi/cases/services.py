"""Every write on cases: filing (routed to the right office, with its service level), the filer's
one-time status code, notes and messages, transfer, closure and reopening, and the escalation task.

Audit summaries name categories and offices, never the filer's or the person's details.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pravasi.accounts.models import Office, Organisation
from pravasi.accounts.roles import OfficeKind, OrganisationKind
from pravasi.audit.services import actor_label, audit_record
from pravasi.core import ratelimit
from pravasi.core.contacts import normalise_email, normalise_phone
from pravasi.core.errors import Conflict, NotFound, RateLimited, ValidationFailed
from pravasi.core.geography import COUNTRIES
from pravasi.core.validation import Collector
from pravasi.core.workflow import record_created, transition
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.messaging.services import message_enqueue
from pravasi.policy.selectors import policy
from pravasi.registry.models import Passport
from pravasi.registry.mrz import normalise_passport_number
from pravasi.registry.selectors import passport_index

from . import policies
from .models import Case, CaseAccessCode, CaseKind, CaseNote, CaseStatus, Channel, EventualityKind, Referral, ReferralBasis
from .workflow import CASE, FILER, HANDLER, REFERRAL

MAX_TEXT = 4000
CODE_MINUTES = 15
CODE_ATTEMPTS = 5
WRONG = "The tracking number or the code is not right."


def categories(on=None) -> dict[str, dict]:
    return {c["code"]: c for c in policy("GRIEVANCE_CATEGORIES", on=on)}


def _tracking_number() -> str:
    digits = f"{secrets.randbelow(10**12):012d}"
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def route(*, country: str, category: str, agent: Licence | None) -> Office:
    """A complaint against an agent goes to the PoE office that licensed it; anything else to the
    Mission for the country where the person is; what no office covers, to the PGE."""
    if category == "RECRUITING_AGENT" and agent is not None and agent.office_id:
        return agent.office
    for office in Office.objects.filter(kind=OfficeKind.MISSION).order_by("code"):
        if country in (office.countries or []):
            return office
    office = Office.objects.filter(kind=OfficeKind.PGE).first()
    if office is None:
        raise ValidationFailed(_("No office can take this case yet. Call the helpline."))
    return office


def sla_days(category: str) -> int:
    return int(categories().get(category, categories()["OTHER"])["sla_days"])


def rag(case: Case, now: datetime | None = None) -> str:
    """Red, amber or green from the case's age against its category's service level."""
    if case.status == CaseStatus.CLOSED:
        return "CLOSED"
    now = now or timezone.now()
    level = timedelta(days=sla_days(case.category))
    elapsed = now - (case.due_at - level)
    if case.escalation_level > 0 or elapsed >= level:
        return "RED"
    return "AMBER" if elapsed >= level / 2 else "GREEN"


def _clean_case(data: dict[str, Any], *, kind: str) -> dict[str, Any]:
    c = Collector(data)
    if kind == CaseKind.GRIEVANCE:
        c.choice("category", set(categories()), required=True, message=_("Choose what the grievance is about."))
    else:
        c.choice("eventuality", set(EventualityKind.values), required=True, message=_("Choose what happened."))
    c.choice("country", set(COUNTRIES) - {"IN"}, required=True, message=_("Choose the country where the person is."))
    c.text("filer_name", required=True, max_length=150)
    c.text("filer_relation", required=True, max_length=40)
    c.text("person_name", required=True, max_length=150)
    c.text("where", max_length=300)
    c.date("happened_date", past=True)
    c.text("description", required=True, max_length=MAX_TEXT)
    if c.cleaned.get("description") is not None and len(c.cleaned.get("description", "")) < 20:
        c.fail("description", _("Describe what happened in a few sentences (at least 20 characters)."))
    phone, email = str(data.get("filer_phone") or "").strip(), str(data.get("filer_email") or "").strip()
    if not phone and not email:
        c.fail("filer_phone", _("Give a mobile number or an e-mail address, so that the office can reach you and you can follow the case."))
    if phone:
        try:
            c.cleaned["filer_phone"] = normalise_phone(phone, field="filer_phone")
        except ValidationFailed as exc:
            c.errors.update(exc.fields)
    if email:
        try:
            c.cleaned["filer_email"] = normalise_email(email, field="filer_email")
        except ValidationFailed as exc:
            c.errors.update(exc.fields)
    passport = str(data.get("person_passport") or "").strip()
    if passport:
        try:
            c.cleaned["person_passport"] = normalise_passport_number(passport)
        except ValidationFailed as exc:
            c.fail("person_passport", exc.message or _("Check the passport number."))
    number = str(data.get("agent_number") or "").strip().upper()
    if number:
        agent = Licence.objects.filter(kind=LicenceKind.RC, number=number).first()
        if agent is None:
            c.fail("agent_number", _("No recruiting agent has this certificate number. Leave it empty if you do not know it."))
        c.cleaned["agent"] = agent
    return c.done()


@transaction.atomic
def case_file(*, actor, kind: str, data: dict[str, Any], channel: str = Channel.WEB, source_ip=None) -> Case:
    """A grievance or an eventuality, by anyone: the person, someone on their behalf, or a helpline agent."""
    if kind not in CaseKind.values:
        raise ValidationFailed.on("kind", _("Choose a grievance or a report of what happened."))
    cleaned = _clean_case(data, kind=kind)
    category = cleaned.get("category") or ("MORTAL_REMAINS" if cleaned.get("eventuality") == EventualityKind.DEATH else "OTHER")
    info = categories()[category]
    now = timezone.now()
    person = None
    if cleaned.get("person_passport"):
        found = Passport.objects.select_related("person").filter(number_index=passport_index(cleaned["person_passport"])).first()
        person = found.person if found else None  # never shown to the filer
    case = Case(
        kind=kind,
        category=category,
        eventuality=cleaned.get("eventuality", ""),
        channel=channel,
        priority=int(info["priority"]),
        office=route(country=cleaned["country"], category=category, agent=cleaned.get("agent")),
        country=cleaned["country"],
        due_at=now + timedelta(days=int(info["sla_days"])),
        filed_at=now,
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        filer_name=cleaned["filer_name"],
        filer_relation=cleaned["filer_relation"],
        filer_phone=cleaned.get("filer_phone", ""),
        filer_email=cleaned.get("filer_email", ""),
        person=person,
        person_name=cleaned["person_name"],
        person_passport=cleaned.get("person_passport", ""),
        where=cleaned.get("where", ""),
        happened_date=cleaned.get("happened_date"),
        description=cleaned["description"],
        agent=cleaned.get("agent"),
    )
    for _attempt in range(5):
        case.tracking_number = _tracking_number()
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            continue
    else:
        raise Conflict(_("Please try again."))
    record_created(obj=case, workflow=CASE, actor=actor, capacity=FILER)
    audit_record(actor=actor, action="cases.case.filed", target=case, summary={"kind": kind, "category": category, "office": case.office.code, "channel": channel, "matched": person is not None}, source_ip=source_ip)
    transaction.on_commit(lambda: _tell_filer(case, _("Your case %(number)s is registered with %(office)s. Keep this number to follow it.") % {"number": case.tracking_number, "office": case.office.name}, key="filed"))
    return case


def _tell_filer(case: Case, text: str, *, key: str) -> None:
    for channel, recipient in (("SMS", case.filer_phone), ("EMAIL", case.filer_email)):
        if recipient:
            message_enqueue(
                channel=channel,
                recipient=recipient,
                subject=_("Pravasi: case %(number)s") % {"number": case.tracking_number},
                body=str(text),
                purpose="cases.filer",
                idempotency_key="cases:" + hashlib.sha256(f"{case.id}:{key}:{channel}".encode()).hexdigest(),
            )


# --- the filer's status check ----------------------------------------------------------------------


def _code_hash(case_id, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{case_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _normalised(contact: str) -> str:
    contact = (contact or "").strip()
    try:
        return normalise_email(contact) if "@" in contact else normalise_phone(contact)
    except ValidationFailed:
        return ""


@transaction.atomic
def status_code_send(*, tracking_number: str, contact: str, source_ip=None) -> None:
    """Sends a one-time code to the filer's contact when the number and the contact match. The caller is
    told the same thing either way, so tracking numbers cannot be probed."""
    if not ratelimit.allow(f"case-code:{source_ip}", limit=10, window_seconds=600):
        raise RateLimited(_("Too many requests from this connection. Wait ten minutes and try again."))
    case = Case.objects.filter(tracking_number=(tracking_number or "").strip()).first()
    wanted = _normalised(contact)
    if case is None or not wanted or wanted not in (case.filer_phone, case.filer_email):
        return
    code = f"{secrets.randbelow(10**6):06d}"
    CaseAccessCode.objects.create(case=case, code_hash=_code_hash(case.id, code), expires_at=timezone.now() + timedelta(minutes=CODE_MINUTES))
    channel = "EMAIL" if "@" in wanted else "SMS"
    message_enqueue(channel=channel, recipient=wanted, subject=_("Pravasi: your code"), body=_("Your code to see case %(number)s is %(code)s. It expires in %(minutes)s minutes.") % {"number": case.tracking_number, "code": code, "minutes": CODE_MINUTES}, purpose="cases.code", idempotency_key=f"cases:code:{secrets.token_hex(16)}")


@transaction.atomic
def status_open(*, tracking_number: str, code: str, source_ip=None) -> Case:
    """The case, for its filer holding a valid code. Unknown numbers and wrong codes get the same answer."""
    if not ratelimit.allow(f"case-open:{source_ip}", limit=20, window_seconds=600):
        raise RateLimited(_("Too many tries from this connection. Wait ten minutes and try again."))
    case = Case.objects.filter(tracking_number=(tracking_number or "").strip()).first()
    if case is None:
        raise ValidationFailed(_(WRONG), code="wrong_code")
    now = timezone.now()
    record = CaseAccessCode.objects.select_for_update().filter(case=case, used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first()
    if record is None or record.attempts >= CODE_ATTEMPTS:
        raise ValidationFailed(_(WRONG), code="wrong_code")
    if not hmac.compare_digest(record.code_hash, _code_hash(case.id, (code or "").strip())):
        CaseAccessCode.objects.filter(id=record.id).update(attempts=record.attempts + 1)
        raise ValidationFailed(_(WRONG), code="wrong_code")
    record.used_at = now
    record.save(update_fields=["used_at", "updated_at"])
    return case


# --- handling ---------------------------------------------------------------------------------------


def case_for_handler(*, actor, case_id) -> Case:
    case = Case.objects.select_related("office").filter(id=case_id).first()
    if case is None or HANDLER not in policies.case_capacities(actor, case):
        raise NotFound(_("No such case, or it is not yours to handle."))
    return case


def _text(field: str, text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.on(field, message)
    if len(text) > MAX_TEXT:
        raise ValidationFailed.on(field, _("Use at most %(n)s characters.") % {"n": MAX_TEXT})
    return text


@transaction.atomic
def note_add(*, actor, case_id, text: str, shared: bool = False, source_ip=None) -> CaseNote:
    case = case_for_handler(actor=actor, case_id=case_id)
    note = CaseNote.objects.create(case=case, author=actor, author_label=actor_label(actor), text=_text("text", text, _("Write the note.")), shared=bool(shared))
    audit_record(actor=actor, action="cases.note_added", target=case, summary={"shared": note.shared}, source_ip=source_ip)
    if note.shared:
        transaction.on_commit(lambda: _tell_filer(case, _("There is news on your case %(number)s. Check its status with your number.") % {"number": case.tracking_number}, key=f"note:{note.id}"))
    return note


@transaction.atomic
def case_take_up(*, actor, case_id, source_ip=None) -> Case:
    case = case_for_handler(actor=actor, case_id=case_id)
    return transition(obj=case, workflow=CASE, target=CaseStatus.IN_PROGRESS, actor=actor, capacities=lambda locked: policies.case_capacities(actor, locked), expected=CaseStatus.OPEN, source_ip=source_ip)


@transaction.atomic
def case_transfer(*, actor, case_id, office_id, reason: str, source_ip=None) -> Case:
    case = case_for_handler(actor=actor, case_id=case_id)
    reason = _text("reason", reason, _("Give the reason for the transfer."))
    target = Office.objects.filter(id=office_id).exclude(kind=OfficeKind.OWRC).first()
    if target is None or target.id == case.office_id:
        raise ValidationFailed.on("office", _("Choose another Mission, PoE office or the PGE."))
    locked = Case.objects.select_for_update().get(id=case.id)
    if locked.status == CaseStatus.CLOSED:
        raise Conflict(_("A closed case is not transferred."))
    from_code = locked.office.code
    locked.office = target
    locked.save(update_fields=["office", "updated_at"])
    CaseNote.objects.create(case=locked, author=actor, author_label=actor_label(actor), text=_("Transferred from %(from)s: %(reason)s") % {"from": from_code, "reason": reason})
    audit_record(actor=actor, action="cases.transferred", target=locked, summary={"from": from_code, "to": target.code}, source_ip=source_ip)
    return locked


@transaction.atomic
def case_close(*, actor, case_id, resolution: str, expected: str | None = None, source_ip=None) -> Case:
    case = case_for_handler(actor=actor, case_id=case_id)
    resolution = _text("resolution", resolution, _("Say how the case was resolved; the filer reads it."))

    def record(locked):
        locked.resolution = resolution
        locked.closed_at = timezone.now()

    closed = transition(obj=case, workflow=CASE, target=CaseStatus.CLOSED, actor=actor, capacities=lambda locked: policies.case_capacities(actor, locked), expected=expected, apply=record, source_ip=source_ip)
    transaction.on_commit(lambda: _tell_filer(closed, _("Your case %(number)s is closed. Check its status with your number to read the resolution.") % {"number": closed.tracking_number}, key=f"closed:{closed.closed_at.timestamp()}"))
    return closed


@transaction.atomic
def case_rate(*, case: Case, rating: int) -> Case:
    """The filer's satisfaction, 1 to 5, once the case is closed (the caller has opened the case)."""
    if case.status != CaseStatus.CLOSED:
        raise Conflict(_("A case is rated once it is closed."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed.on("rating", _("Choose from 1 (not satisfied) to 5 (fully satisfied)."))
    Case.objects.filter(id=case.id).update(satisfaction=rating)
    case.satisfaction = rating
    return case


@transaction.atomic
def case_reopen(*, case: Case, reason: str, now: datetime | None = None) -> Case:
    """The filer asks to reopen a closed case within the policy window."""
    reason = _text("reason", reason, _("Say why the case should be reopened."))
    now = now or timezone.now()
    window = int(policy("CASE_REOPEN_WINDOW_DAYS"))
    if case.closed_at and now > case.closed_at + timedelta(days=window):
        raise ValidationFailed.on("reason", _("A case can be reopened within %(days)s days of its closure; file a new grievance instead.") % {"days": window})

    def record(locked):
        locked.reopened_count += 1
        locked.closed_at = None
        locked.escalation_level = 0
        locked.due_at = now + timedelta(days=sla_days(locked.category))

    return transition(obj=case, workflow=CASE, target=CaseStatus.IN_PROGRESS, actor=None, capacities={FILER}, expected=CaseStatus.CLOSED, note=reason, apply=record)


# --- escalation ---------------------------------------------------------------------------------------


def cases_escalate(*, now: datetime | None = None) -> int:
    """Moves every open case whose deadline passed one level up (welfare officer, deputy chief of
    mission, head of mission) and gives the new level a fresh deadline. Safe to rerun: a case is moved
    only when its current deadline has passed."""
    now = now or timezone.now()
    levels = list(policy("CASE_ESCALATION_LEVELS"))
    moved = 0
    for case_id in Case.objects.filter(status__in=[CaseStatus.OPEN, CaseStatus.IN_PROGRESS], due_at__lt=now, escalation_level__lt=len(levels) - 1).values_list("id", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(id=case_id)
            if case.due_at >= now or case.status == CaseStatus.CLOSED or case.escalation_level >= len(levels) - 1:
                continue
            case.escalation_level += 1
            case.due_at = now + timedelta(days=sla_days(case.category))
            case.save(update_fields=["escalation_level", "due_at", "updated_at"])
            level = levels[case.escalation_level]
            CaseNote.objects.create(case=case, author=None, author_label="system", text=_("Deadline passed: escalated to the %(level)s.") % {"level": level.replace("_", " ").lower()})
            audit_record(actor=None, action="cases.escalated", target=case, summary={"level": level, "office": case.office.code})
            if case.office.email:
                message_enqueue(
                    channel="EMAIL",
                    recipient=case.office.email,
                    subject=_("Pravasi: case %(number)s escalated") % {"number": case.tracking_number},
                    body=_("Case %(number)s passed its deadline and is escalated to the %(level)s.") % {"number": case.tracking_number, "level": level.replace("_", " ").lower()},
                    purpose="cases.escalation",
                    idempotency_key=f"cases:escalation:{case.id}:{case.escalation_level}",
                )
            moved += 1
    return moved


# --- referrals ---------------------------------------------------------------------------------------

SHAREABLE = {"person_name": "Name", "where": "Where the person is", "description": "What happened", "filer_phone": "Filer's phone", "country": "Country"}


def _consented(case: Case, partner_id) -> bool:
    from pravasi.registry.models import ConsentPurpose
    from pravasi.registry.selectors import consent_state

    if case.person is None:
        return False
    record = consent_state(case.person).get(f"{ConsentPurpose.PARTNER_SHARING}:{partner_id}")
    return bool(record and record.given)


@transaction.atomic
def referral_create(*, actor, case_id, partner_id, shared_fields: list[str], override_reason: str = "", source_ip=None) -> Referral:
    """Refers a case to a partner. Without the person's consent to share with that partner, only a
    recorded vital-interest override allows it; both are audited and shown on the case."""
    case = case_for_handler(actor=actor, case_id=case_id)
    partner = Organisation.objects.filter(id=partner_id, kind=OrganisationKind.PARTNER).first()
    if partner is None:
        raise ValidationFailed.on("partner", _("Choose a partner organisation."))
    fields = [f for f in shared_fields if f in SHAREABLE]
    if not fields or len(fields) != len(set(shared_fields)):
        raise ValidationFailed.on("shared_fields", _("Choose what to share, from the listed details only."))
    override_reason = (override_reason or "").strip()
    if _consented(case, partner.id):
        basis = ReferralBasis.CONSENT
    elif len(override_reason) >= 20:
        basis = ReferralBasis.VITAL_INTEREST
    else:
        raise ValidationFailed.on(
            "override_reason",
            _("The person has not consented to sharing with this partner. Refer only to protect their life or safety, and record why (at least 20 characters)."),
        )
    try:
        with transaction.atomic():
            referral = Referral.objects.create(case=case, partner=partner, basis=basis, override_reason=override_reason if basis == ReferralBasis.VITAL_INTEREST else "", shared_fields=fields, referred_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("This case is already referred to this partner.")) from exc
    CaseNote.objects.create(
        case=case,
        author=actor,
        author_label=actor_label(actor),
        text=_("Referred to %(partner)s (%(basis)s); shared: %(fields)s.") % {"partner": partner.name, "basis": ReferralBasis(basis).label, "fields": ", ".join(fields)}
        + (f" {_('Override')}: {override_reason}" if basis == ReferralBasis.VITAL_INTEREST else ""),
    )
    record_created(obj=referral, workflow=REFERRAL, actor=actor, capacity=HANDLER)
    audit_record(actor=actor, action="cases.referred", target=case, summary={"partner": str(partner.id), "basis": basis, "fields": fields}, source_ip=source_ip)
    return referral


def referrals_for_partner(*, actor):
    return Referral.objects.filter(partner_id__in=policies.partner_organisations(actor)).select_related("case")


@transaction.atomic
def referral_update(*, actor, referral_id, target: str, note: str = "", source_ip=None) -> Referral:
    referral = referrals_for_partner(actor=actor).filter(id=referral_id).first()
    if referral is None:
        raise NotFound(_("No such referral for your organisation."))

    def record(locked):
        locked.partner_note = (note or "").strip()[:MAX_TEXT]

    return transition(obj=referral, workflow=REFERRAL, target=target, actor=actor, capacities=lambda locked: policies.referral_capacities(actor, locked), note=note, apply=record, source_ip=source_ip)

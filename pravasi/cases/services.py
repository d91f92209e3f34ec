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
from pravasi.audit.services import actor_label, audit_record, pii_access_record
from pravasi.core import ratelimit, uploads
from pravasi.core.contacts import normalise_email, normalise_phone
from pravasi.core.errors import Conflict, NotAllowed, NotFound, RateLimited, ValidationFailed
from pravasi.core.geography import COUNTRIES
from pravasi.core.validation import Collector
from pravasi.core.workflow import record_created, transition
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.messaging.services import message_enqueue
from pravasi.policy.selectors import policy
from pravasi.registry.mrz import normalise_passport_number
from pravasi.registry.selectors import person_named_with_passport

from . import labels, policies
from .models import (
    AssistanceKind,
    Case,
    CaseAccessCode,
    CaseAssistance,
    CaseDocument,
    CaseKind,
    CaseNote,
    CaseStatus,
    Channel,
    ClaimKind,
    ClaimStatus,
    EventualityKind,
    NoteKind,
    PBBYClaim,
    Referral,
    ReferralBasis,
)
from .workflow import CASE, FILER, HANDLER, HELPLINE, REFERRAL

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


def sla_table() -> dict[str, int]:
    """Days per escalation level, by category (read once for a page of cases)."""
    return {code: int(item["sla_days"]) for code, item in categories().items()}


def sla_days(category: str, table: dict[str, int] | None = None) -> int:
    table = table or sla_table()
    return table.get(category, table["OTHER"])


def rag(case: Case, now: datetime | None = None, table: dict[str, int] | None = None) -> str:
    """Red, amber or green from the case's age against its category's service level."""
    if case.status == CaseStatus.CLOSED:
        return "CLOSED"
    now = now or timezone.now()
    level = timedelta(days=sla_days(case.category, table))
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
    number = str(data.get("employer_number") or "").strip().upper()
    if number:
        registration = Licence.objects.select_related("organisation").filter(kind=LicenceKind.FE, number=number).first()
        if registration is None:
            c.fail("employer_number", _("No foreign employer has this registration number. Leave it empty if you do not know it."))
        c.cleaned["employer"] = registration.organisation if registration else None
    return c.done()


def _check_attachments(files) -> list:
    """Checks the filer's attachments by content and size against the policy; names the file at fault."""
    rules = policy("CASE_ATTACHMENTS")
    files = [f for f in (files or []) if f]
    if len(files) > int(rules["max_files"]):
        raise ValidationFailed.on("attachments", _("Attach at most %(n)s files.") % {"n": rules["max_files"]})
    return [uploads.check_upload(f, field="attachments", allowed=list(rules["types"]), max_bytes=int(rules["max_bytes"])) for f in files]


def _attach(case: Case, checked: list, *, actor, from_filer: bool) -> None:
    for upload in checked:
        CaseDocument.objects.create(
            case=case,
            from_filer=from_filer,
            **uploads.stored_file_fields(upload, actor=actor),
        )


@transaction.atomic
def case_file(*, actor, kind: str, data: dict[str, Any], channel: str = Channel.WEB, files=None, source_ip=None) -> Case:
    """A grievance or an eventuality, by anyone: the person, someone on their behalf, or a helpline agent.
    Field errors and attachment errors are reported together; nothing is stored unless all pass."""
    if kind not in CaseKind.values:
        raise ValidationFailed.on("kind", _("Choose a grievance or a report of what happened."))
    if channel not in Channel.values:
        raise ValidationFailed.on("channel", _("Unknown channel."))
    if channel == Channel.HELPLINE and not policies.is_helpline_agent(actor):
        raise NotAllowed(_("Only helpline agents file cases for callers."))
    errors: dict[str, str] = {}
    try:
        cleaned = _clean_case(data, kind=kind)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        cleaned = {}
    try:
        checked = _check_attachments(files)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some answers need attention."), fields=errors)
    category = cleaned.get("category") or ("MORTAL_REMAINS" if cleaned.get("eventuality") == EventualityKind.DEATH else "OTHER")
    info = categories()[category]
    now = timezone.now()
    person = None
    if cleaned.get("person_passport"):
        person = person_named_with_passport(passport_number=cleaned["person_passport"], name=cleaned["person_name"])  # never shown to the filer
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
        # A helpline agent files for the caller: the agent is in the audit trail, the caller is the filer.
        filed_by=actor if getattr(actor, "is_authenticated", False) and channel != Channel.HELPLINE else None,
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
        employer=cleaned.get("employer"),
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
    _attach(case, checked, actor=actor, from_filer=True)
    record_created(obj=case, workflow=CASE, actor=actor, capacity=HELPLINE if channel == Channel.HELPLINE else FILER)
    audit_record(
        actor=actor,
        action="cases.case.filed",
        target=case,
        summary={"kind": kind, "category": category, "office": case.office.code, "channel": channel, "matched": person is not None, "attachments": len(checked)},
        source_ip=source_ip,
    )
    transaction.on_commit(
        lambda: _tell_filer(case, _("Your case %(number)s is registered with %(office)s. Keep this number to follow it.") % {"number": case.tracking_number, "office": case.office.name}, key="filed")
    )
    return case


def _tell_office(case: Case, text: str, *, key: str) -> None:
    if case.office.email:
        message_enqueue(
            channel="EMAIL",
            recipient=case.office.email,
            subject=_("Pravasi: case %(number)s") % {"number": case.tracking_number},
            body=str(text),
            purpose="cases.office",
            idempotency_key="cases:office:" + hashlib.sha256(f"{case.id}:{key}".encode()).hexdigest(),
        )


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
    # E-mail addresses are compared without regard to case: people type them differently each time.
    if case is None or not wanted or wanted.lower() not in (case.filer_phone, case.filer_email.lower()):
        return
    code = f"{secrets.randbelow(10**6):06d}"
    CaseAccessCode.objects.create(case=case, code_hash=_code_hash(case.id, code), expires_at=timezone.now() + timedelta(minutes=CODE_MINUTES))
    channel = "EMAIL" if "@" in wanted else "SMS"
    message_enqueue(
        channel=channel,
        recipient=case.filer_email if channel == "EMAIL" else case.filer_phone,
        subject=_("Pravasi: your code"),
        body=_("Your code to see case %(number)s is %(code)s. It expires in %(minutes)s minutes.") % {"number": case.tracking_number, "code": code, "minutes": CODE_MINUTES},
        purpose="cases.code",
        idempotency_key=f"cases:code:{secrets.token_hex(16)}",
    )


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


def case_view(*, actor, case_id, source_ip=None) -> Case:
    """The case with the filer's and the person's details, for the handling office and the PGE. Every view
    is in the audit trail, and on the person's access log when the case is linked to the registry."""
    case = case_for_handler(actor=actor, case_id=case_id)
    audit_record(actor=actor, action="cases.case.viewed", target=case, summary={"office": case.office.code}, source_ip=source_ip)
    if case.person_id:
        pii_access_record(actor=actor, person_id=case.person_id, purpose="case", source_ip=source_ip)
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
    note = CaseNote.objects.create(case=case, kind=NoteKind.NOTE, author=actor, author_label=actor_label(actor), text=_text("text", text, _("Write the note.")), shared=bool(shared))
    audit_record(actor=actor, action="cases.note_added", target=case, summary={"shared": note.shared}, source_ip=source_ip)
    if note.shared:
        transaction.on_commit(lambda: _tell_filer(case, _("There is news on your case %(number)s. Check its status with your number.") % {"number": case.tracking_number}, key=f"note:{note.id}"))
    return note


@transaction.atomic
def case_take_up(*, actor, case_id, source_ip=None) -> Case:
    case = case_for_handler(actor=actor, case_id=case_id)
    return transition(
        obj=case, workflow=CASE, target=CaseStatus.IN_PROGRESS, actor=actor, capacities=lambda locked: policies.case_capacities(actor, locked), expected=CaseStatus.OPEN, source_ip=source_ip
    )


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
    CaseNote.objects.create(case=locked, kind=NoteKind.SYSTEM, author=actor, author_label=actor_label(actor), text=_("Transferred from %(from)s: %(reason)s") % {"from": from_code, "reason": reason})
    audit_record(actor=actor, action="cases.transferred", target=locked, summary={"from": from_code, "to": target.code}, source_ip=source_ip)
    return locked


@transaction.atomic
def case_close(*, actor, case_id, resolution: str, expected: str | None = None, source_ip=None) -> Case:
    case = case_for_handler(actor=actor, case_id=case_id)
    resolution = _text("resolution", resolution, _("Say how the case was resolved; the filer reads it."))

    def record(locked):
        locked.resolution = resolution
        locked.closed_at = timezone.now()

    closed = transition(
        obj=case, workflow=CASE, target=CaseStatus.CLOSED, actor=actor, capacities=lambda locked: policies.case_capacities(actor, locked), expected=expected, apply=record, source_ip=source_ip
    )
    transaction.on_commit(
        lambda: _tell_filer(
            closed, _("Your case %(number)s is closed. Check its status with your number to read the resolution.") % {"number": closed.tracking_number}, key=f"closed:{closed.closed_at.timestamp()}"
        )
    )
    return closed


@transaction.atomic
def case_rate(*, case: Case, rating: int) -> Case:
    """The filer's satisfaction, 1 to 5, once the case is closed (the caller has opened the case)."""
    if case.status != CaseStatus.CLOSED:
        raise Conflict(_("A case is rated once it is closed."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed.on("rating", _("Choose from 1 (not satisfied) to 5 (fully satisfied)."))
    if not Case.objects.filter(id=case.id, satisfaction__isnull=True).update(satisfaction=rating):
        raise Conflict(_("This case is already rated. Thank you."))
    audit_record(actor=None, action="cases.rated", target=case, summary={"rating": rating})
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

    reopened = transition(obj=case, workflow=CASE, target=CaseStatus.IN_PROGRESS, actor=None, capacities={FILER}, expected=CaseStatus.CLOSED, note=reason, apply=record)
    CaseNote.objects.create(case=reopened, kind=NoteKind.FILER, author_label=_("The filer"), text=_("Asked to reopen: %(reason)s") % {"reason": reason}, shared=True)
    audit_record(actor=None, action="cases.reopened", target=reopened, summary={"office": reopened.office.code, "times": reopened.reopened_count})
    transaction.on_commit(lambda: _tell_office(reopened, _("The filer reopened case %(number)s.") % {"number": reopened.tracking_number}, key=f"reopen:{reopened.reopened_count}"))
    return reopened


@transaction.atomic
def filer_message_send(*, actor, case_id, text: str, source_ip=None) -> CaseNote:
    """A message to the filer: kept on the case (the filer reads it on the status page) and sent by SMS and e-mail."""
    case = case_for_handler(actor=actor, case_id=case_id)
    text = _text("text", text, _("Write the message."))
    note = CaseNote.objects.create(case=case, kind=NoteKind.MESSAGE, author=actor, author_label=actor_label(actor), text=text, shared=True)
    audit_record(actor=actor, action="cases.filer_messaged", target=case, summary={"office": case.office.code}, source_ip=source_ip)
    transaction.on_commit(lambda: _tell_filer(case, _("Message on your case %(number)s: %(text)s") % {"number": case.tracking_number, "text": text}, key=f"message:{note.id}"))
    return note


@transaction.atomic
def filer_info_add(*, actor, case: Case, text: str, files=None, source_ip=None) -> CaseNote:
    """The filer adds information (and attachments) to a case they have opened with their code or own."""
    errors: dict[str, str] = {}
    try:
        text = _text("text", text, _("Write what you want to add."))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        checked = _check_attachments(files)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some answers need attention."), fields=errors)
    locked = Case.objects.select_for_update().get(id=case.id)
    note = CaseNote.objects.create(case=locked, kind=NoteKind.FILER, author=actor if getattr(actor, "is_authenticated", False) else None, author_label=_("The filer"), text=text, shared=True)
    _attach(locked, checked, actor=actor, from_filer=True)
    audit_record(actor=actor, action="cases.filer_added_info", target=locked, summary={"attachments": len(checked)}, source_ip=source_ip)
    transaction.on_commit(lambda: _tell_office(locked, _("The filer added information to case %(number)s.") % {"number": locked.tracking_number}, key=f"info:{note.id}"))
    return note


def case_document_for(*, actor, document_id, source_ip=None) -> CaseDocument:
    """An attachment, for the handling office; every reading is audited, and logged on the person when linked."""
    document = CaseDocument.objects.select_related("case").filter(id=document_id).first()
    if document is None or HANDLER not in policies.case_capacities(actor, document.case):
        raise NotFound(_("No such document, or it is not yours to read."))
    audit_record(actor=actor, action="cases.document_read", target=document.case, summary={"document": str(document.id)}, source_ip=source_ip)
    if document.case.person_id:
        pii_access_record(actor=actor, person_id=document.case.person_id, purpose="case-document", source_ip=source_ip)
    return document


# --- eventualities: verification, assistance, family, PBBY claims -----------------------------------


@transaction.atomic
def eventuality_verify(*, actor, case_id, note: str, source_ip=None) -> Case:
    """The Mission confirms what was reported (with how it was confirmed)."""
    case = case_for_handler(actor=actor, case_id=case_id)
    if case.kind != CaseKind.EVENTUALITY:
        raise Conflict(_("Only a reported eventuality is verified."))
    note = _text("note", note, _("Say how the report was confirmed (hospital, police, employer, family)."))
    updated = Case.objects.filter(id=case.id, verified_at__isnull=True).update(verified_at=timezone.now(), verified_by=actor)
    if not updated:
        raise Conflict(_("This report is already verified."))
    CaseNote.objects.create(case=case, kind=NoteKind.NOTE, author=actor, author_label=actor_label(actor), text=_("Verified: %(note)s") % {"note": note})
    audit_record(actor=actor, action="cases.eventuality_verified", target=case, summary={"office": case.office.code}, source_ip=source_ip)
    case.refresh_from_db()
    return case


@transaction.atomic
def assistance_record(*, actor, case_id, data: dict[str, Any], source_ip=None) -> CaseAssistance:
    case = case_for_handler(actor=actor, case_id=case_id)
    c = Collector(data)
    c.choice("kind", set(AssistanceKind.values), required=True, message=_("Choose the kind of assistance."))
    c.date("provided_date", required=True, past=True)
    c.decimal("amount_inr")
    c.text("detail", required=True, max_length=MAX_TEXT)
    cleaned = c.done()
    item = CaseAssistance.objects.create(case=case, kind=cleaned["kind"], provided_date=cleaned["provided_date"], amount_inr=cleaned.get("amount_inr"), detail=cleaned["detail"], recorded_by=actor)
    audit_record(
        actor=actor, action="cases.assistance_recorded", target=case, summary={"kind": item.kind, "amount_inr": str(item.amount_inr) if item.amount_inr is not None else None}, source_ip=source_ip
    )
    return item


def emergency_contacts_for(*, actor, case: Case) -> list:
    """The person's emergency contacts from the registry, for the handling office (logged as an access)."""
    if HANDLER not in policies.case_capacities(actor, case) or case.person_id is None:
        return []
    contacts = list(case.person.emergency_contacts.all().order_by("created_at"))
    if contacts:
        pii_access_record(actor=actor, person_id=case.person_id, purpose="case-emergency-contacts")
    return contacts


@transaction.atomic
def family_informed_record(*, actor, case_id, whom: str, note: str, source_ip=None) -> CaseNote:
    """Keeping the family informed: who was told what, and when (kept on the case, internal)."""
    case = case_for_handler(actor=actor, case_id=case_id)
    whom = _text("whom", whom, _("Say whom you informed (name and relation)."))[:150]
    note = _text("note", note, _("Say what the family was told."))
    entry = CaseNote.objects.create(case=case, kind=NoteKind.FAMILY, author=actor, author_label=actor_label(actor), text=f"{whom}: {note}")
    audit_record(actor=actor, action="cases.family_informed", target=case, summary={"office": case.office.code}, source_ip=source_ip)
    return entry


def pbby_policies_for(case: Case):
    """The person's PBBY policies a claim can be made on (active or lapsed after the event, not cancelled)."""
    from pravasi.clearance.models import PBBYPolicy, PolicyStatus

    if case.person_id is None:
        return PBBYPolicy.objects.none()
    return PBBYPolicy.objects.filter(person_id=case.person_id).exclude(status=PolicyStatus.CANCELLED).select_related("insurer")


@transaction.atomic
def pbby_claim_start(*, actor, case_id, policy_id, kind: str, source_ip=None) -> PBBYClaim:
    """Starts a claim with the insurer on a policy the person held when the event happened; the insurer's
    staff are told in their own language."""
    from pravasi.accounts.models import Membership
    from pravasi.messaging.services import message_to_users

    case = case_for_handler(actor=actor, case_id=case_id)
    if kind not in ClaimKind.values:
        raise ValidationFailed.on("kind", _("Choose what the claim is for."))
    held = pbby_policies_for(case).filter(id=policy_id).first()
    if held is None:
        raise ValidationFailed.on("policy", _("Choose one of the person's PBBY policies."))
    event_date = case.happened_date or case.filed_at.date()
    if not held.valid_from_date <= event_date <= held.valid_to_date:
        raise ValidationFailed.on("policy", _("The policy did not cover %(date)s, when this happened.") % {"date": event_date.isoformat()})
    try:
        with transaction.atomic():
            claim = PBBYClaim.objects.create(case=case, policy=held, kind=kind, started_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("This claim is already started.")) from exc
    CaseNote.objects.create(
        case=case,
        kind=NoteKind.SYSTEM,
        author=actor,
        author_label=actor_label(actor),
        text=_("PBBY claim (%(kind)s) started with %(insurer)s on policy %(number)s.") % {"kind": ClaimKind(kind).label, "insurer": held.insurer.name, "number": held.number},
    )
    audit_record(actor=actor, action="cases.pbby_claim_started", target=case, summary={"policy": held.number, "kind": kind, "insurer": str(held.insurer_id)}, source_ip=source_ip)
    staff = [m.user for m in Membership.objects.select_related("user").filter(organisation_id=held.insurer_id, is_active=True)]

    def compose():
        return _("Pravasi: PBBY claim on policy %(number)s") % {"number": held.number}, _(
            "A claim (%(kind)s) was started on policy %(number)s by %(office)s. Open the claims list in the workspace."
        ) % {"kind": ClaimKind(kind).label, "number": held.number, "office": case.office.name}

    transaction.on_commit(lambda: message_to_users(users=staff, compose=compose, purpose="cases.pbby_claim", key=f"pbby-claim:{claim.id}"))
    return claim


def claims_for_insurer(*, actor):
    from pravasi.clearance.policies import insurer_of

    insurer = insurer_of(actor)
    if insurer is None:
        return PBBYClaim.objects.none()
    return PBBYClaim.objects.filter(policy__insurer=insurer).select_related("policy", "case")


@transaction.atomic
def pbby_claim_decide(*, actor, claim_id, outcome: str, note: str, amount_inr=None, source_ip=None) -> PBBYClaim:
    """The insurer settles or rejects a claim, with a note the handling office reads."""
    claim = claims_for_insurer(actor=actor).filter(id=claim_id).first()
    if claim is None:
        raise NotFound(_("No such claim for your company."))
    if outcome not in (ClaimStatus.SETTLED, ClaimStatus.REJECTED):
        raise ValidationFailed.on("outcome", _("Choose settled or rejected."))
    c = Collector({"note": note, "amount_inr": amount_inr})
    c.text("note", required=True, max_length=MAX_TEXT)
    c.decimal("amount_inr", required=outcome == ClaimStatus.SETTLED)
    cleaned = c.done()
    updated = PBBYClaim.objects.filter(id=claim.id, status=ClaimStatus.STARTED).update(status=outcome, insurer_note=cleaned["note"], amount_inr=cleaned.get("amount_inr"), updated_at=timezone.now())
    if not updated:
        raise Conflict(_("This claim is already decided."))
    audit_record(actor=actor, action="cases.pbby_claim_decided", target=claim.case, summary={"outcome": outcome}, source_ip=source_ip)
    claim.refresh_from_db()
    transaction.on_commit(
        lambda: _tell_office(
            claim.case,
            _("The insurer decided the PBBY claim on case %(number)s: %(outcome)s.") % {"number": claim.case.tracking_number, "outcome": ClaimStatus(outcome).label},
            key=f"claim:{claim.id}",
        )
    )
    return claim


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
            CaseNote.objects.create(
                case=case, kind=NoteKind.SYSTEM, author=None, author_label="system", text=_("Deadline passed: escalated to the %(level)s.") % {"level": level.replace("_", " ").lower()}
            )
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

SHAREABLE = labels.SHAREABLE


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
            referral = Referral.objects.create(
                case=case, partner=partner, basis=basis, override_reason=override_reason if basis == ReferralBasis.VITAL_INTEREST else "", shared_fields=fields, referred_by=actor
            )
    except IntegrityError as exc:
        raise Conflict(_("This case is already referred to this partner.")) from exc
    CaseNote.objects.create(
        case=case,
        kind=NoteKind.SYSTEM,
        author=actor,
        author_label=actor_label(actor),
        text=_("Referred to %(partner)s (%(basis)s); shared: %(fields)s.") % {"partner": partner.name, "basis": ReferralBasis(basis).label, "fields": ", ".join(fields)}
        + (f" {_('Override')}: {override_reason}" if basis == ReferralBasis.VITAL_INTEREST else ""),
    )
    record_created(obj=referral, workflow=REFERRAL, actor=actor, capacity=HANDLER)
    audit_record(actor=actor, action="cases.referred", target=case, summary={"partner": str(partner.id), "basis": basis, "fields": fields}, source_ip=source_ip)
    return referral


def referrals_for_partner(*, actor):
    return Referral.objects.filter(partner_id__in=policies.partner_organisations(actor)).select_related("case", "case__office")


def referral_view(*, actor, referral_id, source_ip=None) -> tuple[Referral, list[tuple[str, str]]]:
    """A referral for the partner it was sent to, with only the details that were shared (field, value).
    Each reading is audited, and logged on the person when the case is linked to the registry."""
    referral = referrals_for_partner(actor=actor).filter(id=referral_id).first()
    if referral is None:
        raise NotFound(_("No such referral for your organisation."))
    shared = [(field, getattr(referral.case, field, "") or "") for field in referral.shared_fields if field in SHAREABLE]
    audit_record(actor=actor, action="cases.referral_viewed", target=referral.case, summary={"referral": str(referral.id), "fields": [f for f, _v in shared]}, source_ip=source_ip)
    if referral.case.person_id:
        pii_access_record(actor=actor, person_id=referral.case.person_id, purpose="referral", source_ip=source_ip)
    return referral, shared


@transaction.atomic
def referral_update(*, actor, referral_id, target: str, note: str = "", source_ip=None) -> Referral:
    referral = referrals_for_partner(actor=actor).filter(id=referral_id).first()
    if referral is None:
        raise NotFound(_("No such referral for your organisation."))

    def record(locked):
        locked.partner_note = (note or "").strip()[:MAX_TEXT]

    return transition(obj=referral, workflow=REFERRAL, target=target, actor=actor, capacities=lambda locked: policies.referral_capacities(actor, locked), note=note, apply=record, source_ip=source_ip)

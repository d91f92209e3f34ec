"""Every write in licensing: applications and their scrutiny and decision, certificates and their
renewal, orders, appeals, branches, bank guarantees, documents, the blacklist, illegal agents,
insurers, and the scheduled expiry and reminders.

Status changes go through core.workflow.transition (checked, locked, timed, audited); each one
tells the applicant by e-mail and SMS through the outbox once the transaction commits.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pravasi.accounts.models import Membership, Office, Organisation
from pravasi.accounts.roles import OfficeKind, OrganisationKind, Role
from pravasi.accounts.services import partner_applicant_create
from pravasi.audit.services import audit_record
from pravasi.core import uploads
from pravasi.core.dates import add_months
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.numbering import next_number
from pravasi.core.validation import Collector
from pravasi.core.workflow import SYSTEM, record_created, transition
from pravasi.messaging.services import message_enqueue, message_to_users
from pravasi.policy.selectors import policy

from . import policies, selectors
from .models import (
    Appeal,
    AppealStatus,
    Application,
    ApplicationKind,
    ApplicationStatus,
    BankGuarantee,
    BlacklistEntry,
    Branch,
    BranchStatus,
    Director,
    Document,
    DocumentKind,
    IllegalAgent,
    Licence,
    LicenceKind,
    LicenceOrder,
    LicenceStatus,
    OrderKind,
    PoliceReport,
    Reminder,
)
from .validation import clean_bank_guarantee, clean_business, clean_directors, clean_documents, clean_fee, merge_errors
from .workflow import APPEAL, APPELLATE, APPLICANT, BRANCH, DECIDER, LICENCE, REGISTRAR, SCRUTINISER, application_workflow

ORG_KIND = {
    ApplicationKind.RC_NEW: (OrganisationKind.RA, Role.RA_STAFF),
    ApplicationKind.FE_REGISTRATION: (OrganisationKind.FE, Role.FE_STAFF),
    ApplicationKind.PE_ACCREDITATION: (OrganisationKind.PE, Role.PE_STAFF),
}
CHECKLIST = {
    "incorporation": gettext_lazy("Incorporation or registration documents verified"),
    "premises": gettext_lazy("Office premises adequate (area, facilities for interviews and records)"),
    "directors": gettext_lazy("Identity and address of directors or partners verified"),
    "security": gettext_lazy("Bank guarantee verified with the issuing bank"),
    "fee": gettext_lazy("Fee credited"),
}
MIN_ORDER_TEXT = 20


def _today() -> date:
    return timezone.localdate()


# --- routing and numbers -----------------------------------------------------------------------------


def _office(kind: str, *, state: str = "", country: str = "") -> Office | None:
    for office in Office.objects.filter(kind=kind).order_by("code"):
        if kind == OfficeKind.PGE or (state and state in (office.states or [])) or (country and country in (office.countries or [])):
            return office
    return None


def route(kind: str, *, state: str = "", country: str = "") -> Office:
    """The office that scrutinises an application: the PoE holding the premises' state, the Mission
    holding the employer's country, the PGE for project exporters."""
    if kind in (ApplicationKind.RC_NEW, ApplicationKind.RC_RENEWAL):
        office = _office(OfficeKind.POE, state=state)
        if office is None:
            raise ValidationFailed.on("premises_state", _("No Protector of Emigrants office covers this state yet. Call the helpline."))
    elif kind == ApplicationKind.FE_REGISTRATION:
        office = _office(OfficeKind.MISSION, country=country)
        if office is None:
            raise ValidationFailed.on("country", _("No Indian Mission registers employers from this country in Pravasi yet."))
    else:
        office = _office(OfficeKind.PGE)
        if office is None:
            raise ValidationFailed(_("The Protector General of Emigrants' office is not set up."))
    return office


def _reference() -> str:
    year = _today().year
    return f"LA-{year}-{next_number(f'licensing.application.{year}'):06d}"


def licence_number(kind: str, *, state: str = "", country: str = "") -> str:
    """Stable formats: B-00042/KL/2026 (certificate), FE/AE/2026/00007, PE/2026/0003, INS/004."""
    year = _today().year
    if kind == LicenceKind.RC:
        return f"B-{next_number('licensing.rc'):05d}/{state.removeprefix('IN-')}/{year}"
    if kind == LicenceKind.FE:
        return f"FE/{country}/{year}/{next_number(f'licensing.fe.{country}'):05d}"
    if kind == LicenceKind.PE:
        return f"PE/{year}/{next_number('licensing.pe'):04d}"
    return f"INS/{next_number('licensing.insurer'):03d}"


def rc_term_end(start: date, on: date | None = None) -> date:
    return add_months(start, 12 * int(policy("RA_VALIDITY_YEARS", on=on or start))) - timedelta(days=1)


# --- notifications -----------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Outbox idempotency keys have a fixed width; the readable key is hashed into it."""
    return "licensing:" + hashlib.sha256(text.encode()).hexdigest()


def _notify_organisation(organisation: Organisation, *, key: str, compose, purpose: str) -> None:
    users = [m.user for m in Membership.objects.filter(organisation=organisation, is_active=True).select_related("user")]
    message_to_users(users=users, compose=compose, purpose=purpose, key=key)


def _notify_office(office: Office | None, *, key: str, compose, purpose: str) -> None:
    if office is not None and office.email:
        subject, body = compose()
        message_enqueue(channel="EMAIL", recipient=office.email, subject=str(subject), body=str(body), purpose=purpose, idempotency_key=_key(f"{key}:office"))


def _tell_applicant(application: Application, status_change_key: str) -> None:
    _notify_organisation(
        application.organisation,
        key=f"licensing.application:{application.id}:{status_change_key}",
        compose=lambda: (
            _("Pravasi: application %(ref)s") % {"ref": application.reference},
            _("Your application %(ref)s (%(kind)s) is now: %(status)s. Sign in to the Pravasi workspace to see the details and the timeline.")
            % {"ref": application.reference, "kind": ApplicationKind(application.kind).label, "status": ApplicationStatus(application.status).label},
        ),
        purpose="licensing.application_status",
    )


def _tell_holder(licence: Licence, key: str) -> None:
    _notify_organisation(
        licence.organisation,
        key=f"licensing.licence:{licence.id}:{key}",
        compose=lambda: (
            _("Pravasi: certificate %(number)s") % {"number": licence.number},
            _("The status of %(number)s is now: %(status)s. Sign in to the Pravasi workspace to read the order.") % {"number": licence.number, "status": LicenceStatus(licence.status).label},
        ),
        purpose="licensing.licence_status",
    )


def _after_commit(call) -> None:
    transaction.on_commit(call)


# --- documents ---------------------------------------------------------------------------------------


def _store_documents(*, organisation: Organisation, application: Application | None, checked, actor, internal: bool = False) -> list[Document]:
    stored = []
    for kind, upload in checked:
        stored.append(
            Document.objects.create(
                organisation=organisation,
                application=application,
                kind=kind,
                **uploads.stored_file_fields(upload, actor=actor),
                internal=internal,
            )
        )
    return stored


@transaction.atomic
def document_add(*, actor, application_id, kind: str, uploaded, source_ip: str | None = None) -> Document:
    """The applicant adds a document to an open application; an official adds an inspection or site-visit report."""
    application = selectors.application_for(actor=actor, application_id=application_id)
    held = policies.application_capacities(actor, application)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.SCRUTINY, ApplicationStatus.DEFICIENCY, ApplicationStatus.FORWARDED):
        raise Conflict(_("This application is closed; documents can no longer be added."))
    if kind not in DocumentKind.values:
        raise ValidationFailed.on("kind", _("Choose what this document is."))
    official = bool(held & {SCRUTINISER, DECIDER})
    if not official and APPLICANT not in held:
        raise NotAllowed(_("You may not add documents to this application."))
    rules = policy("DOCUMENT_UPLOAD")
    checked = uploads.check_upload(uploaded, field="file", allowed=list(rules["types"]), max_bytes=int(rules["max_bytes"]))
    (document,) = _store_documents(organisation=application.organisation, application=application, checked=[(kind, checked)], actor=actor, internal=official and kind == DocumentKind.SITE_VISIT)
    audit_record(actor=actor, action="licensing.document_added", target=application, summary={"kind": kind, "size": checked.size}, source_ip=source_ip)
    return document


def document_bytes(*, actor, document_id, source_ip: str | None = None) -> tuple[Document, bytes]:
    document = selectors.document_for(actor=actor, document_id=document_id)
    audit_record(actor=actor, action="licensing.document_read", target=document, summary={"kind": document.kind}, source_ip=source_ip)
    return document, uploads.read_stored(document.storage_name)


# --- applying ----------------------------------------------------------------------------------------


def _applicant_organisation(actor, kind: str) -> Organisation | None:
    org_kind, _role = ORG_KIND[kind]
    for org in policies.organisations_of(actor):
        if org.kind == org_kind:
            return org
    return None


def _clean_account(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector(data)
    c.name("contact_name", required=True)
    for field in ("contact_email", "contact_mobile", "password"):
        if not str(data.get(field) or "").strip():
            c.fail(field, _("This is required."))
    return c.done()


@transaction.atomic
def application_submit(*, actor, kind: str, data: dict[str, Any], files: dict[str, Any], language: str = "en", source_ip: str | None = None) -> Application:
    """A new certificate, employer registration or exporter accreditation. A first-time applicant also
    opens an account (contact name, e-mail, mobile, password) for the partner workspace."""
    if kind not in ORG_KIND:
        raise ValidationFailed.on("kind", _("Choose what you are applying for."))
    today = _today()
    organisation = _applicant_organisation(actor, kind) if getattr(actor, "is_authenticated", False) else None
    if organisation is not None and Licence.objects.filter(organisation=organisation, kind=ORG_KIND[kind][0]).exists():
        raise Conflict(_("Your organisation already holds this registration. Apply for renewal from your certificate instead."))
    if organisation is not None and Application.objects.filter(organisation=organisation, kind=kind, status__in=["SUBMITTED", "SCRUTINY", "DEFICIENCY", "FORWARDED"]).exists():
        raise Conflict(_("Your organisation already has an application of this kind in progress."))
    is_rc = kind == ApplicationKind.RC_NEW
    calls = [lambda: clean_business(data, kind=kind)]
    if kind != ApplicationKind.FE_REGISTRATION:
        calls.append(lambda: clean_directors(data))
    if is_rc:
        calls += [lambda: clean_fee(data, on=today), lambda: clean_bank_guarantee(data, on=today, term_end=rc_term_end(today))]
    calls.append(lambda: clean_documents(files, kind=kind, on=today))
    if organisation is None:
        calls.append(lambda: _clean_account(data))
    results = merge_errors(*calls)
    business = results[0]
    directors = results[1] if kind != ApplicationKind.FE_REGISTRATION else []
    fee = results[2] if is_rc else {}
    guarantee = results[3] if is_rc else None
    documents = results[-2] if organisation is None else results[-1]
    office = route(kind, state=business.get("premises_state", ""), country=business.get("country", ""))

    created_account = organisation is None
    if created_account:
        org_kind, role = ORG_KIND[kind]
        organisation = Organisation.objects.create(kind=org_kind, name=business["organisation_name"], country=business.get("country", "IN"), registration_number=business.get("company_registration", ""))
        actor = partner_applicant_create(
            organisation=organisation,
            role=role,
            display_name=data.get("contact_name", ""),
            email=data.get("contact_email", ""),
            mobile=data.get("contact_mobile", ""),
            password=data.get("password", ""),
            language=language,
            source_ip=source_ip,
        )
    application = Application.objects.create(
        reference=_reference(),
        kind=kind,
        organisation=organisation,
        office=office,
        submitted_by=actor,
        submitted_at=timezone.now(),
        legal_form=business.get("legal_form", ""),
        company_registration=business.get("company_registration", ""),
        premises_address=business.get("premises_address", business.get("employer_address", "")),
        premises_state=business.get("premises_state", ""),
        premises_city=business.get("premises_city", ""),
        premises_pin=business.get("premises_pin", ""),
        project_description=business.get("project_description", ""),
        employer_type=business.get("employer_type", ""),
        employer_address=business.get("employer_address", ""),
        undertakings_accepted_at=timezone.now() if business.get("undertakings") else None,
        security_track=guarantee["security_track"] if guarantee else "",
        expected_workers=guarantee.get("expected_workers") if guarantee else None,
        fee_amount_inr=fee.get("fee_amount"),
        fee_reference=fee.get("fee_reference", ""),
        fee_paid_date=fee.get("fee_paid_date"),
    )
    for row in directors:
        Director.objects.create(application=application, **row)
    if guarantee:
        _guarantee_create(organisation=organisation, application=application, cleaned=guarantee)
    _store_documents(organisation=organisation, application=application, checked=documents, actor=actor)
    workflow = application_workflow(application)
    record_created(obj=application, workflow=workflow, actor=actor, capacity=APPLICANT)
    audit_record(actor=actor, action=f"{workflow.name}.submitted", target=application, summary={"kind": kind, "office": office.code, "new_account": created_account}, source_ip=source_ip)
    _after_commit(lambda: _tell_applicant(application, "submitted"))
    return application


def _guarantee_create(*, organisation, cleaned, application=None, licence=None) -> BankGuarantee:
    try:
        with transaction.atomic():
            return BankGuarantee.objects.create(
                organisation=organisation,
                application=application,
                licence=licence,
                track=cleaned["security_track"],
                bank_code=cleaned["bank_code"],
                bank_name=policy_bank_name(cleaned["bank_code"]),
                number=cleaned["bank_guarantee_number"],
                amount_inr=cleaned["bank_guarantee_amount"],
                valid_from_date=cleaned["bank_guarantee_valid_from"],
                valid_to_date=cleaned["bank_guarantee_valid_to"],
            )
    except IntegrityError as exc:
        raise ValidationFailed.on("bank_guarantee_number", _("This guarantee is already lodged with another application or certificate.")) from exc


def policy_bank_name(code: str) -> str:
    from .validation import banks

    return banks().get(code, code)


def renewal_window(licence: Licence) -> tuple[date, date]:
    """(first day a renewal is taken, last day it is on time)."""
    opens = add_months(licence.valid_to_date, -int(policy("RA_RENEWAL_OPENS_MONTHS")))
    deadline = add_months(licence.valid_to_date, -int(policy("RA_RENEWAL_WINDOW_MONTHS")))
    return opens, deadline


@transaction.atomic
def renewal_apply(*, actor, licence_id, data: dict[str, Any], files: dict[str, Any], source_ip: str | None = None) -> Application:
    licence = Licence.objects.select_for_update().filter(id=selectors.licence_for(actor=actor, licence_id=licence_id).id).get()
    if APPLICANT not in policies.licence_capacities(actor, licence):
        raise NotAllowed(_("Only the holder can apply to renew this certificate."))
    if licence.kind != LicenceKind.RC:
        raise ValidationFailed(_("Only recruiting agents' certificates are renewed this way."))
    if licence.status != LicenceStatus.ACTIVE:
        raise Conflict(_("A certificate that is %(status)s cannot be renewed.") % {"status": LicenceStatus(licence.status).label.lower()})
    if Application.objects.filter(licence=licence, kind=ApplicationKind.RC_RENEWAL, status__in=["SUBMITTED", "SCRUTINY", "DEFICIENCY", "FORWARDED"]).exists():
        raise Conflict(_("A renewal of this certificate is already in progress."))
    today = _today()
    opens, deadline = renewal_window(licence)
    late_cause = str(data.get("late_cause") or "").strip()
    if today < opens:
        raise ValidationFailed(_("Renewal opens on %(date)s.") % {"date": opens.isoformat()}, fields={"late_cause": [_("Renewal opens on %(date)s.") % {"date": opens.isoformat()}]})
    if today > licence.valid_to_date:
        raise ValidationFailed(_("This certificate expired on %(date)s; apply for a new certificate instead.") % {"date": licence.valid_to_date.isoformat()})
    late = today > deadline
    if late and not late_cause:
        message = _("The request is late: renewals are due by %(date)s, three months before expiry. State the cause of the delay; the PGE decides whether to accept it.") % {"date": deadline.isoformat()}
        raise ValidationFailed(message, fields={"late_cause": [message]})
    if len(late_cause) > 2000:
        raise ValidationFailed.on("late_cause", _("Use at most 2000 characters."))
    new_end = rc_term_end(licence.valid_to_date + timedelta(days=1))
    current = licence.bank_guarantees.filter(released_at__isnull=True).order_by("-valid_to_date").first()
    fee, guarantee, documents = merge_errors(
        lambda: clean_fee(data, on=today),
        lambda: clean_bank_guarantee(data, on=today, term_end=new_end, required=current is None or current.valid_to_date < new_end),
        lambda: clean_documents(files, kind=ApplicationKind.RC_RENEWAL, on=today),
    )
    if guarantee is None and (current is None or current.valid_to_date < new_end):
        raise ValidationFailed.on("bank_code", _("The current guarantee ends before the renewed term would (%(date)s): lodge a new one.") % {"date": new_end.isoformat()})
    application = Application.objects.create(
        reference=_reference(),
        kind=ApplicationKind.RC_RENEWAL,
        organisation=licence.organisation,
        office=licence.office or route(ApplicationKind.RC_RENEWAL, state=licence.premises_state),
        licence=licence,
        submitted_by=actor,
        submitted_at=timezone.now(),
        premises_address=licence.premises_address,
        premises_state=licence.premises_state,
        premises_city=licence.premises_city,
        security_track=guarantee["security_track"] if guarantee else (current.track if current else ""),
        fee_amount_inr=fee["fee_amount"],
        fee_reference=fee["fee_reference"],
        fee_paid_date=fee["fee_paid_date"],
        late_cause=late_cause if late else "",
    )
    if guarantee:
        _guarantee_create(organisation=licence.organisation, application=application, cleaned=guarantee)
    _store_documents(organisation=licence.organisation, application=application, checked=documents, actor=actor)
    record_created(obj=application, workflow=application_workflow(application), actor=actor, capacity=APPLICANT, note=late_cause if late else "")
    audit_record(actor=actor, action="licensing.rc_application.submitted", target=application, summary={"kind": "RC_RENEWAL", "late": late}, source_ip=source_ip)
    _after_commit(lambda: _tell_applicant(application, "submitted"))
    return application


# --- scrutiny and decision ---------------------------------------------------------------------------


def _move(*, actor, application_id, target: str, expected: str | None, note: str = "", internal_note: str = "", apply=None, summary=None, source_ip=None) -> Application:
    application = selectors.application_for(actor=actor, application_id=application_id)
    moved = transition(
        obj=application,
        workflow=application_workflow(application),
        target=target,
        actor=actor,
        capacities=lambda locked: policies.application_capacities(actor, locked),
        expected=expected,
        note=note,
        internal_note=internal_note,
        apply=apply,
        summary=summary,
        source_ip=source_ip,
    )
    key = f"{target}:{timezone.now().timestamp():.6f}"
    _after_commit(lambda: _tell_applicant(moved, key))
    return moved


def _need_text(field: str, text: str, message: str, *, minimum: int = 5, maximum: int = 4000) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise ValidationFailed.on(field, message)
    if len(text) > maximum:
        raise ValidationFailed.on(field, _("Use at most %(n)s characters.") % {"n": maximum})
    return text


@transaction.atomic
def application_take_up(*, actor, application_id, expected: str | None = None, source_ip=None) -> Application:
    return _move(actor=actor, application_id=application_id, target=ApplicationStatus.SCRUTINY, expected=expected or ApplicationStatus.SUBMITTED, source_ip=source_ip)


@transaction.atomic
def application_scrutiny_record(*, actor, application_id, checklist: dict[str, bool], inspection_report: str, police_report: str, site_visit_report: str = "", source_ip=None) -> Application:
    """The scrutinising office's findings; kept while the application is under its scrutiny."""
    application = selectors.application_for(actor=actor, application_id=application_id)
    if SCRUTINISER not in policies.application_capacities(actor, application):
        raise NotAllowed(_("Only the scrutinising office records these findings."))
    locked = Application.objects.select_for_update().get(id=application.id)
    if locked.status != ApplicationStatus.SCRUTINY:
        raise Conflict(_("Findings are recorded while the application is under scrutiny; it is now “%(status)s”.") % {"status": ApplicationStatus(locked.status).label})
    if police_report not in PoliceReport.values:
        raise ValidationFailed.on("police_report", _("Choose the police report's status."))
    for field, text in (("inspection_report", inspection_report), ("site_visit_report", site_visit_report)):
        if len(text or "") > 4000:
            raise ValidationFailed.on(field, _("Use at most %(n)s characters.") % {"n": 4000})
    locked.checklist = {key: bool(checklist.get(key)) for key in CHECKLIST}
    locked.inspection_report = (inspection_report or "").strip()
    locked.police_report = police_report
    locked.site_visit_report = (site_visit_report or "").strip()
    locked.save(update_fields=["checklist", "inspection_report", "police_report", "site_visit_report", "updated_at"])
    audit_record(actor=actor, action="licensing.scrutiny_recorded", target=locked, summary={"checked": sorted(k for k, v in locked.checklist.items() if v), "police_report": police_report}, source_ip=source_ip)
    return locked


@transaction.atomic
def application_deficiency(*, actor, application_id, note: str, expected: str | None = None, source_ip=None) -> Application:
    note = _need_text("note", note, _("Say what the applicant must correct or send."), minimum=10)
    return _move(actor=actor, application_id=application_id, target=ApplicationStatus.DEFICIENCY, expected=expected or ApplicationStatus.SCRUTINY, note=note, source_ip=source_ip)


@transaction.atomic
def application_answer(*, actor, application_id, note: str, files: dict[str, Any] | None = None, source_ip=None) -> Application:
    """The applicant answers a deficiency notice (text and, optionally, corrected documents)."""
    note = _need_text("note", note, _("Write your answer to the deficiency notice."), minimum=5)
    application = selectors.application_for(actor=actor, application_id=application_id)
    checked = clean_documents(files or {}, kind=application.kind, on=_today(), required=False)
    moved = _move(actor=actor, application_id=application_id, target=ApplicationStatus.SCRUTINY, expected=ApplicationStatus.DEFICIENCY, note=note, source_ip=source_ip)
    _store_documents(organisation=moved.organisation, application=moved, checked=checked, actor=actor)
    return moved


@transaction.atomic
def application_forward(*, actor, application_id, note: str = "", expected: str | None = None, source_ip=None) -> Application:
    application = selectors.application_for(actor=actor, application_id=application_id)
    if application.kind == ApplicationKind.RC_NEW:
        missing = []
        if not application.inspection_report:
            missing.append(_("the premises inspection report"))
        if application.police_report == PoliceReport.PENDING:
            missing.append(_("the police character report"))
        if not all(application.checklist.get(key) for key in CHECKLIST):
            missing.append(_("every item of the checklist"))
        if missing:
            raise ValidationFailed(_("Record %(missing)s before forwarding.") % {"missing": ", ".join(str(m) for m in missing)}, code="scrutiny_incomplete")
    return _move(actor=actor, application_id=application_id, target=ApplicationStatus.FORWARDED, expected=expected or ApplicationStatus.SCRUTINY, internal_note=(note or "").strip()[:4000], source_ip=source_ip)


@transaction.atomic
def application_send_back(*, actor, application_id, note: str, expected: str | None = None, source_ip=None) -> Application:
    note = _need_text("note", note, _("Say what the PoE office should look at again."), minimum=10)
    return _move(actor=actor, application_id=application_id, target=ApplicationStatus.SCRUTINY, expected=expected or ApplicationStatus.FORWARDED, internal_note=note, source_ip=source_ip)


@transaction.atomic
def application_withdraw(*, actor, application_id, source_ip=None) -> Application:
    return _move(actor=actor, application_id=application_id, target=ApplicationStatus.WITHDRAWN, expected=None, source_ip=source_ip)


@transaction.atomic
def application_refuse(*, actor, application_id, reasons: str, expected: str | None = None, source_ip=None) -> Application:
    reasons = _need_text("reasons", reasons, _("Give the reasons for the refusal; the applicant reads them and may appeal."), minimum=20)

    def record(locked):
        locked.decision_reasons = reasons
        locked.decided_at = timezone.now()
        if locked.kind == ApplicationKind.RC_RENEWAL and locked.late_cause:
            locked.late_cause_accepted = False

    return _move(actor=actor, application_id=application_id, target=ApplicationStatus.REFUSED, expected=expected, note=reasons, apply=record, source_ip=source_ip)


@transaction.atomic
def application_grant(*, actor, application_id, note: str = "", expected: str | None = None, is_state_run: bool = False, late_cause_accepted: bool | None = None, source_ip=None) -> Application:
    """Grants the application and issues (or, for a renewal, extends) the licence in the same transaction."""
    application = selectors.application_for(actor=actor, application_id=application_id)
    if application.kind == ApplicationKind.RC_RENEWAL and application.late_cause and not late_cause_accepted:
        raise ValidationFailed.on("late_cause_accepted", _("This renewal was requested late. Accept the stated cause to grant it, or refuse the renewal."))

    def record(locked):
        locked.decision_reasons = (note or "").strip()[:4000]
        locked.decided_at = timezone.now()
        if locked.kind == ApplicationKind.RC_RENEWAL and locked.late_cause:
            locked.late_cause_accepted = True

    moved = _move(actor=actor, application_id=application_id, target=ApplicationStatus.GRANTED, expected=expected, note=(note or "").strip()[:4000], apply=record, source_ip=source_ip)
    licence = _issue(actor=actor, application=moved, is_state_run=is_state_run)
    moved.licence = licence
    moved.save(update_fields=["licence", "updated_at"])
    audit_record(actor=actor, action="licensing.licence_issued", target=licence, summary={"number": licence.number, "kind": licence.kind, "renewal": moved.kind == ApplicationKind.RC_RENEWAL}, source_ip=source_ip)
    return moved


def _issue(*, actor, application: Application, is_state_run: bool) -> Licence:
    today = _today()
    if application.kind == ApplicationKind.RC_RENEWAL:
        licence = Licence.objects.select_for_update().get(id=application.licence_id)
        if licence.status != LicenceStatus.ACTIVE:
            raise Conflict(_("The certificate is %(status)s; it cannot be renewed now.") % {"status": LicenceStatus(licence.status).label.lower()})
        licence.valid_to_date = rc_term_end(licence.valid_to_date + timedelta(days=1))
        licence.save(update_fields=["valid_to_date", "updated_at"])
        application.bank_guarantees.update(licence=licence)
        return licence
    kind = {ApplicationKind.RC_NEW: LicenceKind.RC, ApplicationKind.FE_REGISTRATION: LicenceKind.FE, ApplicationKind.PE_ACCREDITATION: LicenceKind.PE}[application.kind]
    if kind == LicenceKind.RC:
        valid_to = rc_term_end(today)
    elif kind == LicenceKind.PE:
        valid_to = add_months(today, 12 * int(policy("PE_ACCREDITATION_VALIDITY_YEARS"))) - timedelta(days=1)
    else:
        valid_to = None
    try:
        with transaction.atomic():
            licence = Licence.objects.create(
                kind=kind,
                number=licence_number(kind, state=application.premises_state, country=application.organisation.country),
                organisation=application.organisation,
                office=application.office if kind in (LicenceKind.RC, LicenceKind.FE) else None,
                valid_from_date=today,
                valid_to_date=valid_to,
                premises_address=application.premises_address,
                premises_state=application.premises_state,
                premises_city=application.premises_city,
                is_state_run=bool(is_state_run) and kind == LicenceKind.RC,
                employer_type=application.employer_type,
                granted_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("This organisation already holds this registration.")) from exc
    application.bank_guarantees.update(licence=licence)
    Organisation.objects.filter(id=application.organisation_id).update(registration_number=licence.number)
    record_created(obj=licence, workflow=LICENCE, actor=actor, capacity=DECIDER)
    return licence


# --- orders on licences ------------------------------------------------------------------------------


def grounds(on: date | None = None) -> dict[str, str]:
    return {g["code"]: g["label"] for g in policy("RC_SUSPENSION_GROUNDS", on=on)}


def _order(*, actor, licence_id, kind: str, target: str, ground: str, order_text: str, expected: str | None, source_ip) -> LicenceOrder:
    licence = selectors.licence_for(actor=actor, licence_id=licence_id)
    errors = {}
    known = grounds()
    if kind != OrderKind.REVOCATION and ground not in known:
        errors["ground"] = [_("Choose the ground in the Act on which the order is made.")]
    text = (order_text or "").strip()
    if len(text) < MIN_ORDER_TEXT:
        errors["order_text"] = [_("Write the order: at least %(n)s characters, stating the facts found.") % {"n": MIN_ORDER_TEXT}]
    elif len(text) > 8000:
        errors["order_text"] = [_("Use at most %(n)s characters.") % {"n": 8000}]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    moved = transition(
        obj=licence,
        workflow=LICENCE,
        target=target,
        actor=actor,
        capacities=lambda locked: policies.licence_capacities(actor, locked) & {REGISTRAR},
        expected=expected,
        note=text,
        summary={"ground": ground},
        source_ip=source_ip,
    )
    now = timezone.now()
    order = LicenceOrder.objects.create(
        licence=moved,
        kind=kind,
        ground=ground if kind != OrderKind.REVOCATION else "",
        ground_label=known.get(ground, "") if kind != OrderKind.REVOCATION else "",
        order_text=text,
        ordered_by=actor,
        ordered_at=now,
        appeal_by_date=_today() + timedelta(days=int(policy("APPEAL_WINDOW_DAYS"))) if kind != OrderKind.REVOCATION else None,
    )
    _after_commit(lambda: _tell_holder(moved, f"order:{order.id}"))
    return order


@transaction.atomic
def licence_suspend(*, actor, licence_id, ground: str, order_text: str, expected: str | None = None, source_ip=None) -> LicenceOrder:
    return _order(actor=actor, licence_id=licence_id, kind=OrderKind.SUSPENSION, target=LicenceStatus.SUSPENDED, ground=ground, order_text=order_text, expected=expected, source_ip=source_ip)


@transaction.atomic
def licence_cancel(*, actor, licence_id, ground: str, order_text: str, expected: str | None = None, source_ip=None) -> LicenceOrder:
    return _order(actor=actor, licence_id=licence_id, kind=OrderKind.CANCELLATION, target=LicenceStatus.CANCELLED, ground=ground, order_text=order_text, expected=expected, source_ip=source_ip)


@transaction.atomic
def licence_suspension_lift(*, actor, licence_id, order_text: str, expected: str | None = None, source_ip=None) -> LicenceOrder:
    return _order(actor=actor, licence_id=licence_id, kind=OrderKind.REVOCATION, target=LicenceStatus.ACTIVE, ground="", order_text=order_text, expected=expected or LicenceStatus.SUSPENDED, source_ip=source_ip)


# --- appeals -----------------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, actor, grounds_text: str, order_id=None, application_id=None, source_ip=None) -> Appeal:
    text = _need_text("grounds", grounds_text, _("State the grounds of the appeal."), minimum=20, maximum=8000)
    today = _today()
    window = int(policy("APPEAL_WINDOW_DAYS"))
    if order_id:
        order = LicenceOrder.objects.select_related("licence").filter(id=order_id).first()
        if order is None or not policies.member_of(actor, order.licence.organisation_id):
            raise ValidationFailed.on("order", _("Choose an order made on your certificate."))
        if order.kind == OrderKind.REVOCATION:
            raise ValidationFailed.on("order", _("Lifting a suspension cannot be appealed."))
        if today > order.appeal_by_date:
            raise ValidationFailed.on("grounds", _("The %(days)s days for an appeal ended on %(date)s.") % {"days": window, "date": order.appeal_by_date.isoformat()})
        organisation, target = order.licence.organisation, {"order": order}
    else:
        application = selectors.application_for(actor=actor, application_id=application_id)
        if not policies.member_of(actor, application.organisation_id):
            raise NotAllowed(_("Only the applicant can appeal a refusal."))
        if application.status != ApplicationStatus.REFUSED:
            raise ValidationFailed.on("application", _("Only a refusal can be appealed."))
        last_day = timezone.localdate(application.decided_at) + timedelta(days=window)
        if today > last_day:
            raise ValidationFailed.on("grounds", _("The %(days)s days for an appeal ended on %(date)s.") % {"days": window, "date": last_day.isoformat()})
        organisation, target = application.organisation, {"application": application}
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(organisation=organisation, grounds=text, filed_by=actor, filed_at=timezone.now(), **target)
    except IntegrityError as exc:
        raise Conflict(_("An appeal against this decision was already filed.")) from exc
    record_created(obj=appeal, workflow=APPEAL, actor=actor, capacity=APPLICANT, note=text)
    audit_record(actor=actor, action="licensing.appeal.filed", target=appeal, summary={"against": "order" if order_id else "refusal"}, source_ip=source_ip)
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal_id, allowed: bool, decision_text: str, expected: str | None = None, source_ip=None) -> Appeal:
    text = _need_text("decision_text", decision_text, _("Record the appellate authority's decision and its reasons."), minimum=20, maximum=8000)
    appeal = selectors.appeals_for(actor=actor).filter(id=appeal_id).first()
    if appeal is None:
        raise NotFound(_("No such appeal."))

    def record(locked):
        locked.decision_text = text
        locked.decided_at = timezone.now()

    decided = transition(
        obj=appeal,
        workflow=APPEAL,
        target=AppealStatus.ALLOWED if allowed else AppealStatus.DISMISSED,
        actor=actor,
        capacities=lambda locked: policies.appeal_capacities(actor, locked),
        expected=expected or AppealStatus.FILED,
        note=text,
        apply=record,
        source_ip=source_ip,
    )
    if allowed and decided.order_id:
        licence = decided.order.licence
        undo = {OrderKind.SUSPENSION: LicenceStatus.SUSPENDED, OrderKind.CANCELLATION: LicenceStatus.CANCELLED}[decided.order.kind]
        if licence.status == undo:
            transition(obj=licence, workflow=LICENCE, target=LicenceStatus.ACTIVE, actor=actor, capacities={APPELLATE}, note=text, summary={"appeal": str(decided.id)}, source_ip=source_ip)
            _after_commit(lambda: _tell_holder(licence, f"appeal:{decided.id}"))
    elif allowed and decided.application_id:
        application = decided.application
        back = ApplicationStatus.FORWARDED if application.kind in (ApplicationKind.RC_NEW, ApplicationKind.RC_RENEWAL) else ApplicationStatus.SCRUTINY
        transition(obj=application, workflow=application_workflow(application), target=back, actor=actor, capacities={APPELLATE}, note=text, summary={"appeal": str(decided.id)}, source_ip=source_ip)
        _after_commit(lambda: _tell_applicant(application, f"appeal:{decided.id}"))
    return decided


# --- branches and guarantees -------------------------------------------------------------------------


@transaction.atomic
def branch_apply(*, actor, licence_id, data: dict[str, Any], source_ip=None) -> Branch:
    from pravasi.core.geography import INDIAN_STATES

    licence = selectors.licence_for(actor=actor, licence_id=licence_id)
    if APPLICANT not in policies.licence_capacities(actor, licence):
        raise NotAllowed(_("Only the holder applies for branches."))
    if licence.kind != LicenceKind.RC or licence.status != LicenceStatus.ACTIVE:
        raise Conflict(_("Branches are approved only for an active recruiting agent's certificate."))
    c = Collector(data)
    c.text("address", required=True, max_length=400)
    c.choice("state", set(INDIAN_STATES), required=True, message=_("Choose the state where the branch is."))
    c.text("city", required=True, max_length=100)
    cleaned = c.done()
    branch = Branch.objects.create(licence=licence, **cleaned)
    record_created(obj=branch, workflow=BRANCH, actor=actor, capacity=APPLICANT)
    audit_record(actor=actor, action="licensing.branch.applied", target=branch, summary={"state": cleaned["state"]}, source_ip=source_ip)
    return branch


@transaction.atomic
def branch_decide(*, actor, branch_id, approve: bool, reasons: str = "", expected: str | None = None, source_ip=None) -> Branch:
    branch = Branch.objects.select_related("licence").filter(id=branch_id).first()
    if branch is None:
        raise NotFound(_("No such branch."))
    if not approve:
        reasons = _need_text("reasons", reasons, _("Give the reasons for refusing the branch."), minimum=10)

    def record(locked):
        locked.decision_reasons = (reasons or "").strip()

    decided = transition(
        obj=branch,
        workflow=BRANCH,
        target=BranchStatus.APPROVED if approve else BranchStatus.REFUSED,
        actor=actor,
        capacities=lambda locked: policies.branch_capacities(actor, locked),
        expected=expected or BranchStatus.PENDING,
        note=reasons,
        apply=record,
        source_ip=source_ip,
    )
    _after_commit(lambda: _tell_holder(decided.licence, f"branch:{decided.id}:{decided.status}"))
    return decided


@transaction.atomic
def bank_guarantee_lodge(*, actor, licence_id, data: dict[str, Any], source_ip=None) -> BankGuarantee:
    """A replacement or additional guarantee for a certificate (before the current one runs out)."""
    licence = selectors.licence_for(actor=actor, licence_id=licence_id)
    if APPLICANT not in policies.licence_capacities(actor, licence):
        raise NotAllowed(_("Only the holder lodges guarantees."))
    if licence.kind != LicenceKind.RC or licence.status in (LicenceStatus.CANCELLED, LicenceStatus.EXPIRED):
        raise Conflict(_("Guarantees are lodged for a certificate in force."))
    cleaned = clean_bank_guarantee(data, on=_today(), term_end=licence.valid_to_date)
    guarantee = _guarantee_create(organisation=licence.organisation, licence=licence, cleaned=cleaned)
    audit_record(actor=actor, action="licensing.bank_guarantee_lodged", target=licence, summary={"bank": guarantee.bank_code, "valid_to": guarantee.valid_to_date.isoformat()}, source_ip=source_ip)
    return guarantee


# --- registries kept by officials --------------------------------------------------------------------


@transaction.atomic
def insurer_register(*, actor, name: str, irda_registration: str, source_ip=None) -> Licence:
    if not policies.can_register_insurer(actor):
        raise NotAllowed(_("Only the PGE registers insurers."))
    c = Collector({"name": name, "irda_registration": irda_registration})
    c.text("name", required=True, max_length=200)
    c.text("irda_registration", required=True, max_length=60)
    cleaned = c.done()
    if Organisation.objects.filter(kind=OrganisationKind.INSURER, name__iexact=cleaned["name"]).exists():
        raise ValidationFailed.on("name", _("An insurer with this name is already registered."))
    organisation = Organisation.objects.create(kind=OrganisationKind.INSURER, name=cleaned["name"], registration_number=cleaned["irda_registration"])
    licence = Licence.objects.create(kind=LicenceKind.INSURER, number=licence_number(LicenceKind.INSURER), organisation=organisation, valid_from_date=_today(), granted_by=actor)
    record_created(obj=licence, workflow=LICENCE, actor=actor, capacity=REGISTRAR)
    audit_record(actor=actor, action="licensing.insurer_registered", target=licence, summary={"number": licence.number}, source_ip=source_ip)
    return licence


def _listing_office(actor, country: str) -> Office:
    """The PGE lists anywhere; a Mission lists employers of its own host countries."""
    from pravasi.accounts.selectors import offices_of

    if policies.is_pge(actor):
        return offices_of(actor, Role.PGE_OFFICER)[0]
    for office in offices_of(actor, Role.MISSION_OFFICER):
        if country in (office.countries or []):
            return office
    raise NotAllowed(_("A Mission lists employers of its own host countries only."))


@transaction.atomic
def blacklist_add(*, actor, data: dict[str, Any], source_ip=None) -> BlacklistEntry:
    from pravasi.core.geography import COUNTRIES

    if not policies.can_manage_blacklist(actor):
        raise NotAllowed(_("Only the PGE and Missions keep the prior approval list."))
    c = Collector(data)
    c.text("name", required=True, max_length=200)
    c.choice("country", set(COUNTRIES) - {"IN"}, required=True, message=_("Choose the employer's country."))
    c.text("city", max_length=100)
    c.text("reasons", required=True, max_length=4000)
    c.date("listed_date", required=True, past=True)
    cleaned = c.done()
    office = _listing_office(actor, cleaned["country"])
    if BlacklistEntry.objects.filter(name__iexact=cleaned["name"], country=cleaned["country"], delisted_date__isnull=True).exists():
        raise Conflict(_("This employer is already in the prior approval category."), fields={"name": [_("Already listed.")]})
    organisation = Organisation.objects.filter(kind=OrganisationKind.FE, name__iexact=cleaned["name"], country=cleaned["country"]).first()
    entry = BlacklistEntry.objects.create(organisation=organisation, listed_by=actor, office=office, **cleaned)
    audit_record(actor=actor, action="licensing.blacklist.listed", target=entry, summary={"country": entry.country, "office": office.code}, source_ip=source_ip)
    return entry


@transaction.atomic
def blacklist_remove(*, actor, entry_id, reasons: str, delisted_date: date | None = None, source_ip=None) -> BlacklistEntry:
    entry = BlacklistEntry.objects.select_for_update().filter(id=entry_id).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    _listing_office(actor, entry.country)
    if entry.delisted_date:
        raise Conflict(_("This employer was already removed from the list on %(date)s.") % {"date": entry.delisted_date.isoformat()})
    reasons = _need_text("delisting_reasons", reasons, _("Give the reasons for removing the employer from the list."), minimum=10)
    day = delisted_date or _today()
    if day < entry.listed_date or day > _today():
        raise ValidationFailed.on("delisted_date", _("The removal date must fall between the listing date and today."))
    entry.delisted_date, entry.delisting_reasons = day, reasons
    entry.save(update_fields=["delisted_date", "delisting_reasons", "updated_at"])
    audit_record(actor=actor, action="licensing.blacklist.delisted", target=entry, summary={"country": entry.country}, source_ip=source_ip)
    return entry


@transaction.atomic
def illegal_agent_notify(*, actor, data: dict[str, Any], source_ip=None) -> IllegalAgent:
    from pravasi.core.geography import INDIAN_STATES

    if not policies.can_manage_illegal_agents(actor):
        raise NotAllowed(_("Only the PGE notifies illegal agents."))
    c = Collector(data)
    c.text("name", required=True, max_length=200)
    c.text("address", max_length=400)
    c.choice("state", set(INDIAN_STATES), message=_("Choose a state."))
    c.text("city", max_length=100)
    c.date("notified_date", required=True, past=True)
    c.text("notification_reference", max_length=60)
    cleaned = c.done()
    agent = IllegalAgent.objects.create(notified_by=actor, **cleaned)
    audit_record(actor=actor, action="licensing.illegal_agent.notified", target=agent, summary={"state": agent.state}, source_ip=source_ip)
    return agent


@transaction.atomic
def illegal_agent_withdraw(*, actor, agent_id, reasons: str, source_ip=None) -> IllegalAgent:
    if not policies.can_manage_illegal_agents(actor):
        raise NotAllowed(_("Only the PGE notifies illegal agents."))
    agent = IllegalAgent.objects.select_for_update().filter(id=agent_id).first()
    if agent is None:
        raise NotFound(_("No such entry."))
    if agent.withdrawn_date:
        raise Conflict(_("This notice was already withdrawn."))
    agent.withdrawal_reasons = _need_text("withdrawal_reasons", reasons, _("Give the reasons for withdrawing the notice."), minimum=10)
    agent.withdrawn_date = _today()
    agent.save(update_fields=["withdrawn_date", "withdrawal_reasons", "updated_at"])
    audit_record(actor=actor, action="licensing.illegal_agent.withdrawn", target=agent, source_ip=source_ip)
    return agent


# --- scheduled work ----------------------------------------------------------------------------------


def licences_expire(*, today: date | None = None) -> int:
    """Moves every licence whose validity ended to EXPIRED; each in its own transaction, safe to rerun."""
    today = today or _today()
    expired = 0
    for licence in Licence.objects.filter(status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED], valid_to_date__lt=today).order_by("valid_to_date"):
        try:
            with transaction.atomic():
                moved = transition(obj=licence, workflow=LICENCE, target=LicenceStatus.EXPIRED, actor=None, capacities={SYSTEM}, expected=licence.status, summary={"valid_to": licence.valid_to_date.isoformat()})
                _after_commit(lambda moved=moved: _tell_holder(moved, "expired"))
        except Conflict:
            continue  # changed meanwhile (cancelled, renewed); the next run looks again
        expired += 1
    return expired


def _threshold(days_left: int, thresholds: list[int]) -> int | None:
    fitting = [t for t in sorted(thresholds) if days_left <= t]
    return fitting[0] if fitting else None


def _remind_once(*, subject_type: str, subject_id, due: date, days: int) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(subject_type=subject_type, subject_id=subject_id, due_date=due, days_before=days)
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Reminders 90 and 30 days (policy) before a certificate or a bank guarantee ends, to the holder and
    the PoE office. A subject that is already inside a window gets only the nearest reminder; each
    reminder is recorded, so a rerun or a retried task sends nothing twice."""
    today = today or _today()
    thresholds = [int(d) for d in policy("LICENCE_REMINDER_DAYS", on=today)]
    horizon = today + timedelta(days=max(thresholds))
    sent = {"certificates": 0, "guarantees": 0}
    for licence in Licence.objects.filter(kind=LicenceKind.RC, status=LicenceStatus.ACTIVE, valid_to_date__gte=today, valid_to_date__lte=horizon).select_related("organisation", "office"):
        days = _threshold((licence.valid_to_date - today).days, thresholds)
        with transaction.atomic():
            if days is None or not _remind_once(subject_type="licence", subject_id=licence.id, due=licence.valid_to_date, days=days):
                continue
            opens, deadline = renewal_window(licence)

            def compose(licence=licence, deadline=deadline):
                return (
                    _("Pravasi: certificate %(number)s expires on %(date)s") % {"number": licence.number, "date": licence.valid_to_date.isoformat()},
                    _("Certificate %(number)s of %(holder)s expires on %(date)s. Renewal requests are due by %(deadline)s.")
                    % {"number": licence.number, "holder": licence.organisation.name, "date": licence.valid_to_date.isoformat(), "deadline": deadline.isoformat()},
                )

            key = f"licensing.reminder:licence:{licence.id}:{licence.valid_to_date}:{days}"
            _notify_organisation(licence.organisation, key=key, compose=compose, purpose="licensing.expiry_reminder")
            _notify_office(licence.office, key=key, compose=compose, purpose="licensing.expiry_reminder")
            sent["certificates"] += 1
    guarantees = BankGuarantee.objects.filter(
        released_at__isnull=True, licence__status=LicenceStatus.ACTIVE, valid_to_date__gte=today, valid_to_date__lte=horizon
    ).select_related("licence", "licence__organisation", "licence__office")
    for guarantee in guarantees:
        licence = guarantee.licence
        # A newer guarantee that runs past this one makes the warning moot.
        if licence.bank_guarantees.filter(released_at__isnull=True, valid_to_date__gt=guarantee.valid_to_date).exists():
            continue
        days = _threshold((guarantee.valid_to_date - today).days, thresholds)
        with transaction.atomic():
            if days is None or not _remind_once(subject_type="bank_guarantee", subject_id=guarantee.id, due=guarantee.valid_to_date, days=days):
                continue

            def compose(licence=licence, guarantee=guarantee):
                return (
                    _("Pravasi: bank guarantee for %(number)s ends on %(date)s") % {"number": licence.number, "date": guarantee.valid_to_date.isoformat()},
                    _("The bank guarantee %(bank)s %(guarantee)s lodged for certificate %(number)s ends on %(date)s. Lodge a renewed guarantee before then.")
                    % {"bank": guarantee.bank_name, "guarantee": guarantee.number, "number": licence.number, "date": guarantee.valid_to_date.isoformat()},
                )

            key = f"licensing.reminder:guarantee:{guarantee.id}:{guarantee.valid_to_date}:{days}"
            _notify_organisation(licence.organisation, key=key, compose=compose, purpose="licensing.guarantee_warning")
            _notify_office(licence.office, key=key, compose=compose, purpose="licensing.guarantee_warning")
            sent["guarantees"] += 1
    return sent


"""Every write in clearance: demands, clearance applications and their decision, PBBY policies, and the
exit check (which writes its own log entry).

Applications are evaluated by the eligibility engine on submission, on every change and again at the
moment of the grant; the grant consumes one position of the demand with a guarded update, so a
position is never filled twice even when officials grant at the same instant.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pravasi.accounts.models import ApiClient, Membership, Office, Organisation
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.audit.services import audit_record, pii_access_record
from pravasi.core import uploads
from pravasi.core.dates import add_months
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.geography import COUNTRIES
from pravasi.core.numbering import next_number
from pravasi.core.validation import Collector
from pravasi.core.workflow import record_created, transition
from pravasi.licensing.models import Licence, LicenceKind, LicenceStatus
from pravasi.licensing.selectors import is_blacklisted
from pravasi.messaging.services import message_to_users
from pravasi.policy.selectors import policy
from pravasi.registry.models import Passport, Person
from pravasi.registry.mrz import normalise_passport_number
from pravasi.registry.selectors import passport_index
from pravasi.registry.services import person_for_clearance

from . import eligibility, policies, selectors
from .models import (
    ClearanceApplication,
    ClearanceDocument,
    ClearanceDocumentKind,
    ClearanceStatus,
    Demand,
    DemandPosition,
    DemandStatus,
    ExitCheck,
    PBBYPolicy,
    PolicyStatus,
    Route,
)
from .validation import CURRENCY_RE, ISCO_RE
from .workflow import APPLICANT, APPLICATION, DEMAND, EMPLOYER, INSURER, PBBY

MAX_POSITIONS = 20
REQUIRED_DOCUMENTS = [ClearanceDocumentKind.CONTRACT, ClearanceDocumentKind.VISA, ClearanceDocumentKind.PASSPORT, ClearanceDocumentKind.PHOTO]


def _today() -> date:
    return timezone.localdate()


# --- demands -----------------------------------------------------------------------------------------


def _clean_positions(data: dict[str, Any]) -> list[dict[str, Any]]:
    c = Collector(data)
    rows = []
    for i in range(1, MAX_POSITIONS + 1):
        p = f"position_{i}_"
        if not any(c.raw(p + f) for f in ("occupation", "title", "count", "monthly_wage", "currency")):
            continue
        occupation = c.raw(p + "occupation")
        if not ISCO_RE.match(occupation):
            c.fail(p + "occupation", _("Use the four-digit ISCO-08 code, like 9111 (domestic worker)."))
        c.text(p + "title", required=True, max_length=120)
        c.integer(p + "count", required=True, low=1, high=5000)
        c.decimal(p + "monthly_wage", required=True, low=Decimal("1"), high=Decimal("1000000"))
        currency = c.raw(p + "currency").upper()
        if not CURRENCY_RE.match(currency) or currency not in (policy("EXCHANGE_RATES_USD") or {}):
            c.fail(p + "currency", _("Choose the currency of the wage."))
        rows.append({"occupation": occupation, "title": c.cleaned.get(p + "title"), "count": c.cleaned.get(p + "count"), "monthly_wage": c.cleaned.get(p + "monthly_wage"), "currency": currency})
    if not rows and not c.errors:
        c.fail("position_1_occupation", _("Add at least one position."))
    c.done()
    return rows


def verification_needed(country: str, occupations: list[str], on: date | None = None) -> bool:
    rule = policy("DEMAND_MISSION_VERIFICATION", on=on, default={"occupations": [], "countries": []})
    return country in rule.get("countries", []) or any(o in rule.get("occupations", []) for o in occupations)


@transaction.atomic
def demand_raise(*, actor, data: dict[str, Any], source_ip=None) -> Demand:
    """A registered employer's job order. The Mission verifies it first where the policy asks."""
    employer = policies.organisation_of(actor, Role.FE_STAFF)
    licence = policies.active_licence(employer, LicenceKind.FE)
    if licence is None:
        raise NotAllowed(_("Only a registered foreign employer raises demands."))
    if is_blacklisted(organisation_id=employer.id, name=employer.name, country=employer.country):
        raise NotAllowed(_("Your organisation is in the prior approval category: contact the Indian Mission."))
    c = Collector(data)
    c.text("worksite", required=True, max_length=300)
    c.integer("contract_months", required=True, low=1, high=120)
    for flag in ("food", "housing", "transport"):
        c.boolean(flag)
    agent_numbers = [n.strip().upper() for n in str(data.get("agents") or "").replace("\n", ",").split(",") if n.strip()]
    agents = list(Licence.objects.filter(kind=LicenceKind.RC, number__in=agent_numbers))
    missing = sorted(set(agent_numbers) - {a.number for a in agents})
    if missing:
        c.fail("agents", _("Unknown certificate numbers: %(numbers)s.") % {"numbers": ", ".join(missing)})
    inactive = [a.number for a in agents if a.status != LicenceStatus.ACTIVE]
    if inactive:
        c.fail("agents", _("These agents' certificates are not active: %(numbers)s.") % {"numbers": ", ".join(inactive)})
    errors = dict(c.errors)
    try:
        positions = _clean_positions(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        positions = []
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    country = employer.country
    needs = verification_needed(country, [p["occupation"] for p in positions])
    demand = Demand.objects.create(
        reference=f"DM-{_today().year}-{next_number(f'clearance.demand.{_today().year}'):06d}",
        status=DemandStatus.PENDING_VERIFICATION if needs else DemandStatus.OPEN,
        employer=employer,
        mission=licence.office,
        country=country,
        worksite=c.cleaned["worksite"],
        contract_months=c.cleaned["contract_months"],
        food=c.cleaned["food"],
        housing=c.cleaned["housing"],
        transport=c.cleaned["transport"],
        raised_by=actor,
        raised_at=timezone.now(),
    )
    for row in positions:
        DemandPosition.objects.create(demand=demand, **row)
    demand.agents.set(agents)
    record_created(obj=demand, workflow=DEMAND, actor=actor, capacity=EMPLOYER)
    audit_record(actor=actor, action="clearance.demand.raised", target=demand, summary={"positions": sum(p["count"] for p in positions), "verification": needs}, source_ip=source_ip)
    return demand


@transaction.atomic
def demand_verify(*, actor, demand_id, approve: bool, note: str = "", women_guarantee_lodged: bool = False, expected: str | None = None, source_ip=None) -> Demand:
    demand = selectors.demand_for(actor=actor, demand_id=demand_id)
    note = (note or "").strip()
    if not approve and len(note) < 10:
        raise ValidationFailed.on("note", _("Say why the demand is rejected; the employer reads it."))

    def record(locked):
        locked.verification_note = note[:4000]
        locked.women_guarantee_lodged = bool(women_guarantee_lodged)

    return transition(
        obj=demand,
        workflow=DEMAND,
        target=DemandStatus.OPEN if approve else DemandStatus.REJECTED,
        actor=actor,
        capacities=lambda locked: policies.demand_capacities(actor, locked),
        expected=expected or DemandStatus.PENDING_VERIFICATION,
        note=note,
        apply=record,
        source_ip=source_ip,
    )


@transaction.atomic
def demand_close(*, actor, demand_id, source_ip=None) -> Demand:
    demand = selectors.demand_for(actor=actor, demand_id=demand_id)
    return transition(obj=demand, workflow=DEMAND, target=DemandStatus.CLOSED, actor=actor, capacities=lambda locked: policies.demand_capacities(actor, locked), expected=DemandStatus.OPEN, source_ip=source_ip)


# --- applications ------------------------------------------------------------------------------------


def _poe_for_state(state: str) -> Office:
    for office in Office.objects.filter(kind=OfficeKind.POE).order_by("code"):
        if state in (office.states or []):
            return office
    raise ValidationFailed.on("state_of_origin", _("No Protector of Emigrants office covers this state yet. Call the helpline."))


def facts_for(application: ClearanceApplication) -> eligibility.Facts:
    """Everything the engine needs, read from the application and the records it points to."""
    insurance = None
    pbby = application.pbby_policy
    if pbby is None:
        insurance = eligibility.Insurance(registered_insurer=False, active=False, valid_to_date=date.min, attached=False)
    else:
        registered = Licence.objects.filter(organisation_id=pbby.insurer_id, kind=LicenceKind.INSURER, status=LicenceStatus.ACTIVE).exists()
        insurance = eligibility.Insurance(registered_insurer=registered, active=pbby.status == PolicyStatus.ACTIVE and pbby.passport_index == application.passport_index, valid_to_date=pbby.valid_to_date)
    employer = None
    if application.route == Route.PROJECT_EXPORTER:
        employer = eligibility.Employer(registered=Licence.objects.filter(organisation_id=application.applicant_id, kind=LicenceKind.PE, status=LicenceStatus.ACTIVE).exists(), blacklisted=False)
    elif application.employer_id:
        employer = eligibility.Employer(
            registered=Licence.objects.filter(organisation_id=application.employer_id, kind=LicenceKind.FE, status=LicenceStatus.ACTIVE).exists(),
            blacklisted=is_blacklisted(organisation_id=application.employer_id),
            women_guarantee=bool(application.demand and application.demand.women_guarantee_lodged),
        )
    else:
        employer = eligibility.Employer(registered=False, blacklisted=False)
    agent = None
    if application.route == Route.RA:
        rc = Licence.objects.filter(organisation_id=application.applicant_id, kind=LicenceKind.RC).first()
        agent = eligibility.Agent(certificate_active=bool(rc and rc.status == LicenceStatus.ACTIVE), state_run=bool(rc and rc.is_state_run))
    open_positions = None
    if application.route != Route.PROJECT_EXPORTER:
        position = DemandPosition.objects.filter(id=application.position_id).first() if application.position_id else None
        open_positions = position.open_count if position else 0
    person = application.person
    return eligibility.Facts(
        passport_category="ECR" if application.passport_ecr else "ECNR",
        destination_country=application.destination_country,
        purpose=eligibility.EMPLOYMENT,
        occupation=application.occupation,
        sex=person.sex or "",
        date_of_birth=person.date_of_birth,
        departure_date=application.departure_date,
        wage_amount=application.monthly_wage,
        wage_currency=application.currency,
        recruitment=application.route,
        passport_expiry_date=application.passport_expiry_date,
        contract_months=application.contract_months,
        insurance=insurance,
        libya_life_policy=bool(application.libya_life_policy) if application.destination_country == "LY" else None,
        employer=employer,
        agent=agent,
        open_positions=open_positions,
        service_charge_inr=application.service_charge_inr if application.route == Route.RA else None,
    )


def evaluate_application(application: ClearanceApplication, *, on: date | None = None) -> eligibility.Result:
    """Runs the engine and stores its outcomes on the (unsaved) application."""
    with translation.override("en"):
        result = eligibility.evaluate(facts_for(application), eligibility.rulebook_for(on or _today()))
    application.ec_required = result.ec_required
    application.eligible = result.eligible
    application.outcomes = [o.as_dict() for o in result.outcomes]
    application.evaluated_at = timezone.now()
    return result


MAX_DEPARTURE_DAYS = 730


def _departure_in_reach(c: Collector) -> None:
    departure = c.cleaned.get("departure_date")
    if departure and departure > _today() + timedelta(days=MAX_DEPARTURE_DAYS):
        del c.cleaned["departure_date"]
        c.fail("departure_date", _("Apply for clearance at most two years before departure."))


def _clean_application(data: dict[str, Any], *, route: str) -> dict[str, Any]:
    c = Collector(data)
    c.date("departure_date", required=True, future=True)
    _departure_in_reach(c)
    c.integer("contract_months", required=route == Route.PROJECT_EXPORTER, low=1, high=120)
    c.text("pbby_policy_number", max_length=40)
    c.text("libya_life_policy", max_length=40)
    if route == Route.RA:
        c.decimal("service_charge_inr", required=True, low=Decimal("0"), high=Decimal("10000000"))
        c.text("service_charge_receipt", required=True, max_length=40)
    if route in (Route.PROJECT_EXPORTER, Route.DIRECT):
        c.choice("destination_country", set(COUNTRIES) - {"IN"}, required=route == Route.PROJECT_EXPORTER, message=_("Choose the country of the work."))
        occupation = c.raw("occupation")
        if occupation and not ISCO_RE.match(occupation):
            c.fail("occupation", _("Use the four-digit ISCO-08 code."))
        c.cleaned["occupation"] = occupation
        c.decimal("monthly_wage", low=Decimal("1"), high=Decimal("10000000"))
        currency = c.raw("currency").upper()
        if currency and currency not in (policy("EXCHANGE_RATES_USD") or {}):
            c.fail("currency", _("Choose the currency of the wage."))
        c.cleaned["currency"] = currency
        c.text("employer_name", max_length=200)
    return c.done()


def _clean_documents(files: dict[str, Any], *, needed: list[str], required: bool = True) -> list[tuple[str, uploads.CheckedUpload]]:
    rules = policy("DOCUMENT_UPLOAD")
    errors, checked = {}, []
    for kind in ClearanceDocumentKind.values:
        field = f"document_{kind.lower()}"
        uploaded = files.get(field)
        if uploaded is None:
            if required and kind in needed:
                errors[field] = [_("Attach this document (PDF, PNG or JPEG).")]
            continue
        try:
            checked.append((kind, uploads.check_upload(uploaded, field=field, allowed=list(rules["types"]), max_bytes=int(rules["max_bytes"]))))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some documents need attention."), fields=errors)
    return checked


def _store(application, checked, actor) -> None:
    for kind, upload in checked:
        ClearanceDocument.objects.create(
            application=application,
            kind=kind,
            **uploads.stored_file_fields(upload, actor=actor),
        )


def _pbby(number: str, passport_idx: str) -> PBBYPolicy | None:
    if not number:
        return None
    found = selectors.policy_by_number(number)
    if found is None:
        raise ValidationFailed.on("pbby_policy_number", _("No PBBY policy has this number. Check it with the insurer."))
    if found.passport_index != passport_idx:
        raise ValidationFailed.on("pbby_policy_number", _("This PBBY policy insures another passport."))
    return found


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


PERSON_FIELDS = ("given_name", "family_name", "sex", "date_of_birth", "state_of_origin", "mobile")


@transaction.atomic
def application_submit(*, actor, route: str, data: dict[str, Any], files: dict[str, Any], source_ip=None) -> ClearanceApplication:
    """An application for emigration clearance: by an agent against a demand, by a project exporter for
    its own project, or by the emigrant (directly employed, against the employer's demand)."""
    if route not in Route.values:
        raise ValidationFailed.on("route", _("Choose how the worker is recruited."))
    today = _today()
    applicant, demand, position, employer = None, None, None, None
    if route == Route.RA:
        applicant = policies.organisation_of(actor, Role.RA_STAFF)
        rc = policies.active_licence(applicant, LicenceKind.RC)
        if rc is None:
            raise NotAllowed(_("Only a recruiting agent with an active certificate files applications."))
        # One lock per agent: the daily count below cannot be raced by parallel submissions.
        Organisation.objects.select_for_update().filter(id=applicant.id).first()
        limit = int(policy("RA_DAILY_PASSPORT_LIMIT"))
        start = timezone.make_aware(datetime.combine(today, time.min))
        if ClearanceApplication.objects.filter(applicant=applicant, submitted_at__gte=start).count() >= limit:
            raise ValidationFailed(_("An agent may submit at most %(n)s passports a day; today's are used. Submit the rest tomorrow.") % {"n": limit}, code="daily_limit")
    elif route == Route.PROJECT_EXPORTER:
        applicant = policies.organisation_of(actor, Role.PE_STAFF)
        if policies.active_licence(applicant, LicenceKind.PE) is None:
            raise NotAllowed(_("Only an accredited project exporter files applications for its project."))
    elif not policies._memberships(actor, Role.EMIGRANT):
        raise NotAllowed(_("Only the emigrant applies directly."))

    errors: dict[str, list[str]] = {}
    try:
        cleaned = _clean_application(data, route=route)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        cleaned = {}
    if route != Route.PROJECT_EXPORTER:
        demand = Demand.objects.select_related("employer").filter(reference=str(data.get("demand_reference") or "").strip().upper()).first()
        if demand is None:
            errors["demand_reference"] = [_("No demand has this reference.")]
        elif demand.status != DemandStatus.OPEN:
            errors["demand_reference"] = [_("This demand is not open for recruitment (%(status)s).") % {"status": DemandStatus(demand.status).label}]
        elif route == Route.RA and not demand.agents.filter(organisation=applicant).exists():
            errors["demand_reference"] = [_("This demand does not authorise your agency.")]
        else:
            position = demand.positions.filter(id=_uuid(data.get("position"))).first() if _uuid(data.get("position")) else None
            if position is None:
                errors["position"] = [_("Choose the position in the demand.")]
            elif position.open_count <= 0:
                errors["position"] = [_("Every position of this kind is filled.")]
            employer = demand.employer
    try:
        checked = _clean_documents(files, needed=REQUIRED_DOCUMENTS + ([ClearanceDocumentKind.DEMAND_LETTER] if demand else []) + ([ClearanceDocumentKind.SERVICE_CHARGE_RECEIPT] if route == Route.RA else []))
    except ValidationFailed as exc:
        errors.update(exc.fields)
        checked = []
    # The person: the emigrant themself, or found by passport or registered on the way.
    person, passport = None, None
    if route == Route.DIRECT:
        person = Person.objects.filter(user=actor).first()
        passport = person.passports.filter(is_current=True).first() if person else None
        if person is None or passport is None:
            errors["passport_number"] = [_("Register and add your current passport to your profile first.")]
    else:
        try:
            person, _created = person_for_clearance(
                actor=actor,
                data={k: data.get(k, "") for k in PERSON_FIELDS},
                passport={k: data.get(k, "") for k in ("passport_number", "issue_date", "expiry_date", "place_of_issue", "is_ecr")},
                source_ip=source_ip,
            )
            passport = person.passports.filter(is_current=True).first()
        except (ValidationFailed, Conflict) as exc:
            errors.update(exc.fields or {"passport_number": [exc.message]})
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    if passport.expiry_date <= today:
        raise ValidationFailed.on("expiry_date", _("This passport has expired; renew it before applying."))
    if ClearanceApplication.objects.filter(passport_index=passport.number_index, status__in=[ClearanceStatus.SUBMITTED, ClearanceStatus.DEFICIENCY]).exists():
        raise Conflict(_("This passport already has a clearance application in progress."), fields={"passport_number": [_("An application for this passport is in progress.")]})
    pbby = _pbby(cleaned.get("pbby_policy_number", ""), passport.number_index)
    office = (
        policies.active_licence(applicant, LicenceKind.RC).office
        if route == Route.RA
        else _poe_for_state(policies.active_licence(applicant, LicenceKind.PE).premises_state if route == Route.PROJECT_EXPORTER else person.state_of_origin)
    )
    application = ClearanceApplication(
        reference=f"EA-{today.year}-{next_number(f'clearance.application.{today.year}'):07d}",
        route=route,
        person=person,
        passport_index=passport.number_index,
        passport_ecr=passport.is_ecr,
        passport_expiry_date=passport.expiry_date,
        applicant=applicant,
        submitted_by=actor,
        submitted_at=timezone.now(),
        office=office,
        demand=demand,
        position=position,
        employer=employer,
        employer_name=employer.name if employer else cleaned.get("employer_name") or (applicant.name if applicant else ""),
        destination_country=demand.country if demand else cleaned["destination_country"],
        occupation=position.occupation if position else cleaned.get("occupation") or "9999",
        monthly_wage=position.monthly_wage if position else (cleaned.get("monthly_wage") or Decimal("0.01")),
        currency=position.currency if position else (cleaned.get("currency") or "USD"),
        contract_months=demand.contract_months if demand else cleaned["contract_months"],
        departure_date=cleaned["departure_date"],
        service_charge_inr=cleaned.get("service_charge_inr"),
        service_charge_receipt=cleaned.get("service_charge_receipt", ""),
        pbby_policy=pbby,
        libya_life_policy=cleaned.get("libya_life_policy", ""),
    )
    result = evaluate_application(application)
    if not result.ec_required:
        raise ValidationFailed(_("No emigration clearance is needed for this journey: an ECNR passport, or a country that is not an ECR country."), code="not_required")
    application.save()
    _store(application, checked, actor)
    record_created(obj=application, workflow=APPLICATION, actor=actor, capacity=APPLICANT)
    audit_record(actor=actor, action="clearance.application.submitted", target=application, summary={"route": route, "office": office.code, "eligible": result.eligible}, source_ip=source_ip)
    transaction.on_commit(lambda: _tell(application, "submitted"))
    return application


def _tell(application: ClearanceApplication, key: str) -> None:
    """The applicant organisation's users and the emigrant, by e-mail and SMS."""
    recipients = []
    if application.applicant_id:
        recipients += [m.user for m in Membership.objects.filter(organisation_id=application.applicant_id, is_active=True).select_related("user")]
    if application.person.user_id:
        recipients.append(application.person.user)
    message_to_users(
        users=recipients,
        compose=lambda: (
            _("Pravasi: clearance application %(ref)s") % {"ref": application.reference},
            _("Clearance application %(ref)s is now: %(status)s. Sign in to Pravasi for the details.") % {"ref": application.reference, "status": ClearanceStatus(application.status).label},
        ),
        purpose="clearance.application_status",
        key=f"clearance.application:{application.id}:{key}",
    )


def _move(*, actor, application_id, target: str, expected: str | None, note: str = "", apply=None, summary=None, source_ip=None) -> ClearanceApplication:
    application = selectors.application_for(actor=actor, application_id=application_id)
    moved = transition(
        obj=application,
        workflow=APPLICATION,
        target=target,
        actor=actor,
        capacities=lambda locked: policies.application_capacities(actor, locked),
        expected=expected,
        note=note,
        apply=apply,
        summary=summary,
        source_ip=source_ip,
    )
    stamp = f"{target}:{timezone.now().timestamp():.6f}"
    transaction.on_commit(lambda: _tell(moved, stamp))
    return moved


def _text(field: str, text: str, message: str, minimum: int = 10) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise ValidationFailed.on(field, message)
    if len(text) > 4000:
        raise ValidationFailed.on(field, _("Use at most %(n)s characters.") % {"n": 4000})
    return text


@transaction.atomic
def application_grant(*, actor, application_id, expected: str | None = None, source_ip=None) -> ClearanceApplication:
    """Grants clearance: the engine runs again on today's facts, one position is consumed, and an
    emigration number is assigned, all in one transaction."""

    def record(locked: ClearanceApplication):
        result = evaluate_application(locked)
        if not result.eligible:
            reasons = "; ".join(o.message for o in result.failed())
            raise ValidationFailed(_("The application is not eligible: %(reasons)s") % {"reasons": reasons}, code="not_eligible")
        if locked.position_id:
            filled = DemandPosition.objects.filter(id=locked.position_id, filled__lt=F("count")).update(filled=F("filled") + 1)
            if not filled:
                raise Conflict(_("Every position of this kind in the demand is already filled."), code="positions_filled")
        today = _today()
        locked.emigration_number = f"EC/{today.year}/{next_number(f'clearance.ec.{today.year}'):08d}"
        locked.valid_to_date = add_months(today, int(policy("EC_VALIDITY_MONTHS"))) - timedelta(days=1)
        locked.decided_at = timezone.now()

    return _move(actor=actor, application_id=application_id, target=ClearanceStatus.GRANTED, expected=expected or ClearanceStatus.SUBMITTED, apply=record, source_ip=source_ip)


def applications_grant_many(*, actor, application_ids: list, source_ip=None) -> dict[str, str]:
    """Bulk grant from the queue: each application in its own transaction; returns what happened to each."""
    results = {}
    for application_id in application_ids[:200]:
        try:
            granted = application_grant(actor=actor, application_id=application_id, source_ip=source_ip)
            results[str(application_id)] = granted.emigration_number
        except (ValidationFailed, Conflict, NotAllowed, NotFound) as exc:
            results[str(application_id)] = f"! {exc.message}"
    return results


@transaction.atomic
def application_refuse(*, actor, application_id, reasons: str, expected: str | None = None, source_ip=None) -> ClearanceApplication:
    reasons = _text("reasons", reasons, _("Give the reasons for the refusal; the applicant reads them."), minimum=15)

    def record(locked):
        locked.decision_reasons = reasons
        locked.decided_at = timezone.now()

    return _move(actor=actor, application_id=application_id, target=ClearanceStatus.REFUSED, expected=expected or ClearanceStatus.SUBMITTED, note=reasons, apply=record, source_ip=source_ip)


@transaction.atomic
def application_deficiency(*, actor, application_id, note: str, expected: str | None = None, source_ip=None) -> ClearanceApplication:
    note = _text("note", note, _("Say what the applicant must correct or send."))
    return _move(actor=actor, application_id=application_id, target=ClearanceStatus.DEFICIENCY, expected=expected or ClearanceStatus.SUBMITTED, note=note, source_ip=source_ip)


@transaction.atomic
def application_answer(*, actor, application_id, note: str, data: dict[str, Any] | None = None, files: dict[str, Any] | None = None, source_ip=None) -> ClearanceApplication:
    """The applicant answers a deficiency notice: a note, corrected documents, and optionally a (new)
    PBBY policy number, a departure date or a service charge; the engine runs again."""
    note = _text("note", note, _("Write your answer to the deficiency notice."), minimum=5)
    data = data or {}
    checked = _clean_documents(files or {}, needed=[], required=False)

    def record(locked: ClearanceApplication):
        if data.get("pbby_policy_number"):
            locked.pbby_policy = _pbby(str(data["pbby_policy_number"]).strip(), locked.passport_index)
        if data.get("departure_date"):
            c = Collector(data)
            c.date("departure_date", future=True)
            _departure_in_reach(c)
            locked.departure_date = c.done()["departure_date"]
        if data.get("libya_life_policy"):
            locked.libya_life_policy = str(data["libya_life_policy"]).strip()[:40]
        evaluate_application(locked)

    moved = _move(actor=actor, application_id=application_id, target=ClearanceStatus.SUBMITTED, expected=ClearanceStatus.DEFICIENCY, note=note, apply=record, source_ip=source_ip)
    _store(moved, checked, actor)
    return moved


@transaction.atomic
def application_withdraw(*, actor, application_id, source_ip=None) -> ClearanceApplication:
    return _move(actor=actor, application_id=application_id, target=ClearanceStatus.WITHDRAWN, expected=None, source_ip=source_ip)


def document_bytes(*, actor, document_id, source_ip=None) -> tuple[ClearanceDocument, bytes]:
    document = ClearanceDocument.objects.select_related("application", "application__person").filter(id=document_id).first()
    if document is None or not applications_visible(actor, document.application_id):
        raise NotFound(_("No such document, or it is not yours to see."))
    audit_record(actor=actor, action="clearance.document_read", target=document, summary={"kind": document.kind}, source_ip=source_ip)
    if APPLICANT not in policies.application_capacities(actor, document.application):
        # An official reading a passport scan or a photo reads the person's record: the person sees it.
        pii_access_record(actor=actor, person_id=document.application.person_id, purpose="VIEW", source_ip=source_ip)
    return document, uploads.read_stored(document.storage_name)


def applications_visible(actor, application_id) -> bool:
    return selectors.applications_for(actor=actor).filter(id=application_id).exists()


# --- PBBY insurance ----------------------------------------------------------------------------------


@transaction.atomic
def pbby_issue(*, actor, data: dict[str, Any], source_ip=None) -> PBBYPolicy:
    """An insurer (a user or its system) issues a policy for a passport holder, registering them on the way."""
    insurer = policies.insurer_of(actor)
    if insurer is None:
        raise NotAllowed(_("Only a registered insurer issues PBBY policies."))
    c = Collector(data)
    periods = [int(p) for p in policy("PBBY_PERIOD_YEARS")]
    c.integer("period_years", required=True, low=min(periods), high=max(periods))
    c.date("valid_from_date", required=True)
    cleaned = c.done()
    if cleaned["period_years"] not in periods:
        raise ValidationFailed.on("period_years", _("A PBBY policy runs for %(periods)s years.") % {"periods": " or ".join(str(p) for p in periods)})
    if cleaned["valid_from_date"] < _today() - timedelta(days=30):
        raise ValidationFailed.on("valid_from_date", _("A policy cannot start more than 30 days ago."))
    if cleaned["valid_from_date"] > _today() + timedelta(days=365):
        raise ValidationFailed.on("valid_from_date", _("A policy cannot start more than a year from today."))
    registering_actor = actor if not isinstance(actor, ApiClient) else None
    person, _created = person_for_clearance(
        actor=registering_actor,
        data={k: data.get(k, "") for k in PERSON_FIELDS},
        passport={k: data.get(k, "") for k in ("passport_number", "issue_date", "expiry_date", "place_of_issue", "is_ecr")},
        source_ip=source_ip,
    )
    passport = person.passports.filter(is_current=True).first()
    premium = Decimal(str(policy("PBBY", on=cleaned["valid_from_date"])["premium_inr"][str(cleaned["period_years"])]))
    year = cleaned["valid_from_date"].year
    number = f"PBBY/{insurer.registration_number or 'INS'}/{year}/{next_number(f'clearance.pbby.{insurer.id}.{year}'):07d}".upper().replace(" ", "")
    try:
        with transaction.atomic():
            issued = PBBYPolicy.objects.create(
                number=number[:40],
                insurer=insurer,
                person=person,
                passport_index=passport.number_index,
                period_years=cleaned["period_years"],
                premium_inr=premium,
                valid_from_date=cleaned["valid_from_date"],
                valid_to_date=add_months(cleaned["valid_from_date"], 12 * cleaned["period_years"]) - timedelta(days=1),
                issued_by=actor if not isinstance(actor, ApiClient) else None,
                issued_by_client=actor if isinstance(actor, ApiClient) else None,
            )
    except IntegrityError as exc:
        raise Conflict(_("A policy with this number exists; try again.")) from exc
    record_created(obj=issued, workflow=PBBY, actor=registering_actor, capacity=INSURER)
    audit_record(actor=registering_actor, action="clearance.pbby.issued", target=issued, summary={"period": issued.period_years, "client": actor.name if isinstance(actor, ApiClient) else None}, source_ip=source_ip)
    return issued


@transaction.atomic
def pbby_cancel(*, actor, number: str, reason: str, source_ip=None) -> PBBYPolicy:
    found = selectors.policy_by_number(number)
    if found is None or not policies.policy_capacities(actor, found):
        raise NotFound(_("No such policy among yours."))
    reason = _text("reason", reason, _("Give the reason for the cancellation."), minimum=5)

    def record(locked):
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason

    return transition(
        obj=found,
        workflow=PBBY,
        target=PolicyStatus.CANCELLED,
        actor=actor if not isinstance(actor, ApiClient) else None,
        capacities=lambda locked: policies.policy_capacities(actor, locked),
        expected=PolicyStatus.ACTIVE,
        note=reason,
        apply=record,
        summary={"client": actor.name} if isinstance(actor, ApiClient) else None,
        source_ip=source_ip,
    )


def pbby_validate(*, number: str, on: date | None = None) -> dict[str, Any]:
    """Whether a policy number is valid today: in force, from a registered insurer. No personal data."""
    found = selectors.policy_by_number(number)
    on = on or _today()
    if found is None:
        return {"number": (number or "").strip().upper()[:40], "valid": False, "reason": "unknown"}
    registered = Licence.objects.filter(organisation_id=found.insurer_id, kind=LicenceKind.INSURER, status=LicenceStatus.ACTIVE).exists()
    valid = found.status == PolicyStatus.ACTIVE and registered and found.valid_from_date <= on <= found.valid_to_date
    reason = "" if valid else ("cancelled" if found.status == PolicyStatus.CANCELLED else "insurer_not_registered" if not registered else "not_in_force")
    return {
        "number": found.number,
        "valid": valid,
        "reason": reason,
        "insurer": found.insurer.name,
        "period_years": found.period_years,
        "valid_from": found.valid_from_date,
        "valid_to": found.valid_to_date,
        "status": found.status,
    }


# --- exit check --------------------------------------------------------------------------------------


def exit_check(*, client, passport_number: str, source_ip=None) -> dict[str, Any]:
    """Answers the Bureau of Immigration at the border: is there a valid clearance for this passport?
    One indexed read and one insert; the question and the answer are logged."""
    if not policies.can_check_exit(client):
        raise NotAllowed(_("This client may not run exit checks."))
    number = normalise_passport_number(passport_number)
    index = passport_index(number)
    today = _today()
    found = (
        ClearanceApplication.objects.filter(passport_index=index, status=ClearanceStatus.GRANTED, valid_to_date__gte=today)
        .only("id", "emigration_number", "destination_country", "employer_name", "valid_to_date", "departure_date")
        .order_by("-decided_at")
        .first()
    )
    ExitCheck.objects.create(client=client, passport_index=index, cleared=found is not None, application=found, at=timezone.now(), source_ip=source_ip)
    if found is None:
        return {"cleared": False}
    return {
        "cleared": True,
        "emigration_number": found.emigration_number,
        "destination_country": found.destination_country,
        "employer": found.employer_name,
        "valid_to": found.valid_to_date,
    }


def current_passport(person: Person) -> Passport | None:
    return person.passports.filter(is_current=True).first()

"""Every workspace and API URL, requested as every role: allowed or denied as the policies say.

A person of Kerala origin living in the UAE is in the jurisdiction of the PoE office for Kerala and
of the Mission in Abu Dhabi; an import belongs to that Mission. Each role is a verified user of the
matching office or organisation.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import login_verified, office_for, user_with_role
from pravasi.cases import services as case_services
from pravasi.cases.models import Case, CaseStatus
from pravasi.clearance import services as clearance_services
from pravasi.clearance.tests.factories import ec_files
from pravasi.crisis import alerts as crisis_alerts
from pravasi.crisis import checkins as crisis_checkins
from pravasi.crisis import evacuation as crisis_evacuation
from pravasi.crisis import services as crisis_services
from pravasi.crisis.models import AlertStatus, BoardingStatus, CrisisStatus, HelpStatus
from pravasi.licensing import services as licensing_services
from pravasi.licensing.models import ApplicationKind, BlacklistEntry, Licence, LicenceKind
from pravasi.licensing.tests.factories import PDF, rc_data, rc_files, scrutinised
from pravasi.registry.importer import import_job_create, import_template_csv
from pravasi.registry.models import ConsentPurpose
from pravasi.registry.services import passport_record, person_register
from pravasi.registry.tests.factories import register_person

pytestmark = pytest.mark.django_db

SHEET_ROW = "Ravi,Kumar,M,1988-02-17,IN-KL,Kollam,AE,Dubai,,,,,,,,,yes\n"
ALL_ROLES = [r.value for r in Role] + ["ANONYMOUS"]
OFFICIALS = {Role.PGE_OFFICER, Role.POE_OFFICER, Role.MISSION_OFFICER}
RESTRICTED = set(Role) - {Role.EMIGRANT}


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    poe = office_for(OfficeKind.POE, states=["IN-KL"])
    mission = office_for(OfficeKind.MISSION, countries=["AE"])
    users = {role: user_with_role(role, office=poe if role == Role.POE_OFFICER else mission if role == Role.MISSION_OFFICER else None) for role in Role}
    person = register_person(users[Role.PGE_OFFICER], passport="J8369854", state_of_origin="IN-KL", residence_country="AE")
    emigrant = users[Role.EMIGRANT]
    own = person_register(
        actor=emigrant,
        user=emigrant,
        data={"given_name": "Mary", "sex": "F", "date_of_birth": "1990-01-01", "state_of_origin": "IN-KL", "residence_country": "AE"},
        consents=[ConsentPurpose.CRISIS_CONTACT],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(actor=users[Role.MISSION_OFFICER], office=mission, uploaded_file=SimpleUploadedFile("drive.csv", (import_template_csv() + SHEET_ROW).encode()))
    licensing = _licensing_world(users)
    clearance = _clearance_world(users, own, mission, licensing["licence"])
    cases = _cases_world(users)
    crisis = _crisis_world(users, person)
    return {"users": users, "person": person, "own": own, "job": job, "receipt": own.consents.first(), **licensing, **clearance, **cases, **crisis}


def _crisis_world(users, person):
    """Floods in the UAE declared by the Mission, an alert sent, the registered person asking (by phone) to
    leave, and a flight with them on its manifest."""
    mission = users[Role.MISSION_OFFICER]
    crisis = crisis_services.crisis_declare(
        actor=mission,
        data={"title": "Floods", "kind": "NATURAL_DISASTER", "phase": "VOLUNTARY_RETURN", "countries": ["AE"], "advisory": "Leave low-lying areas.", "helplines": [{"label": "Embassy", "number": "+97124492700"}]},
    )
    alert = crisis_alerts.alert_draft(actor=mission, crisis_id=crisis.id, data={"headline_en": "Floods", "description_en": "Roads are flooded.", "public": "on"})
    crisis_alerts.alert_send(actor=mission, alert_id=alert.id)
    crisis_checkins.checkin_record_by_staff(actor=mission, crisis_id=crisis.id, person_id=person.id, data={"status": "HELP", "needs": ["EVACUATION"]})
    plan = crisis_evacuation.plan_create(actor=mission, crisis_id=crisis.id, data={"title": "Operation Jal"})
    departs = (timezone.now() + timedelta(hours=8)).isoformat()
    asset = crisis_evacuation.asset_add(actor=mission, plan_id=plan.id, data={"kind": "FLIGHT", "name": "AI 1902", "capacity": "180", "departure_point": "Dubai airport", "departs_at": departs, "destination": "Kochi"})
    crisis_evacuation.manifest_build(actor=mission, asset_id=asset.id)
    token = crisis_checkins.checkin_token(alert_id=alert.id, person_id=person.id, expires_at=timezone.now() + timedelta(days=1))
    return {"crisis": crisis, "alert": alert, "help": crisis.help_requests.get(), "asset": asset, "checkin_token": token}


def _cases_world(users):
    """A grievance about a worker in the UAE, filed by her father with an attachment (routed to the Mission),
    referred to the partner organisation on a recorded vital-interest override."""
    case = case_services.case_file(
        actor=None,
        kind="GRIEVANCE",
        data={
            "category": "WORKER_ABUSE",
            "country": "AE",
            "filer_name": "Joseph Kurian",
            "filer_relation": "Father",
            "filer_phone": "+919847055501",
            "person_name": "Mary Kurian",
            "description": "She says the employer locks her in and has taken her phone twice.",
        },
        files=[SimpleUploadedFile("statement.pdf", PDF)],
    )
    partner = users[Role.PARTNER_ANALYST].memberships.get().organisation
    referral = case_services.referral_create(
        actor=users[Role.MISSION_OFFICER],
        case_id=case.id,
        partner_id=partner.id,
        shared_fields=["person_name", "where"],
        override_reason="Locked in by the employer; the shelter must reach her today.",
    )
    return {"case": case, "case_document": case.documents.get(), "referral": referral}


def _clearance_world(users, own, mission, rc):
    """A nurses' demand from the employer in the UAE naming the agent; the agent's application for the
    emigrant's own passport, granted by the Kerala PoE office; a PBBY policy from the insurer."""
    today = timezone.localdate()
    employer = users[Role.FE_STAFF].memberships.get().organisation
    Organisation.objects.filter(id=employer.id).update(country="AE")
    Licence.objects.create(kind=LicenceKind.FE, number="FE/AE/2026/09999", organisation=employer, office=mission, valid_from_date=today)
    insurer = users[Role.INSURER_STAFF].memberships.get().organisation
    Licence.objects.create(kind=LicenceKind.INSURER, number="INS/999", organisation=insurer, valid_from_date=today)
    demand = clearance_services.demand_raise(
        actor=users[Role.FE_STAFF],
        data={"worksite": "Abu Dhabi", "contract_months": "24", "agents": rc.number, "position_1_occupation": "2221", "position_1_title": "Nurse", "position_1_count": "3", "position_1_monthly_wage": "7000", "position_1_currency": "AED"},
    )
    passport = {"passport_number": "K5566778", "issue_date": (today - timedelta(days=400)).isoformat(), "expiry_date": (today + timedelta(days=3000)).isoformat(), "is_ecr": True}
    passport_record(actor=users[Role.EMIGRANT], person=own, data=passport)
    facts = {"given_name": "Mary", "sex": "F", "date_of_birth": "1990-01-01", "state_of_origin": "IN-KL", **passport}
    policy = clearance_services.pbby_issue(actor=users[Role.INSURER_STAFF], data={**facts, "period_years": "3", "valid_from_date": today.isoformat()})
    application = clearance_services.application_submit(
        actor=users[Role.RA_STAFF],
        route="RA",
        data={**facts, "demand_reference": demand.reference, "position": str(demand.positions.get().id), "departure_date": (today + timedelta(days=10)).isoformat(), "service_charge_inr": "1000", "service_charge_receipt": "R-1", "pbby_policy_number": policy.number},
        files=ec_files(),
    )
    granted = clearance_services.application_grant(actor=users[Role.POE_OFFICER], application_id=application.id)
    return {"demand": demand, "clearance": granted, "clearance_document": granted.documents.first()}


def _licensing_world(users):
    """A certificate application of the recruiting agent's organisation, routed to the Kerala PoE office and granted."""
    data = {k: v for k, v in rc_data().items() if not k.startswith("contact_") and k != "password"}
    application = licensing_services.application_submit(actor=users[Role.RA_STAFF], kind=ApplicationKind.RC_NEW, data=data, files=rc_files())
    scrutinised(application, users[Role.POE_OFFICER])
    licensing_services.application_forward(actor=users[Role.POE_OFFICER], application_id=application.id)
    granted = licensing_services.application_grant(actor=users[Role.PGE_OFFICER], application_id=application.id)
    return {"application": application, "licence": granted.licence, "document": application.documents.first()}


def urls(world):
    person, job = world["person"].id, world["job"].id
    return [
        # (url, roles allowed)
        (reverse("workspace:home"), RESTRICTED),
        (reverse("workspace:registry_search"), OFFICIALS | {Role.OWRC_AGENT}),
        (reverse("workspace:person_detail", args=[person]), OFFICIALS | {Role.OWRC_AGENT}),
        (reverse("workspace:duplicates"), OFFICIALS),
        (reverse("workspace:imports"), {Role.POE_OFFICER, Role.MISSION_OFFICER}),
        (reverse("workspace:import_template"), {Role.POE_OFFICER, Role.MISSION_OFFICER}),
        (reverse("workspace:import_detail", args=[job]), {Role.MISSION_OFFICER}),
        (reverse("workspace:import_progress", args=[job]), {Role.MISSION_OFFICER}),
        (reverse("workspace:outbox"), {Role.ADMINISTRATOR}),
        ("/api/v1/registry/persons/?country=AE", OFFICIALS),
        ("/api/v1/registry/persons/?name=Kumar", OFFICIALS),
        (f"/api/v1/registry/persons/{person}/", OFFICIALS | {Role.OWRC_AGENT}),
        ("/api/v1/registry/me/", {Role.EMIGRANT}),
        ("/api/v1/registry/me/consents/", {Role.EMIGRANT}),
        (f"/api/v1/registry/me/consents/{world['receipt'].id}/receipt/", {Role.EMIGRANT}),
        ("/api/v1/registry/me/export/", {Role.EMIGRANT}),
        (reverse("portal:profile"), {Role.EMIGRANT}),
        (reverse("portal:data_json"), {Role.EMIGRANT}),
        (reverse("portal:consents"), {Role.EMIGRANT}),
        (reverse("admin:policy_policyvalue_changelist"), {Role.PGE_OFFICER, Role.ADMINISTRATOR}),
        (reverse("admin:accounts_office_changelist"), {Role.ADMINISTRATOR}),
        *licensing_urls(world),
        *clearance_urls(world),
        *cases_urls(world),
        *crisis_urls(world),
    ]


def crisis_urls(world):
    crisis, alert, help_request, asset, person = world["crisis"].id, world["alert"].id, world["help"].id, world["asset"].id, world["person"].id
    responders = {Role.MISSION_OFFICER, Role.PGE_OFFICER}
    return [
        (reverse("workspace:crisis_list"), responders),
        (reverse("workspace:crisis_declare"), responders),
        (reverse("workspace:crisis_detail", args=[crisis]), responders),
        (reverse("workspace:crisis_alert_new", args=[crisis]), responders),
        (reverse("workspace:crisis_alert", args=[alert]), responders),
        (reverse("workspace:crisis_alert_progress", args=[alert]), responders),
        (reverse("workspace:crisis_checkins", args=[crisis]), responders),
        (reverse("workspace:crisis_triage", args=[crisis]), responders),
        (reverse("workspace:crisis_help", args=[help_request]), responders),
        (reverse("workspace:crisis_unaccounted", args=[crisis]), responders),
        (reverse("workspace:crisis_evacuation", args=[crisis]), responders),
        (reverse("workspace:crisis_certificates", args=[crisis]), responders),
        (reverse("workspace:crisis_asset", args=[asset]), responders),
        (reverse("workspace:crisis_boarding", args=[asset]), responders),
        (reverse("workspace:crisis_manifest_add", args=[asset, person]), responders),
        (reverse("portal:checkin", args=[world["checkin_token"]]), EVERYONE),
        ("/api/v1/gateway/kannel/report/?id=x&status=1", set()),
        ("/api/v1/gateway/kannel/inbound/?from=%2B971501234567&text=SAFE&id=1", set()),
    ]


def cases_urls(world):
    case, document, referral = world["case"].id, world["case_document"].id, world["referral"].id
    handlers = {Role.MISSION_OFFICER, Role.PGE_OFFICER}
    return [
        (reverse("workspace:cases_queue"), OFFICIALS),
        (reverse("workspace:cases_dashboard"), OFFICIALS),
        (reverse("workspace:cases_complaints"), {Role.PGE_OFFICER}),
        (reverse("workspace:cases_case", args=[case]), handlers),
        (reverse("workspace:cases_document", args=[document]), handlers),
        (reverse("workspace:cases_helpline"), {Role.OWRC_AGENT}),
        (reverse("workspace:cases_referrals"), {Role.PARTNER_ANALYST}),
        (reverse("workspace:cases_referral", args=[referral]), {Role.PARTNER_ANALYST}),
        (reverse("workspace:cases_claims"), {Role.INSURER_STAFF}),
        (reverse("portal:grievance_file"), EVERYONE),
        (reverse("portal:eventuality_report"), EVERYONE),
        (reverse("portal:case_status"), EVERYONE),
        (reverse("portal:my_cases"), {Role.EMIGRANT}),
        (reverse("portal:crises"), EVERYONE),
        (reverse("portal:cap_feed"), EVERYONE),
    ]


def clearance_urls(world):
    demand, application, document = world["demand"].id, world["clearance"], world["clearance_document"].id
    applicant_and_offices = {Role.RA_STAFF, Role.POE_OFFICER, Role.PGE_OFFICER}
    return [
        (reverse("workspace:clearance_demands"), {Role.FE_STAFF, Role.MISSION_OFFICER}),
        (reverse("workspace:clearance_demand", args=[demand]), {Role.FE_STAFF, Role.MISSION_OFFICER}),
        (reverse("workspace:clearance_applications"), {Role.RA_STAFF, Role.PE_STAFF, Role.POE_OFFICER, Role.PGE_OFFICER}),
        (reverse("workspace:clearance_application_new"), {Role.RA_STAFF, Role.PE_STAFF}),
        (reverse("workspace:clearance_application", args=[application.id]), applicant_and_offices),
        (reverse("workspace:clearance_document", args=[document]), applicant_and_offices),
        (reverse("workspace:clearance_queue"), {Role.POE_OFFICER}),
        (reverse("workspace:clearance_pbby"), {Role.INSURER_STAFF}),
        (reverse("portal:my_clearances"), {Role.EMIGRANT}),
        (reverse("portal:ec_pdf", args=[application.id]), applicant_and_offices | {Role.EMIGRANT}),
        (reverse("portal:verify_clearance") + "?number=" + application.emigration_number, EVERYONE),
        (reverse("portal:clearance_check"), EVERYONE),
    ]


PARTNERS = {Role.RA_STAFF, Role.FE_STAFF, Role.PE_STAFF, Role.INSURER_STAFF}
EVERYONE = set(ALL_ROLES)


def licensing_urls(world):
    application, licence, document = world["application"].id, world["licence"], world["document"].id
    holder_and_offices = {Role.RA_STAFF, Role.POE_OFFICER, Role.PGE_OFFICER}
    return [
        (reverse("workspace:licensing_home"), PARTNERS),
        (reverse("workspace:licensing_queue"), OFFICIALS),
        (reverse("workspace:licensing_application", args=[application]), holder_and_offices),
        (reverse("workspace:licensing_document", args=[document]), holder_and_offices),
        (reverse("workspace:licensing_licences"), OFFICIALS),
        (reverse("workspace:licensing_licence", args=[licence.id]), holder_and_offices),
        (reverse("workspace:licensing_certificate", args=[licence.id]), holder_and_offices),
        (reverse("workspace:licensing_appeals"), OFFICIALS | PARTNERS),
        (reverse("workspace:licensing_branches"), {Role.PGE_OFFICER}),
        (reverse("workspace:licensing_blacklist"), {Role.PGE_OFFICER, Role.MISSION_OFFICER}),
        (reverse("workspace:licensing_illegal_agents"), {Role.PGE_OFFICER}),
        (reverse("workspace:licensing_insurers"), {Role.PGE_OFFICER}),
        (reverse("portal:verify") + "?number=" + licence.number, EVERYONE),
        (reverse("portal:recruiting_agents"), EVERYONE),
        (reverse("portal:blacklist"), EVERYONE),
        (reverse("portal:illegal_agents"), EVERYONE),
        (reverse("portal:apply_recruiting_agent"), EVERYONE),
        (reverse("portal:apply_foreign_employer"), EVERYONE),
        (reverse("portal:apply_project_exporter"), EVERYONE),
        ("/api/v1/licensing/verify/?number=" + licence.number, EVERYONE),
        ("/api/v1/licensing/recruiting-agents/", EVERYONE),
        ("/api/v1/licensing/blacklist/", EVERYONE),
        ("/api/v1/licensing/illegal-agents/", EVERYONE),
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_url_as_every_role(client, world, role):
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    failures = []
    for url, allowed in urls(world):
        response = client.get(url)
        granted = response.status_code == 200
        if role in {str(r) for r in allowed}:
            if not granted:
                failures.append(f"{url}: expected 200, got {response.status_code}")
        elif granted or response.status_code not in (302, 403, 404):
            failures.append(f"{url}: expected a refusal, got {response.status_code}")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", [r for r in Role if r not in OFFICIALS] + ["ANONYMOUS"])
def test_state_changing_posts_are_refused(client, world, role):
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    for url in (reverse("workspace:duplicate_merge"), reverse("workspace:duplicate_dismiss"), reverse("workspace:merge_revert")):
        response = client.post(url, {"flag_id": "00000000-0000-0000-0000-000000000000", "survivor_id": str(world["person"].id), "merge_id": "00000000-0000-0000-0000-000000000000"})
        assert response.status_code in (302, 403, 404), (url, response.status_code)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PGE_OFFICER] + ["ANONYMOUS"])
def test_licensing_decisions_are_refused_to_all_but_the_pge(client, world, role):
    """Suspending, cancelling and deciding are the PGE's: every other role is refused and nothing changes."""
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    licence = world["licence"]
    order = {"ground": "14_1_C", "order_text": "An order text long enough to be accepted by the form.", "expected": "ACTIVE"}
    for name in ("licensing_licence_suspend", "licensing_licence_cancel"):
        response = client.post(reverse(f"workspace:{name}", args=[licence.id]), {**order, **{f"{p}-{k}": v for p in ("suspend", "cancel") for k, v in order.items()}})
        assert response.status_code in (302, 403, 404), (name, response.status_code)
    licence.refresh_from_db()
    assert licence.status == "ACTIVE"
    before = BlacklistEntry.objects.count()
    response = client.post(reverse("workspace:licensing_blacklist"), {"name": "Probe Co", "country": "AE", "reasons": "probe", "listed_date": "2026-01-01"})
    assert response.status_code in (302, 400, 403, 404)
    if role != Role.MISSION_OFFICER:
        assert BlacklistEntry.objects.count() == before


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.MISSION_OFFICER, Role.PGE_OFFICER)] + ["ANONYMOUS"])
def test_case_actions_are_refused_to_all_but_the_handling_office(client, world, role):
    """Only the Mission handling the case (and the PGE) note, message, transfer, refer or close it: nothing changes for anyone else."""
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    case = world["case"]
    notes = case.notes.count()
    text = {"text": "A probe note long enough.", "resolution": "Probe resolution.", "reason": "Probe reason.", "office": str(case.office_id)}
    for name in ("cases_take_up", "cases_note", "cases_message", "cases_transfer", "cases_close", "cases_refer"):
        response = client.post(reverse(f"workspace:{name}", args=[case.id]), text)
        assert response.status_code in (302, 403, 404), (name, response.status_code)
    case = Case.objects.get(id=case.id)
    assert case.status == CaseStatus.OPEN and case.office_id == world["case"].office_id and case.notes.count() == notes


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.MISSION_OFFICER, Role.PGE_OFFICER)] + ["ANONYMOUS"])
def test_crisis_actions_are_refused_to_all_but_the_responding_offices(client, world, role):
    """Only the declaring Mission and the PGE send alerts, end the crisis, take requests, fill and board
    transport: nothing changes for anyone else."""
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    crisis, asset, help_request = world["crisis"], world["asset"], world["help"]
    draft = crisis_alerts.alert_draft(actor=world["users"][Role.MISSION_OFFICER], crisis_id=crisis.id, data={"headline_en": "Update", "description_en": "More rain."})
    entry = asset.entries.get()
    posts = [
        (reverse("workspace:crisis_alert_send", args=[draft.id]), {}),
        (reverse("workspace:crisis_end", args=[crisis.id]), {"end-reason": "Probe reason long enough."}),
        (reverse("workspace:crisis_help_take", args=[help_request.id]), {"take-expected": "OPEN"}),
        (reverse("workspace:crisis_manifest_build", args=[asset.id]), {}),
        (reverse("workspace:crisis_boarding", args=[asset.id]), {"code": entry.boarding_code}),
        (reverse("workspace:crisis_contacts", args=[crisis.id]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
    draft.refresh_from_db()
    crisis.refresh_from_db()
    help_request.refresh_from_db()
    entry.refresh_from_db()
    assert draft.status == AlertStatus.DRAFT and crisis.status == CrisisStatus.ACTIVE and help_request.status == HelpStatus.OPEN and entry.status == BoardingStatus.LISTED

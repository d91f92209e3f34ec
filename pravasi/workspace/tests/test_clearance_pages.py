"""Clearance pages of the workspace: the employer's demands and the Mission's verification, the agent's
two-step application, the PoE's queue, decisions and bulk grant, the applicant's answer, PBBY policies,
scoping and the personal-data access log, all through real requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import user_with_role, verified_client
from pravasi.audit.models import PersonalDataAccess
from pravasi.clearance import services
from pravasi.clearance.models import ClearanceApplication, ClearanceStatus, Demand, DemandStatus, PBBYPolicy, PolicyStatus
from pravasi.clearance.tests.factories import ec_files, make_world, pbby_for, submitted_ec, worker
from pravasi.licensing import services as licensing
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.licensing.tests.factories import granted_rc, pdf
from pravasi.policy.models import PolicyValue

pytestmark = pytest.mark.django_db
STALE = "Someone else acted on this first"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


signed_in = verified_client


def app_url(application, action: str = "") -> str:
    if not action:
        return reverse("workspace:clearance_application", args=[application.id])
    return reverse(f"workspace:clearance_application_{action}", args=[application.id])


def fresh(obj):
    obj.refresh_from_db()
    return obj


def body(response) -> str:
    return response.content.decode()


def demand_post(rc_number: str, **overrides) -> dict:
    data = {
        "demand-worksite": "Mussafah industrial area, Abu Dhabi",
        "demand-contract_months": "24",
        "demand-food": "on",
        "demand-housing": "on",
        "demand-agents": rc_number,
        "demand-position_1_occupation": "7112",
        "demand-position_1_title": "Mason",
        "demand-position_1_count": "10",
        "demand-position_1_monthly_wage": "1800",
        "demand-position_1_currency": "AED",
        "demand-position_2_occupation": "7411",
        "demand-position_2_title": "Electrician",
        "demand-position_2_count": "4",
        "demand-position_2_monthly_wage": "2200",
        "demand-position_2_currency": "AED",
    }
    data.update({f"demand-{k}": v for k, v in overrides.items()})
    return data


def application_post(world, person: dict, policy_number: str, **overrides) -> dict:
    data = {
        **person,
        "demand_reference": world.demand.reference,
        "position": str(world.demand.positions.first().id),
        "departure_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "service_charge_inr": "18000",
        "service_charge_receipt": "RCPT-77",
        "pbby_policy_number": policy_number,
        "libya_life_policy": "",
        **ec_files(),
    }
    data.update(overrides)
    return data


# --- demands ---------------------------------------------------------------------------------------------


def test_employer_raises_a_demand_through_the_page_and_a_bad_currency_is_named():
    world = make_world()
    client = signed_in(world.employer_user)
    before = Demand.objects.count()

    bad = client.post(reverse("workspace:clearance_demands"), demand_post(world.rc.number, position_2_currency="XYZ"))
    assert bad.status_code == 400
    page = body(bad)
    assert "Choose the currency of the wage." in page
    assert 'id="id_demand-position_2_currency_desc"' in page
    assert 'href="#action-demand"' in page
    assert Demand.objects.count() == before

    response = client.post(reverse("workspace:clearance_demands"), demand_post(world.rc.number), follow=True)
    assert response.status_code == 200
    demand = Demand.objects.exclude(id=world.demand.id).get(employer=world.employer)
    assert demand.status == DemandStatus.OPEN
    assert (demand.worksite, demand.contract_months, demand.food, demand.housing, demand.transport) == ("Mussafah industrial area, Abu Dhabi", 24, True, True, False)
    assert sorted((p.occupation, p.title, p.count, str(p.monthly_wage), p.currency) for p in demand.positions.all()) == [
        ("7112", "Mason", 10, "1800.00", "AED"),
        ("7411", "Electrician", 4, "2200.00", "AED"),
    ]
    assert list(demand.agents.all()) == [world.rc]
    assert demand.reference in body(response)

    detail = client.get(reverse("workspace:clearance_demand", args=[demand.id]))
    assert detail.status_code == 200
    assert "Electrician" in body(detail) and world.rc.number in body(detail)
    assert reverse("workspace:clearance_demand_verify", args=[demand.id]) not in body(detail)


def test_an_unknown_agent_is_named_on_the_agents_field():
    world = make_world()
    response = signed_in(world.employer_user).post(reverse("workspace:clearance_demands"), demand_post("B-99999/KL/2020"))
    assert response.status_code == 400
    assert "Unknown certificate numbers: B-99999/KL/2020." in body(response)


def test_mission_verifies_a_pending_demand_and_the_employer_closes_it():
    world = make_world(occupation="9111")
    demand = world.demand
    assert demand.status == DemandStatus.PENDING_VERIFICATION
    mission = signed_in(world.mission)
    url = reverse("workspace:clearance_demand", args=[demand.id])
    verify_url = reverse("workspace:clearance_demand_verify", args=[demand.id])

    listing = mission.get(reverse("workspace:clearance_demands"))
    assert listing.status_code == 200 and demand.reference in body(listing)
    assert verify_url in body(mission.get(url))

    refused = mission.post(verify_url, {"verify-expected": "PENDING_VERIFICATION", "verify-decision": "reject", "verify-note": ""})
    assert refused.status_code == 400
    assert "Say why the demand is rejected" in body(refused)
    assert fresh(demand).status == DemandStatus.PENDING_VERIFICATION

    response = mission.post(
        verify_url,
        {"verify-expected": "PENDING_VERIFICATION", "verify-decision": "approve", "verify-note": "Employer and wages checked.", "verify-women_guarantee_lodged": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "The demand was verified and is open for recruitment." in body(response)
    demand = fresh(demand)
    assert demand.status == DemandStatus.OPEN and demand.women_guarantee_lodged
    assert "Waiting for the Mission to verify it → Open for recruitment" in body(response)

    employer = signed_in(world.employer_user)
    closed = employer.post(reverse("workspace:clearance_demand_close", args=[demand.id]), {}, follow=True)
    assert closed.status_code == 200
    assert fresh(demand).status == DemandStatus.CLOSED


def test_a_stale_verification_is_refused_with_the_conflict_message():
    world = make_world(country="SA")
    demand = world.demand
    assert demand.status == DemandStatus.PENDING_VERIFICATION
    # The employer is in Saudi Arabia, so the demand waits for verification; another officer rejects it first.
    services.demand_verify(actor=world.mission, demand_id=demand.id, approve=False, note="Wages below the contract norms.")
    response = signed_in(world.mission).post(
        reverse("workspace:clearance_demand_verify", args=[demand.id]), {"verify-expected": "PENDING_VERIFICATION", "verify-decision": "approve", "verify-note": ""}, follow=True
    )
    assert STALE in body(response)
    assert fresh(demand).status == DemandStatus.REJECTED


def test_demand_pages_are_closed_to_agents_and_other_employers():
    world = make_world()
    other = make_world()
    url = reverse("workspace:clearance_demand", args=[world.demand.id])
    assert signed_in(other.employer_user).get(url).status_code == 404
    assert signed_in(world.agent).get(reverse("workspace:clearance_demands")).status_code == 403


# --- the agent's application ------------------------------------------------------------------------------


def test_agent_files_an_application_in_two_steps_and_it_reaches_the_poe_queue():
    world = make_world()
    agent = signed_in(world.agent)
    person = worker(given_name="Anil", family_name="Varghese")
    policy = pbby_for(world, person)
    new_url = reverse("workspace:clearance_application_new")

    step1 = agent.get(new_url)
    assert step1.status_code == 200
    assert 'name="demand_reference"' in body(step1) and 'name="given_name"' not in body(step1)

    unknown = agent.get(new_url, {"demand_reference": "DM-1999-000001"})
    assert "No open demand with this reference names your agency." in body(unknown)

    step2 = agent.get(new_url, {"demand_reference": world.demand.reference.lower()})
    assert step2.status_code == 200
    position = world.demand.positions.first()
    assert f'value="{position.id}"' in body(step2)
    assert "5 of 5 open" in body(step2)
    assert 'name="given_name"' in body(step2) and 'name="document_visa"' in body(step2)
    assert "Only matters for employment in Libya" in body(step2)

    response = agent.post(new_url, application_post(world, person, policy.number))
    application = ClearanceApplication.objects.get(person__given_name="Anil")
    assert response.status_code == 302 and response["Location"] == app_url(application)
    assert application.route == "RA" and application.status == ClearanceStatus.SUBMITTED
    assert application.position == position and application.pbby_policy == policy
    assert application.eligible
    assert application.documents.count() == 6

    detail = agent.get(app_url(application))
    page = body(detail)
    assert "Anil Varghese" in page and "Passed" in page and "Not passed" not in page
    assert "Contract wage at least the minimum referral wage" in page
    assert app_url(application, "withdraw") in page
    assert app_url(application, "grant") not in page

    queue = signed_in(world.poe).get(reverse("workspace:clearance_queue"))
    assert queue.status_code == 200
    assert application.reference in body(queue) and "Anil Varghese" in body(queue)
    assert "On time" in body(queue)

    listing = agent.get(reverse("workspace:clearance_applications"), {"status": "SUBMITTED"})
    assert application.reference in body(listing)
    assert application.reference not in body(agent.get(reverse("workspace:clearance_applications"), {"status": "GRANTED"}))


def test_missing_documents_and_a_foreign_policy_are_named_on_the_form():
    world = make_world()
    person = worker()
    stranger = pbby_for(world, worker())
    data = application_post(world, person, stranger.number)
    del data["document_visa"]
    response = signed_in(world.agent).post(reverse("workspace:clearance_application_new"), data)
    assert response.status_code == 400
    page = body(response)
    assert "Attach this document (PDF, PNG or JPEG)." in page
    assert 'id="id_document_visa_desc"' in page
    assert f'value="{world.demand.reference}"' in page  # still on step two
    assert not ClearanceApplication.objects.exists()

    data = application_post(world, person, stranger.number)
    response = signed_in(world.agent).post(reverse("workspace:clearance_application_new"), data)
    assert response.status_code == 400
    assert "This PBBY policy insures another passport." in body(response)
    assert not ClearanceApplication.objects.exists()


def test_the_daily_limit_is_shown_plainly():
    world = make_world()
    PolicyValue.objects.filter(key="RA_DAILY_PASSPORT_LIMIT").update(value=1)
    submitted_ec(world)
    person = worker()
    response = signed_in(world.agent).post(reverse("workspace:clearance_application_new"), application_post(world, person, pbby_for(world, person).number))
    assert response.status_code == 400
    page = body(response)
    assert "Daily limit reached" in page
    assert "An agent may submit at most 1 passports a day" in page
    assert ClearanceApplication.objects.count() == 1


def test_project_exporter_files_without_a_demand():
    world = make_world()
    exporter = user_with_role(Role.PE_STAFF, organisation=Organisation.objects.create(kind=OrganisationKind.PE, name="Kerala Infra Projects Ltd"))
    Licence.objects.create(
        kind=LicenceKind.PE, number=licensing.licence_number(LicenceKind.PE), organisation=exporter.memberships.get().organisation, premises_state="IN-KL", valid_from_date=timezone.localdate()
    )
    client = signed_in(exporter)
    page = client.get(reverse("workspace:clearance_application_new"))
    assert page.status_code == 200
    assert 'name="destination_country"' in body(page) and 'name="demand_reference"' not in body(page)
    person = worker(given_name="Joseph")
    policy = pbby_for(world, person)
    data = {
        **person,
        "destination_country": "AE",
        "occupation": "7411",
        "monthly_wage": "2500",
        "currency": "AED",
        "contract_months": "24",
        "employer_name": "",
        "departure_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "pbby_policy_number": policy.number,
        **ec_files(with_receipt=False, with_demand=False),
    }
    response = client.post(reverse("workspace:clearance_application_new"), data)
    application = ClearanceApplication.objects.get(person__given_name="Joseph")
    assert response.status_code == 302
    assert application.route == "PROJECT_EXPORTER" and application.office.code == "T-POE" and application.eligible


# --- decisions by the Protector of Emigrants ---------------------------------------------------------------


def test_poe_grants_from_the_detail_page_and_the_number_is_shown():
    world = make_world()
    application = submitted_ec(world)
    poe = signed_in(world.poe)

    page = poe.get(app_url(application))
    assert page.status_code == 200
    assert app_url(application, "grant") in body(page) and app_url(application, "refuse") in body(page)
    assert app_url(application, "answer") not in body(page)

    response = poe.post(app_url(application, "grant"), {"grant-expected": "SUBMITTED"}, follow=True)
    assert response.status_code == 200
    application = fresh(application)
    assert application.status == ClearanceStatus.GRANTED and application.emigration_number
    page = body(response)
    assert f"Clearance granted: emigration number {application.emigration_number}." in page
    assert "Emigration clearance granted" in page and application.valid_to_date.strftime("%Y") in page
    assert world.demand.positions.first().filled == 1
    assert "Submitted: with the Protector of Emigrants → Clearance granted" in page
    try:
        ec_url = reverse("portal:ec_pdf", args=[application.id])
    except NoReverseMatch:  # the portal's e-EC download is not installed
        ec_url = None
    if ec_url:
        assert f'href="{ec_url}">e-EC (PDF)</a>' in page

    # The applicant sees the number too, and no action is left.
    agent_page = body(signed_in(world.agent).get(app_url(application)))
    assert application.emigration_number in agent_page
    assert app_url(application, "withdraw") not in agent_page


def test_bulk_grant_from_the_queue_reports_each_application():
    world = make_world()
    first, second, refused = submitted_ec(world), submitted_ec(world), submitted_ec(world)
    services.application_refuse(actor=world.poe, application_id=refused.id, reasons="The visa copy is illegible and unsigned.")
    poe = signed_in(world.poe)

    queue = body(poe.get(reverse("workspace:clearance_queue")))
    assert f'name="ids" value="{first.id}"' in queue and "Grant selected" in queue
    assert refused.reference not in queue

    empty = poe.post(reverse("workspace:clearance_queue_grant"), {})
    assert empty.status_code == 400 and "Select at least one application." in body(empty)

    response = poe.post(reverse("workspace:clearance_queue_grant"), {"ids": [str(first.id), str(second.id), str(refused.id)]})
    assert response.status_code == 200
    first, second = fresh(first), fresh(second)
    assert first.status == second.status == ClearanceStatus.GRANTED
    results = body(response).split('id="results-heading"', 1)[1].split("</section>", 1)[0]
    assert first.emigration_number in results and second.emigration_number in results
    assert refused.reference in results and "Not granted" in results and "Refused" in results
    assert fresh(refused).status == ClearanceStatus.REFUSED
    assert world.demand.positions.first().filled == 2


def test_a_stale_grant_shows_the_conflict_message():
    world = make_world()
    application = submitted_ec(world)
    services.application_refuse(actor=world.poe, application_id=application.id, reasons="The contract wage differs from the demand.")

    response = signed_in(world.poe).post(app_url(application, "grant"), {"grant-expected": "SUBMITTED"}, follow=True)

    assert response.status_code == 200
    assert STALE in body(response)
    application = fresh(application)
    assert application.status == ClearanceStatus.REFUSED and application.emigration_number is None


def test_an_application_that_is_not_eligible_cannot_be_granted_and_the_page_says_why():
    world = make_world(wage="500")
    application = submitted_ec(world)
    assert not application.eligible
    poe = signed_in(world.poe)

    page = body(poe.get(app_url(application)))
    assert "Not passed" in page and "below the minimum referral wage" in page
    assert "The last check found this application not eligible" in page

    response = poe.post(app_url(application, "grant"), {"grant-expected": "SUBMITTED"})
    assert response.status_code == 400
    page = body(response)
    assert "The application is not eligible: Wage US$" in page
    assert 'href="#action-grant"' in page
    application = fresh(application)
    assert application.status == ClearanceStatus.SUBMITTED and application.emigration_number is None
    assert world.demand.positions.first().filled == 0


def test_deficiency_notice_and_the_applicants_answer():
    world = make_world()
    application = submitted_ec(world)
    poe = signed_in(world.poe)

    short = poe.post(app_url(application, "deficiency"), {"deficiency-expected": "SUBMITTED", "deficiency-note": "Visa"})
    assert short.status_code == 400 and "Say what the applicant must correct or send." in body(short)

    poe.post(app_url(application, "deficiency"), {"deficiency-expected": "SUBMITTED", "deficiency-note": "Send a legible copy of the visa."})
    assert fresh(application).status == ClearanceStatus.DEFICIENCY

    agent = signed_in(world.agent)
    page = body(agent.get(app_url(application)))
    assert "Send a legible copy of the visa." in page and app_url(application, "answer") in page
    documents = application.documents.count()

    response = agent.post(app_url(application, "answer"), {"answer-note": "A clearer copy of the visa is attached.", "answer-document_visa": pdf("visa-clear.pdf")}, follow=True)
    assert response.status_code == 200
    application = fresh(application)
    assert application.status == ClearanceStatus.SUBMITTED
    assert application.documents.count() == documents + 1
    assert "visa-clear.pdf" in body(response)
    assert "A clearer copy of the visa is attached." in body(response)


def test_the_applicant_withdraws():
    world = make_world()
    application = submitted_ec(world)
    response = signed_in(world.agent).post(app_url(application, "withdraw"), {}, follow=True)
    assert response.status_code == 200 and "The application was withdrawn." in body(response)
    assert fresh(application).status == ClearanceStatus.WITHDRAWN


def test_another_agency_gets_404_for_the_application_and_403_for_the_queue():
    world = make_world()
    application = submitted_ec(world)
    _rc, other_agent = granted_rc({"poe": world.poe, "pge": world.pge})
    client = signed_in(other_agent)

    assert client.get(app_url(application)).status_code == 404
    assert client.post(app_url(application, "withdraw")).status_code == 404
    document = application.documents.first()
    assert client.get(reverse("workspace:clearance_document", args=[document.id])).status_code == 404
    assert client.get(reverse("workspace:clearance_queue")).status_code == 403
    assert client.post(app_url(application, "grant"), {"grant-expected": "SUBMITTED"}).status_code == 403
    assert application.reference not in body(client.get(reverse("workspace:clearance_applications")))
    assert fresh(application).status == ClearanceStatus.SUBMITTED

    # The applicant downloads its own document.
    download = signed_in(world.agent).get(reverse("workspace:clearance_document", args=[document.id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"


def test_the_pge_reads_any_application_without_actions():
    world = make_world()
    application = submitted_ec(world)
    pge = signed_in(world.pge)
    assert application.reference in body(pge.get(reverse("workspace:clearance_applications")))
    page = pge.get(app_url(application))
    assert page.status_code == 200
    assert app_url(application, "grant") not in body(page)
    assert "Read only" in body(page)
    assert pge.get(reverse("workspace:clearance_queue")).status_code == 403


def test_the_poe_opening_an_application_writes_a_pii_access_entry():
    world = make_world()
    application = submitted_ec(world)
    signed_in(world.agent).get(app_url(application))
    assert not PersonalDataAccess.objects.filter(person_id=application.person_id).exists()

    signed_in(world.poe).get(app_url(application))

    entries = PersonalDataAccess.objects.filter(person_id=application.person_id)
    assert [(e.actor_id, e.purpose) for e in entries] == [(world.poe.id, "VIEW")]


# --- PBBY insurance ---------------------------------------------------------------------------------------


def test_insurer_issues_validates_and_cancels_a_policy():
    world = make_world()
    insurer = signed_in(world.insurer_user)
    person = worker(given_name="Meera", sex="F", date_of_birth="1985-02-03")
    url = reverse("workspace:clearance_pbby")

    page = body(insurer.get(url))
    assert "3 years · premium Rs 375" in page

    bad = insurer.post(url, {**{f"issue-{k}": v for k, v in person.items()}, "issue-period_years": "5", "issue-valid_from_date": timezone.localdate().isoformat()})
    assert bad.status_code == 400 and "Enter a number between 2 and 3." in body(bad)
    assert 'id="id_issue-period_years_desc"' in body(bad)
    assert not PBBYPolicy.objects.filter(person__given_name="Meera").exists()

    response = insurer.post(url, {**{f"issue-{k}": v for k, v in person.items()}, "issue-period_years": "3", "issue-valid_from_date": timezone.localdate().isoformat()}, follow=True)
    assert response.status_code == 200
    issued = PBBYPolicy.objects.get(person__given_name="Meera")
    assert issued.status == PolicyStatus.ACTIVE and issued.period_years == 3 and str(issued.premium_inr) == "375.00"
    assert f"Policy {issued.number} was issued" in body(response)
    assert "Meera Kumar" in body(response)

    valid = insurer.get(reverse("workspace:clearance_pbby_validate"), {"validate-number": issued.number.lower()})
    assert valid.status_code == 200
    assert f"{issued.number}</span>: <strong>valid</strong>" in body(valid)
    unknown = insurer.get(reverse("workspace:clearance_pbby_validate"), {"validate-number": "PBBY/NONE/1"})
    assert "No PBBY policy has this number." in body(unknown)

    cancel_url = reverse("workspace:clearance_pbby_cancel", args=[issued.id])
    prefix = f"p{issued.id.hex}"
    short = insurer.post(cancel_url, {f"{prefix}-reason": "x"})
    assert short.status_code == 400 and "Give the reason for the cancellation." in body(short)
    assert f'href="#action-policy-{issued.id}"' in body(short)

    response = insurer.post(cancel_url, {f"{prefix}-reason": "Worker did not travel; refund."}, follow=True)
    assert response.status_code == 200 and f"Policy {issued.number} was cancelled." in body(response)
    assert fresh(issued).status == PolicyStatus.CANCELLED
    again = body(insurer.get(reverse("workspace:clearance_pbby_validate"), {"validate-number": issued.number}))
    assert "not valid" in again and "The policy was cancelled." in again


def test_pbby_pages_are_for_registered_insurers_only():
    world = make_world()
    other_insurer = user_with_role(Role.INSURER_STAFF, organisation=Organisation.objects.create(kind=OrganisationKind.INSURER, name="Unregistered Assurance"))
    issued = pbby_for(world, worker())
    assert signed_in(other_insurer).get(reverse("workspace:clearance_pbby")).status_code == 403
    assert signed_in(world.agent).get(reverse("workspace:clearance_pbby")).status_code == 403
    rival = make_world()
    response = signed_in(rival.insurer_user).post(reverse("workspace:clearance_pbby_cancel", args=[issued.id]), {f"p{issued.id.hex}-reason": "Not ours to cancel."})
    assert response.status_code == 404
    assert fresh(issued).status == PolicyStatus.ACTIVE


# --- the workspace home ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("poe", ["clearance_queue", "clearance_applications"], ["clearance_pbby", "clearance_demands"]),
        ("agent", ["clearance_applications", "clearance_application_new"], ["clearance_queue", "clearance_pbby"]),
        ("employer_user", ["clearance_demands"], ["clearance_queue", "clearance_application_new"]),
        ("mission", ["clearance_demands"], ["clearance_queue", "clearance_pbby"]),
        ("insurer_user", ["clearance_pbby"], ["clearance_queue", "clearance_demands"]),
    ],
)
def test_home_shows_a_clearance_card_per_permission(who, shown, hidden):
    world = make_world()
    page = body(signed_in(getattr(world, who)).get(reverse("workspace:home")))
    assert 'id="clearance-heading"' in page
    for name in shown:
        assert reverse(f"workspace:{name}") in page, name
    for name in hidden:
        assert reverse(f"workspace:{name}") not in page, name


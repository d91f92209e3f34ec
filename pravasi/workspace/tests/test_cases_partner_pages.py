"""Case pages for those outside the handling office, through real requests: the helpline agent files for a
caller and reads out the number, a partner organisation answers a referral seeing only what was shared,
and an insurer settles a PBBY claim a Mission started."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import user_with_role, verified_client
from pravasi.audit.models import PersonalDataAccess
from pravasi.cases import services
from pravasi.cases.models import Case, Channel, ClaimStatus, ReferralBasis, ReferralStatus
from pravasi.clearance import services as clearance_services
from pravasi.clearance.tests.factories import make_world, worker
from pravasi.core.errors import NotFound
from pravasi.licensing.tests.factories import officials
from pravasi.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db

signed_in = verified_client
HELPLINE = "workspace:cases_helpline"


def body(response) -> str:
    return response.content.decode()


def fresh(obj):
    obj.refresh_from_db()
    return obj


def call(**overrides) -> dict:
    """What an agent types during a call from a father about his daughter in the UAE."""
    data = {
        "filer_phone": "+91 98470 12345",
        "filer_name": "Thomas Varghese",
        "filer_relation": "Father",
        "filer_email": "",
        "kind": "GRIEVANCE",
        "category": "SALARY_DUES",
        "eventuality": "",
        "person_name": "Anitha Varghese",
        "person_passport": "",
        "country": "AE",
        "where": "Al Quoz labour camp, Dubai",
        "happened_date": "",
        "description": "She has not been paid for four months and the employer keeps her passport.",
        "agent_number": "",
        "employer_number": "",
    }
    data.update(overrides)
    return data


# --- the helpline ----------------------------------------------------------------------------------------


def test_helpline_agent_files_for_a_caller_and_reads_out_the_number(django_capture_on_commit_callbacks):
    people = officials()
    agent = user_with_role(Role.OWRC_AGENT)
    client = signed_in(agent)
    form = client.get(reverse(HELPLINE))
    assert form.status_code == 200
    page = body(form)
    # The caller's mobile is asked first.
    assert page.index('name="filer_phone"') < page.index('name="filer_name"') < page.index('name="kind"') < page.index('name="person_name"')

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(HELPLINE), call())
    assert response.status_code == 302 and response["Location"] == reverse(HELPLINE) + "?filed=1"
    case = Case.objects.get()
    assert case.channel == Channel.HELPLINE and case.filed_by is None
    assert (case.filer_name, case.filer_phone, case.category, case.person_name) == ("Thomas Varghese", "+919847012345", "SALARY_DUES", "Anitha Varghese")
    assert case.office == people["mission"].memberships.get().office
    sms = OutboxMessage.objects.get(purpose="cases.filer", channel="SMS")
    assert sms.recipient == "+919847012345" and case.tracking_number in sms.body

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    page = body(confirmation)
    first, second, third = case.tracking_number.split("-")
    assert re.search(rf">{first}</span>\s*<span[^>]*>{second}</span>\s*<span[^>]*>{third}<", page)
    assert "An SMS confirming the case and its number is on its way" in page
    assert "Embassy of India, Abu Dhabi" in page
    assert reverse(HELPLINE) + '">Take the next call' in page
    # The agent is told the number, nothing of what the caller said.
    for detail in ("Thomas Varghese", "Anitha Varghese", "98470", "Al Quoz", "four months"):
        assert detail not in page
    with pytest.raises(NotFound):
        services.case_view(actor=agent, case_id=case.id)

    assert case.tracking_number in body(client.get(reverse(HELPLINE) + "?filed=1"))  # a reload keeps it
    next_call = body(client.get(reverse(HELPLINE)))
    assert case.tracking_number not in next_call and 'name="filer_phone"' in next_call
    assert case.tracking_number not in body(client.get(reverse(HELPLINE) + "?filed=1"))


def test_helpline_eventuality_is_filed_with_what_happened():
    officials()
    client = signed_in(user_with_role(Role.OWRC_AGENT))
    response = client.post(reverse(HELPLINE), call(kind="EVENTUALITY", category="", eventuality="DEATH", filer_phone="", filer_email="brother@example.org"), follow=True)
    assert response.status_code == 200
    case = Case.objects.get()
    assert (case.kind, case.eventuality, case.category, case.filer_email) == ("EVENTUALITY", "DEATH", "MORTAL_REMAINS", "brother@example.org")
    page = body(response)
    assert "An e-mail confirming the case" in page and "An SMS confirming" not in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"filer_phone": "", "description": "Not paid."}, "filer_phone", "Give a mobile number or an e-mail address"),
        ({"filer_phone": "", "description": "Not paid."}, "description", "at least 20 characters"),
        ({"filer_phone": "+91 12345"}, "filer_phone", "This phone number is not valid for its country code."),
        ({"category": ""}, "category", "Choose what the grievance is about."),
        ({"country": ""}, "country", "Choose the country where the person is."),
    ],
)
def test_helpline_bad_input_stores_nothing_and_names_the_field(change, field, message):
    officials()
    client = signed_in(user_with_role(Role.OWRC_AGENT))
    response = client.post(reverse(HELPLINE), call(**change))
    assert response.status_code == 400
    page = body(response)
    assert message in page
    assert f'href="#id_{field}"' in page  # the summary leads to the field
    desc = page.index(f'id="id_{field}_desc"')
    assert message in page[desc : desc + 400]  # and the message is beside the field
    assert "Nothing was filed yet" in page
    assert 'value="Thomas Varghese"' in page  # what the caller said is kept for the correction
    assert not Case.objects.exists()
    assert not OutboxMessage.objects.filter(purpose="cases.filer").exists()


def test_helpline_is_refused_to_everyone_but_the_agent():
    people = officials()
    for user in (people["mission"], people["pge"], user_with_role(Role.PARTNER_ANALYST)):
        client = signed_in(user)
        assert client.get(reverse(HELPLINE)).status_code == 403
        assert client.post(reverse(HELPLINE), call()).status_code == 403
    from django.test import Client

    assert Client().get(reverse(HELPLINE)).status_code == 302  # to the sign-in page
    assert not Case.objects.exists()


# --- referred cases --------------------------------------------------------------------------------------


def _referred_case():
    """A grievance from the public referred by the Mission to a shelter on a vital-interest override, sharing the name and where she is."""
    people = officials()
    case = services.case_file(
        actor=None,
        kind="GRIEVANCE",
        data={
            "category": "WORKER_ABUSE",
            "country": "AE",
            "filer_name": "Joseph Kurian",
            "filer_relation": "Father",
            "filer_phone": "+919847055501",
            "person_name": "Mary Kurian",
            "where": "Villa 12, Al Barsha, Dubai",
            "description": "She says the employer locks her in and has taken her phone twice.",
        },
    )
    shelter = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Migrant Shelter Dubai")
    referral = services.referral_create(
        actor=people["mission"],
        case_id=case.id,
        partner_id=shelter.id,
        shared_fields=["person_name", "where"],
        override_reason="Locked in by the employer; the shelter must reach her today.",
    )
    return case, referral, user_with_role(Role.PARTNER_ANALYST, organisation=shelter), people


def test_partner_sees_its_referral_with_only_the_shared_details():
    case, referral, analyst, people = _referred_case()
    other_case = services.case_file(
        actor=None,
        kind="GRIEVANCE",
        data={
            "category": "SALARY_DUES",
            "country": "AE",
            "filer_name": "Anu",
            "filer_relation": "Self",
            "filer_phone": "+919847055502",
            "person_name": "Anu Raj",
            "description": "Four months of wages are unpaid by the company.",
        },
    )
    other_partner = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Legal Aid Forum")
    services.referral_create(
        actor=people["mission"], case_id=other_case.id, partner_id=other_partner.id, shared_fields=["person_name"], override_reason="Facing arrest tomorrow; a lawyer must see her."
    )
    client = signed_in(analyst)

    listing = body(client.get(reverse("workspace:cases_referrals")))
    assert case.tracking_number in listing and other_case.tracking_number not in listing
    assert "Physical or mental abuse by the employer" in listing and "Sent to the partner" in listing
    assert "United Arab Emirates" not in listing  # the country was not among the shared details
    assert "Mary Kurian" not in listing

    response = client.get(reverse("workspace:cases_referral", args=[referral.id]))
    assert response.status_code == 200
    page = body(response)
    assert case.tracking_number in page and "Physical or mental abuse by the employer" in page
    assert "Mary Kurian" in page and "Villa 12, Al Barsha, Dubai" in page
    assert str(ReferralBasis.VITAL_INTEREST.label) in page
    for unshared in ("Joseph Kurian", "+919847055501", "9847055501", "locks her in", "Locked in by the employer", "United Arab Emirates"):
        assert unshared not in page, unshared
    # Only the moves open from "sent" are offered.
    assert 'value="ACCEPTED"' in page and 'value="DECLINED"' in page and 'value="DONE"' not in page


def test_partner_accepts_then_finishes_and_a_move_not_allowed_is_refused():
    case, referral, analyst, _people = _referred_case()
    client = signed_in(analyst)
    url = reverse("workspace:cases_referral", args=[referral.id])

    too_soon = client.post(url, {"update-target": "DONE", "update-note": ""}, follow=True)
    assert "This cannot go from “Sent to the partner” to “Done”." in body(too_soon)
    assert fresh(referral).status == ReferralStatus.SENT

    accepted = client.post(url, {"update-target": "ACCEPTED", "update-note": "A caseworker is on the way."}, follow=True)
    assert "The referral is now “Accepted by the partner”" in body(accepted)
    assert (fresh(referral).status, referral.partner_note) == (ReferralStatus.ACCEPTED, "A caseworker is on the way.")
    page = body(accepted)
    assert 'value="DONE"' in page and 'value="DECLINED"' not in page

    declined = client.post(url, {"update-target": "DECLINED", "update-note": "Changed our mind."}, follow=True)
    assert "This cannot go from “Accepted by the partner” to “Declined by the partner”." in body(declined)
    assert fresh(referral).status == ReferralStatus.ACCEPTED

    missing = client.post(url, {"update-note": "No choice."})
    assert missing.status_code == 400 and "Choose the new status." in body(missing) and 'href="#action-update"' in body(missing)

    done = client.post(url, {"update-target": "DONE", "update-note": "She is in the shelter."}, follow=True)
    assert "The referral is now “Done”" in body(done) and fresh(referral).status == ReferralStatus.DONE
    assert "its status does not change any more" in body(done) and 'name="update-target"' not in body(done)


def test_another_partner_gets_404_and_other_roles_403():
    case, referral, _analyst, people = _referred_case()
    stranger = signed_in(user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Other NGO")))
    url = reverse("workspace:cases_referral", args=[referral.id])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"update-target": "ACCEPTED"}).status_code == 404
    assert case.tracking_number not in body(stranger.get(reverse("workspace:cases_referrals")))
    assert fresh(referral).status == ReferralStatus.SENT
    mission = signed_in(people["mission"])
    assert mission.get(reverse("workspace:cases_referrals")).status_code == 403
    assert mission.get(url).status_code == 403


def test_partner_reading_a_registered_persons_referral_is_logged():
    from pravasi.registry.models import ConsentPurpose
    from pravasi.registry.services import consent_set, passport_record, person_register

    people = officials()
    user = user_with_role(Role.EMIGRANT)
    person = person_register(
        actor=user, user=user, data={"given_name": "Anitha", "family_name": "Varghese", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL", "residence_country": "AE"}
    )
    today = timezone.localdate()
    passport_record(actor=user, person=person, data={"passport_number": "J8369854", "issue_date": (today - timedelta(days=300)).isoformat(), "expiry_date": (today + timedelta(days=3000)).isoformat()})
    case = services.case_file(actor=None, kind="GRIEVANCE", data={**call(person_passport="J8369854"), "filer_phone": "+919847012345"})
    iom = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM")
    consent_set(actor=user, person=person, purpose=ConsentPurpose.PARTNER_SHARING, given=True, partner=iom, agreement_reference="DSA-2026-01")
    referral = services.referral_create(actor=people["mission"], case_id=case.id, partner_id=iom.id, shared_fields=["person_name", "country", "description"])
    analyst = user_with_role(Role.PARTNER_ANALYST, organisation=iom)
    page = body(signed_in(analyst).get(reverse("workspace:cases_referral", args=[referral.id])))
    assert str(ReferralBasis.CONSENT.label) in page and "United Arab Emirates" in page and "four months" in page
    assert "Al Quoz" not in page and "Thomas Varghese" not in page
    assert PersonalDataAccess.objects.filter(person_id=person.id, actor=analyst, purpose="referral").count() == 1


# --- PBBY claims -----------------------------------------------------------------------------------------


def _started_claim():
    """A worker insured by the world's insurer dies in the UAE; the Mission starts a death claim on the policy."""
    world = make_world()
    person = worker()
    today = timezone.localdate()
    policy = clearance_services.pbby_issue(actor=world.insurer_user, data={**person, "period_years": "2", "valid_from_date": (today - timedelta(days=10)).isoformat()})
    case = services.case_file(
        actor=None,
        kind="EVENTUALITY",
        data={
            **call(kind="EVENTUALITY", category="", eventuality="DEATH", filer_name="Sunitha Kumar", filer_relation="Wife", person_name="Rajesh Kumar"),
            "person_passport": person["passport_number"],
            "happened_date": (today - timedelta(days=2)).isoformat(),
        },
    )
    assert case.person_id == policy.person_id
    claim = services.pbby_claim_start(actor=world.mission, case_id=case.id, policy_id=policy.id, kind="DEATH")
    return world, claim


def test_insurer_settles_a_claim_once_and_needs_the_amount():
    world, claim = _started_claim()
    client = signed_in(world.insurer_user)
    listing = client.get(reverse("workspace:cases_claims"))
    assert listing.status_code == 200
    page = body(listing)
    assert claim.policy.number in page and "Rajesh Kumar" in page and "Started with the insurer" in page
    assert "Embassy of India, Abu Dhabi" in page and "Death" in page
    for private in ("Sunitha Kumar", "98470", "four months", claim.case.tracking_number):
        assert private not in page, private

    url = reverse("workspace:cases_claim_decide", args=[claim.id])
    prefix = f"c{claim.id.hex}"
    no_amount = client.post(url, {f"{prefix}-outcome": "SETTLED", f"{prefix}-note": "Paid to the widow, UTR 1234.", f"{prefix}-amount_inr": ""})
    assert no_amount.status_code == 400
    page = body(no_amount)
    assert "Enter an amount." in page and f'id="id_{prefix}-amount_inr_desc"' in page
    assert f'href="#action-claim-{claim.id}"' in page
    assert fresh(claim).status == ClaimStatus.STARTED

    settled = client.post(url, {f"{prefix}-outcome": "SETTLED", f"{prefix}-note": "Paid to the widow, UTR 1234.", f"{prefix}-amount_inr": "1000000"}, follow=True)
    assert settled.status_code == 200
    assert f"The claim on policy {claim.policy.number} is settled for Rs 1000000.00" in body(settled)
    claim = fresh(claim)
    assert (claim.status, str(claim.amount_inr), claim.insurer_note) == (ClaimStatus.SETTLED, "1000000.00", "Paid to the widow, UTR 1234.")
    assert f'name="{prefix}-outcome"' not in body(settled)  # nothing left to decide

    again = client.post(url, {f"{prefix}-outcome": "REJECTED", f"{prefix}-note": "Second thoughts."}, follow=True)
    assert "This claim is already decided." in body(again)
    assert fresh(claim).status == ClaimStatus.SETTLED and claim.insurer_note == "Paid to the widow, UTR 1234."


def test_another_insurer_does_not_see_or_decide_the_claim():
    world, claim = _started_claim()
    rival = make_world()
    client = signed_in(rival.insurer_user)
    page = body(client.get(reverse("workspace:cases_claims")))
    assert claim.policy.number not in page and "Rajesh Kumar" not in page
    prefix = f"c{claim.id.hex}"
    response = client.post(reverse("workspace:cases_claim_decide", args=[claim.id]), {f"{prefix}-outcome": "REJECTED", f"{prefix}-note": "Not ours."})
    assert response.status_code == 404
    assert fresh(claim).status == ClaimStatus.STARTED
    unregistered = user_with_role(Role.INSURER_STAFF, organisation=Organisation.objects.create(kind=OrganisationKind.INSURER, name="Unregistered Assurance"))
    assert signed_in(unregistered).get(reverse("workspace:cases_claims")).status_code == 403
    assert signed_in(world.mission).get(reverse("workspace:cases_claims")).status_code == 403

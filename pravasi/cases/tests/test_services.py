"""Cases: routing, service levels and escalation on a controlled clock, the filer's status check, closure and reopening."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.cases import services
from pravasi.cases.models import Case, CaseStatus
from pravasi.core.errors import NotFound, ValidationFailed
from pravasi.licensing.tests.factories import granted_rc, officials
from pravasi.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def grievance(**overrides):
    data = {
        "category": "SALARY_DUES",
        "country": "AE",
        "filer_name": "Thomas Varghese",
        "filer_relation": "Father",
        "filer_phone": "+91 98470 12345",
        "person_name": "Anitha Varghese",
        "description": "My daughter has not been paid for four months and her passport is held.",
    }
    data.update(overrides)
    return data


def test_routing_mission_poe_and_pge(django_capture_on_commit_callbacks):
    people = officials()
    with django_capture_on_commit_callbacks(execute=True):
        in_uae = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    assert in_uae.office.kind == OfficeKind.MISSION and re.fullmatch(r"\d{4}-\d{4}-\d{4}", in_uae.tracking_number)
    assert [m.recipient for m in OutboxMessage.objects.filter(purpose="cases.filer")] == ["+919847012345"]
    licence, _ = granted_rc(people)
    against_agent = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(category="RECRUITING_AGENT", agent_number=licence.number, country="QA"))
    assert against_agent.office == licence.office and against_agent.agent == licence
    nowhere = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(country="BR"))
    assert nowhere.office.kind == OfficeKind.PGE


def test_mortal_remains_come_first():
    officials()
    salary = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    death = services.case_file(actor=None, kind="EVENTUALITY", data=grievance(category="", eventuality="DEATH"))
    assert death.category == "MORTAL_REMAINS" and death.priority < salary.priority
    assert list(Case.objects.filter(office=salary.office).values_list("id", flat=True)) == [death.id, salary.id]


def test_escalation_follows_the_deadlines():
    officials()
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())  # salary: 15 days
    start = case.filed_at
    assert services.rag(case, start + timedelta(days=1)) == "GREEN"
    assert services.rag(case, start + timedelta(days=8)) == "AMBER"
    assert services.cases_escalate(now=start + timedelta(days=14)) == 0
    assert services.cases_escalate(now=start + timedelta(days=15, minutes=1)) == 1
    case.refresh_from_db()
    assert case.escalation_level == 1 and services.rag(case, start + timedelta(days=16)) == "RED"
    assert services.cases_escalate(now=start + timedelta(days=16)) == 0  # the new level has its own deadline
    assert services.cases_escalate(now=start + timedelta(days=31)) == 1
    assert services.cases_escalate(now=start + timedelta(days=60)) == 0  # the head of mission is the last level
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert [n.text for n in case.notes.all()][-1].endswith("head of mission.")


def test_status_check_does_not_reveal_numbers(django_capture_on_commit_callbacks):
    officials()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
        services.status_code_send(tracking_number=case.tracking_number, contact="+919847012345", source_ip="10.0.0.1")
        services.status_code_send(tracking_number="0000-0000-0000", contact="+919847012345", source_ip="10.0.0.1")
        services.status_code_send(tracking_number=case.tracking_number, contact="+919999999999", source_ip="10.0.0.1")
    codes = OutboxMessage.objects.filter(purpose="cases.code")
    assert codes.count() == 1
    code = re.search(r"\b(\d{6})\b", codes.get().body).group(1)
    answers = []
    for number, guess in (("0000-0000-0000", code), (case.tracking_number, "000000")):
        with pytest.raises(ValidationFailed) as wrong:
            services.status_open(tracking_number=number, code=guess, source_ip="10.0.0.2")
        answers.append(wrong.value.message)
    assert answers[0] == answers[1]
    assert services.status_open(tracking_number=case.tracking_number, code=code, source_ip="10.0.0.2") == case
    with pytest.raises(ValidationFailed):
        services.status_open(tracking_number=case.tracking_number, code=code, source_ip="10.0.0.2")  # one use


def test_close_rate_and_reopen_within_the_window():
    people = officials()
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    with pytest.raises(NotFound):
        services.case_close(actor=people["poe"], case_id=case.id, resolution="Not my case")
    services.case_take_up(actor=people["mission"], case_id=case.id)
    services.note_add(actor=people["mission"], case_id=case.id, text="Called the employer.", shared=False)
    closed = services.case_close(actor=people["mission"], case_id=case.id, resolution="Four months' wages paid through the labour court.")
    services.case_rate(case=closed, rating=5)
    with pytest.raises(ValidationFailed):
        services.case_reopen(case=closed, reason="Paid only three months.", now=closed.closed_at + timedelta(days=31))
    reopened = services.case_reopen(case=closed, reason="Paid only three months.", now=closed.closed_at + timedelta(days=29))
    assert reopened.status == CaseStatus.IN_PROGRESS and reopened.reopened_count == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 5000}, "description"),
        ({"filer_phone": "", "filer_email": ""}, "filer_phone"),
        ({"category": "NOPE"}, "category"),
        ({"country": "XX"}, "country"),
        ({"agent_number": "B-99999/KL/2026"}, "agent_number"),
    ],
)
def test_bad_input_changes_nothing(change, field):
    officials()
    with pytest.raises(ValidationFailed) as failed:
        services.case_file(actor=None, kind="GRIEVANCE", data=grievance(**change))
    assert field in failed.value.fields
    assert not Case.objects.exists()


def test_transfer_needs_a_reason_and_another_office():
    people = officials()
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    riyadh = office_for(OfficeKind.MISSION, code="T-MSN-SA", countries=["SA"])
    with pytest.raises(ValidationFailed):
        services.case_transfer(actor=people["mission"], case_id=case.id, office_id=riyadh.id, reason="")
    moved = services.case_transfer(actor=people["mission"], case_id=case.id, office_id=riyadh.id, reason="The worker was moved to Riyadh.")
    assert moved.office == riyadh
    with pytest.raises(NotFound):
        services.note_add(actor=people["mission"], case_id=case.id, text="no longer ours")
    assert user_with_role(Role.MISSION_OFFICER, office=riyadh)


def _case_about_a_registered_person():
    from pravasi.registry.services import passport_record, person_register

    user = user_with_role(Role.EMIGRANT)
    person = person_register(
        actor=user, user=user, data={"given_name": "Anitha", "family_name": "Varghese", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL", "residence_country": "AE"}
    )
    today = timezone.localdate()
    passport_record(actor=user, person=person, data={"passport_number": "J8369854", "issue_date": (today - timedelta(days=300)).isoformat(), "expiry_date": (today + timedelta(days=3000)).isoformat()})
    return services.case_file(actor=None, kind="GRIEVANCE", data=grievance(person_passport="J8369854")), person, user


def test_referral_needs_consent_or_a_recorded_override():
    from pravasi.accounts.models import Organisation
    from pravasi.accounts.roles import OrganisationKind
    from pravasi.cases.models import ReferralBasis
    from pravasi.registry.models import ConsentPurpose
    from pravasi.registry.services import consent_set

    people = officials()
    iom = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM")
    ngo = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Migrant Forum")
    case, person, user = _case_about_a_registered_person()
    assert case.person == person  # matched by passport, never shown to the filer
    with pytest.raises(ValidationFailed) as refused:
        services.referral_create(actor=people["mission"], case_id=case.id, partner_id=iom.id, shared_fields=["person_name", "where"])
    assert "has not consented" in refused.value.fields["override_reason"][0]
    consent_set(actor=user, person=person, purpose=ConsentPurpose.PARTNER_SHARING, given=True, partner=iom, agreement_reference="DSA-2026-01")
    referral = services.referral_create(actor=people["mission"], case_id=case.id, partner_id=iom.id, shared_fields=["person_name", "where"])
    assert referral.basis == ReferralBasis.CONSENT and referral.shared_fields == ["person_name", "where"]
    override = services.referral_create(
        actor=people["mission"], case_id=case.id, partner_id=ngo.id, shared_fields=["person_name"], override_reason="Detained without food; the partner's lawyer can reach her today."
    )
    assert override.basis == ReferralBasis.VITAL_INTEREST
    assert any("Override" in n.text for n in case.notes.all())
    analyst = user_with_role(Role.PARTNER_ANALYST, organisation=ngo)
    assert list(services.referrals_for_partner(actor=analyst)) == [override]
    services.referral_update(actor=analyst, referral_id=override.id, target="ACCEPTED", note="Lawyer assigned.")
    with pytest.raises(NotFound):
        services.referral_update(actor=analyst, referral_id=referral.id, target="ACCEPTED")


def test_queue_scope_and_complaints_per_agent(client):
    from django.urls import reverse

    from pravasi.accounts.tests.factories import login_verified
    from pravasi.cases import selectors

    people = officials()
    licence, _holder = granted_rc(people)
    services.case_file(actor=None, kind="GRIEVANCE", data=grievance(category="RECRUITING_AGENT", agent_number=licence.number))
    in_uae = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    assert list(selectors.queue_for(actor=people["mission"])) == [in_uae]
    assert selectors.queue_for(actor=people["pge"]).count() == 2
    assert selectors.complaints_against_agent(licence_id=licence.id) == {"total": 1, "open": 1}
    login_verified(client, people["pge"])
    assert "Complaints against this agent" in client.get(reverse("workspace:licensing_licence", args=[licence.id])).content.decode()

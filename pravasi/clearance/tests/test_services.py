"""Clearance services: demands, applications from submission to decision, PBBY policies, exit checks,
bad input that changes nothing, and the races the database must win."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from pravasi.accounts.apikeys import api_client_create
from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.clearance import services
from pravasi.clearance.models import ClearanceApplication, ClearanceStatus, DemandPosition, DemandStatus, ExitCheck, PolicyStatus
from pravasi.clearance.tests.factories import ec_files, make_world, pbby_for, submitted_ec, worker
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.models import StatusChange
from pravasi.licensing import services as licensing
from pravasi.messaging.models import OutboxMessage
from pravasi.policy.models import PolicyValue
from pravasi.registry.models import Passport, Person

pytestmark = pytest.mark.django_db


def _outcome(application, rule):
    return next(o for o in application.outcomes if o["rule"] == rule)


def test_agent_files_poe_grants_and_the_border_sees_it(django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_ec(world)
    assert application.office == world.rc.office and application.status == ClearanceStatus.SUBMITTED
    assert application.ec_required and application.eligible
    assert {o["rule"] for o in application.outcomes} >= {"EC_REQUIRED", "MINIMUM_WAGE", "PBBY_POLICY", "RA_CERTIFICATE_ACTIVE", "DEMAND_POSITIONS", "SERVICE_CHARGE_CAP"}
    assert all(o["passed"] is not None for o in application.outcomes), "the full application evaluates every rule"
    assert application.documents.count() == 6
    assert OutboxMessage.objects.filter(purpose="clearance.application_status").exists()
    granted = services.application_grant(actor=world.poe, application_id=application.id)
    assert granted.emigration_number.startswith(f"EC/{timezone.localdate().year}/")
    assert DemandPosition.objects.get(id=application.position_id).filled == 1
    client, _key = api_client_create(actor=None, name="Bureau of Immigration", scopes=["exit_check"])
    passport = Passport.objects.get(number_index=application.passport_index)
    answer = services.exit_check(client=client, passport_number=passport.number)
    assert answer["cleared"] and answer["emigration_number"] == granted.emigration_number and answer["destination_country"] == "AE"
    assert services.exit_check(client=client, passport_number="Z9999999") == {"cleared": False}
    assert list(ExitCheck.objects.order_by("id").values_list("cleared", flat=True)) == [True, False]


def test_a_worker_registered_on_the_way_is_found_next_time_by_passport():
    world = make_world()
    person = worker()
    first = submitted_ec(world, **{k: person[k] for k in ("passport_number", "mobile")})
    services.application_withdraw(actor=world.agent, application_id=first.id)
    second = submitted_ec(world, **{k: person[k] for k in ("passport_number", "mobile")})
    assert second.person_id == first.person_id
    assert Person.objects.count() == 1


def test_an_ineligible_application_is_filed_but_cannot_be_granted():
    world = make_world(wage="500")  # AED 500 is about US$ 136, below the UAE minimum of US$ 200
    application = submitted_ec(world)
    assert not application.eligible and _outcome(application, "MINIMUM_WAGE")["passed"] is False
    with pytest.raises(ValidationFailed) as refused:
        services.application_grant(actor=world.poe, application_id=application.id)
    assert "below the minimum referral wage" in refused.value.message
    assert ClearanceApplication.objects.get(id=application.id).status == ClearanceStatus.SUBMITTED
    assert DemandPosition.objects.get(id=application.position_id).filled == 0


def test_without_a_pbby_policy_the_application_is_not_eligible_until_answered():
    world = make_world()
    application = submitted_ec(world, with_policy=False)
    assert _outcome(application, "PBBY_POLICY")["passed"] is False
    services.application_deficiency(actor=world.poe, application_id=application.id, note="Attach a PBBY policy covering the contract.")
    person = Person.objects.get(id=application.person_id)
    passport = person.passports.get()
    policy = pbby_for(world, {**worker(), "passport_number": passport.number, "given_name": person.given_name, "family_name": person.family_name, "date_of_birth": person.date_of_birth.isoformat()})
    answered = services.application_answer(actor=world.agent, application_id=application.id, note="Policy bought.", data={"pbby_policy_number": policy.number})
    assert answered.status == ClearanceStatus.SUBMITTED and answered.eligible
    services.application_grant(actor=world.poe, application_id=application.id)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"demand_reference": "DM-1999-000001"}, "demand_reference"),
        ({"position": "00000000-0000-0000-0000-000000000000"}, "position"),
        ({"departure_date": "2020-01-01"}, "departure_date"),
        ({"service_charge_inr": ""}, "service_charge_inr"),
        ({"passport_number": "12345"}, "passport_number"),
        ({"pbby_policy_number": "PBBY/NOPE/1"}, "pbby_policy_number"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
    ],
)
def test_bad_application_input_changes_nothing(change, field):
    world = make_world()
    before = (ClearanceApplication.objects.count(), Person.objects.count(), StatusChange.objects.count())
    with pytest.raises(ValidationFailed) as failed:
        submitted_ec(world, with_policy=False, **change)
    assert field in failed.value.fields, failed.value.fields
    assert (ClearanceApplication.objects.count(), Person.objects.count(), StatusChange.objects.count()) == before


def test_missing_documents_and_a_disguised_one_are_named():
    world = make_world()
    files = ec_files()
    del files["document_visa"]
    files["document_photo"].file.seek(0)
    from django.core.files.uploadedfile import SimpleUploadedFile

    files["document_photo"] = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as failed:
        services.application_submit(actor=world.agent, route="RA", data={**worker(), "demand_reference": world.demand.reference, "position": str(world.demand.positions.first().id), "departure_date": (timezone.localdate() + timedelta(days=9)).isoformat(), "service_charge_inr": "1000", "service_charge_receipt": "R1"}, files=files)
    assert "Attach this document" in failed.value.fields["document_visa"][0]
    assert "not a JPEG" in failed.value.fields["document_photo"][0]


def test_an_agent_not_named_in_the_demand_or_with_a_suspended_certificate_cannot_file():
    world = make_world()
    other = make_world()
    with pytest.raises(ValidationFailed) as unnamed:
        services.application_submit(actor=other.agent, route="RA", data={**worker(), "demand_reference": world.demand.reference, "position": str(world.demand.positions.first().id), "departure_date": (timezone.localdate() + timedelta(days=9)).isoformat(), "service_charge_inr": "1000", "service_charge_receipt": "R1"}, files=ec_files())
    assert "does not authorise your agency" in unnamed.value.fields["demand_reference"][0]
    licensing.licence_suspend(actor=world.pge, licence_id=world.rc.id, ground="14_1_C", order_text="Overcharging complaints; suspended pending inquiry.")
    with pytest.raises(NotAllowed):
        submitted_ec(world)


def test_daily_passport_limit_is_policy_data():
    world = make_world(positions=10)
    PolicyValue.objects.create(key="RA_DAILY_PASSPORT_LIMIT", value=2, valid_from=timezone.localdate(), source="test: a circular lowering the limit from today")
    submitted_ec(world)
    submitted_ec(world)
    with pytest.raises(ValidationFailed) as limited:
        submitted_ec(world)
    assert limited.value.code == "daily_limit" and "at most 2 passports a day" in limited.value.message


def test_service_charge_above_the_cap_makes_the_case_ineligible():
    world = make_world()
    application = submitted_ec(world, service_charge_inr="30001")
    assert _outcome(application, "SERVICE_CHARGE_CAP")["passed"] is False and not application.eligible


def test_positions_run_out():
    world = make_world(positions=1)
    first, second = submitted_ec(world), submitted_ec(world)
    services.application_grant(actor=world.poe, application_id=first.id)
    with pytest.raises(ValidationFailed) as full:
        services.application_grant(actor=world.poe, application_id=second.id)
    assert "Every position in the demand is filled" in full.value.message


def test_bulk_grant_reports_each_application():
    world = make_world(positions=2)
    ok, also_ok, ineligible = submitted_ec(world), submitted_ec(world), submitted_ec(world, service_charge_inr="99999")
    results = services.applications_grant_many(actor=world.poe, application_ids=[ok.id, also_ok.id, ineligible.id])
    assert results[str(ok.id)].startswith("EC/") and results[str(also_ok.id)].startswith("EC/")
    assert results[str(ineligible.id)].startswith("! ")


def test_only_the_poe_of_the_office_decides():
    world = make_world()
    application = submitted_ec(world)
    elsewhere = user_with_role(Role.POE_OFFICER)
    for actor in (world.pge, world.agent, world.mission, world.employer_user):
        with pytest.raises((NotAllowed, NotFound)):
            services.application_grant(actor=actor, application_id=application.id)
    with pytest.raises(NotFound):
        services.application_grant(actor=elsewhere, application_id=application.id)


def test_demand_verification_where_the_policy_asks():
    world = make_world(occupation="9111", wage="1000")  # domestic workers: the Mission verifies first
    assert world.demand.status == DemandStatus.PENDING_VERIFICATION
    with pytest.raises(ValidationFailed):
        submitted_ec(world)
    with pytest.raises(ValidationFailed):
        services.demand_verify(actor=world.mission, demand_id=world.demand.id, approve=False, note="no")
    services.demand_verify(actor=world.mission, demand_id=world.demand.id, approve=True, note="Employer visited.", women_guarantee_lodged=True)
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.OPEN and world.demand.women_guarantee_lodged


def test_demand_input_is_checked():
    world = make_world()
    with pytest.raises(ValidationFailed) as failed:
        services.demand_raise(actor=world.employer_user, data={"worksite": "", "contract_months": "0", "agents": "B-99999/KL/2026", "position_1_occupation": "12", "position_1_title": "X", "position_1_count": "0", "position_1_monthly_wage": "-5", "position_1_currency": "XXX"})
    assert set(failed.value.fields) >= {"worksite", "contract_months", "agents", "position_1_occupation", "position_1_count", "position_1_monthly_wage", "position_1_currency"}
    with pytest.raises(NotAllowed):
        services.demand_raise(actor=world.agent, data={})


def test_pbby_policy_validates_until_cancelled():
    world = make_world()
    policy = pbby_for(world, worker(), years=2)
    assert policy.premium_inr == 275 and policy.valid_to_date == policy.valid_from_date.replace(year=policy.valid_from_date.year + 2) - timedelta(days=1)
    assert services.pbby_validate(number=policy.number)["valid"]
    other_insurer = make_world().insurer_user
    with pytest.raises(NotFound):
        services.pbby_cancel(actor=other_insurer, number=policy.number, reason="Not ours to cancel.")
    services.pbby_cancel(actor=world.insurer_user, number=policy.number, reason="Premium cheque bounced.")
    answer = services.pbby_validate(number=policy.number)
    assert not answer["valid"] and answer["reason"] == "cancelled" and answer["status"] == PolicyStatus.CANCELLED
    assert services.pbby_validate(number="PBBY/UNKNOWN")["reason"] == "unknown"
    with pytest.raises(ValidationFailed):
        services.pbby_issue(actor=world.insurer_user, data={**worker(), "period_years": "4", "valid_from_date": timezone.localdate().isoformat()})
    with pytest.raises(NotAllowed):
        services.pbby_issue(actor=world.agent, data={**worker(), "period_years": "2", "valid_from_date": timezone.localdate().isoformat()})


def test_exit_check_needs_the_scope_and_ignores_expired_or_refused():
    world = make_world()
    application = submitted_ec(world)
    services.application_refuse(actor=world.poe, application_id=application.id, reasons="Visa copy is not legible; refused.")
    client, _key = api_client_create(actor=None, name="BoI", scopes=["exit_check"])
    number = Passport.objects.get(number_index=application.passport_index).number
    assert services.exit_check(client=client, passport_number=number)["cleared"] is False
    insurer_client, _ = api_client_create(actor=None, name="Insurer", scopes=["pbby"], organisation=world.insurer)
    with pytest.raises(NotAllowed):
        services.exit_check(client=insurer_client, passport_number=number)
    granted = submitted_ec(world)
    services.application_grant(actor=world.poe, application_id=granted.id)
    ClearanceApplication.objects.filter(id=granted.id).update(valid_to_date=timezone.localdate() - timedelta(days=1))
    number = Passport.objects.get(number_index=granted.passport_index).number
    assert services.exit_check(client=client, passport_number=number)["cleared"] is False


def _race(*calls):
    results, barrier = {}, threading.Barrier(len(calls))

    def run(name, call):
        try:
            barrier.wait()
            results[name] = call()
        except (Conflict, ValidationFailed) as exc:
            results[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name, call)) for name, call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are what this checks; the PostgreSQL run covers it")
def test_the_last_position_goes_to_one_grant_only():
    world = make_world(positions=1)
    second_poe = user_with_role(Role.POE_OFFICER, office=world.poe.memberships.get().office)
    first, second = submitted_ec(world), submitted_ec(world)
    results = _race(("a", lambda: services.application_grant(actor=world.poe, application_id=first.id)), ("b", lambda: services.application_grant(actor=second_poe, application_id=second.id)))
    granted = [r for r in results.values() if isinstance(r, ClearanceApplication)]
    assert len(granted) == 1, results
    assert DemandPosition.objects.get(id=first.position_id).filled == 1
    assert ClearanceApplication.objects.filter(status=ClearanceStatus.GRANTED).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are what this checks; the PostgreSQL run covers it")
def test_two_officials_deciding_at_once_one_wins():
    world = make_world()
    second_poe = user_with_role(Role.POE_OFFICER, office=world.poe.memberships.get().office)
    application = submitted_ec(world)
    results = _race(
        ("grant", lambda: services.application_grant(actor=world.poe, application_id=application.id, expected="SUBMITTED")),
        ("refuse", lambda: services.application_refuse(actor=second_poe, application_id=application.id, reasons="Contract unsigned by the employer.", expected="SUBMITTED")),
    )
    losers = [r for r in results.values() if isinstance(r, Conflict)]
    assert len(losers) == 1 and "Someone else acted on this first" in losers[0].message, results
    final = ClearanceApplication.objects.get(id=application.id)
    assert final.status in (ClearanceStatus.GRANTED, ClearanceStatus.REFUSED)
    assert DemandPosition.objects.get(id=application.position_id).filled == (1 if final.status == ClearanceStatus.GRANTED else 0)


def test_an_agents_certificate_page_shows_its_clearance_volume(client):
    from django.urls import reverse

    from pravasi.accounts.tests.factories import login_verified

    world = make_world()
    services.application_grant(actor=world.poe, application_id=submitted_ec(world).id)
    submitted_ec(world)
    login_verified(client, world.pge)
    body = client.get(reverse("workspace:licensing_licence", args=[world.rc.id])).content.decode()
    assert "Clearance applications filed" in body
    from pravasi.clearance.selectors import volume_for_applicant

    assert volume_for_applicant(organisation_id=world.rc.organisation_id) | {} == {**volume_for_applicant(organisation_id=world.rc.organisation_id), "total": 2, "GRANTED": 1, "SUBMITTED": 1}


def test_a_passport_number_alone_does_not_open_someone_elses_record():
    world = make_world()
    first = submitted_ec(world)
    services.application_withdraw(actor=world.agent, application_id=first.id)
    number = Passport.objects.get(number_index=first.passport_index).number
    other = make_world()
    before = ClearanceApplication.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        submitted_ec(other, passport_number=number, given_name="Someone", family_name="Else")
    assert "registered with other details" in refused.value.fields["passport_number"][0]
    assert ClearanceApplication.objects.count() == before
    with pytest.raises(ValidationFailed):
        services.pbby_issue(actor=other.insurer_user, data={**worker(), "passport_number": number, "date_of_birth": "1970-01-01", "period_years": "2", "valid_from_date": timezone.localdate().isoformat()})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"departure_date": "9999-12-01"}, "departure_date"),
        ({"departure_date": (timezone.localdate() + timedelta(days=900)).isoformat()}, "departure_date"),
        ({"position": "not-a-uuid"}, "position"),
    ],
)
def test_odd_input_is_a_field_message_not_a_crash(change, field):
    world = make_world()
    with pytest.raises(ValidationFailed) as failed:
        submitted_ec(world, **change)
    assert field in failed.value.fields


def test_unicode_digits_are_not_numbers():
    from pravasi.core.validation import Collector

    c = Collector({"n": "²"})
    c.integer("n", required=True)
    assert c.errors == {"n": ["Enter a whole number."]}


def test_a_policy_cannot_start_years_ahead():
    world = make_world()
    with pytest.raises(ValidationFailed) as failed:
        services.pbby_issue(actor=world.insurer_user, data={**worker(), "period_years": "2", "valid_from_date": "9999-01-01"})
    assert "valid_from_date" in failed.value.fields


def test_an_official_reading_a_document_is_in_the_persons_access_log():
    from pravasi.audit.models import PersonalDataAccess

    world = make_world()
    application = submitted_ec(world)
    document = application.documents.first()
    services.document_bytes(actor=world.agent, document_id=document.id)
    assert not PersonalDataAccess.objects.filter(person_id=application.person_id).exists()
    services.document_bytes(actor=world.poe, document_id=document.id)
    assert PersonalDataAccess.objects.filter(person_id=application.person_id, actor=world.poe).count() == 1

"""Clearance API for machine clients: the exit check (answers, log, keys, scopes, bad numbers) and PBBY
policies for insurers (issue, validate, cancel; by API key and by an insurer's session), and the schema."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pravasi.accounts.apikeys import api_client_create
from pravasi.accounts.models import ApiClient, Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import login_verified, user_with_role
from pravasi.clearance import services
from pravasi.clearance.models import ClearanceApplication, ClearanceStatus, ExitCheck, PBBYPolicy, PolicyStatus
from pravasi.clearance.tests.factories import make_world, submitted_ec, worker
from pravasi.licensing import services as licensing
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.registry.selectors import passport_index

pytestmark = pytest.mark.django_db

EXIT = "/api/v1/clearance/exit-check/"
ISSUE = "/api/v1/clearance/pbby/policies/"
VALIDATE = "/api/v1/clearance/pbby/validate/"
CANCEL = "/api/v1/clearance/pbby/cancel/"


def post(url: str, body, key: str | None = None, client: Client | None = None, **extra):
    if key is not None:
        extra["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return (client or Client()).post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def cw(db):
    return make_world()


@pytest.fixture
def border_key(db) -> str:
    _client, key = api_client_create(actor=None, name="Bureau of Immigration, Kochi airport", scopes=["exit_check"])
    return key


@pytest.fixture
def insurer_key(cw) -> str:
    _client, key = api_client_create(actor=None, name="Suraksha policy system", scopes=["pbby"], organisation=cw.insurer)
    return key


def passport_of(application: ClearanceApplication) -> str:
    return application.person.passports.get(is_current=True).number


def granted(cw) -> ClearanceApplication:
    application = submitted_ec(cw)
    return services.application_grant(actor=cw.poe, application_id=application.id)


# --- exit check ------------------------------------------------------------------------------------------------


def test_a_granted_clearance_is_cleared_with_its_details(cw, border_key):
    application = granted(cw)
    response = post(EXIT, {"passport_number": passport_of(application)}, border_key)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "cleared": True,
        "emigration_number": application.emigration_number,
        "destination_country": "AE",
        "employer": cw.employer.name,
        "valid_to": application.valid_to_date.isoformat(),
    }


def test_spaces_and_lower_case_in_the_number_are_ignored(cw, border_key):
    number = passport_of(granted(cw))
    response = post(EXIT, {"passport_number": f" {number[0].lower()} {number[1:]} "}, border_key)
    assert response.json()["cleared"] is True


def test_another_passport_is_not_cleared_and_carries_no_details(cw, border_key):
    granted(cw)
    response = post(EXIT, {"passport_number": "Z9999999"}, border_key)
    assert response.status_code == 200
    assert response.json() == {"cleared": False}


def test_every_check_is_logged_without_the_passport_number(cw, border_key):
    application = granted(cw)
    number = passport_of(application)
    post(EXIT, {"passport_number": number}, border_key, REMOTE_ADDR="10.1.2.3")
    post(EXIT, {"passport_number": "Z9999999"}, border_key, REMOTE_ADDR="10.1.2.3")
    checks = list(ExitCheck.objects.order_by("id"))
    client = ApiClient.objects.get(name="Bureau of Immigration, Kochi airport")
    assert [(c.cleared, c.client_id, c.source_ip) for c in checks] == [(True, client.id, "10.1.2.3"), (False, client.id, "10.1.2.3")]
    assert checks[0].application_id == application.id and checks[1].application_id is None
    assert checks[0].passport_index == passport_index(number) and checks[1].passport_index == passport_index("Z9999999")
    for row in ExitCheck.objects.values():
        assert not any(n in str(value) for value in row.values() for n in (number, "Z9999999")), row


def test_a_refused_clearance_is_not_cleared(cw, border_key):
    application = submitted_ec(cw)
    services.application_refuse(actor=cw.poe, application_id=application.id, reasons="The visa does not match the demand letter.")
    assert post(EXIT, {"passport_number": passport_of(application)}, border_key).json() == {"cleared": False}


def test_a_withdrawn_application_is_not_cleared(cw, border_key):
    application = submitted_ec(cw)
    services.application_withdraw(actor=cw.agent, application_id=application.id)
    assert ClearanceApplication.objects.get(id=application.id).status == ClearanceStatus.WITHDRAWN
    assert post(EXIT, {"passport_number": passport_of(application)}, border_key).json() == {"cleared": False}


def test_an_application_still_with_the_protector_is_not_cleared(cw, border_key):
    application = submitted_ec(cw)
    assert post(EXIT, {"passport_number": passport_of(application)}, border_key).json() == {"cleared": False}


def test_an_expired_clearance_is_not_cleared_but_one_valid_today_is(cw, border_key):
    application = granted(cw)
    today = timezone.localdate()
    ClearanceApplication.objects.filter(id=application.id).update(valid_to_date=today)
    assert post(EXIT, {"passport_number": passport_of(application)}, border_key).json()["cleared"] is True
    ClearanceApplication.objects.filter(id=application.id).update(valid_to_date=today - timedelta(days=1))
    assert post(EXIT, {"passport_number": passport_of(application)}, border_key).json() == {"cleared": False}


@pytest.mark.parametrize("number", ["12345678", "J836985", "JJ8369854", "J83698545", "J8369<54"])
def test_a_malformed_number_is_a_400_on_the_field_and_is_not_logged(border_key, number):
    response = post(EXIT, {"passport_number": number}, border_key)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["passport_number"] == ["An Indian passport number is one letter followed by seven digits, like J8369854."]
    assert not ExitCheck.objects.exists()


@pytest.mark.parametrize("body", [{}, {"passport_number": ""}, {"passport_number": "   "}])
def test_a_missing_number_is_asked_for(border_key, body):
    response = post(EXIT, body, border_key)
    assert response.status_code == 400
    assert response.json()["fields"]["passport_number"] == ["Enter the passport number."]


@pytest.mark.parametrize(("body", "field"), [({"passport_number": "J8369854", "name": "x"}, "name"), ({"passport_number": ["J8369854"]}, "passport_number"), ([], "non_field_errors")])
def test_a_body_of_another_shape_is_a_400(border_key, body, field):
    response = post(EXIT, body, border_key)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_body_that_is_not_json_is_refused(border_key):
    response = Client().post(EXIT, "passport_number=J8369854", content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=f"Api-Key {border_key}")
    assert response.status_code == 415


def test_without_a_key_it_is_401_with_the_scheme_named(db):
    response = post(EXIT, {"passport_number": "J8369854"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["code"] == "not_authenticated"
    assert not ExitCheck.objects.exists()


@pytest.mark.parametrize("header", ["Api-Key {prefix}.wrong-secret", "Api-Key {prefix}", "Api-Key nosuchprefix.{secret}", "Api-Key "])
def test_a_wrong_key_is_401(border_key, header):
    prefix, _dot, secret = border_key.partition(".")
    response = Client().post(EXIT, json.dumps({"passport_number": "J8369854"}), content_type="application/json", HTTP_AUTHORIZATION=header.format(prefix=prefix, secret=secret))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not ExitCheck.objects.exists()


def test_a_revoked_key_is_401(border_key):
    ApiClient.objects.update(is_active=False)
    assert post(EXIT, {"passport_number": "J8369854"}, border_key).status_code == 401


def test_a_key_without_the_exit_check_scope_is_403(insurer_key):
    response = post(EXIT, {"passport_number": "J8369854"}, insurer_key)
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": "This API key does not carry the exit_check scope."}
    assert not ExitCheck.objects.exists()


def test_a_signed_in_official_cannot_use_the_exit_check(official_client):
    client, _user = official_client(Role.POE_OFFICER)
    response = post(EXIT, {"passport_number": "J8369854"}, client=client)
    assert response.status_code == 401
    assert not ExitCheck.objects.exists()


def test_only_post_is_allowed(border_key):
    response = Client().get(EXIT, {"passport_number": "J8369854"}, HTTP_AUTHORIZATION=f"Api-Key {border_key}")
    assert response.status_code == 405


def test_the_rate_is_counted_per_client(border_key):
    client = ApiClient.objects.get()
    assert post(EXIT, {"passport_number": "J8369854"}, border_key).status_code == 200
    assert len(cache.get(f"throttle_exit_check_{client.pk}")) == 1


def test_a_key_made_by_the_management_command_works(cw):
    out = StringIO()
    call_command("api_client_create", "Bureau of Immigration, Wagah", "--scope", "exit_check", stdout=out)
    key = out.getvalue().split(": ", 1)[1].split()[0]
    application = granted(cw)
    assert post(EXIT, {"passport_number": passport_of(application)}, key).json()["cleared"] is True
    assert ApiClient.objects.get(name="Bureau of Immigration, Wagah").last_used_at is not None


# --- PBBY ------------------------------------------------------------------------------------------------------


def policy_request(**overrides) -> dict:
    body = {**worker(), "is_ecr": True, "period_years": 3, "valid_from_date": timezone.localdate().isoformat()}
    body.update(overrides)
    return body


def test_an_insurer_system_issues_a_policy(cw, insurer_key):
    body = policy_request()
    response = post(ISSUE, body, insurer_key)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer) == {"number", "period_years", "premium_inr", "valid_from", "valid_to", "status"}
    assert answer["number"].startswith(f"PBBY/IRDAI99/{timezone.localdate().year}/")
    assert answer["period_years"] == 3 and answer["status"] == "ACTIVE"
    issued = PBBYPolicy.objects.get(number=answer["number"])
    client = ApiClient.objects.get(name="Suraksha policy system")
    assert issued.insurer_id == cw.insurer.id and issued.issued_by_client_id == client.id and issued.issued_by_id is None
    assert issued.passport_index == passport_index(body["passport_number"])
    assert answer["premium_inr"] == str(issued.premium_inr)
    assert answer["valid_to"] == issued.valid_to_date.isoformat() and issued.valid_to_date > issued.valid_from_date


def test_a_bad_policy_request_names_its_fields_and_writes_nothing(cw, insurer_key):
    response = post(ISSUE, policy_request(period_years=7), insurer_key)
    assert response.status_code == 400
    assert "period_years" in response.json()["fields"]
    response = post(ISSUE, policy_request(passport_number="123"), insurer_key)
    assert response.status_code == 400
    assert "passport_number" in response.json()["fields"]
    response = post(ISSUE, policy_request(colour="blue"), insurer_key)
    assert response.status_code == 400
    assert response.json()["fields"]["colour"]
    assert not PBBYPolicy.objects.exists()


def test_an_insurer_whose_registration_lapsed_cannot_issue(cw, insurer_key):
    Licence.objects.filter(organisation=cw.insurer).delete()
    response = post(ISSUE, policy_request(), insurer_key)
    assert response.status_code == 403
    assert not PBBYPolicy.objects.exists()


def test_a_policy_validates_until_it_is_cancelled(cw, insurer_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    answer = post(VALIDATE, {"number": number}, insurer_key).json()
    assert answer["valid"] is True and answer["reason"] == "" and answer["status"] == "ACTIVE"
    assert answer["insurer"] == cw.insurer.name

    response = post(CANCEL, {"number": number, "reason": "Issued in error; refunded."}, insurer_key)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "CANCELLED"
    assert PBBYPolicy.objects.get(number=number).status == PolicyStatus.CANCELLED

    answer = post(VALIDATE, {"number": number}, insurer_key).json()
    assert answer["valid"] is False and answer["reason"] == "cancelled" and answer["status"] == "CANCELLED"
    assert post(CANCEL, {"number": number, "reason": "Again, by mistake."}, insurer_key).status_code == 409


def test_numbers_are_matched_whatever_the_case_and_spacing(cw, insurer_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    assert post(VALIDATE, {"number": f"  {number.lower()} "}, insurer_key).json()["valid"] is True


def test_an_unknown_number_is_not_valid(cw, insurer_key):
    response = post(VALIDATE, {"number": "PBBY/NOPE/2026/0000001"}, insurer_key)
    assert response.status_code == 200
    assert response.json() == {"number": "PBBY/NOPE/2026/0000001", "valid": False, "reason": "unknown"}


def test_a_cancellation_needs_a_reason(cw, insurer_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    response = post(CANCEL, {"number": number}, insurer_key)
    assert response.status_code == 400
    assert response.json()["fields"]["reason"] == ["Give the reason for the cancellation."]
    assert PBBYPolicy.objects.get(number=number).status == PolicyStatus.ACTIVE


def other_insurer_key() -> str:
    other = Organisation.objects.create(kind=OrganisationKind.INSURER, name="Other Assurance", registration_number="IRDAI77")
    Licence.objects.create(kind=LicenceKind.INSURER, number=licensing.licence_number(LicenceKind.INSURER), organisation=other, valid_from_date=timezone.localdate() - timedelta(days=10))
    _client, key = api_client_create(actor=None, name="Other Assurance system", scopes=["pbby"], organisation=other)
    return key


def test_another_insurer_cannot_cancel_but_can_validate(cw, insurer_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    key = other_insurer_key()
    response = post(CANCEL, {"number": number, "reason": "Not ours to cancel."}, key)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert PBBYPolicy.objects.get(number=number).status == PolicyStatus.ACTIVE
    assert post(CANCEL, {"number": "PBBY/NOPE/2026/0000001", "reason": "Unknown number."}, key).status_code == 404
    assert post(VALIDATE, {"number": number}, key).json()["valid"] is True


def test_an_exit_check_key_cannot_use_pbby(cw, insurer_key, border_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    assert post(ISSUE, policy_request(), border_key).status_code == 403
    assert post(VALIDATE, {"number": number}, border_key).status_code == 403
    assert post(CANCEL, {"number": number, "reason": "Not allowed here."}, border_key).status_code == 403
    assert PBBYPolicy.objects.count() == 1


def test_pbby_without_a_key_is_401(cw):
    for url in (ISSUE, VALIDATE, CANCEL):
        response = post(url, {"number": "PBBY/X/2026/1"})
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Api-Key"


def test_insurer_staff_use_their_session(cw):
    client = Client()
    login_verified(client, cw.insurer_user)
    response = post(ISSUE, policy_request(period_years=2), client=client)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert PBBYPolicy.objects.get(number=number).issued_by_id == cw.insurer_user.id
    assert post(VALIDATE, {"number": number}, client=client).json()["valid"] is True
    assert post(CANCEL, {"number": number, "reason": "The worker did not travel."}, client=client).json()["status"] == "CANCELLED"


def test_officials_validate_but_do_not_issue_or_cancel(cw, insurer_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    for official in (cw.poe, cw.pge):
        client = Client()
        login_verified(client, official)
        assert post(VALIDATE, {"number": number}, client=client).json()["valid"] is True
        assert post(ISSUE, policy_request(), client=client).status_code == 403
        assert post(CANCEL, {"number": number, "reason": "Officials do not cancel."}, client=client).status_code == 403
    assert PBBYPolicy.objects.count() == 1


def test_other_signed_in_users_cannot_validate(cw, insurer_key):
    number = post(ISSUE, policy_request(), insurer_key).json()["number"]
    client = Client()
    login_verified(client, user_with_role(Role.EMIGRANT))
    assert post(VALIDATE, {"number": number}, client=client).status_code == 403
    client = Client()
    login_verified(client, cw.agent)
    assert post(VALIDATE, {"number": number}, client=client).status_code == 403


def test_an_insurer_policy_issued_by_api_is_accepted_on_an_application(cw, insurer_key, border_key):
    """The policy an insurer's system issues is the one an agent attaches; the grant then clears the worker at the border."""
    person = worker()
    number = post(ISSUE, {**person, "is_ecr": True, "period_years": 3, "valid_from_date": timezone.localdate().isoformat()}, insurer_key).json()["number"]
    application = submitted_ec(cw, with_policy=False, **{k: person[k] for k in ("passport_number", "mobile")}, pbby_policy_number=number)
    assert application.pbby_policy.number == number
    services.application_grant(actor=cw.poe, application_id=application.id)
    assert post(EXIT, {"passport_number": person["passport_number"]}, border_key).json()["cleared"] is True


# --- schema ----------------------------------------------------------------------------------------------------


def test_the_schema_documents_the_endpoints_and_the_api_key(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "Authorization", "description": scheme["description"]}
    assert "Api-Key <prefix>.<secret>" in scheme["description"]
    exit_check = schema["paths"]["/api/v1/clearance/exit-check/"]["post"]
    assert exit_check["security"] == [{"ApiKeyAuth": []}]
    assert {"400", "401", "403", "429"} <= set(exit_check["responses"])
    assert exit_check["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ExitCheckQuestionRequest")
    for path in ("/api/v1/clearance/pbby/policies/", "/api/v1/clearance/pbby/validate/", "/api/v1/clearance/pbby/cancel/"):
        operation = schema["paths"][path]["post"]
        assert {"ApiKeyAuth": []} in operation["security"] and {"cookieAuth": []} in operation["security"], path
        assert {"400", "401", "403"} <= set(operation["responses"]), path
    assert "201" in schema["paths"]["/api/v1/clearance/pbby/policies/"]["post"]["responses"]
    assert "404" in schema["paths"]["/api/v1/clearance/pbby/cancel/"]["post"]["responses"]
    # No passport or policy number in any path of these endpoints.
    assert not [p for p in schema["paths"] if p.startswith("/api/v1/clearance/") and "{" in p]

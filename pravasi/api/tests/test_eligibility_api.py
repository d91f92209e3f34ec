"""Public clearance API: "Do I need emigration clearance?" (answer shape, required and not required, one
message per missing or bad answer, malformed bodies, methods, throttling, schema). Anonymous callers."""

from __future__ import annotations

import json
from decimal import ROUND_CEILING, Decimal

import pytest
from django.test import Client
from django.utils import timezone

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.api.eligibility import NOT_REQUIRED_ANSWER, REQUIRED_ANSWER, REQUIRED_EXAMPLE
from pravasi.clearance.eligibility import RULES, load_rulebook

pytestmark = pytest.mark.django_db

URL = "/api/v1/clearance/eligibility"
RULE_CODES = [rule.code for rule in RULES]
EMPLOYMENT_NEEDS = ["occupation", "sex", "date_of_birth", "departure_date", "monthly_wage", "recruitment"]
ALWAYS_NEEDED = ["passport_category", "destination_country", "purpose"]

SAUDI = {
    "passport_category": "ECR",
    "destination_country": "SA",
    "purpose": "EMPLOYMENT",
    "occupation": "9313",
    "sex": "M",
    "date_of_birth": "1995-04-12",
    "departure_date": "2027-02-01",
    "monthly_wage": {"amount": "1500", "currency": "SAR"},
    "recruitment": "RA",
}


def ask(client, body, url: str = URL, **kwargs):
    return client.post(url, json.dumps(body), content_type="application/json", **kwargs)


def outcomes_by_rule(body: dict) -> dict[str, dict]:
    return {o["rule"]: o for o in body["outcomes"]}


def test_the_answer_has_exactly_the_contract_keys(client):
    response = ask(client, SAUDI)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ec_required", "eligible", "outcomes"}
    assert [o["rule"] for o in body["outcomes"]] == RULE_CODES
    for o in body["outcomes"]:
        assert set(o) == {"rule", "passed", "message", "policy"}
        assert o["passed"] in (True, False, None) and o["message"] and isinstance(o["policy"], str)


def test_a_required_case_reports_every_rule_and_leaves_unknown_facts_unevaluated(client):
    body = ask(client, SAUDI).json()
    assert body["ec_required"] is True and body["eligible"] is True
    rules = outcomes_by_rule(body)
    assert rules["EC_REQUIRED"]["policy"] == "ECR_COUNTRIES from 2020-01-03"
    assert rules["MINIMUM_WAGE"]["passed"] is True
    assert rules["MINIMUM_WAGE"]["policy"].startswith("MINIMUM_REFERRAL_WAGE_USD[SA] from 2020-09-01")
    for rule in ("PASSPORT_VALIDITY", "PBBY_POLICY", "EMPLOYER_REGISTERED", "RA_CERTIFICATE_ACTIVE", "DEMAND_POSITIONS", "SERVICE_CHARGE_CAP"):
        assert rules[rule]["passed"] is None, rule
        assert "full application" in rules[rule]["message"]


def test_the_documented_examples_are_what_the_api_answers(client):
    assert ask(client, REQUIRED_EXAMPLE).json() == REQUIRED_ANSWER
    not_required = {**REQUIRED_EXAMPLE, "passport_category": "ECNR", "destination_country": "AE", "monthly_wage": {"amount": "2000", "currency": "AED"}}
    assert ask(client, not_required).json() == NOT_REQUIRED_ANSWER


@pytest.mark.parametrize(
    "changes",
    [{"passport_category": "ECNR"}, {"destination_country": "GB"}, {"purpose": "VISIT"}],
    ids=["ECNR passport", "a country that is not ECR", "a visit"],
)
def test_not_required_is_eligible(client, changes):
    body = ask(client, {**SAUDI, **changes}).json()
    assert body["ec_required"] is False and body["eligible"] is True
    assert [o["passed"] for o in body["outcomes"][1:]] == [None] * (len(RULES) - 1)


def test_a_failing_rule_makes_the_case_ineligible(client):
    woman = {**SAUDI, "sex": "F", "date_of_birth": "1996-02-02", "monthly_wage": {"amount": "323.99", "currency": "USD"}, "passport_expiry_date": "2027-07-31"}
    body = ask(client, woman).json()
    assert body["ec_required"] is True and body["eligible"] is False
    rules = outcomes_by_rule(body)
    assert {rule for rule, o in rules.items() if o["passed"] is False} == {"WOMEN_MIN_AGE", "MINIMUM_WAGE", "PASSPORT_VALIDITY"}
    assert rules["WOMEN_MIN_AGE"]["message"].startswith("Aged 30 on departure")
    # A day older, six months' validity to the day and the minimum wage: eligible.
    fixed = {**woman, "date_of_birth": "1996-02-01", "monthly_wage": {"amount": "324", "currency": "USD"}, "passport_expiry_date": "2027-08-01"}
    assert ask(client, fixed).json()["eligible"] is True


def test_a_wage_in_a_local_currency_is_judged_with_the_policy_rate(client):
    book = load_rulebook(timezone.localdate())
    rate = Decimal(str(book.get("EXCHANGE_RATES_USD")["SAR"]))
    at_minimum = (Decimal("324") / rate).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    passed = [outcomes_by_rule(ask(client, {**SAUDI, "monthly_wage": {"amount": str(amount), "currency": "SAR"}}).json())["MINIMUM_WAGE"]["passed"] for amount in (at_minimum, at_minimum - Decimal("0.01"))]
    assert passed == [True, False]


# --- missing and bad answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", EMPLOYMENT_NEEDS)
def test_each_answer_needed_for_employment_is_asked_for_by_name(client, field):
    body = {key: value for key, value in SAUDI.items() if key != field}
    response = ask(client, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "invalid" and answer["message"]
    assert list(answer["fields"]) == [field]
    assert len(answer["fields"][field]) == 1 and answer["fields"][field][0]


def test_an_empty_employment_question_names_every_missing_answer(client):
    answer = ask(client, {"passport_category": "ECR", "destination_country": "SA", "purpose": "EMPLOYMENT"}).json()
    assert sorted(answer["fields"]) == sorted(EMPLOYMENT_NEEDS)
    assert all(len(messages) == 1 for messages in answer["fields"].values())


def test_only_the_first_three_answers_are_needed_for_a_visit(client):
    assert sorted(ask(client, {}).json()["fields"]) == sorted(ALWAYS_NEEDED)
    assert sorted(ask(client, {"purpose": "VISIT"}).json()["fields"]) == ["destination_country", "passport_category"]
    response = ask(client, {"passport_category": "ECR", "destination_country": "AE", "purpose": "VISIT"})
    assert response.status_code == 200
    assert response.json()["ec_required"] is False and response.json()["eligible"] is True


def test_codes_are_accepted_in_any_case(client):
    lower = {**SAUDI, "passport_category": "ecr", "destination_country": "sa", "purpose": "employment", "sex": "m", "recruitment": "ra", "monthly_wage": {"amount": "1500", "currency": "sar"}}
    response = ask(client, lower)
    assert response.status_code == 200
    assert response.json() == ask(client, SAUDI).json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"destination_country": "ZZ"}, "destination_country"),
        ({"destination_country": "IN"}, "destination_country"),
        ({"destination_country": "SAU"}, "destination_country"),
        ({"passport_category": "ECRX"}, "passport_category"),
        ({"purpose": "HOLIDAY"}, "purpose"),
        ({"sex": "female"}, "sex"),
        ({"recruitment": "AGENT"}, "recruitment"),
        ({"occupation": "22210"}, "occupation"),
        ({"occupation": 2221}, "occupation"),
        ({"date_of_birth": "1995-02-30"}, "date_of_birth"),
        ({"date_of_birth": "12/04/1995"}, "date_of_birth"),
        ({"departure_date": "next week"}, "departure_date"),
        ({"passport_expiry_date": "2031-13-01"}, "passport_expiry_date"),
        ({"date_of_birth": "2027-02-01"}, "date_of_birth"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"monthly_wage": {"amount": "-1500", "currency": "SAR"}}, "monthly_wage.amount"),
        ({"monthly_wage": {"amount": "0", "currency": "SAR"}}, "monthly_wage.amount"),
        ({"monthly_wage": {"amount": "a lot", "currency": "SAR"}}, "monthly_wage.amount"),
        ({"monthly_wage": {"amount": "NaN", "currency": "SAR"}}, "monthly_wage.amount"),
        ({"monthly_wage": {"amount": "1500", "currency": "RIYAL"}}, "monthly_wage.currency"),
        ({"monthly_wage": {"amount": "1500", "currency": "S1R"}}, "monthly_wage.currency"),
        ({"monthly_wage": {"amount": "1500"}}, "monthly_wage.currency"),
        ({"monthly_wage": "1500 SAR"}, "monthly_wage"),
    ],
)
def test_a_bad_answer_is_400_with_a_message_on_its_field(client, changes, field):
    response = ask(client, {**SAUDI, **changes})
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "invalid"
    assert list(answer["fields"]) == [field]
    assert answer["fields"][field][0]


def test_a_well_formed_currency_without_a_rate_is_not_compared(client):
    body = ask(client, {**SAUDI, "monthly_wage": {"amount": "1500", "currency": "XYZ"}}).json()
    wage = outcomes_by_rule(body)["MINIMUM_WAGE"]
    assert wage["passed"] is None and "XYZ" in wage["message"]
    assert body["eligible"] is True


def test_a_departure_date_far_in_the_future_is_a_400(client):
    response = ask(client, {**SAUDI, "departure_date": "9999-12-01", "passport_expiry_date": "9999-12-31"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"departure_date", "passport_expiry_date"}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "malformed"),
        ("[1, 2]", "application/json", 400, "invalid"),
        ('"ECR"', "application/json", 400, "invalid"),
        ("passport_category=ECR&destination_country=SA&purpose=VISIT", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ("<question/>", "application/xml", 415, "unsupported_media_type"),
    ],
    ids=["broken JSON", "a JSON list", "a JSON string", "a form", "XML"],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, body, content_type, status, code):
    response = client.post(URL, body, content_type=content_type)
    assert response.status_code == status
    answer = response.json()
    assert answer["code"] == code and answer["message"]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_only_post_is_allowed(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_both_spellings_of_the_path_answer(client):
    assert ask(client, SAUDI, url=URL + "/").json() == ask(client, SAUDI).json()


def test_a_browser_with_a_session_needs_no_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_with_role(Role.EMIGRANT), backend="pravasi.accounts.backends.IdentifierBackend")
    assert ask(browser, SAUDI).status_code == 200


def test_the_decisions_do_not_depend_on_the_language(client):
    english = ask(client, SAUDI).json()
    hindi = ask(client, SAUDI, HTTP_ACCEPT_LANGUAGE="hi").json()
    assert [o["passed"] for o in hindi["outcomes"]] == [o["passed"] for o in english["outcomes"]]
    assert [o["policy"] for o in hindi["outcomes"]] == [o["policy"] for o in english["outcomes"]]


def test_anonymous_callers_are_throttled_with_retry_after(client):
    statuses = [ask(client, {"purpose": "VISIT"} if i % 2 else SAUDI).status_code for i in range(60)]
    assert set(statuses) == {200, 400}
    response = ask(client, SAUDI)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


# --- schema --------------------------------------------------------------------------------------------------------


def test_the_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/clearance/eligibility"]["post"]
    assert operation["operationId"] == "clearance_eligibility"
    assert schema["paths"]["/api/v1/clearance/eligibility/"]["post"]["operationId"] == "clearance_eligibility_trailing_slash"
    assert set(operation["responses"]) >= {"200", "400", "429"}
    assert {} in operation["security"], "anonymous callers must be allowed"
    request = operation["requestBody"]["content"]["application/json"]
    question = schema["components"]["schemas"][request["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(question["properties"]) == {*ALWAYS_NEEDED, *EMPLOYMENT_NEEDS, "passport_expiry_date"}
    assert sorted(question["required"]) == sorted(ALWAYS_NEEDED)
    assert request["examples"]
    answer = schema["components"]["schemas"][operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(answer["properties"]) == {"ec_required", "eligible", "outcomes"}
    assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    # The consent purposes keep their enum name; the question's sex shares the registry's.
    assert "PurposeEnum" in schema["components"]["schemas"] and "Purpose6c8Enum" not in schema["components"]["schemas"]
    assert schema["components"]["schemas"]["SexEnum"]["enum"] == ["F", "M", "X"]


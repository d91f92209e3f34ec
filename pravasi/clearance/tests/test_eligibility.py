"""The eligibility engine, table-driven: every rule on both sides of its boundary, facts not known, a policy change on a date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pravasi.clearance.eligibility import RULES, Agent, Employer, Facts, Insurance, evaluate, load_rulebook

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)
DEPARTURE = date(2026, 12, 1)
CENT = Decimal("0.01")
RULE_CODES = [rule.code for rule in RULES]

# An ECR passport holder going to work in Saudi Arabia as a labourer, paid above the minimum (US$ 324),
# recruited through an agent. Every fact only a full application has is left unknown.
BASE = Facts(
    passport_category="ECR",
    destination_country="SA",
    purpose="EMPLOYMENT",
    occupation="9311",
    sex="M",
    date_of_birth=date(1990, 5, 15),
    departure_date=DEPARTURE,
    wage_amount=Decimal("400"),
    wage_currency="USD",
    recruitment="RA",
)
WOMAN = {"sex": "F", "date_of_birth": date(1985, 3, 1)}


def facts(**changes) -> Facts:
    return replace(BASE, **changes)


def outcome(result, rule: str):
    return next(o for o in result.outcomes if o.rule == rule)


@pytest.fixture
def book():
    return load_rulebook(TODAY)


def rate(book, currency: str) -> Decimal:
    return Decimal(str(book.get("EXCHANGE_RATES_USD")[currency]))


def minimum(book, country: str, occupation: str = "default") -> Decimal:
    table = book.get("MINIMUM_REFERRAL_WAGE_USD", country)
    return Decimal(str(table.get(occupation, table["default"])))


def row(case_id: str, changes: dict, *, ec_required: bool, eligible: bool, rule: str, passed: bool | None):
    return pytest.param(changes, ec_required, eligible, rule, passed, id=case_id)


REQUIRED_YES = {"ec_required": True, "eligible": True}
NOT_REQUIRED = {"ec_required": False, "eligible": True}
FAILS = {"ec_required": True, "eligible": False}

CASES = [
    # --- whether clearance is required --------------------------------------------------------------------
    row("ECR to an ECR country", {}, **REQUIRED_YES, rule="EC_REQUIRED", passed=True),
    row("ECNR to an ECR country", {"passport_category": "ECNR"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECR to a country that is not ECR", {"destination_country": "GB"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECR to an ECR country for a visit", {"purpose": "VISIT"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECR to an ECR country to study", {"purpose": "STUDY"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECR to an ECR country, other purpose", {"purpose": "OTHER"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECNR to Iraq for work", {"passport_category": "ECNR", "destination_country": "IQ"}, **REQUIRED_YES, rule="EC_REQUIRED", passed=True),
    row("ECNR to Iraq for a visit", {"passport_category": "ECNR", "destination_country": "IQ", "purpose": "VISIT"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECNR nurse 2221 to GB", {"passport_category": "ECNR", "destination_country": "GB", "occupation": "2221"}, **REQUIRED_YES, rule="EC_REQUIRED", passed=True),
    row("ECNR nursing associate 3221 to GB", {"passport_category": "ECNR", "destination_country": "GB", "occupation": "3221"}, **REQUIRED_YES, rule="EC_REQUIRED", passed=True),
    row("ECNR health professional 2222 to GB", {"passport_category": "ECNR", "destination_country": "GB", "occupation": "2222"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("ECNR nurse to GB for a visit", {"passport_category": "ECNR", "destination_country": "GB", "occupation": "2221", "purpose": "VISIT"}, **NOT_REQUIRED, rule="EC_REQUIRED", passed=True),
    row("not required: later rules not applicable", {"passport_category": "ECNR", "wage_amount": Decimal("1")}, **NOT_REQUIRED, rule="MINIMUM_WAGE", passed=None),
    # --- women with ECR passports to ECR countries: older than 30 on the day of departure ------------------
    row("woman aged 31: 31st birthday on departure day", {**WOMAN, "date_of_birth": date(1995, 12, 1)}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=True),
    row("woman aged 30: 31st birthday the day after departure", {**WOMAN, "date_of_birth": date(1995, 12, 2)}, **FAILS, rule="WOMEN_MIN_AGE", passed=False),
    row("woman aged exactly 30: 30th birthday on departure day", {**WOMAN, "date_of_birth": date(1996, 12, 1)}, **FAILS, rule="WOMEN_MIN_AGE", passed=False),
    row("woman aged 29: 30th birthday the day after departure", {**WOMAN, "date_of_birth": date(1996, 12, 2)}, **FAILS, rule="WOMEN_MIN_AGE", passed=False),
    row("young nurse 2221: exempt from the age rule", {**WOMAN, "date_of_birth": date(2002, 1, 1), "occupation": "2221"}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=True),
    row("young nursing associate 3221: exempt", {**WOMAN, "date_of_birth": date(2002, 1, 1), "occupation": "3221"}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=True),
    row("young woman with an ECNR passport to Iraq: no age rule", {**WOMAN, "date_of_birth": date(2002, 1, 1), "passport_category": "ECNR", "destination_country": "IQ"}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=True),
    row("young man: no age rule", {"date_of_birth": date(2004, 1, 1)}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=True),
    row("young person of sex X: no age rule", {"sex": "X", "date_of_birth": date(2004, 1, 1)}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=True),
    row("woman, date of birth not known", {**WOMAN, "date_of_birth": None}, **REQUIRED_YES, rule="WOMEN_MIN_AGE", passed=None),
    # ... recruited only through state-run agents
    row("woman through a state-run agent", {**WOMAN, "agent": Agent(certificate_active=True, state_run=True)}, **REQUIRED_YES, rule="WOMEN_STATE_RA", passed=True),
    row("woman through a private agent", {**WOMAN, "agent": Agent(certificate_active=True, state_run=False)}, **FAILS, rule="WOMEN_STATE_RA", passed=False),
    row("woman through an agent not known here", WOMAN, **REQUIRED_YES, rule="WOMEN_STATE_RA", passed=None),
    row("woman recruited directly: agent rule passes", {**WOMAN, "recruitment": "DIRECT"}, **REQUIRED_YES, rule="WOMEN_STATE_RA", passed=True),
    # ... and directly only with the employer's bank guarantee
    row("woman recruited directly, guarantee lodged", {**WOMAN, "recruitment": "DIRECT", "employer": Employer(registered=True, blacklisted=False, women_guarantee=True)}, **REQUIRED_YES, rule="WOMEN_DIRECT_GUARANTEE", passed=True),
    row("woman recruited directly, no guarantee", {**WOMAN, "recruitment": "DIRECT", "employer": Employer(registered=True, blacklisted=False)}, **FAILS, rule="WOMEN_DIRECT_GUARANTEE", passed=False),
    row("woman recruited directly, employer not known here", {**WOMAN, "recruitment": "DIRECT"}, **REQUIRED_YES, rule="WOMEN_DIRECT_GUARANTEE", passed=None),
    row("woman on a project exporter's project", {**WOMAN, "recruitment": "PROJECT_EXPORTER"}, **REQUIRED_YES, rule="WOMEN_DIRECT_GUARANTEE", passed=True),
    # --- minimum referral wage -----------------------------------------------------------------------------
    row("US$ 324.00 in Saudi Arabia: at the minimum", {"wage_amount": Decimal("324.00")}, **REQUIRED_YES, rule="MINIMUM_WAGE", passed=True),
    row("US$ 323.99 in Saudi Arabia: a cent below", {"wage_amount": Decimal("323.99")}, **FAILS, rule="MINIMUM_WAGE", passed=False),
    row("domestic worker 9111 in Kuwait at US$ 196", {"destination_country": "KW", "occupation": "9111", "wage_amount": Decimal("196")}, **REQUIRED_YES, rule="MINIMUM_WAGE", passed=True),
    row("domestic worker 9111 in Kuwait at US$ 195.99", {"destination_country": "KW", "occupation": "9111", "wage_amount": Decimal("195.99")}, **FAILS, rule="MINIMUM_WAGE", passed=False),
    row("labourer 9311 in Kuwait at US$ 196 (minimum 245)", {"destination_country": "KW", "occupation": "9311", "wage_amount": Decimal("196")}, **FAILS, rule="MINIMUM_WAGE", passed=False),
    row("labourer 9311 in Kuwait at US$ 245", {"destination_country": "KW", "occupation": "9311", "wage_amount": Decimal("245")}, **REQUIRED_YES, rule="MINIMUM_WAGE", passed=True),
    row("a country without a minimum wage (Malaysia)", {"destination_country": "MY", "wage_amount": Decimal("1")}, **REQUIRED_YES, rule="MINIMUM_WAGE", passed=True),
    row("a currency without an exchange rate", {"wage_amount": Decimal("1"), "wage_currency": "XYZ"}, **REQUIRED_YES, rule="MINIMUM_WAGE", passed=None),
    row("wage not known", {"wage_amount": None, "wage_currency": ""}, **REQUIRED_YES, rule="MINIMUM_WAGE", passed=None),
    # --- passport valid 6 months after departure ------------------------------------------------------------
    row("passport valid exactly 6 months after departure", {"passport_expiry_date": date(2027, 6, 1)}, **REQUIRED_YES, rule="PASSPORT_VALIDITY", passed=True),
    row("passport valid 6 months minus a day", {"passport_expiry_date": date(2027, 5, 31)}, **FAILS, rule="PASSPORT_VALIDITY", passed=False),
    row("31 August + 6 months is 28 February", {"departure_date": date(2026, 8, 31), "passport_expiry_date": date(2027, 2, 28)}, **REQUIRED_YES, rule="PASSPORT_VALIDITY", passed=True),
    row("31 August + 6 months minus a day", {"departure_date": date(2026, 8, 31), "passport_expiry_date": date(2027, 2, 27)}, **FAILS, rule="PASSPORT_VALIDITY", passed=False),
    row("passport expiry not known", {}, **REQUIRED_YES, rule="PASSPORT_VALIDITY", passed=None),
    # --- PBBY insurance (a 24-month contract from 2026-12-01 ends on 2028-11-30) -------------------------------
    row("PBBY covers the contract", {"contract_months": 24, "insurance": Insurance(registered_insurer=True, active=True, valid_to_date=date(2028, 11, 30))}, **REQUIRED_YES, rule="PBBY_POLICY", passed=True),
    row("PBBY ends a day before the contract", {"contract_months": 24, "insurance": Insurance(registered_insurer=True, active=True, valid_to_date=date(2028, 11, 29))}, **FAILS, rule="PBBY_POLICY", passed=False),
    row("PBBY from an unregistered insurer", {"contract_months": 24, "insurance": Insurance(registered_insurer=False, active=True, valid_to_date=date(2029, 1, 1))}, **FAILS, rule="PBBY_POLICY", passed=False),
    row("PBBY cancelled", {"contract_months": 24, "insurance": Insurance(registered_insurer=True, active=False, valid_to_date=date(2029, 1, 1))}, **FAILS, rule="PBBY_POLICY", passed=False),
    row("PBBY not known here", {}, **REQUIRED_YES, rule="PBBY_POLICY", passed=None),
    # --- Libya: extra life insurance ----------------------------------------------------------------------------
    row("Libya with the extra life policy", {"destination_country": "LY", "libya_life_policy": True}, **REQUIRED_YES, rule="LIBYA_LIFE_POLICY", passed=True),
    row("Libya without the extra life policy", {"destination_country": "LY", "libya_life_policy": False}, **FAILS, rule="LIBYA_LIFE_POLICY", passed=False),
    row("Libya, life policy not known here", {"destination_country": "LY"}, **REQUIRED_YES, rule="LIBYA_LIFE_POLICY", passed=None),
    row("not Libya: no extra policy", {"libya_life_policy": False}, **REQUIRED_YES, rule="LIBYA_LIFE_POLICY", passed=True),
    # --- employer ----------------------------------------------------------------------------------------------
    row("employer registered", {"employer": Employer(registered=True, blacklisted=False)}, **REQUIRED_YES, rule="EMPLOYER_REGISTERED", passed=True),
    row("employer not registered", {"employer": Employer(registered=False, blacklisted=False)}, **FAILS, rule="EMPLOYER_REGISTERED", passed=False),
    row("employer blacklisted", {"employer": Employer(registered=True, blacklisted=True)}, **FAILS, rule="EMPLOYER_REGISTERED", passed=False),
    row("employer not known here", {}, **REQUIRED_YES, rule="EMPLOYER_REGISTERED", passed=None),
    # --- recruiting agent ----------------------------------------------------------------------------------------
    row("agent's certificate active", {"agent": Agent(certificate_active=True, state_run=False)}, **REQUIRED_YES, rule="RA_CERTIFICATE_ACTIVE", passed=True),
    row("agent's certificate not active", {"agent": Agent(certificate_active=False, state_run=False)}, **FAILS, rule="RA_CERTIFICATE_ACTIVE", passed=False),
    row("agent not known here", {}, **REQUIRED_YES, rule="RA_CERTIFICATE_ACTIVE", passed=None),
    row("direct recruitment: no agent", {"recruitment": "DIRECT", "agent": Agent(certificate_active=False, state_run=False)}, **REQUIRED_YES, rule="RA_CERTIFICATE_ACTIVE", passed=True),
    # --- demand ----------------------------------------------------------------------------------------------------
    row("one position open in the demand", {"open_positions": 1}, **REQUIRED_YES, rule="DEMAND_POSITIONS", passed=True),
    row("every position filled", {"open_positions": 0}, **FAILS, rule="DEMAND_POSITIONS", passed=False),
    row("demand not known here", {}, **REQUIRED_YES, rule="DEMAND_POSITIONS", passed=None),
    row("project exporter's own project: no demand", {"recruitment": "PROJECT_EXPORTER", "open_positions": 0}, **REQUIRED_YES, rule="DEMAND_POSITIONS", passed=True),
    # --- service charge cap (Rs 30,000) ------------------------------------------------------------------------------
    row("service charge at the cap", {"service_charge_inr": Decimal("30000")}, **REQUIRED_YES, rule="SERVICE_CHARGE_CAP", passed=True),
    row("service charge a rupee above the cap", {"service_charge_inr": Decimal("30001")}, **FAILS, rule="SERVICE_CHARGE_CAP", passed=False),
    row("service charge not known here", {}, **REQUIRED_YES, rule="SERVICE_CHARGE_CAP", passed=None),
    row("direct recruitment: no service charge", {"recruitment": "DIRECT", "service_charge_inr": Decimal("30001")}, **REQUIRED_YES, rule="SERVICE_CHARGE_CAP", passed=True),
]


@pytest.mark.parametrize(("changes", "ec_required", "eligible", "rule", "passed"), CASES)
def test_each_rule_on_both_sides_of_its_boundary(book, changes, ec_required, eligible, rule, passed):
    result = evaluate(facts(**changes), book)
    assert [o.rule for o in result.outcomes] == RULE_CODES
    assert (result.ec_required, result.eligible) == (ec_required, eligible)
    found = outcome(result, rule)
    assert found.passed is passed, found.message
    assert found.message
    if passed is False:
        assert result.failed() == [found], "only the rule in question fails"


@pytest.mark.parametrize(
    ("step", "passed"),
    [(Decimal("0"), True), (-CENT, False)],
    ids=["at the minimum", "a cent below"],
)
def test_a_wage_in_riyals_is_converted_with_the_policy_rate(book, step, passed):
    # The smallest amount in riyals, to the halala, whose dollar value reaches the minimum.
    at_minimum = (minimum(book, "SA") / rate(book, "SAR")).quantize(CENT, rounding=ROUND_CEILING)
    result = evaluate(facts(wage_amount=at_minimum + step, wage_currency="SAR"), book)
    assert outcome(result, "MINIMUM_WAGE").passed is passed
    assert result.eligible is passed
    assert "EXCHANGE_RATES_USD" in outcome(result, "MINIMUM_WAGE").policy


def test_not_required_reports_every_other_rule_as_not_applicable(book):
    result = evaluate(facts(passport_category="ECNR", date_of_birth=None, wage_amount=None, wage_currency=""), book)
    assert result.ec_required is False and result.eligible is True and result.failed() == []
    assert [o.passed for o in result.outcomes[1:]] == [None] * (len(RULES) - 1)
    assert result.as_dict()["outcomes"][0] == {
        "rule": "EC_REQUIRED",
        "passed": True,
        "message": "No emigration clearance is needed: an ECNR passport, or a country that is not an ECR country.",
        "policy": "ECR_COUNTRIES from 2020-01-03",
    }


def test_several_failures_are_all_reported(book):
    result = evaluate(facts(**{**WOMAN, "date_of_birth": date(2000, 1, 1)}, wage_amount=Decimal("100"), passport_expiry_date=DEPARTURE, service_charge_inr=Decimal("50000")), book)
    assert result.eligible is False
    assert {o.rule for o in result.failed()} == {"WOMEN_MIN_AGE", "MINIMUM_WAGE", "PASSPORT_VALIDITY", "SERVICE_CHARGE_CAP"}


# --- a policy change on a given date: Brunei left the ECR list and South Sudan joined it on 2020-01-03 ---------


@pytest.mark.parametrize(
    ("day", "country", "required", "policy"),
    [
        (date(2020, 1, 2), "BN", True, "ECR_COUNTRIES from 2015-01-01"),
        (date(2020, 1, 2), "SS", False, "ECR_COUNTRIES from 2015-01-01"),
        (date(2020, 1, 3), "BN", False, "ECR_COUNTRIES from 2020-01-03"),
        (date(2020, 1, 3), "SS", True, "ECR_COUNTRIES from 2020-01-03"),
    ],
    ids=["Brunei on the last day before", "South Sudan on the last day before", "Brunei on the day of the change", "South Sudan on the day of the change"],
)
def test_the_ecr_list_in_force_on_the_day_decides(day, country, required, policy):
    result = evaluate(facts(destination_country=country, departure_date=day + timedelta(days=30)), load_rulebook(day))
    assert result.ec_required is required
    assert result.eligible is True
    assert outcome(result, "EC_REQUIRED").policy == policy


# --- policy references ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {**WOMAN, "wage_currency": "SAR", "wage_amount": Decimal("1500"), "passport_expiry_date": date(2030, 1, 1), "service_charge_inr": Decimal("20000")},
            {
                "EC_REQUIRED": "ECR_COUNTRIES from 2020-01-03",
                "WOMEN_MIN_AGE": "WOMEN_ECR_MIN_AGE from 2007-08-01",
                "MINIMUM_WAGE": "MINIMUM_REFERRAL_WAGE_USD[SA] from 2020-09-01; EXCHANGE_RATES_USD from 2024-01-01",
                "PASSPORT_VALIDITY": "MIN_PASSPORT_VALIDITY_MONTHS from 1983-01-01",
                "SERVICE_CHARGE_CAP": "RA_SERVICE_CHARGE_CAP_INR from 2014-01-01",
            },
        ),
        (
            {**WOMAN, "recruitment": "DIRECT", "employer": Employer(registered=True, blacklisted=False, women_guarantee=False)},
            {"MINIMUM_WAGE": "MINIMUM_REFERRAL_WAGE_USD[SA] from 2020-09-01", "WOMEN_DIRECT_GUARANTEE": "FE_BANK_GUARANTEE_PER_WOMAN_USD from 2007-08-01"},
        ),
        ({"destination_country": "LY", "libya_life_policy": False}, {"LIBYA_LIFE_POLICY": "LIBYA_EXTRA_LIFE_POLICY_INR from 2016-01-01"}),
        ({"passport_category": "ECNR", "destination_country": "IQ"}, {"EC_REQUIRED": "ALWAYS_EC_COUNTRIES from 2019-09-30"}),
        ({"passport_category": "ECNR", "destination_country": "GB", "occupation": "2221"}, {"EC_REQUIRED": "ALWAYS_EC_OCCUPATIONS from 2015-03-12"}),
        ({"occupation": "2221"}, {"EC_REQUIRED": "ECR_COUNTRIES from 2020-01-03; ALWAYS_EC_OCCUPATIONS from 2015-03-12"}),
    ],
    ids=["woman through an agent in Saudi Arabia", "woman recruited directly", "Libya", "Iraq", "nurse abroad", "nurse to an ECR country"],
)
def test_outcomes_decided_by_a_policy_name_it(book, changes, expected):
    result = evaluate(facts(**changes), book)
    assert result.ec_required is True
    assert {rule: outcome(result, rule).policy for rule in expected} == expected
    # Every outcome that a policy value decided names one; the others cite nothing.
    for o in result.outcomes:
        if o.policy:
            assert " from " in o.policy, o


def test_evaluation_reads_nothing_from_the_database(book, django_assert_num_queries):
    with django_assert_num_queries(0):
        evaluate(facts(**WOMAN, passport_expiry_date=date(2030, 1, 1), wage_currency="SAR", wage_amount=Decimal("1500")), book)


# --- property: eligible means "nothing evaluated fails" whenever clearance is required --------------------------------

optional = st.none
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))
any_facts = st.builds(
    Facts,
    passport_category=st.sampled_from(["ECR", "ECNR"]),
    destination_country=st.sampled_from(["SA", "AE", "KW", "QA", "OM", "BH", "LY", "IQ", "MY", "BN", "SS", "GB", "US", "SG"]),
    purpose=st.sampled_from(["EMPLOYMENT", "EMPLOYMENT", "VISIT", "STUDY", "OTHER"]),
    occupation=st.sampled_from(["9311", "9111", "2221", "3221", "7112", "8322"]),
    sex=st.sampled_from(["F", "M", "X"]),
    date_of_birth=optional() | days,
    departure_date=optional() | days,
    wage_amount=optional() | st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    wage_currency=st.sampled_from(["USD", "SAR", "AED", "KWD", "INR", "XYZ"]),
    recruitment=st.sampled_from(["RA", "DIRECT", "PROJECT_EXPORTER"]),
    passport_expiry_date=optional() | days,
    contract_months=optional() | st.integers(min_value=1, max_value=60),
    insurance=optional() | st.builds(Insurance, registered_insurer=st.booleans(), active=st.booleans(), valid_to_date=days),
    libya_life_policy=optional() | st.booleans(),
    employer=optional() | st.builds(Employer, registered=st.booleans(), blacklisted=st.booleans(), women_guarantee=st.booleans()),
    agent=optional() | st.builds(Agent, certificate_active=st.booleans(), state_run=st.booleans()),
    open_positions=optional() | st.integers(min_value=0, max_value=50),
    service_charge_inr=optional() | st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=0),
)


def test_eligible_unless_an_evaluated_rule_fails(book):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(case=any_facts)
    def check(case):
        result = evaluate(case, book)
        assert result.eligible == ((not result.ec_required) or all(o.passed is not False for o in result.outcomes))
        assert [o.rule for o in result.outcomes] == RULE_CODES
        if not result.ec_required:
            assert result.eligible and all(o.passed is None for o in result.outcomes[1:])

    check()


def test_a_wage_a_fraction_below_the_minimum_is_never_shown_as_equal_to_it():
    from decimal import Decimal

    from pravasi.clearance.eligibility import Facts, evaluate, rulebook_for

    facts = Facts(passport_category="ECR", destination_country="SA", purpose="EMPLOYMENT", occupation="9311", sex="M", wage_amount=Decimal("1215.30"), wage_currency="SAR", recruitment="RA")
    from django.utils import timezone

    wage = next(o for o in evaluate(facts, rulebook_for(timezone.localdate())).outcomes if o.rule == "MINIMUM_WAGE")
    assert wage.passed is False and "US$ 323.99 " in wage.message

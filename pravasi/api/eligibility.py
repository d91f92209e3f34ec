"""Clearance API v1, public: "Do I need emigration clearance?" answered from the facts a person knows before applying.

Anonymous and throttled like the other public endpoints. No session is read: the answer is the same
for everyone, nothing is stored, and a browser that holds a session cookie needs no CSRF token.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from pravasi.clearance.eligibility import RULES, evaluate, rulebook_for
from pravasi.clearance.validation import PASSPORT_CATEGORIES, PURPOSES, RECRUITMENT, facts_from_question
from pravasi.registry.models import Sex

from .errors import ErrorSerializer
from .throttling import DEFAULT_THROTTLES

TAG = "clearance: public"


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: gettext_lazy("An answer needs correcting or is missing; `fields` names each with its message. A body that is not JSON answers `malformed`."),
        403: gettext_lazy("A signed-in staff or partner session that has not completed two-factor authentication."),
        415: gettext_lazy("The body is not sent as application/json."),
        429: gettext_lazy("Too many requests; retry after the time in the Retry-After header."),
    }
    examples = {
        400: [
            OpenApiExample(
                "Missing answers",
                value={
                    "code": "invalid",
                    "message": "Some answers need correcting.",
                    "fields": {
                        "occupation": ["This is required for employment: the four-digit ISCO-08 code, like 9111 for domestic workers."],
                        "monthly_wage.currency": ["Use the ISO 4217 code of the currency, like SAR, AED or USD."],
                    },
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
        429: [OpenApiExample("Rate limited", value={"code": "rate_limited", "message": "Request was throttled. Expected available in 42 seconds."}, response_only=True, status_codes=["429"])],
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code], examples=examples.get(code, [])) for code in codes}


# --- what the API accepts (documentation: pravasi.clearance.validation judges the values) --------------------


class MonthlyWageSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="The monthly wage in the contract, as a string, e.g. \"1500\" or \"1500.50\".")
    currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217, e.g. SAR, AED, USD. Wages in currencies without an exchange rate on record are not compared with the minimum.")


# Kept inline (inside allOf, where the enum hook does not reach): a second choice set named "purpose" would
# rename the consent purposes' PurposeEnum component that existing clients are generated from.
@extend_schema_field({"type": "string", "allOf": [{"enum": list(PURPOSES)}]})
class PurposeField(serializers.ChoiceField):
    pass


class EligibilityQuestionSerializer(serializers.Serializer):
    passport_category = serializers.ChoiceField(choices=PASSPORT_CATEGORIES, help_text="ECR (emigration check required) or ECNR, as printed in the passport.")
    destination_country = serializers.CharField(help_text="ISO 3166-1 alpha-2 of the country of work or travel, not IN.")
    purpose = PurposeField(choices=PURPOSES, help_text="Only EMPLOYMENT can need clearance.")
    occupation = serializers.CharField(required=False, help_text="ISCO-08 unit group, four digits: nurses 2221 and 3221, domestic workers 9111. Needed for employment.")
    # The registry's choices (F, M, X): the schema then shares its SexEnum component.
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, help_text="Needed for employment.")
    date_of_birth = serializers.DateField(required=False, help_text="Needed for employment.")
    departure_date = serializers.DateField(required=False, help_text="Needed for employment; age and passport validity are judged on this day.")
    monthly_wage = MonthlyWageSerializer(required=False, help_text="Needed for employment.")
    recruitment = serializers.ChoiceField(choices=RECRUITMENT, required=False, help_text="RA: through a recruiting agent; DIRECT: by the employer; PROJECT_EXPORTER: on an Indian project exporter's project. Needed for employment.")
    passport_expiry_date = serializers.DateField(required=False, help_text="Optional; without it the passport validity rule is reported as not evaluated.")


# --- what the API answers ---------------------------------------------------------------------------------------


class OutcomeSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=[rule.code for rule in RULES], help_text="; ".join(f"{rule.code}: {rule.title}" for rule in RULES))
    passed = serializers.BooleanField(allow_null=True, help_text="null: not evaluated, because the rule needs facts that only the full application carries (insurance, employer, agent, demand) or that were not given.")
    message = serializers.CharField(help_text="Why, in the caller's language (Accept-Language).")
    policy = serializers.CharField(help_text="The policy values that decided it, e.g. \"MINIMUM_REFERRAL_WAGE_USD[SA] from 2020-09-01\"; empty when no policy value decides.")


class EligibilityAnswerSerializer(serializers.Serializer):
    ec_required = serializers.BooleanField(help_text="Whether emigration clearance is required.")
    eligible = serializers.BooleanField(help_text="True when no clearance is required, or when no evaluated rule fails. Rules not evaluated never make it false.")
    outcomes = OutcomeSerializer(many=True, help_text="Every rule, in a fixed order, EC_REQUIRED first.")


REQUIRED_EXAMPLE = {
    "passport_category": "ECR",
    "destination_country": "SA",
    "purpose": "EMPLOYMENT",
    "occupation": "9313",
    "sex": "M",
    "date_of_birth": "1995-04-12",
    "departure_date": "2027-02-01",
    "monthly_wage": {"amount": "1500", "currency": "SAR"},
    "recruitment": "RA",
    "passport_expiry_date": "2031-03-10",
}
NOT_EVALUATED = "Not evaluated here: needs {what}. The full application checks it."
REQUIRED_ANSWER = {
    "ec_required": True,
    "eligible": True,
    "outcomes": [
        {"rule": "EC_REQUIRED", "passed": True, "message": "Emigration clearance is required: an ECR passport and employment in Saudi Arabia, an ECR country.", "policy": "ECR_COUNTRIES from 2020-01-03"},
        {"rule": "WOMEN_MIN_AGE", "passed": True, "message": "Does not apply.", "policy": ""},
        {"rule": "WOMEN_STATE_RA", "passed": True, "message": "Does not apply.", "policy": ""},
        {"rule": "WOMEN_DIRECT_GUARANTEE", "passed": True, "message": "Does not apply.", "policy": ""},
        {
            "rule": "MINIMUM_WAGE",
            "passed": True,
            "message": "Wage US$ 399.90 a month, at least the minimum of US$ 324.",
            "policy": "MINIMUM_REFERRAL_WAGE_USD[SA] from 2020-09-01; EXCHANGE_RATES_USD from 2024-01-01",
        },
        {
            "rule": "PASSPORT_VALIDITY",
            "passed": True,
            "message": "The passport is valid until 2031-03-10, at least 6 months after departure.",
            "policy": "MIN_PASSPORT_VALIDITY_MONTHS from 1983-01-01",
        },
        {"rule": "PBBY_POLICY", "passed": None, "message": NOT_EVALUATED.format(what="the PBBY insurance policy"), "policy": ""},
        {"rule": "LIBYA_LIFE_POLICY", "passed": True, "message": "Does not apply.", "policy": ""},
        {"rule": "EMPLOYER_REGISTERED", "passed": None, "message": NOT_EVALUATED.format(what="the employer"), "policy": ""},
        {"rule": "RA_CERTIFICATE_ACTIVE", "passed": None, "message": NOT_EVALUATED.format(what="the recruiting agent"), "policy": ""},
        {"rule": "DEMAND_POSITIONS", "passed": None, "message": NOT_EVALUATED.format(what="the demand"), "policy": ""},
        {"rule": "SERVICE_CHARGE_CAP", "passed": None, "message": NOT_EVALUATED.format(what="the service charge declared"), "policy": ""},
    ],
}
NOT_APPLICABLE = {"passed": None, "message": "Not applicable: no clearance is required.", "policy": ""}
NOT_REQUIRED_ANSWER = {
    "ec_required": False,
    "eligible": True,
    "outcomes": [
        {"rule": "EC_REQUIRED", "passed": True, "message": "No emigration clearance is needed: an ECNR passport, or a country that is not an ECR country.", "policy": "ECR_COUNTRIES from 2020-01-03"},
        *({"rule": rule.code, **NOT_APPLICABLE} for rule in RULES[1:]),
    ],
}


class EligibilitySchema(AutoSchema):
    """The endpoint answers with and without the trailing slash; each path keeps its own operationId."""

    def get_operation_id(self):
        return "clearance_eligibility_trailing_slash" if self.path.endswith("/") else "clearance_eligibility"


# --- the view -------------------------------------------------------------------------------------------------------


class EligibilityView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = DEFAULT_THROTTLES
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = EligibilitySchema()

    @extend_schema(
        tags=[TAG],
        summary="Do I need emigration clearance?",
        description=gettext_lazy(
            "Judges a person's plan against the rules in force today: whether emigration clearance (EC) is required and, if so, "
            "whether the case is eligible as far as these facts go. Rules that need facts only the full application carries "
            "(insurance, employer, recruiting agent, demand) are reported with `passed: null` and never make `eligible` false. "
            "For a purpose other than EMPLOYMENT only passport_category, destination_country and purpose are needed. Codes are "
            "accepted in any case. Nothing is stored."
        ),
        request=EligibilityQuestionSerializer,
        responses={200: EligibilityAnswerSerializer, **errors(400, 403, 415, 429)},
        examples=[
            OpenApiExample("ECR passport, work in Saudi Arabia", value=REQUIRED_EXAMPLE, request_only=True),
            OpenApiExample(
                "ECNR passport, work in the United Arab Emirates",
                value={**REQUIRED_EXAMPLE, "passport_category": "ECNR", "destination_country": "AE", "monthly_wage": {"amount": "2000", "currency": "AED"}},
                request_only=True,
            ),
            OpenApiExample("A visit", value={"passport_category": "ECR", "destination_country": "AE", "purpose": "VISIT"}, request_only=True),
            OpenApiExample("Clearance required", value=REQUIRED_ANSWER, response_only=True, status_codes=["200"]),
            OpenApiExample("No clearance required", value=NOT_REQUIRED_ANSWER, response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request):
        facts = facts_from_question(request.data)
        result = evaluate(facts, rulebook_for(timezone.localdate()))
        return Response(result.as_dict())

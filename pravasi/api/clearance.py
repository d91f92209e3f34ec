"""Clearance API v1 for machine clients: the exit check for the Bureau of Immigration, and PBBY policies for insurers.

Machine clients authenticate with a scoped API key (`Authorization: Api-Key <prefix>.<secret>`); insurer
staff may also use their signed-in, two-factor-verified session for the PBBY endpoints. Passport and policy
numbers travel only in request bodies, never in URLs, so they stay out of access logs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from pravasi.accounts.apikeys import ApiKeyAuthentication, has_scope
from pravasi.accounts.models import ApiClient
from pravasi.accounts.roles import Role
from pravasi.clearance import policies, services
from pravasi.clearance.models import PolicyStatus
from pravasi.core.requests import source_ip
from pravasi.registry.models import Sex

from .errors import ErrorSerializer
from .registry import DateText, InputSerializer, text, validated
from .throttling import DEFAULT_THROTTLES

EXIT_TAG = "clearance: exit check"
PBBY_TAG = "clearance: PBBY insurance"
VALIDITY_REASONS = ["", "unknown", "cancelled", "insurer_not_registered", "not_in_force"]


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: gettext_lazy("The body needs correcting; `fields` names each field with its message. A body that is not JSON answers `malformed`."),
        401: gettext_lazy("No API key, or an unknown or revoked one (`Authorization: Api-Key <prefix>.<secret>`)."),
        403: gettext_lazy("The key does not carry the scope this endpoint needs, or the signed-in user may not use it."),
        404: gettext_lazy("No such policy among the caller's insurer's policies."),
        409: gettext_lazy("The policy is no longer in force, or changed at the same time; read it again."),
        415: gettext_lazy("The body is not sent as application/json."),
        429: gettext_lazy("Too many requests; retry after the time in the Retry-After header."),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Declares the API key in the schema, so generated clients and the docs page send it."""

    target_class = "pravasi.accounts.apikeys.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A machine client's scoped key, sent as `Api-Key <prefix>.<secret>`. Keys are made with `manage.py api_client_create` and shown once.",
        }


# --- who may call ----------------------------------------------------------------------------------------------


class ExitCheckScope(BasePermission):
    message = gettext_lazy("This API key does not carry the exit_check scope.")

    def has_permission(self, request, view) -> bool:
        return policies.can_check_exit(request.user)


def _insurer_side(user) -> bool:
    """A machine client with the pbby scope, or a verified member of an insurer."""
    return has_scope(user, ApiClient.Scope.PBBY) or policies.organisation_of(user, Role.INSURER_STAFF) is not None


class PbbyInsurer(BasePermission):
    """Issuing and cancelling: the insurer's own system or staff (the services check the insurer's licence and the policy's owner)."""

    message = gettext_lazy("Only an insurer's system (an API key with the pbby scope) or its staff may do this.")

    def has_permission(self, request, view) -> bool:
        return _insurer_side(request.user)


class PbbyReader(BasePermission):
    """Validating a number: insurers, and the Protectors of Emigrants and the PGE who check the policy on an application."""

    message = gettext_lazy("Only insurers and emigration officials may validate PBBY policies.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        # can_oversee asks the user's memberships, which a machine client does not have.
        return _insurer_side(user) or (not isinstance(user, ApiClient) and policies.can_oversee(user))


class ClientRateThrottle(SimpleRateThrottle):
    """One bucket per machine client: border posts query in bursts, so the rate is generous but bounded."""

    scope = "exit_check"
    # Declared here rather than in settings so the limit travels with the endpoint.
    rate = "100/s"

    def get_cache_key(self, request, view):
        ident = request.user.pk if isinstance(request.user, ApiClient) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- what the API accepts ---------------------------------------------------------------------------------------


class ExitCheckQuestionSerializer(InputSerializer):
    passport_number = serializers.CharField(
        max_length=40,
        allow_blank=True,
        help_text="The passport number read at the counter: one letter and seven digits, e.g. J8369854. Spaces and case are ignored.",
        error_messages={"required": gettext_lazy("Enter the passport number.")},
    )


class PbbyIssueSerializer(InputSerializer):
    given_name = text("The insured worker's given name, as in the passport.", max_length=100)
    family_name = text("Family name, as in the passport.", max_length=100)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    date_of_birth = DateText(help_text="YYYY-MM-DD")
    state_of_origin = serializers.CharField(required=False, allow_blank=True, help_text="ISO 3166-2:IN, e.g. IN-KL.")
    mobile = text("E.164, e.g. +919447100001.", max_length=30)
    passport_number = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="One letter and seven digits, e.g. J8369854.")
    issue_date = DateText(help_text="Passport's date of issue, YYYY-MM-DD.")
    expiry_date = DateText(help_text="Passport's date of expiry, YYYY-MM-DD.")
    place_of_issue = text(max_length=80)
    is_ecr = serializers.BooleanField(required=False, help_text="Whether the passport is ECR (emigration check required).")
    period_years = serializers.IntegerField(help_text="The policy's period in years, as the PBBY scheme offers (2 or 3).")
    valid_from_date = DateText(required=True, help_text="First day of cover, YYYY-MM-DD; at most 30 days ago.")


class PbbyNumberSerializer(InputSerializer):
    number = serializers.CharField(
        max_length=60,
        help_text="The policy number as printed, e.g. PBBY/IRDAI99/2026/0000001.",
        error_messages={"required": gettext_lazy("Give the policy number."), "blank": gettext_lazy("Give the policy number.")},
    )


class PbbyCancelSerializer(PbbyNumberSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text="Why the policy is cancelled; kept with the policy.")


# --- what the API answers ---------------------------------------------------------------------------------------


class ExitCheckAnswerSerializer(serializers.Serializer):
    cleared = serializers.BooleanField(help_text="True when a granted emigration clearance for this passport is valid today.")
    emigration_number = serializers.CharField(required=False, help_text="Only when cleared.")
    destination_country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-2; only when cleared.")
    employer = serializers.CharField(required=False, help_text="Only when cleared.")
    valid_to = serializers.DateField(required=False, help_text="Last day the clearance is valid; only when cleared.")


# Kept inline (inside allOf, where the enum hook does not reach): another "status" choice set would rename
# the enum components existing clients are generated from.
@extend_schema_field({"type": "string", "allOf": [{"enum": list(PolicyStatus.values)}]})
class PolicyStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "allOf": [{"enum": VALIDITY_REASONS}]})
class ValidityReasonField(serializers.CharField):
    pass


class PbbyPolicySerializer(serializers.Serializer):
    number = serializers.CharField()
    period_years = serializers.IntegerField()
    premium_inr = serializers.DecimalField(max_digits=8, decimal_places=2)
    valid_from = serializers.DateField(source="valid_from_date")
    valid_to = serializers.DateField(source="valid_to_date")
    status = PolicyStatusField(help_text="ACTIVE (in force) or CANCELLED")


class PbbyValiditySerializer(serializers.Serializer):
    number = serializers.CharField()
    valid = serializers.BooleanField(help_text="In force today and issued by an insurer whose registration is active.")
    reason = ValidityReasonField(allow_blank=True, help_text="Empty when valid; otherwise unknown, cancelled, insurer_not_registered or not_in_force.")
    insurer = serializers.CharField(required=False, help_text="Absent for an unknown number.")
    period_years = serializers.IntegerField(required=False)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False)
    status = PolicyStatusField(required=False)


# --- views ---------------------------------------------------------------------------------------------------------


class MachineView(APIView):
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # answers about a person's clearance or insurance
        return response


class ExitCheckView(MachineView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated, ExitCheckScope]
    throttle_classes = [ClientRateThrottle]

    @extend_schema(
        operation_id="clearance_exit_check",
        tags=[EXIT_TAG],
        summary="Exit check: does this passport hold a valid emigration clearance?",
        description=gettext_lazy(
            "For the Bureau of Immigration at the border, with an API key carrying the exit_check scope. "
            "Answers whether a granted clearance for the passport is valid today and, if so, its emigration number, "
            "destination, employer and last valid day. Every question is logged with its answer and the caller, "
            "keyed by the passport's blind index (the number itself is not stored). The passport number is accepted only "
            "in the body. Rate: 100 requests a second per client."
        ),
        request=ExitCheckQuestionSerializer,
        responses={200: ExitCheckAnswerSerializer, **errors(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample("Question", value={"passport_number": "J8369854"}, request_only=True),
            OpenApiExample(
                "Cleared",
                value={"cleared": True, "emigration_number": "EC/2026/00000042", "destination_country": "AE", "employer": "Gulf Builders LLC", "valid_to": "2027-05-25"},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample("Not cleared", value={"cleared": False}, response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request):
        data = validated(ExitCheckQuestionSerializer, request.data)
        answer = services.exit_check(client=request.user, passport_number=data["passport_number"], source_ip=source_ip(request))
        return Response(ExitCheckAnswerSerializer(answer).data)


class PbbyView(MachineView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, PbbyInsurer]
    throttle_classes = DEFAULT_THROTTLES


PBBY_AUTH = gettext_lazy("With an API key carrying the pbby scope (the insurer's system) or an insurer staff member's verified session.")


class PbbyIssueView(PbbyView):
    @extend_schema(
        operation_id="clearance_pbby_issue",
        tags=[PBBY_TAG],
        summary="Issue a PBBY policy",
        description=gettext_lazy(
            "Issues a Pravasi Bharatiya Bima Yojana policy for a passport holder; the worker is found by the passport or "
            "registered on the way. The premium is the scheme's for the period. The insurer's registration must be active."
        )
        + " "
        + PBBY_AUTH,
        request=PbbyIssueSerializer,
        responses={201: PbbyPolicySerializer, **errors(400, 401, 403, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "A three-year policy",
                value={
                    "given_name": "Rajesh",
                    "family_name": "Kumar",
                    "sex": "M",
                    "date_of_birth": "1990-04-12",
                    "state_of_origin": "IN-KL",
                    "mobile": "+919447100001",
                    "passport_number": "M4000001",
                    "issue_date": "2024-12-26",
                    "expiry_date": "2034-12-25",
                    "place_of_issue": "Kochi",
                    "is_ecr": True,
                    "period_years": 3,
                    "valid_from_date": "2026-11-26",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        data = validated(PbbyIssueSerializer, request.data)
        issued = services.pbby_issue(actor=request.user, data=data, source_ip=source_ip(request))
        return Response(PbbyPolicySerializer(issued).data, status=status.HTTP_201_CREATED)


class PbbyValidateView(PbbyView):
    permission_classes = [IsAuthenticated, PbbyReader]

    @extend_schema(
        operation_id="clearance_pbby_validate",
        tags=[PBBY_TAG],
        summary="Is this PBBY policy valid today?",
        description=gettext_lazy(
            "Whether a policy number is in force today and issued by a registered insurer, and if not, why. No personal data "
            "is returned. The number travels in the body because policy numbers contain slashes. For insurers (API key with "
            "the pbby scope, or staff) and for Protectors of Emigrants and the PGE."
        ),
        request=PbbyNumberSerializer,
        responses={200: PbbyValiditySerializer, **errors(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample("Question", value={"number": "PBBY/IRDAI99/2026/0000001"}, request_only=True),
            OpenApiExample(
                "Valid",
                value={
                    "number": "PBBY/IRDAI99/2026/0000001",
                    "valid": True,
                    "reason": "",
                    "insurer": "Suraksha Insurance",
                    "period_years": 3,
                    "valid_from": "2026-11-26",
                    "valid_to": "2029-11-25",
                    "status": "ACTIVE",
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample("Unknown", value={"number": "PBBY/X/2026/1", "valid": False, "reason": "unknown"}, response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request):
        data = validated(PbbyNumberSerializer, request.data)
        return Response(PbbyValiditySerializer(services.pbby_validate(number=data["number"])).data)


class PbbyCancelView(PbbyView):
    @extend_schema(
        operation_id="clearance_pbby_cancel",
        tags=[PBBY_TAG],
        summary="Cancel a PBBY policy",
        description=gettext_lazy("Cancels one of the caller's insurer's policies in force, with the reason. Another insurer's policy answers 404.") + " " + PBBY_AUTH,
        request=PbbyCancelSerializer,
        responses={200: PbbyPolicySerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
        examples=[OpenApiExample("Cancellation", value={"number": "PBBY/IRDAI99/2026/0000001", "reason": "Issued in error; refunded."}, request_only=True)],
    )
    def post(self, request):
        data = validated(PbbyCancelSerializer, request.data)
        cancelled = services.pbby_cancel(actor=request.user, number=data["number"], reason=data.get("reason", ""), source_ip=source_ip(request))
        return Response(PbbyPolicySerializer(cancelled).data)


"""Licensing API v1, public and read-only: verify a certificate, and the lists of registered recruiting
agents, the prior approval category and the notified illegal agents. Anonymous callers are welcome and
throttled; only business data is returned."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from pravasi.core.errors import NotFound
from pravasi.core.geography import COUNTRIES, INDIAN_STATES
from pravasi.licensing import selectors
from pravasi.licensing.models import BranchStatus, Licence, LicenceKind, LicenceStatus

from .errors import ErrorSerializer
from .throttling import DEFAULT_THROTTLES

TAG = "licensing: public"
PAGE_SIZE = 25


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: gettext_lazy("A query parameter needs correcting; `fields` names each parameter with its message."),
        403: gettext_lazy("A signed-in staff or partner session that has not completed two-factor authentication."),
        404: gettext_lazy("No licence with this number, or a page beyond the last."),
        429: gettext_lazy("Too many requests; retry after the time in the Retry-After header."),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


def validated_query(serializer_class: type[serializers.Serializer], request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {name: value for name, value in serializer.validated_data.items() if value}


# --- what the API answers ----------------------------------------------------------------------------------




class BranchSerializer(serializers.Serializer):
    city = serializers.CharField()
    state = serializers.CharField(help_text="ISO 3166-2:IN")


class LicenceVerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=LicenceKind.choices)
    status = serializers.ChoiceField(choices=LicenceStatus.choices, help_text="Only ACTIVE allows the holder to recruit, or to be recruited for.")
    holder = serializers.CharField(source="organisation.name")
    valid_from = serializers.DateField(source="valid_from_date")
    valid_to = serializers.DateField(source="valid_to_date", allow_null=True, help_text="Null: valid until cancelled.")
    premises_city = serializers.CharField()
    premises_state = serializers.CharField(help_text="ISO 3166-2:IN; empty for foreign employers")
    is_state_run = serializers.BooleanField(help_text="A recruiting agency run by a state government")
    branches = serializers.SerializerMethodField(help_text="Approved branches of a recruiting agent; empty for other kinds.")

    @extend_schema_field(BranchSerializer(many=True))
    def get_branches(self, licence: Licence) -> list[dict]:
        if licence.kind != LicenceKind.RC:
            return []
        return list(licence.branches.filter(status=BranchStatus.APPROVED).order_by("state", "city").values("city", "state"))


class RecruitingAgentSerializer(serializers.Serializer):
    number = serializers.CharField()
    holder = serializers.CharField(source="organisation.name")
    status = serializers.ChoiceField(choices=LicenceStatus.choices)
    valid_from = serializers.DateField(source="valid_from_date")
    valid_to = serializers.DateField(source="valid_to_date", allow_null=True)
    premises_city = serializers.CharField()
    premises_state = serializers.CharField(help_text="ISO 3166-2:IN")
    is_state_run = serializers.BooleanField()


class BlacklistEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2")
    city = serializers.CharField()
    listed_date = serializers.DateField()
    reasons = serializers.CharField()


class IllegalAgentSerializer(serializers.Serializer):
    name = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField(help_text="ISO 3166-2:IN")
    notified_date = serializers.DateField()
    notification_reference = serializers.CharField()


# --- what the API accepts ------------------------------------------------------------------------------------


def _text(help_text: str, max_length: int = 200) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, help_text=help_text)


class VerifyQuerySerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=60,
        help_text="The number printed on the certificate, e.g. B-00042/KL/2026 (URL-encoded).",
        error_messages={"required": gettext_lazy("Give the number printed on the certificate."), "blank": gettext_lazy("Give the number printed on the certificate.")},
    )


class StateField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if value and value not in INDIAN_STATES:
            raise serializers.ValidationError(_("Use an Indian state code, like IN-KL."))
        return value


class CountryField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if value and value not in COUNTRIES:
            raise serializers.ValidationError(_("Use a two-letter country code, like AE."))
        return value


class AgentQuerySerializer(serializers.Serializer):
    name = _text("Part of the agent's name, any case.")
    number = _text("Part of the certificate number.", max_length=60)
    state = StateField(required=False, allow_blank=True, help_text="State of the office, ISO 3166-2:IN, e.g. IN-KL.")
    status = serializers.ChoiceField(choices=LicenceStatus.choices, required=False, allow_blank=True)


class BlacklistQuerySerializer(serializers.Serializer):
    name = _text("Part of the employer's name, any case.")
    country = CountryField(required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2, e.g. AE.")


class IllegalAgentQuerySerializer(serializers.Serializer):
    name = _text("Part of the name, any case.")
    state = StateField(required=False, allow_blank=True, help_text="ISO 3166-2:IN, e.g. IN-KL.")


# --- views -------------------------------------------------------------------------------------------------------


class PublicPagination(PageNumberPagination):
    page_size = PAGE_SIZE


class PublicView(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [AllowAny]
    throttle_classes = DEFAULT_THROTTLES


class LicenceVerifyView(PublicView):
    @extend_schema(
        operation_id="licensing_verify",
        tags=[TAG],
        summary="Verify a certificate or registration by its number",
        description=gettext_lazy(
            "What the certificate shows: holder, kind, status, validity, office and, for a recruiting agent, its approved branches. The QR code on a certificate leads to the same answer on the website."
        ),
        parameters=[VerifyQuerySerializer],
        responses={200: LicenceVerificationSerializer, **errors(400, 403, 404, 429)},
    )
    def get(self, request):
        query = validated_query(VerifyQuerySerializer, request)
        licence = selectors.licence_public(number=query.get("number", ""))
        if licence is None:
            raise NotFound(_("No licence with this number."))
        return Response(LicenceVerificationSerializer(licence).data)


class PublicListView(ListAPIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [AllowAny]
    throttle_classes = DEFAULT_THROTTLES
    pagination_class = PublicPagination
    query_serializer: type[serializers.Serializer] = serializers.Serializer

    def select(self, **filters):
        raise NotImplementedError

    def get_queryset(self):
        return self.select(**validated_query(self.query_serializer, self.request))


class RecruitingAgentListView(PublicListView):
    serializer_class = RecruitingAgentSerializer
    query_serializer = AgentQuerySerializer

    def select(self, **filters):
        return selectors.registered_agents(**filters)

    @extend_schema(
        operation_id="licensing_recruiting_agents",
        tags=[TAG],
        summary="Registered recruiting agents",
        description=gettext_lazy("Every recruiting agent's certificate, whatever its status; 25 a page, by name."),
        parameters=[AgentQuerySerializer],
        responses={200: RecruitingAgentSerializer(many=True), **errors(400, 403, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BlacklistView(PublicListView):
    serializer_class = BlacklistEntrySerializer
    query_serializer = BlacklistQuerySerializer

    def select(self, **filters):
        return selectors.blacklist_current(**filters)

    @extend_schema(
        operation_id="licensing_blacklist",
        tags=[TAG],
        summary="Foreign employers in the prior approval category",
        description=gettext_lazy("Employers currently listed (removed entries are left out); 25 a page, most recently listed first."),
        parameters=[BlacklistQuerySerializer],
        responses={200: BlacklistEntrySerializer(many=True), **errors(400, 403, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class IllegalAgentListView(PublicListView):
    serializer_class = IllegalAgentSerializer
    query_serializer = IllegalAgentQuerySerializer

    def select(self, **filters):
        return selectors.illegal_agents_current(**filters)

    @extend_schema(
        operation_id="licensing_illegal_agents",
        tags=[TAG],
        summary="Notified illegal (unregistered) agents",
        description=gettext_lazy("Notices in force (withdrawn ones are left out); 25 a page, most recently notified first."),
        parameters=[IllegalAgentQuerySerializer],
        responses={200: IllegalAgentSerializer(many=True), **errors(400, 403, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

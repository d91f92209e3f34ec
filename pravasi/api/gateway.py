"""Webhooks the SMS gateways call: delivery reports and inbound SMS, JSON (signed bodies) and Kannel (signed URLs).

No session or API key: the signature is the gateway's credential (`X-Pravasi-Signature: t=<unix seconds>,
v1=<hex HMAC-SHA256 of "<t>." + body>` with the webhook secret; Kannel, which cannot sign, calls URLs that
carry an HMAC instead). Answers never repeat a number or a text."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from pravasi.core import ratelimit
from pravasi.core.errors import ValidationFailed
from pravasi.core.requests import source_ip
from pravasi.messaging import webhooks
from pravasi.messaging.models import InboundOutcome

from .errors import ErrorSerializer

TAG = "gateway webhooks"
MAX_BODY_BYTES = 64 * 1024
# Requests that fail their signature, per client address, before the address is refused for a minute.
BAD_SIGNATURES_PER_MINUTE = 30
RETRY_AFTER_SECONDS = 5


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: gettext_lazy("The body or a parameter needs correcting; `fields` names each with its message."),
        403: gettext_lazy("The signature (or Kannel's sig / token parameter) is missing, malformed, wrong, or older than five minutes."),
        429: gettext_lazy("Too many requests, or too many with a bad signature; retry after the time in the Retry-After header."),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


# --- rate limits ------------------------------------------------------------------------------------------


def _bad_signature_key(request) -> str:
    return f"gateway-bad-signature:{source_ip(request) or 'unknown'}"


class BadSignatureThrottle(BaseThrottle):
    """Refuses, for a minute, an address whose requests keep failing their signature."""

    def allow_request(self, request, view) -> bool:
        return (cache.get(_bad_signature_key(request)) or 0) < BAD_SIGNATURES_PER_MINUTE

    def wait(self) -> float:
        return 60


class GatewayRateThrottle(BaseThrottle):
    """Per address, a few times the contracted SMS send rate (a message can bring several reports). A fixed
    window counter, so a gateway reporting hundreds a second costs one cache increment per request."""

    def allow_request(self, request, view) -> bool:
        per_second = int(settings.PRAVASI_SEND_RATE_PER_SECOND.get("SMS", 0) or 0) * 4
        if per_second <= 0:
            return True
        return ratelimit.allow(f"gateway-webhook:{source_ip(request) or 'unknown'}", limit=max(per_second, 100), window_seconds=1)

    def wait(self) -> float:
        return 1


class GatewayView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [BadSignatureThrottle, GatewayRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, webhooks.BadSignature):
            key = _bad_signature_key(self.request)
            if not cache.add(key, 1, timeout=60):
                try:
                    cache.incr(key)
                except ValueError:  # expired in between
                    cache.add(key, 1, timeout=60)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


def signed_json(request):
    """The request's JSON body, once its signature has been checked over the raw bytes (nothing unsigned is parsed)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise ValidationFailed.on("body", _("The body is larger than %(n)s bytes.") % {"n": MAX_BODY_BYTES})
    body = request.body
    webhooks.signature_check(header=request.headers.get(webhooks.SIGNATURE_HEADER), body=body)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(_("The body is not valid JSON (UTF-8)."), fields={"body": [_("The body is not valid JSON (UTF-8).")]}, code="malformed") from None


# --- what the webhooks accept and answer --------------------------------------------------------------------


class ReportSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=120, help_text="The operator's reference for the message (the answer to the send), or our message id (sent as `id`).")
    status = serializers.CharField(max_length=40, help_text="DELIVERED or FAILED move the message; anything else (ACCEPTED, BUFFERED...) is a step on the way and changes nothing.")


class ReportAnswerSerializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Messages the id names; 0 for an unknown id (answered 200, so the gateway does not retry).")
    changed = serializers.IntegerField(help_text="Of those, how many this report moved; 0 for a repeated report.")


class InboundSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=120, help_text="The operator's id of the message; a repeated id is answered with the first outcome and changes nothing.")
    # "from" is a Python keyword, hence declared in get_fields.
    text = serializers.CharField(allow_blank=True, max_length=webhooks.MAX_TEXT_LENGTH)
    received_at = serializers.DateTimeField(required=False, help_text="When the operator received it (ISO 8601); now if left out.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(max_length=32, help_text="The sender's number, in international form.")
        return fields


class InboundAnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=InboundOutcome.choices)
    handled_as = serializers.CharField(help_text="What the text was taken for, e.g. crisis.checkin; empty when not understood.")
    replayed = serializers.BooleanField(help_text="True when this id had been received before (nothing was done again).")


SIGNATURE = OpenApiParameter(
    webhooks.SIGNATURE_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="t=<unix seconds>,v1=<hex HMAC-SHA256(secret, '<t>.' + raw body)>; refused when more than 300 s from our clock.",
)
NOT_READY = OpenApiResponse(ErrorSerializer, description=gettext_lazy("The message was handed over a moment ago and is not yet recorded as sent: send the report again after Retry-After."))


def _report_answer(result: webhooks.ReportResult) -> Response:
    body = {"matched": result.matched, "changed": result.changed}
    if result.pending:
        # Applying it now would be overwritten when the worker records the hand-over, so ask for it again.
        return Response(
            {"code": "not_ready", "message": _("The message is still being recorded; send the report again shortly."), **body},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return Response(body)


def _inbound_answer(inbound) -> Response:
    return Response({"outcome": inbound.outcome, "handled_as": inbound.handled_as, "replayed": inbound.replayed})


class JsonReportView(GatewayView):
    @extend_schema(
        operation_id="gateway_json_report",
        tags=[TAG],
        summary="A delivery report from a JSON gateway",
        parameters=[SIGNATURE],
        request=ReportSerializer,
        responses={200: ReportAnswerSerializer, **errors(400, 403, 429), 503: NOT_READY},
        examples=[OpenApiExample("Delivered", value={"id": "op-4711", "status": "DELIVERED"}, request_only=True)],
    )
    def post(self, request):
        ref, status = webhooks.report_fields(signed_json(request))
        return _report_answer(webhooks.report_apply(ref=ref, status=status))


class JsonInboundView(GatewayView):
    @extend_schema(
        operation_id="gateway_json_inbound",
        tags=[TAG],
        summary="An SMS received by a JSON gateway",
        description=gettext_lazy("Stored once per operator id, then read (for example as a crisis check-in); a reply, if any, is sent through the outbox."),
        parameters=[SIGNATURE],
        request=InboundSerializer,
        responses={200: InboundAnswerSerializer, **errors(400, 403, 429)},
        examples=[OpenApiExample("A check-in", value={"id": "mo-1234", "from": "+971501234567", "text": "SAFE", "received_at": "2026-11-26T10:15:00+04:00"}, request_only=True)],
    )
    def post(self, request):
        fields = webhooks.inbound_fields(signed_json(request))
        return _inbound_answer(webhooks.inbound_receive(gateway="json", provider_ref=fields.provider_ref, sender=fields.sender, text=fields.text, received_at=fields.received_at))


class KannelReportView(GatewayView):
    @extend_schema(
        operation_id="gateway_kannel_report",
        tags=[TAG],
        summary="A delivery report from Kannel (the dlr-url sent with each message)",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.STR, required=True, description="Our message id."),
            OpenApiParameter("sig", OpenApiTypes.STR, required=True, description="hex HMAC-SHA256(secret, 'dlr:' + id), put in the dlr-url when the message was sent."),
            OpenApiParameter("status", OpenApiTypes.INT, required=True, enum=[1, 2, 4, 8, 16], description="Kannel's report type: 1 delivered, 2 failed, 4 buffered, 8 submitted, 16 rejected."),
        ],
        responses={200: ReportAnswerSerializer, **errors(400, 403, 429), 503: NOT_READY},
    )
    def get(self, request):
        message_id = request.query_params.get("id", "").strip()
        webhooks.kannel_report_check(message_id=message_id, signature=request.query_params.get("sig", ""))
        ref, status = webhooks.kannel_report_fields(message_id=message_id, status=request.query_params.get("status", ""))
        return _report_answer(webhooks.report_apply(ref=ref, status=status))


class KannelInboundView(GatewayView):
    @extend_schema(
        operation_id="gateway_kannel_inbound",
        tags=[TAG],
        summary="An SMS received by Kannel (the get-url of its sms-service)",
        description=gettext_lazy("Configure the sms-service with max-messages = 0: replies are sent through the outbox, not as Kannel's answer."),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, required=True, description="%p: the sender's number."),
            OpenApiParameter("text", OpenApiTypes.STR, required=True, description="%a: the text."),
            OpenApiParameter("id", OpenApiTypes.STR, required=True, description="%I: Kannel's id of the message."),
            OpenApiParameter("token", OpenApiTypes.STR, required=True, description="hex HMAC-SHA256(secret, 'kannel-inbound')."),
        ],
        responses={200: InboundAnswerSerializer, **errors(400, 403, 429)},
    )
    def get(self, request):
        webhooks.kannel_inbound_check(request.query_params.get("token", ""))
        fields = webhooks.inbound_check(provider_ref=request.query_params.get("id"), sender=request.query_params.get("from"), text=request.query_params.get("text", ""))
        return _inbound_answer(webhooks.inbound_receive(gateway="kannel", provider_ref=fields.provider_ref, sender=fields.sender, text=fields.text))

"""Maps domain and framework errors to one JSON shape: {"code", "message", "fields"} with 400, 403, 404, 409, 429."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pravasi.core.errors import DomainError

# Framework codes renamed to the codes domain errors use, so clients handle one vocabulary.
CODE_NAMES = {
    "permission_denied": "forbidden",
    "throttled": "rate_limited",
    "parse_error": "malformed",
}


def flatten_field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turns DRF's nested error detail into {"field" or "parent.child" or "items.0": [messages]}."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and prefix:
                name = prefix
            for field, messages in flatten_field_errors(value, name).items():
                fields.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                for field, messages in flatten_field_errors(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    fields.setdefault(field, []).extend(messages)
            else:
                fields.setdefault(prefix or "non_field_errors", []).append(str(item))
    else:
        fields.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return fields


def error_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return {"code": "invalid", "message": _("Some details need correcting."), "fields": flatten_field_errors(exc.detail)}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    detail = exc.detail if not isinstance(exc.detail, dict | list) else exc.default_detail
    return {"code": CODE_NAMES.get(code, code), "message": str(detail)}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (documentation only)."""

    def get_fields(self):
        # "fields" is also the name of a Serializer attribute, hence declared here.
        return {
            "code": serializers.CharField(help_text="invalid, forbidden, not_authenticated, two_factor_required, not_found, not_registered, conflict, rate_limited, malformed"),
            "message": serializers.CharField(),
            "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False, help_text="Messages per field, for 400 and some 409 answers."),
        }

"""The error mapper: nested framework errors flatten to field paths; domain errors keep their status."""

from rest_framework import exceptions

from pravasi.api.errors import error_body, exception_handler, flatten_field_errors
from pravasi.core.errors import Conflict, NotAllowed, NotFound, RateLimited, ValidationFailed


def test_flatten_nested_errors():
    detail = {
        "given_name": ["Enter a name."],
        "consents": {0: ['"X" is not a valid choice.']},
        "contact": {"phone": ["Enter a mobile number."], "non_field_errors": ["Give one."]},
        "non_field_errors": ["Invalid data."],
    }
    assert flatten_field_errors(detail) == {
        "given_name": ["Enter a name."],
        "consents.0": ['"X" is not a valid choice.'],
        "contact.phone": ["Enter a mobile number."],
        "contact": ["Give one."],
        "non_field_errors": ["Invalid data."],
    }


def test_domain_errors_keep_their_status_and_fields():
    cases = [
        (ValidationFailed.on("passport_number", "Wrong."), 400, {"code": "invalid", "message": "Wrong.", "fields": {"passport_number": ["Wrong."]}}),
        (NotAllowed("No."), 403, {"code": "forbidden", "message": "No."}),
        (NotFound("Gone."), 404, {"code": "not_found", "message": "Gone."}),
        (Conflict("Taken."), 409, {"code": "conflict", "message": "Taken."}),
        (RateLimited("Slow down."), 429, {"code": "rate_limited", "message": "Slow down."}),
    ]
    for exc, status, body in cases:
        response = exception_handler(exc, {})
        assert (response.status_code, response.data) == (status, body)


def test_framework_errors_use_the_same_codes():
    assert error_body(exceptions.PermissionDenied())["code"] == "forbidden"
    assert error_body(exceptions.Throttled(wait=3))["code"] == "rate_limited"
    assert error_body(exceptions.ParseError())["code"] == "malformed"
    assert error_body(exceptions.NotAuthenticated())["code"] == "not_authenticated"
    body = error_body(exceptions.ValidationError({"limit": ["A valid integer is required."]}))
    assert body["code"] == "invalid" and body["fields"] == {"limit": ["A valid integer is required."]}


def test_unexpected_errors_are_not_swallowed():
    assert exception_handler(RuntimeError("boom"), {}) is None

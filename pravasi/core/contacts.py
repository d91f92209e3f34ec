"""Normalising phone numbers (E.164) and e-mail addresses before they are stored or indexed."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .crypto import blind_index
from .errors import ValidationFailed


def normalise_phone(raw: str, *, field: str = "mobile", region: str = "IN") -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed.on(field, _("Enter a mobile number."))
    if len(text) > 32:
        raise ValidationFailed.on(field, _("This is too long to be a phone number."))
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed.on(field, _("This is not a phone number we can read. Use the international form, e.g. +91 98470 12345.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed.on(field, _("This phone number is not valid for its country code."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str, *, field: str = "email") -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed.on(field, _("Enter an e-mail address."))
    try:
        validate_email(text)
    except ValidationError as exc:
        raise ValidationFailed.on(field, _("Enter a valid e-mail address, like name@example.com.")) from exc
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone_index(e164: str) -> str:
    return blind_index("phone", e164)


def email_index(email: str) -> str:
    return blind_index("email", email.lower())


def looks_like_email(identifier: str) -> bool:
    return "@" in identifier


def looks_like_phone(identifier: str) -> bool:
    stripped = identifier.replace(" ", "").replace("-", "")
    return stripped.startswith("+") or (stripped.isdigit() and len(stripped) >= 8)

"""Cleaning the eligibility question (public page and API) into engine facts, one message per field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from pravasi.core.errors import ValidationFailed
from pravasi.core.geography import COUNTRIES

from .eligibility import EMPLOYMENT, Facts

PASSPORT_CATEGORIES = ("ECR", "ECNR")
PURPOSES = ("EMPLOYMENT", "VISIT", "STUDY", "OTHER")
SEXES = ("F", "M", "X")
RECRUITMENT = ("RA", "DIRECT", "PROJECT_EXPORTER")
ISCO_RE = re.compile(r"^[0-9]{4}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _date(value: Any, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Enter a real date as YYYY-MM-DD, for example 2026-05-04.")]
        return None


def facts_from_question(data: dict[str, Any]) -> Facts:
    """The API contract: passport_category, destination_country, purpose always; for employment also
    occupation, sex, date_of_birth, departure_date, monthly_wage {amount, currency} and recruitment;
    passport_expiry_date is optional."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("Send a JSON object."))
    errors: dict[str, list[str]] = {}

    def choice(field: str, allowed: tuple[str, ...], *, needed: bool) -> str:
        value = data.get(field)
        if value in (None, ""):
            if needed:
                errors[field] = [_("This is required. One of: %(values)s.") % {"values": ", ".join(allowed)}]
            return ""
        if not isinstance(value, str) or value.upper() not in allowed:
            errors[field] = [_("Use one of: %(values)s.") % {"values": ", ".join(allowed)}]
            return ""
        return value.upper()

    category = choice("passport_category", PASSPORT_CATEGORIES, needed=True)
    purpose = choice("purpose", PURPOSES, needed=True)
    country = data.get("destination_country")
    if country in (None, ""):
        errors["destination_country"] = [_("This is required: the ISO 3166-1 alpha-2 code of the country, like SA or AE.")]
        country = ""
    elif not isinstance(country, str) or country.upper() not in COUNTRIES or country.upper() == "IN":
        errors["destination_country"] = [_("Use the ISO 3166-1 alpha-2 code of a country other than India, like SA or AE.")]
        country = ""
    else:
        country = country.upper()
    employment = purpose == EMPLOYMENT
    occupation = data.get("occupation")
    if occupation in (None, ""):
        occupation = ""
        if employment:
            errors["occupation"] = [_("This is required for employment: the four-digit ISCO-08 code, like 9111 for domestic workers.")]
    elif not isinstance(occupation, str) or not ISCO_RE.match(occupation):
        errors["occupation"] = [_("Use the four-digit ISCO-08 code, like 2221 (nurse) or 9111 (domestic worker).")]
        occupation = ""
    sex = choice("sex", SEXES, needed=employment)
    recruitment = choice("recruitment", RECRUITMENT, needed=employment)
    born = _date(data.get("date_of_birth"), "date_of_birth", errors)
    departure = _date(data.get("departure_date"), "departure_date", errors)
    expiry = _date(data.get("passport_expiry_date"), "passport_expiry_date", errors)
    if employment:
        for field, value in (("date_of_birth", born), ("departure_date", departure)):
            if value is None and field not in errors:
                errors[field] = [_("This is required for employment, as YYYY-MM-DD.")]
    today = date.today()
    if departure and not date(today.year - 1, 1, 1) <= departure <= date(today.year + 10, 12, 31):
        errors["departure_date"] = [_("Enter a departure date between last year and ten years from now.")]
    if expiry and expiry.year > today.year + 30:
        errors["passport_expiry_date"] = [_("A passport is not valid that far ahead; check the expiry date.")]
    if born and departure and born >= departure:
        errors["date_of_birth"] = [_("The date of birth must be before the departure date.")]
    if born and born.year < 1900:
        errors["date_of_birth"] = [_("This date is too far in the past.")]
    amount, currency = None, ""
    wage = data.get("monthly_wage")
    if wage in (None, ""):
        if employment:
            errors["monthly_wage"] = [_('This is required for employment: {"amount": "1200", "currency": "SAR"}.')]
    elif not isinstance(wage, dict):
        errors["monthly_wage"] = [_('Send an object like {"amount": "1200", "currency": "SAR"}.')]
    else:
        try:
            amount = Decimal(str(wage.get("amount")))
            if not amount.is_finite() or amount <= 0 or amount > Decimal("10000000"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["monthly_wage.amount"] = [_("Enter the monthly wage as a positive number, like 1200 or 1200.50.")]
            amount = None
        currency = str(wage.get("currency") or "").upper()
        if not CURRENCY_RE.match(currency):
            errors["monthly_wage.currency"] = [_("Use the ISO 4217 code of the currency, like SAR, AED or USD.")]
            currency = ""
    if errors:
        raise ValidationFailed(_("Some answers need correcting."), fields=errors)
    return Facts(
        passport_category=category,
        destination_country=country,
        purpose=purpose,
        occupation=occupation,
        sex=sex,
        date_of_birth=born,
        departure_date=departure,
        wage_amount=amount,
        wage_currency=currency,
        recruitment=recruitment,
        passport_expiry_date=expiry,
    )

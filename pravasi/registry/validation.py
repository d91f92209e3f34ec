"""Cleaning what a person, an official or an import row says about a person, section by section.

Each `clean_<section>` takes raw strings and returns typed values, or raises ValidationFailed
carrying one specific message per field. The website, the API and the importer all use these.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from pravasi.core.contacts import normalise_email, normalise_phone
from pravasi.core.errors import ValidationFailed
from pravasi.core.geography import COUNTRIES, INDIAN_STATES
from pravasi.core.validation import Collector
from pravasi.policy.selectors import policy

from .models import EmergencyContact, MessagingApp, Sex, Vulnerability
from .mrz import normalise_passport_number, parse_td3

ISCO_RE = re.compile(r"^[0-9]{4}$")
MAX_TEXT = {"skills": 300, "district_of_origin": 80, "residence_region": 100, "residence_address": 400, "employer_name": 200, "needs_note": 1000}
LANGUAGE_CODES = {"en", "hi", "ml", "ta", "te", "kn", "bn", "gu", "mr", "pa", "or", "ur", "ar"}


# Minor and elderly follow from the date of birth (services.derive_vulnerabilities), never from a form.
AGE_BASED = (Vulnerability.MINOR, Vulnerability.ELDERLY)


def education_codes(on: date | None = None) -> dict[str, dict]:
    return {item["code"]: item for item in policy("EDUCATION_LEVELS", on=on)}


def clean_about(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    c = Collector(data)
    c.name("given_name", required=True)
    c.name("family_name", required=False)
    c.choice("sex", {s.value for s in Sex}, required=True, message=_("Choose female, male or other."))
    c.date("date_of_birth", required=True, past=True)
    c.choice("state_of_origin", INDIAN_STATES, required=not partial, message=_("Choose an Indian state or union territory."))
    if not partial or "district_of_origin" in data:
        c.text("district_of_origin", max_length=MAX_TEXT["district_of_origin"])
    if not partial or "education" in data:
        c.choice("education", education_codes(), message=_("Choose a level of education from the list."))
    if not partial or "occupation_isco" in data:
        occupation = c.raw("occupation_isco")
        if occupation and not ISCO_RE.match(occupation):
            c.fail("occupation_isco", _("An ISCO-08 occupation code has four digits, e.g. 9111 for domestic workers."))
        else:
            c.cleaned["occupation_isco"] = occupation
    if not partial or "skills" in data:
        c.text("skills", max_length=MAX_TEXT["skills"])
    if not partial or "preferred_language" in data:
        c.choice("preferred_language", LANGUAGE_CODES, message=_("Choose a language from the list."))
        c.cleaned["preferred_language"] = c.cleaned.get("preferred_language") or "en"
    return c.done()


def clean_passport(data: dict[str, Any], *, date_of_birth: date | None = None) -> dict[str, Any]:
    c = Collector(data)
    try:
        c.cleaned["number"] = normalise_passport_number(c.raw("passport_number"))
    except ValidationFailed as exc:
        for msg in exc.fields["passport_number"]:
            c.fail("passport_number", msg)
    c.date("issue_date", required=True, past=True)
    c.date("expiry_date", required=True)
    issue, expiry = c.cleaned.get("issue_date"), c.cleaned.get("expiry_date")
    if issue and expiry and expiry <= issue:
        c.fail("expiry_date", _("The expiry date must be after the date of issue."))
    c.text("place_of_issue", max_length=80)
    c.boolean("is_ecr")
    line1, line2 = c.raw("mrz_line1"), c.raw("mrz_line2")
    c.cleaned["mrz_verified"] = False
    if line1 or line2:
        try:
            mrz = parse_td3(line1, line2, field="mrz_line2")
        except ValidationFailed as exc:
            for msg in exc.fields["mrz_line2"]:
                c.fail("mrz_line2", msg)
        else:
            if c.cleaned.get("number") and mrz.passport_number != c.cleaned["number"]:
                c.fail("mrz_line2", _("The machine-readable zone gives a different passport number."))
            if expiry and mrz.expiry_date != expiry:
                c.fail("mrz_line2", _("The machine-readable zone gives a different expiry date."))
            if date_of_birth and mrz.date_of_birth != date_of_birth:
                c.fail("mrz_line2", _("The machine-readable zone gives a different date of birth."))
            c.cleaned["mrz_verified"] = True
    return c.done()


def clean_residence(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector(data)
    c.choice("residence_country", COUNTRIES, required=True, message=_("Choose the country where you live."))
    if c.cleaned.get("residence_country") == "IN":
        c.fail("residence_country", _("This registry is for people living abroad; use 'I have returned to India' instead."))
    c.text("residence_region", max_length=MAX_TEXT["residence_region"])
    c.text("residence_address", max_length=MAX_TEXT["residence_address"])
    c.date("residence_since_date", past=True)
    c.date("residence_until_date")
    since, until = c.cleaned.get("residence_since_date"), c.cleaned.get("residence_until_date")
    if since and until and until < since:
        c.fail("residence_until_date", _("'Until' cannot be before 'since'."))
    c.number("latitude", -90, 90)
    c.number("longitude", -180, 180)
    if (c.cleaned.get("latitude") is None) != (c.cleaned.get("longitude") is None) and not c.errors:
        c.fail("longitude", _("Give both latitude and longitude, or neither."))
    return c.done()


def clean_contacts(data: dict[str, Any], *, require_one: bool = True) -> dict[str, Any]:
    c = Collector(data)
    for name, normalise in (("mobile", normalise_phone), ("email", normalise_email)):
        raw = c.raw(name)
        if not raw:
            c.cleaned[name] = ""
            continue
        try:
            c.cleaned[name] = normalise(raw, field=name)
        except ValidationFailed as exc:
            for msg in exc.fields[name]:
                c.fail(name, msg)
    if require_one and not c.errors and not c.cleaned["mobile"] and not c.cleaned["email"]:
        c.fail("mobile", _("Give a mobile number or an e-mail address so we can reach you."))
    c.choice("messaging_app", {m.value for m in MessagingApp if m.value})
    c.text("messaging_handle", max_length=60)
    return c.done()


def clean_work(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector(data)
    c.text("employer_name", max_length=MAX_TEXT["employer_name"])
    c.date("visa_expiry_date")
    return c.done()


def clean_needs(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector(data)
    for v in Vulnerability:
        if v not in AGE_BASED:
            c.boolean(v.field)
    c.text("needs_note", max_length=MAX_TEXT["needs_note"])
    return c.done()


def clean_emergency_contact(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector(data)
    c.name("name", required=True)
    c.text("relation", required=True, max_length=60)
    c.choice("where", {w.value for w in EmergencyContact.Where}, required=True, message=_("Choose India or abroad."))
    c.choice("country", COUNTRIES)
    try:
        c.cleaned["phone"] = normalise_phone(c.raw("phone"), field="phone")
    except ValidationFailed as exc:
        for msg in exc.fields["phone"]:
            c.fail("phone", msg)
    email = c.raw("email")
    c.cleaned["email"] = ""
    if email:
        try:
            c.cleaned["email"] = normalise_email(email)
        except ValidationFailed as exc:
            for msg in exc.fields["email"]:
                c.fail("email", msg)
    return c.done()


def clean_family_member(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector(data)
    c.name("name", required=True)
    c.text("relation", required=True, max_length=60)
    c.choice("sex", {s.value for s in Sex}, required=True, message=_("Choose female, male or other."))
    c.date("date_of_birth", past=True)
    c.boolean("is_indian_citizen")
    return c.done()

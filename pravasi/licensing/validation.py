"""Cleaning what an applicant submits: the business, its directors, premises, security, fee and documents.

Every function collects all messages for the fields it owns, so the page shows every problem at once.
Field names match the public and workspace forms.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from pravasi.core import uploads
from pravasi.core.dates import add_months
from pravasi.core.errors import ValidationFailed
from pravasi.core.geography import COUNTRIES, INDIAN_STATES
from pravasi.core.validation import Collector
from pravasi.policy.selectors import policy

from .models import BankGuarantee, Director, DocumentKind, EmployerType, LegalForm, SecurityTrack

GUARANTEE_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9/\-]{4,39}$")
PIN_RE = re.compile(r"^[1-9][0-9]{5}$")
DIN_RE = re.compile(r"^[0-9]{8}$")
MAX_DIRECTORS = 5
REQUIRED_DOCUMENTS = {
    "RC_NEW": [DocumentKind.INCORPORATION, DocumentKind.PREMISES, DocumentKind.IDENTITY, DocumentKind.BANK_GUARANTEE, DocumentKind.FEE_RECEIPT],
    "RC_RENEWAL": [DocumentKind.FEE_RECEIPT],
    "FE_REGISTRATION": [DocumentKind.EMPLOYER_LICENCE],
    "PE_ACCREDITATION": [DocumentKind.INCORPORATION, DocumentKind.PROJECT],
}


def banks(on: date | None = None) -> dict[str, str]:
    return {b["code"]: b["name"] for b in policy("SCHEDULED_BANKS", on=on)}


def clean_business(data: dict[str, Any], *, kind: str) -> dict[str, Any]:
    c = Collector(data)
    c.text("organisation_name", required=True, max_length=200)
    if kind == "FE_REGISTRATION":
        c.choice("employer_type", set(EmployerType.values), required=True)
        c.choice("country", set(COUNTRIES) - {"IN"}, required=True, message=_("Choose the country where the employer is."))
        c.text("employer_address", required=True, max_length=400)
        c.text("company_registration", max_length=60)
        c.boolean("undertakings")
        if c.cleaned.get("employer_type") == EmployerType.INDIVIDUAL and not c.cleaned.get("undertakings"):
            c.fail("undertakings", _("An individual employer must accept the undertakings to register."))
        return c.done()
    c.choice("legal_form", set(LegalForm.values), required=True)
    c.text("company_registration", required=True, max_length=60)
    c.text("premises_address", required=True, max_length=400)
    c.choice("premises_state", set(INDIAN_STATES), required=True, message=_("Choose the state where the office is."))
    c.text("premises_city", required=True, max_length=100)
    pin = c.raw("premises_pin")
    if not PIN_RE.match(pin):
        c.fail("premises_pin", _("Enter the six-digit PIN code, like 695001."))
    else:
        c.cleaned["premises_pin"] = pin
    if kind == "PE_ACCREDITATION":
        c.text("project_description", required=True, max_length=2000)
    return c.done()


def clean_directors(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows director_1_* to director_5_*; blank rows are skipped; at least one is needed."""
    c = Collector(data)
    rows = []
    for i in range(1, MAX_DIRECTORS + 1):
        prefix = f"director_{i}_"
        if not any(c.raw(prefix + f) for f in ("name", "capacity", "din")):
            continue
        c.name(prefix + "name", required=True)
        c.choice(prefix + "capacity", set(Director.Capacity.values), required=True)
        din = c.raw(prefix + "din")
        if din and not DIN_RE.match(din):
            c.fail(prefix + "din", _("A director identification number has eight digits."))
        rows.append({"name": c.cleaned.get(prefix + "name", ""), "capacity": c.cleaned.get(prefix + "capacity", ""), "din": din})
    if not rows and not c.errors:
        c.fail("director_1_name", _("Name at least one director, partner or the proprietor."))
    c.done()
    return rows


def clean_fee(data: dict[str, Any], *, on: date) -> dict[str, Any]:
    c = Collector(data)
    fee = Decimal(str(policy("RA_FEE_INR", on=on)))
    c.decimal("fee_amount", required=True, low=Decimal("1"))
    if c.cleaned.get("fee_amount") is not None and c.cleaned["fee_amount"] < fee:
        c.fail("fee_amount", _("The fee is Rs %(fee)s; Rs %(paid)s was entered.") % {"fee": fee, "paid": c.cleaned["fee_amount"]})
    c.text("fee_reference", required=True, max_length=40)
    c.date("fee_paid_date", required=True, past=True)
    return c.done()


def clean_bank_guarantee(data: dict[str, Any], *, on: date, term_end: date, required: bool = True) -> dict[str, Any] | None:
    """The security lodged: a known scheduled bank, a plausible number, dates that add up, the amount
    and validity the chosen track needs. Returns None when optional and left blank."""
    keys = ("bank_code", "bank_guarantee_number", "bank_guarantee_amount", "bank_guarantee_valid_from", "bank_guarantee_valid_to")
    if not required and not any(str(data.get(k) or "").strip() for k in keys):
        return None
    c = Collector(data)
    c.choice("security_track", set(SecurityTrack.values), required=True)
    c.choice("bank_code", set(banks(on)), required=True, message=_("We do not know this bank. Choose a scheduled commercial bank from the list."))
    number = c.raw("bank_guarantee_number").upper().replace(" ", "")
    if not number:
        c.fail("bank_guarantee_number", _("Enter the guarantee number as printed on it."))
    elif not GUARANTEE_NUMBER_RE.match(number):
        c.fail("bank_guarantee_number", _("A guarantee number has 5 to 40 letters, digits, hyphens or slashes."))
    c.decimal("bank_guarantee_amount", required=True, low=Decimal("1"))
    c.integer("expected_workers", low=1, high=100000)
    c.date("bank_guarantee_valid_from", required=True)
    c.date("bank_guarantee_valid_to", required=True)
    cleaned = c.cleaned
    start, end = cleaned.get("bank_guarantee_valid_from"), cleaned.get("bank_guarantee_valid_to")
    if start and end:
        if end <= start:
            c.fail("bank_guarantee_valid_to", _("The guarantee must end after it starts."))
        elif end < on:
            c.fail("bank_guarantee_valid_to", _("This guarantee expired on %(date)s. Lodge a guarantee that is in force.") % {"date": end.isoformat()})
        elif start > on + timedelta(days=30):
            c.fail("bank_guarantee_valid_from", _("A guarantee cannot start more than 30 days from today."))
    rules = policy("RA_BANK_GUARANTEE_INR", on=on)
    track, amount = cleaned.get("security_track"), cleaned.get("bank_guarantee_amount")
    if track == SecurityTrack.FULL and amount is not None and amount < Decimal(rules["full"]):
        c.fail("bank_guarantee_amount", _("The full-amount guarantee is Rs %(need)s.") % {"need": rules["full"]})
    if track == SecurityTrack.FULL and start and end and end > start:
        months = int(rules["full_validity_months"])
        if end < add_months(start, months) - timedelta(days=1):
            c.fail("bank_guarantee_valid_to", _("A full-amount guarantee must be valid for %(years)s years and %(months)s months: until at least %(date)s.") % {"years": months // 12, "months": months % 12, "date": (add_months(start, months) - timedelta(days=1)).isoformat()})
    if track == SecurityTrack.PER_100:
        workers = cleaned.get("expected_workers")
        if not workers:
            c.fail("expected_workers", _("Enter how many workers you expect to recruit; the guarantee depends on it."))
        elif amount is not None:
            need = Decimal(rules["per_100_workers"]) * math.ceil(workers / 100)
            if amount < need:
                c.fail("bank_guarantee_amount", _("For %(workers)s workers the guarantee is Rs %(need)s.") % {"workers": workers, "need": need})
        if start and end and end > start and end < term_end:
            c.fail("bank_guarantee_valid_to", _("The guarantee must stay in force for the whole term of the certificate: until at least %(date)s.") % {"date": term_end.isoformat()})
    if number and c.cleaned.get("bank_code") and BankGuarantee.objects.filter(bank_code=c.cleaned["bank_code"], number=number).exists():
        c.fail("bank_guarantee_number", _("This guarantee is already lodged with another application or certificate."))
    c.cleaned["bank_guarantee_number"] = number
    return c.done()


def clean_documents(files: dict[str, Any], *, kind: str, on: date, required: bool = True) -> list[tuple[str, uploads.CheckedUpload]]:
    """Files arrive as document_<kind> fields; each is checked by its content, not its name."""
    rules = policy("DOCUMENT_UPLOAD", on=on)
    errors: dict[str, list[str]] = {}
    checked = []
    for doc_kind in DocumentKind.values:
        field = f"document_{doc_kind.lower()}"
        uploaded = files.get(field)
        if uploaded is None:
            if required and doc_kind in REQUIRED_DOCUMENTS.get(kind, []):
                errors[field] = [_("Attach this document (PDF, PNG or JPEG).")]
            continue
        try:
            checked.append((doc_kind, uploads.check_upload(uploaded, field=field, allowed=list(rules["types"]), max_bytes=int(rules["max_bytes"]))))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some documents need attention."), fields=errors)
    return checked


def merge_errors(*calls) -> list[Any]:
    """Runs each cleaning call and raises one ValidationFailed with every field message."""
    results, errors = [], {}
    for call in calls:
        try:
            results.append(call())
        except ValidationFailed as exc:
            results.append(None)
            for field, messages in (exc.fields or {"__all__": [exc.message]}).items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    return results

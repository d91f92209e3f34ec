"""Cleaning raw input field by field, gathering every message before raising (website, API, importer)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ValidationFailed

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$", re.UNICODE)


class Collector:
    """Gathers every field error before raising, so a person sees all problems at once."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.cleaned: dict[str, Any] = {}

    def raw(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        text = str(value).strip()
        if CONTROL_RE.search(text):
            # Control characters (NUL above all) are never part of what a person types.
            self.fail(name, _("This contains characters that cannot be stored; retype it."))
            return ""
        return text

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationFailed(_("Some details need correcting."), fields=self.errors)
        return self.cleaned

    def text(self, name: str, *, required: bool = False, max_length: int = 100) -> None:
        value = self.raw(name)
        if required and not value:
            self.fail(name, _("This is required."))
        elif len(value) > max_length:
            self.fail(name, _("Use at most %(n)s characters.") % {"n": max_length})
        elif "<" in value and ">" in value:
            self.fail(name, _("Angle brackets are not allowed here."))
        else:
            self.cleaned[name] = value

    def name(self, name: str, *, required: bool) -> None:
        value = re.sub(r"\s+", " ", self.raw(name))
        if not value:
            if required:
                self.fail(name, _("Enter a name."))
            else:
                self.cleaned[name] = ""
        elif len(value) > 100:
            self.fail(name, _("Use at most 100 characters."))
        elif not NAME_RE.match(value):
            self.fail(name, _("Use letters only (spaces, hyphens, apostrophes and dots are fine)."))
        else:
            self.cleaned[name] = value

    def date(self, name: str, *, required: bool = False, past: bool = False, future: bool = False) -> None:
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("Enter a date."))
            else:
                self.cleaned[name] = None
            return
        if isinstance(value, date):
            parsed = value
        else:
            try:
                parsed = date.fromisoformat(str(value).strip()[:10])
            except ValueError:
                self.fail(name, _("Enter a real date as YYYY-MM-DD, for example 1990-05-04."))
                return
        today = timezone.localdate()
        if past and parsed > today:
            self.fail(name, _("This date cannot be in the future."))
        elif future and parsed <= today:
            self.fail(name, _("This date must be in the future."))
        elif parsed.year > 2100:
            self.fail(name, _("This date is too far in the future."))
        elif parsed.year < 1900:
            self.fail(name, _("This date is too far in the past."))
        else:
            self.cleaned[name] = parsed

    def choice(self, name: str, choices: dict[str, Any] | set[str], *, required: bool = False, message: str | None = None) -> None:
        value = self.raw(name)
        match = next((v for v in (value, value.upper(), value.lower()) if v in choices), None)
        if not value:
            if required:
                self.fail(name, message or _("Choose one."))
            else:
                self.cleaned[name] = ""
        elif match is None:
            self.fail(name, message or _("Choose one of the listed values."))
        else:
            self.cleaned[name] = match

    def boolean(self, name: str) -> None:
        value = self.data.get(name)
        self.cleaned[name] = value is True or str(value).strip().lower() in {"1", "true", "yes", "on", "y"}

    def number(self, name: str, low: float, high: float) -> None:
        value = self.raw(name)
        if not value:
            self.cleaned[name] = None
            return
        try:
            number = float(value)
        except ValueError:
            self.fail(name, _("Enter a number."))
            return
        if not low <= number <= high:
            self.fail(name, _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high})
        else:
            self.cleaned[name] = number

    def decimal(self, name: str, *, required: bool = False, low: Decimal = Decimal("0"), high: Decimal = Decimal("1000000000")) -> None:
        value = self.raw(name).replace(",", "")
        if not value:
            if required:
                self.fail(name, _("Enter an amount."))
            else:
                self.cleaned[name] = None
            return
        try:
            amount = Decimal(value)
        except InvalidOperation:
            self.fail(name, _("Enter an amount in figures, like 25000 or 25000.50."))
            return
        if not amount.is_finite() or amount.as_tuple().exponent < -2:
            self.fail(name, _("Enter an amount in figures, like 25000 or 25000.50."))
        elif not low <= amount <= high:
            self.fail(name, _("Enter an amount between %(low)s and %(high)s.") % {"low": low, "high": high})
        else:
            self.cleaned[name] = amount

    def integer(self, name: str, *, required: bool = False, low: int = 0, high: int = 10**9) -> None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, _("Enter a number."))
            else:
                self.cleaned[name] = None
            return
        if not (value.isascii() and value.isdigit()):
            self.fail(name, _("Enter a whole number."))
        elif not low <= int(value) <= high:
            self.fail(name, _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high})
        else:
            self.cleaned[name] = int(value)

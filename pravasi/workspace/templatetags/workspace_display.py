"""Template filters for showing registry values to officials: place names, ages, labels."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.registry.models import ConsentPurpose, Vulnerability
from pravasi.registry.validation import education_codes

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return geography.country_name(code) if code else ""


@register.filter
def state_name(code: str) -> str:
    return geography.state_name(code) if code else ""


@register.filter
def age(date_of_birth: date | None) -> int | str:
    if not date_of_birth:
        return ""
    today = timezone.localdate()
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


@register.filter
def vulnerability_label(value: str) -> str:
    try:
        return str(Vulnerability(value).label)
    except ValueError:
        return value


@register.filter
def consent_purpose_label(value: str) -> str:
    try:
        return str(ConsentPurpose(value).label)
    except ValueError:
        return value


@register.filter
def education_label(code: str) -> str:
    if not code:
        return ""
    level = education_codes().get(code)
    return level["label"] if level else code


@register.filter
def is_past(value: date | None) -> bool:
    return bool(value and value < timezone.localdate())


ACCESS_PURPOSES = {
    "VIEW": _("Opened the record"),
    "EXPORT": _("Exported the record"),
    "DUPLICATE_REVIEW": _("Compared possible duplicates"),
}


@register.filter
def access_purpose_label(value: str) -> str:
    return str(ACCESS_PURPOSES.get(value, value))


# Languages a person may prefer that Django itself does not describe.
EXTRA_LANGUAGES = {"gu": _("Gujarati"), "or": _("Odia")}


@register.filter
def language_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return str(EXTRA_LANGUAGES.get(code, code))

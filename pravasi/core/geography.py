"""Countries (ISO 3166-1) and Indian states and union territories (ISO 3166-2:IN), named in the reader's language."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


def _display_name(entry) -> str:
    return getattr(entry, "common_name", None) or entry.name


COUNTRIES: dict[str, str] = {c.alpha_2: _display_name(c) for c in pycountry.countries}
_OFFICIAL: dict[str, str] = {c.alpha_2: c.name for c in pycountry.countries}
INDIAN_STATES: dict[str, str] = {s.code: s.name for s in pycountry.subdivisions.get(country_code="IN")}


@lru_cache(maxsize=32)
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def country_name(code: str) -> str:
    code = (code or "").upper()
    if code not in COUNTRIES:
        return code
    catalogue = _catalogue("iso3166-1", _language())
    name = catalogue.gettext(COUNTRIES[code])
    if name == COUNTRIES[code] and COUNTRIES[code] != _OFFICIAL[code]:
        translated = catalogue.gettext(_OFFICIAL[code])
        if translated != _OFFICIAL[code]:
            name = translated
    return name


def state_name(code: str) -> str:
    code = (code or "").upper()
    if code not in INDIAN_STATES:
        return code
    return _catalogue("iso3166-2", _language()).gettext(INDIAN_STATES[code])


def country_choices(*, exclude: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in COUNTRIES if code not in exclude), key=lambda item: item[1])


def state_choices() -> list[tuple[str, str]]:
    return sorted(((code, state_name(code)) for code in INDIAN_STATES), key=lambda item: item[1])

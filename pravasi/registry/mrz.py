"""ICAO 9303 machine-readable zone (TD3, passports): parsing and check-digit verification."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from pravasi.core.errors import ValidationFailed

WEIGHTS = (7, 3, 1)
PASSPORT_NUMBER_RE = re.compile(r"^[A-Z][0-9]{7}$")
LINE_RE = re.compile(r"^[A-Z0-9<]{44}$")


def char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValueError(f"character {ch!r} is not allowed in a machine-readable zone")


def check_digit(field: str) -> str:
    return str(sum(char_value(ch) * WEIGHTS[i % 3] for i, ch in enumerate(field)) % 10)


@dataclass(frozen=True)
class Mrz:
    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    passport_number: str
    nationality: str
    date_of_birth: date
    sex: str
    expiry_date: date


def _mrz_date(text: str, *, future: bool) -> date:
    yy, mm, dd = int(text[0:2]), int(text[2:4]), int(text[4:6])
    today = date.today()
    century = 2000 if future or yy <= today.year % 100 else 1900
    if future and 2000 + yy < today.year - 20:
        century = 2100
    return date(century + yy, mm, dd)


def normalise_passport_number(raw: str, *, field: str = "passport_number") -> str:
    value = (raw or "").strip().upper().replace(" ", "")
    if not value:
        raise ValidationFailed.on(field, _("Enter the passport number."))
    if not PASSPORT_NUMBER_RE.match(value):
        raise ValidationFailed.on(field, _("An Indian passport number is one letter followed by seven digits, like J8369854."))
    return value


def parse_td3(line1: str, line2: str, *, field: str = "mrz") -> Mrz:
    """Parses the two 44-character lines and verifies every check digit; names the first that fails."""
    l1 = (line1 or "").strip().upper().replace(" ", "")
    l2 = (line2 or "").strip().upper().replace(" ", "")
    if not LINE_RE.match(l1) or not LINE_RE.match(l2):
        raise ValidationFailed.on(field, _("Each line of the machine-readable zone has exactly 44 characters: capital letters, digits and <."))
    if l1[0] != "P":
        raise ValidationFailed.on(field, _("The first line of a passport's machine-readable zone starts with P."))
    checks = [
        (l2[0:9], l2[9], _("passport number")),
        (l2[13:19], l2[19], _("date of birth")),
        (l2[21:27], l2[27], _("date of expiry")),
        (l2[28:42], l2[42], _("personal number")),
        (l2[0:10] + l2[13:20] + l2[21:43], l2[43], _("whole line")),
    ]
    for data, digit, label in checks:
        if data == "<" * len(data) and digit in "<0" and label == _("personal number"):
            continue
        if check_digit(data) != digit:
            raise ValidationFailed.on(field, _("The check digit for the %(part)s does not match: re-read the machine-readable zone.") % {"part": label})
    names = l1[5:].split("<<", 1)
    try:
        dob = _mrz_date(l2[13:19], future=False)
        expiry = _mrz_date(l2[21:27], future=True)
    except ValueError as exc:
        raise ValidationFailed.on(field, _("A date in the machine-readable zone is not a real date.")) from exc
    return Mrz(
        document_type=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5].rstrip("<"),
        surname=names[0].replace("<", " ").strip(),
        given_names=(names[1] if len(names) > 1 else "").replace("<", " ").strip(),
        passport_number=l2[0:9].rstrip("<"),
        nationality=l2[10:13].rstrip("<"),
        date_of_birth=dob,
        sex={"M": "M", "F": "F"}.get(l2[20], "X"),
        expiry_date=expiry,
    )


def build_td3(*, surname: str, given_names: str, passport_number: str, date_of_birth: date, sex: str, expiry_date: date, state: str = "IND") -> tuple[str, str]:
    """The inverse of parse_td3 (used to print specimens and in tests)."""

    def name_part(text: str) -> str:
        return re.sub(r"[^A-Z]+", "<", text.upper()).strip("<")

    line1 = f"P<{state}{name_part(surname)}<<{name_part(given_names)}".ljust(44, "<")[:44]
    number = passport_number.ljust(9, "<")
    dob = date_of_birth.strftime("%y%m%d")
    exp = expiry_date.strftime("%y%m%d")
    personal = "<" * 14
    body = number + check_digit(number) + state + dob + check_digit(dob) + {"F": "F", "M": "M"}.get(sex, "<") + exp + check_digit(exp) + personal + "0"
    composite = check_digit(body[0:10] + body[13:20] + body[21:43])
    return line1, body + composite

"""The printable certificate of a licence: one A4 page with the number, holder, premises, validity, any
status other than active in large letters, and a QR code that opens the public verification page.

The text is in English and reduced to ASCII by pravasi.core.pdf so that any holder's name prints.
The verification page, not the paper, is the authority: the QR code and the printed address say so.
"""

from __future__ import annotations

import urllib.parse
from datetime import date

from django.conf import settings
from django.utils import timezone, translation

from pravasi.core import geography
from pravasi.core import pdf as pages
from pravasi.core.pdf import ascii_safe

from .models import Licence, LicenceKind, LicenceStatus

__all__ = ["ascii_safe", "certificate_pdf", "verify_url"]

TITLES = {
    LicenceKind.RC: ("Registration Certificate - Recruiting Agent", "Emigration Act 1983"),
    LicenceKind.FE: ("Registration - Foreign Employer", "Emigration Act 1983"),
    LicenceKind.PE: ("Accreditation - Project Exporter", "Emigration Act 1983"),
    LicenceKind.INSURER: ("Registration - Insurer", "Pravasi Bharatiya Bima Yojana"),
}
NUMBER_LABELS = {LicenceKind.RC: "Certificate number", LicenceKind.PE: "Accreditation number"}
STAMPS = {LicenceStatus.SUSPENDED: "SUSPENDED", LicenceStatus.CANCELLED: "CANCELLED", LicenceStatus.EXPIRED: "EXPIRED"}


def verify_url(licence: Licence) -> str:
    return f"{settings.PRAVASI_PUBLIC_URL}/verify/?number={urllib.parse.quote(licence.number, safe='')}"


def _stamp(licence: Licence, today: date) -> str:
    if licence.status in STAMPS:
        return STAMPS[licence.status]
    # The expiry task may not have run yet; paper must not look valid after the last day.
    if licence.valid_to_date and licence.valid_to_date < today:
        return STAMPS[LicenceStatus.EXPIRED]
    return ""


def _premises(licence: Licence) -> str:
    with translation.override("en"):
        state = geography.state_name(licence.premises_state) if licence.premises_state else ""
        country = geography.country_name(licence.organisation.country) if licence.kind == LicenceKind.FE and licence.organisation.country else ""
    lines = [licence.premises_address.strip()] if licence.premises_address.strip() else []
    place = ", ".join(p for p in (licence.premises_city, state, country) if p)
    if place:
        lines.append(place)
    return "\n".join(lines)


def _issuer(licence: Licence) -> str:
    if licence.kind == LicenceKind.FE and licence.office_id:
        return licence.office.name
    return "Protector General of Emigrants"


def certificate_pdf(licence: Licence, *, compress: bool = True) -> bytes:
    """The certificate as PDF bytes. `compress=False` leaves the page text readable (for tests and audits)."""
    today = timezone.localdate()
    url = verify_url(licence)
    title, act = TITLES.get(licence.kind, (licence.get_kind_display(), ""))
    stamp = _stamp(licence, today)

    pdf = pages.new_document(title=f"{title} {licence.number}", author=_issuer(licence), compress=compress)
    pages.draw_heading(pdf, issuer=_issuer(licence), title=title, subtitle=act, number=licence.number)
    pages.draw_stamp(pdf, stamp)

    rows = [
        (NUMBER_LABELS.get(licence.kind, "Registration number"), licence.number),
        ("Holder", licence.organisation.name),
    ]
    premises = _premises(licence)
    if premises:
        rows.append(("Premises" if licence.kind != LicenceKind.FE else "Address", premises))
    if licence.is_state_run:
        rows.append(("Category", "State government recruiting agency"))
    rows += [
        ("Valid from", pages.day(licence.valid_from_date)),
        ("Valid until", pages.day(licence.valid_to_date) if licence.valid_to_date else "Until cancelled"),
        ("Status", stamp.title() if stamp else "Active"),
    ]
    pages.draw_rows(pdf, rows)

    pages.draw_verification(
        pdf,
        url=url,
        heading="Check this certificate before you rely on it.",
        explanation="Scan the code or open the address below. The verification page shows the current status; an order made after printing is shown there, not here.",
    )
    pages.draw_footer(pdf, printed_on=today)
    return pages.output(pdf)

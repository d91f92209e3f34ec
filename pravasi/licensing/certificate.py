"""The printable certificate of a licence: one A4 page with the number, holder, premises, validity, any
status other than active in large letters, and a QR code that opens the public verification page.

The page uses the PDF core font (Helvetica), which draws Latin-1 only; the text is therefore in
English and reduced to ASCII (accents dropped, other scripts replaced) so that any holder's name prints.
The verification page, not the paper, is the authority: the QR code and the printed address say so.
"""

from __future__ import annotations

import unicodedata
import urllib.parse
from datetime import date

import qrcode
from django.conf import settings
from django.utils import timezone, translation
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from pravasi.core import geography

from .models import Licence, LicenceKind, LicenceStatus

TITLES = {
    LicenceKind.RC: ("Registration Certificate - Recruiting Agent", "Emigration Act 1983"),
    LicenceKind.FE: ("Registration - Foreign Employer", "Emigration Act 1983"),
    LicenceKind.PE: ("Accreditation - Project Exporter", "Emigration Act 1983"),
    LicenceKind.INSURER: ("Registration - Insurer", "Pravasi Bharatiya Bima Yojana"),
}
NUMBER_LABELS = {LicenceKind.RC: "Certificate number", LicenceKind.PE: "Accreditation number"}
STAMPS = {LicenceStatus.SUSPENDED: "SUSPENDED", LicenceStatus.CANCELLED: "CANCELLED", LicenceStatus.EXPIRED: "EXPIRED"}
REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00b7": "-",
    "\u2022": "-",
    "\u20b9": "Rs ",
    "\u00a0": " ",
    "\u00df": "ss",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u00f8": "o",
    "\u00d8": "O",
    "\u0131": "i",
    "\u0142": "l",
    "\u0141": "L",
}
INK = (11, 61, 107)
STAMP_RED = (176, 0, 32)


def ascii_safe(text: str) -> str:
    """ASCII the core font can draw: typographic marks simplified, accents dropped, anything else '?'."""
    out = []
    for ch in unicodedata.normalize("NFKD", "".join(REPLACEMENTS.get(c, c) for c in str(text or ""))):
        if unicodedata.combining(ch):
            continue
        if ch in "\n\t" or 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def verify_url(licence: Licence) -> str:
    return f"{settings.PRAVASI_PUBLIC_URL}/verify/?number={urllib.parse.quote(licence.number, safe='')}"


def _day(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _stamp(licence: Licence, today: date) -> str:
    if licence.status in STAMPS:
        return STAMPS[licence.status]
    # The expiry task may not have run yet; paper must not look valid after the last day.
    if licence.valid_to_date and licence.valid_to_date < today:
        return STAMPS[LicenceStatus.EXPIRED]
    return ""


def _qr_image(url: str):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image()


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

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_title(ascii_safe(f"{title} {licence.number}"))
    pdf.set_author(ascii_safe(_issuer(licence)))
    pdf.set_creator("Pravasi")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.2)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)

    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(width, 6, ascii_safe("Government of India - " + _issuer(licence)), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(width, 9, ascii_safe(title), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if act:
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(width, 7, ascii_safe(act), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)

    pdf.set_font("Helvetica", "B", 16)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(width, 9, ascii_safe(licence.number), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    if stamp:
        pdf.set_text_color(*STAMP_RED)
        pdf.set_draw_color(*STAMP_RED)
        pdf.set_line_width(1.2)
        pdf.set_font("Helvetica", "B", 40)
        pdf.cell(width, 22, stamp, border=1, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_line_width(0.2)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(4)

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
        ("Valid from", _day(licence.valid_from_date)),
        ("Valid until", _day(licence.valid_to_date) if licence.valid_to_date else "Until cancelled"),
        ("Status", stamp.title() if stamp else "Active"),
    ]
    label_width = 45
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(label_width, 7, ascii_safe(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(width - label_width, 7, ascii_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    qr_size = 45
    qr_top = pdf.h - 20 - qr_size - 22
    pdf.image(_qr_image(url), x=pdf.w - pdf.r_margin - qr_size, y=qr_top, w=qr_size, h=qr_size)
    pdf.set_xy(pdf.l_margin, qr_top + 4)
    text_width = width - qr_size - 6
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(text_width, 6, "Check this certificate before you rely on it.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(text_width, 5, ascii_safe("Scan the code or open the address below. The verification page shows the current status; an order made after printing is shown there, not here."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(text_width, 5, ascii_safe(f"Verify at {url}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_xy(pdf.l_margin, pdf.h - 30)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(width, 5, ascii_safe(f"Printed from Pravasi on {_day(today)}."), align=Align.C)
    return bytes(pdf.output())

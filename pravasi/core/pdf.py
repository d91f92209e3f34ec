"""Building blocks of the printable documents (certificates, clearances): an A4 page in a double frame,
text the PDF core font can draw, a heading, labelled rows, a status stamp and a QR code to the page that
verifies the paper.

The pages use the core font (Helvetica), which draws Latin-1 only; text is therefore reduced to ASCII
(accents dropped, other scripts replaced) so that any name prints.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

import qrcode
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

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
LABEL_WIDTH = 45
QR_SIZE = 45


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


def day(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def qr_image(url: str):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image()


def new_document(*, title: str, author: str, compress: bool = True) -> FPDF:
    """One A4 page with its double frame drawn; `compress=False` leaves the page text readable (tests, audits)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_title(ascii_safe(title))
    pdf.set_author(ascii_safe(author))
    pdf.set_creator("Pravasi")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.2)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    return pdf


def content_width(pdf: FPDF) -> float:
    return pdf.w - pdf.l_margin - pdf.r_margin


def draw_heading(pdf: FPDF, *, issuer: str, title: str, subtitle: str, number: str) -> None:
    """The issuing authority, the document's title and legal basis, and its number in large type."""
    width = content_width(pdf)
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(width, 6, ascii_safe("Government of India - " + issuer), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(width, 9, ascii_safe(title), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if subtitle:
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(width, 7, ascii_safe(subtitle), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)

    pdf.set_font("Helvetica", "B", 16)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(width, 9, ascii_safe(number), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def draw_stamp(pdf: FPDF, text: str) -> None:
    """A status that changes what the paper is worth (suspended, expired...), boxed in large red letters."""
    if not text:
        return
    pdf.set_text_color(*STAMP_RED)
    pdf.set_draw_color(*STAMP_RED)
    pdf.set_line_width(1.2)
    pdf.set_font("Helvetica", "B", 40)
    pdf.cell(content_width(pdf), 22, ascii_safe(text), border=1, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(0.2)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)


def draw_rows(pdf: FPDF, rows: Iterable[tuple[str, str]], *, label_width: float = LABEL_WIDTH) -> None:
    width = content_width(pdf)
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(label_width, 7, ascii_safe(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(width - label_width, 7, ascii_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)


def draw_verification(pdf: FPDF, *, url: str, heading: str, explanation: str) -> None:
    """The QR code at the foot of the page, with the address printed beside it for those who cannot scan."""
    width = content_width(pdf)
    qr_top = pdf.h - 20 - QR_SIZE - 22
    pdf.image(qr_image(url), x=pdf.w - pdf.r_margin - QR_SIZE, y=qr_top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(pdf.l_margin, qr_top + 4)
    text_width = width - QR_SIZE - 6
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(text_width, 6, ascii_safe(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(text_width, 5, ascii_safe(explanation), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    line = ascii_safe(f"Verify at {url}")
    usable = text_width - 2 * pdf.c_margin
    if pdf.get_string_width(line) <= usable:
        pdf.multi_cell(text_width, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    # A long address goes on a line of its own, in smaller type if need be: an address broken in two cannot be typed.
    pdf.multi_cell(text_width, 5, "Verify at", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    address, size = ascii_safe(url), 9.0
    while size > 6 and pdf.get_string_width(address) > usable:
        size -= 0.5
        pdf.set_font("Helvetica", "", size)
    pdf.multi_cell(text_width, 5, address, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def draw_footer(pdf: FPDF, *, printed_on: date) -> None:
    pdf.set_xy(pdf.l_margin, pdf.h - 30)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(content_width(pdf), 5, ascii_safe(f"Printed from Pravasi on {day(printed_on)}."), align=Align.C)


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())

"""The certificate PDF: a real PDF with the number, holder, validity, the verification address and a QR image."""

from __future__ import annotations

import urllib.parse

import pytest

from pravasi.licensing import services
from pravasi.licensing.certificate import ascii_safe, certificate_pdf, verify_url
from pravasi.licensing.models import LicenceStatus
from pravasi.licensing.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRAVASI_PUBLIC_URL = "https://pravasi.example.gov.in"


def test_certificate_carries_number_holder_validity_url_and_qr():
    licence, _applicant = factories.granted_rc()
    data = certificate_pdf(licence, compress=False)

    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"/Subtype /Image" in data
    assert licence.number.encode() in data
    assert licence.organisation.name.encode() in data
    assert b"Registration Certificate - Recruiting Agent" in data
    assert licence.valid_to_date.strftime("%d %b %Y").encode() in data
    url = f"https://pravasi.example.gov.in/verify/?number={urllib.parse.quote(licence.number, safe='')}"
    assert verify_url(licence) == url
    assert f"Verify at {url}".encode() in data
    # An active certificate carries no stamp.
    for stamp in (b"SUSPENDED", b"CANCELLED", b"EXPIRED"):
        assert stamp not in data


def test_compressed_certificate_is_still_a_pdf_and_hides_the_text():
    licence, _applicant = factories.granted_rc()
    data = certificate_pdf(licence)
    assert data.startswith(b"%PDF-")
    assert b"/FlateDecode" in data
    assert licence.number.encode() not in data.split(b"stream", 1)[1].split(b"endstream", 1)[0]


def test_suspended_certificate_says_so_in_large_letters():
    people = factories.officials()
    licence, _applicant = factories.granted_rc(people)
    ground = next(iter(services.grounds()))
    services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground=ground, order_text="Complaints of excess service charges found true on inquiry.")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED

    data = certificate_pdf(licence, compress=False)
    assert b"(SUSPENDED)" in data


def test_holder_names_outside_the_core_font_are_printed_safely():
    licence, _applicant = factories.granted_rc(organisation_name="Śrī Malabar Overseas – Kochi ₹ ഏജൻസി")
    data = certificate_pdf(licence, compress=False)
    assert data.startswith(b"%PDF-")
    assert b"Sri Malabar Overseas - Kochi Rs " in data


def test_ascii_safe_drops_accents_and_replaces_other_scripts():
    assert ascii_safe("Émigré “quoted” — ok") == 'Emigre "quoted" - ok'
    assert ascii_safe("മലയാളം") == "?" * len(ascii_safe("മലയാളം"))
    assert all(ord(c) < 128 for c in ascii_safe("ഏജൻസി ₹ ß"))

"""The e-EC PDF: a real PDF with the emigration number, the masked passport and the verification address;
only a granted application has one."""

from __future__ import annotations

import urllib.parse

import pytest

from pravasi.clearance import services
from pravasi.clearance.certificate import ec_pdf, initials, masked_passport, verify_url
from pravasi.clearance.tests.factories import make_world, submitted_ec
from pravasi.core.errors import Conflict

pytestmark = pytest.mark.django_db

PASSPORT = "M7654321"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRAVASI_PUBLIC_URL = "https://pravasi.example.gov.in"


@pytest.fixture
def world():
    return make_world()


def test_granted_clearance_prints_number_masked_passport_and_verify_url(world):
    application = submitted_ec(world, passport_number=PASSPORT)
    granted = services.application_grant(actor=world.poe, application_id=application.id)

    data = ec_pdf(granted, compress=False)

    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"/Subtype /Image" in data  # the QR code
    # PDF strings escape parentheses; the document title carries the whole heading.
    assert rb"/Title (Emigration Clearance \(e-EC\) - Emigration Act 1983, section 22 - " in data
    assert rb"(Emigration Clearance \(e-EC\)) Tj" in data and b"(Emigration Act 1983, section 22) Tj" in data
    assert granted.emigration_number.encode() in data
    assert b"****4321" in data
    assert PASSPORT.encode() not in data
    assert b"Rajesh Kumar" in data
    assert b"United Arab Emirates" in data
    assert granted.employer_name.encode() in data
    assert b"9313" in data and b"24 months" in data
    assert granted.valid_to_date.strftime("%d %b %Y").encode() in data
    assert granted.office.name.encode() in data
    url = f"https://pravasi.example.gov.in/verify/clearance/?number={urllib.parse.quote(granted.emigration_number, safe='')}"
    assert verify_url(granted.emigration_number) == url
    assert "%2F" in url
    assert url.encode() in data
    assert b"EXPIRED" not in data


def test_compressed_pdf_is_still_a_pdf(world):
    granted = services.application_grant(actor=world.poe, application_id=submitted_ec(world).id)
    data = ec_pdf(granted)
    assert data.startswith(b"%PDF-") and b"/FlateDecode" in data


def test_an_application_not_granted_has_no_e_ec(world):
    application = submitted_ec(world)
    with pytest.raises(Conflict):
        ec_pdf(application)


def test_masking_keeps_only_the_last_four_characters():
    assert masked_passport("M7654321") == "****4321"
    assert masked_passport(" K1000001 ") == "****0001"
    assert masked_passport("1234") == "****"
    assert masked_passport("") == ""
    assert initials("Rajesh", "Kumar") == "R. K."
    assert initials("anitha", "") == "A."

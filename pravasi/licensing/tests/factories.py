"""Ready-made licensing inputs and records: an RC application as the public form sends it, files, and
shortcuts to an application or a certificate in a given state (through the real services)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pravasi.accounts.models import Office
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.licensing import services
from pravasi.licensing.models import Application, ApplicationKind, Licence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
_seq = itertools.count(1)


def pdf(name: str = "document.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def rc_files() -> dict:
    return {f"document_{k}": pdf(f"{k}.pdf") for k in ("incorporation", "premises", "identity", "bank_guarantee", "fee_receipt")}


def rc_data(**overrides) -> dict:
    n = next(_seq)
    today = timezone.localdate()
    data = {
        "organisation_name": f"Kerala Overseas Manpower {n} Pvt Ltd",
        "legal_form": "COMPANY",
        "company_registration": f"U74140KL2019PTC0{n:05d}",
        "premises_address": "TC 25/1234, Statue Road",
        "premises_state": "IN-KL",
        "premises_city": "Thiruvananthapuram",
        "premises_pin": "695001",
        "director_1_name": "Suresh Nair",
        "director_1_capacity": "DIRECTOR",
        "director_1_din": "01234567",
        "security_track": "FULL",
        "bank_code": "SBIN",
        "bank_guarantee_number": f"BG{today.year}{n:06d}",
        "bank_guarantee_amount": "5000000",
        "bank_guarantee_valid_from": today.isoformat(),
        "bank_guarantee_valid_to": (today + timedelta(days=365 * 9)).isoformat(),
        "fee_amount": "25000",
        "fee_reference": f"CHALLAN-{n:06d}",
        "fee_paid_date": today.isoformat(),
        "contact_name": "Suresh Nair",
        "contact_email": f"suresh{n}@kom.example.in",
        "contact_mobile": f"+9194470{n:05d}",
        "password": "a-long-Applicant-passphrase-7",
    }
    data.update(overrides)
    return data


def offices() -> dict[str, Office]:
    """The PoE for Kerala, the PGE and the Mission in Abu Dhabi (created once per test)."""
    found = {o.kind: o for o in Office.objects.filter(code__in=["T-POE", "T-PGE", "T-MSN"])}
    return {
        "poe": found.get(OfficeKind.POE) or office_for(OfficeKind.POE, code="T-POE", email="poe.tvm@example.gov.in"),
        "pge": found.get(OfficeKind.PGE) or office_for(OfficeKind.PGE, code="T-PGE"),
        "mission": found.get(OfficeKind.MISSION) or office_for(OfficeKind.MISSION, code="T-MSN"),
    }


def officials() -> dict:
    o = offices()
    return {
        "poe": user_with_role(Role.POE_OFFICER, office=o["poe"]),
        "pge": user_with_role(Role.PGE_OFFICER, office=o["pge"]),
        "mission": user_with_role(Role.MISSION_OFFICER, office=o["mission"]),
    }


def submitted_rc(**overrides) -> tuple[Application, object]:
    """A new-certificate application from the public site; returns it and the applicant user."""
    offices()
    application = services.application_submit(actor=None, kind=ApplicationKind.RC_NEW, data=rc_data(**overrides), files=rc_files())
    return application, application.submitted_by


def scrutinised(application: Application, poe) -> Application:
    services.application_take_up(actor=poe, application_id=application.id)
    services.application_scrutiny_record(
        actor=poe, application_id=application.id, checklist=dict.fromkeys(services.CHECKLIST, True), inspection_report="Premises inspected: 400 sq ft, records kept.", police_report="CLEAR"
    )
    return Application.objects.get(id=application.id)


def granted_rc(people: dict | None = None, **overrides) -> tuple[Licence, object]:
    people = people or officials()
    application, applicant = submitted_rc(**overrides)
    scrutinised(application, people["poe"])
    services.application_forward(actor=people["poe"], application_id=application.id)
    granted = services.application_grant(actor=people["pge"], application_id=application.id, note="Granted.")
    return granted.licence, applicant

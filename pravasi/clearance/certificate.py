"""The electronic emigration clearance (e-EC): one A4 page with the emigration number, the emigrant, the
job, the validity and the granting office, and a QR code that opens the public verification page.

The passport number is printed masked: the paper travels through many hands, and the border check
reads the passport itself. The text is in English and ASCII (see pravasi.core.pdf).
"""

from __future__ import annotations

import urllib.parse
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pravasi.audit.services import audit_record, pii_access_record
from pravasi.core import geography
from pravasi.core import pdf as pages
from pravasi.core.errors import Conflict
from pravasi.registry.models import Passport

from . import selectors
from .models import ClearanceApplication, ClearanceStatus

TITLE = "Emigration Clearance (e-EC)"
ACT = "Emigration Act 1983, section 22"
VISIBLE_PASSPORT_CHARACTERS = 4


def verify_url(emigration_number: str) -> str:
    return f"{settings.PRAVASI_PUBLIC_URL}/verify/clearance/?number={urllib.parse.quote(emigration_number, safe='')}"


def masked_passport(number: str) -> str:
    """Every character but the last four replaced, so the holder recognises it and a finder learns little."""
    number = (number or "").strip()
    if not number:
        return ""
    shown = number[-VISIBLE_PASSPORT_CHARACTERS:] if len(number) > VISIBLE_PASSPORT_CHARACTERS else ""
    return "*" * (len(number) - len(shown)) + shown


def initials(given_name: str, family_name: str) -> str:
    """'Rajesh Kumar' -> 'R. K.': enough for a holder to recognise, too little to identify a stranger."""
    parts = f"{given_name or ''} {family_name or ''}".split()
    return " ".join(f"{part[0].upper()}." for part in parts)


def passport_of(application: ClearanceApplication) -> Passport | None:
    """The passport the clearance was granted for: the person's current one when it is the same passport,
    else the earlier record of it (the person may have renewed since)."""
    held = application.person.passports.filter(number_index=application.passport_index)
    current = next((p for p in held if p.is_current), None)
    return current or held.order_by("-created_at").first()


def granted_on(application: ClearanceApplication) -> date | None:
    return timezone.localdate(application.decided_at) if application.decided_at else None


def is_valid_today(application: ClearanceApplication, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return application.status == ClearanceStatus.GRANTED and application.valid_to_date is not None and application.valid_to_date >= today


def ec_pdf(application: ClearanceApplication, *, compress: bool = True) -> bytes:
    """The e-EC as PDF bytes. Only a granted application has one. `compress=False` leaves the text readable."""
    if application.status != ClearanceStatus.GRANTED or not application.emigration_number:
        raise Conflict(_("An e-EC exists only for a granted clearance."), code="not_granted")
    today = timezone.localdate()
    number = application.emigration_number
    url = verify_url(number)
    office = application.office
    stamp = "" if is_valid_today(application, today) else "EXPIRED"
    passport = passport_of(application)
    with translation.override("en"):
        country = geography.country_name(application.destination_country)

    pdf = pages.new_document(title=f"{TITLE} - {ACT} - {number}", author=office.name, compress=compress)
    pages.draw_heading(pdf, issuer=f"Protector of Emigrants, {office.name}", title=TITLE, subtitle=ACT, number=number)
    pages.draw_stamp(pdf, stamp)
    pages.draw_rows(
        pdf,
        [
            ("Emigration number", number),
            ("Emigrant", application.person.full_name),
            ("Passport number", masked_passport(passport.number) if passport else "Not on record"),
            ("Destination", country),
            ("Employer", application.employer_name),
            ("Occupation (ISCO-08)", application.occupation),
            ("Contract", f"{application.contract_months} months"),
            ("Valid until", pages.day(application.valid_to_date)),
            ("Granted by", office.name),
            ("Granted on", pages.day(granted_on(application))),
            ("Status", "Expired" if stamp else "Valid"),
        ],
    )
    pages.draw_verification(
        pdf,
        url=url,
        heading="Check this clearance before you rely on it.",
        explanation="Scan the code or open the address below. The verification page shows whether the clearance is valid today, and for which destination and employer.",
    )
    pages.draw_footer(pdf, printed_on=today)
    return pages.output(pdf)


@transaction.atomic
def ec_download(*, actor, application_id, source_ip=None) -> tuple[ClearanceApplication, bytes]:
    """The e-EC for someone who may see the application (the emigrant, the applicant agency, the
    officials). Anyone but the emigrant leaves a personal-data access entry, which the emigrant sees."""
    application = selectors.application_for(actor=actor, application_id=application_id)
    data = ec_pdf(application)
    audit_record(actor=actor, action="clearance.ec_downloaded", target=application, source_ip=source_ip)
    if application.person.user_id != getattr(actor, "id", None):
        pii_access_record(actor=actor, person_id=application.person_id, purpose="E_EC", source_ip=source_ip)
    return application, data

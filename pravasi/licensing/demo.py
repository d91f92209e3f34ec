"""Demo licensing data for `make run`: agents in every state of the certificate's life, registered
and blacklisted employers, an accredited exporter, an insurer and notified illegal agents.

Everything goes through the real services, so timelines, audit events and outbox messages exist too.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pravasi.accounts.models import Office, Organisation, User

from . import services
from .models import Application, ApplicationKind, Licence, LicenceKind

DEMO_PDF = b"%PDF-1.4\n% Pravasi demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RC_DOCUMENTS = ("incorporation", "premises", "identity", "bank_guarantee", "fee_receipt")
# (name, state, city, where it stops). Only Kerala has a demo PoE officer, so agents that need a PoE step are in Kerala.
AGENTS = [
    ("Kerala Gulf Manpower Consultants", "IN-KL", "Kochi", "SUBMITTED"),
    ("Travancore Careers Abroad", "IN-KL", "Kollam", "SCRUTINY"),
    ("Malabar Coast Placements", "IN-KL", "Kozhikode", "DEFICIENCY"),
    ("Thrissur Overseas Services", "IN-KL", "Thrissur", "FORWARDED"),
    ("Sahyadri Job Links", "IN-KL", "Palakkad", "REFUSED"),
    ("Deccan Overseas Employment", "IN-KL", "Kottayam", "SUSPENDED"),
    ("Ganga Global Recruiters", "IN-KL", "Alappuzha", "CANCELLED"),
    ("Old Cochin Agencies", "IN-KL", "Ernakulam", "EXPIRED"),
    ("ODEPC (Overseas Development and Employment Promotion Consultants)", "IN-KL", "Thiruvananthapuram", "STATE_RUN"),
    ("Konkan Overseas Manpower", "IN-MH", "Mumbai", "SUBMITTED"),
    ("Awadh Manpower Services", "IN-UP", "Lucknow", "SUBMITTED"),
]
BLACKLIST = [
    ("Desert Rose Cleaning Services", "AE", "Sharjah", "Wages unpaid for five months to 38 workers; passports withheld.", 400),
    ("Al Noor Domestic Labour Office", "SA", "Riyadh", "Repeated complaints of domestic workers confined and unpaid.", 900),
    ("Gulf Horizon Contracting", "KW", "Farwaniya", "Abandoned a labour camp of 120 workers without food or return tickets.", 150),
]
ILLEGAL_AGENTS = [
    ("Fly High Visa Services", "IN-UP", "Lucknow", "PGE/IA/2024/311"),
    ("Golden Gulf Job Placement", "IN-KL", "Malappuram", "PGE/IA/2024/118"),
    ("Sky Way Overseas (unregistered)", "IN-MH", "Mumbai", "PGE/IA/2025/042"),
]


def _files(names) -> dict:
    return {f"document_{n}": SimpleUploadedFile(f"{n}.pdf", DEMO_PDF, content_type="application/pdf") for n in names}


def _rc_data(i: int, name: str, state: str, city: str) -> dict:
    today = timezone.localdate()
    return {
        "organisation_name": name,
        "legal_form": "STATE_AGENCY" if name.startswith("ODEPC") else "COMPANY",
        "company_registration": f"U74999{state[-2:]}2015PTC{10000 + i}",
        "premises_address": f"{10 + i}/{200 + i} Main Road",
        "premises_state": state,
        "premises_city": city,
        "premises_pin": "682011" if state == "IN-KL" else ("400001" if state == "IN-MH" else "226001"),
        "director_1_name": ["Suresh Nair", "Mary Thomas", "Abdul Rasheed", "Lakshmi Menon"][i % 4],
        "director_1_capacity": "DIRECTOR",
        "security_track": "FULL",
        "bank_code": ["SBIN", "FDRL", "CNRB", "SIBL"][i % 4],
        "bank_guarantee_number": f"BG/DEMO/{today.year}/{i:04d}",
        "bank_guarantee_amount": "5000000",
        "bank_guarantee_valid_from": today.isoformat(),
        "bank_guarantee_valid_to": (today + timedelta(days=365 * 9)).isoformat(),
        "fee_amount": "25000",
        "fee_reference": f"CHALLAN/DEMO/{i:05d}",
        "fee_paid_date": today.isoformat(),
        "contact_name": "Demo Contact",
        "contact_email": f"agent{i}@demo.pravasi.example",
        "contact_mobile": f"+9194460{i:05d}",
        "password": "pravasi-demo-2026",
    }


def _grant(application: Application, poe, pge, **grant) -> Licence:
    _scrutinise(application, poe)
    services.application_forward(actor=poe, application_id=application.id, note="Premises and papers in order.")
    return services.application_grant(actor=pge, application_id=application.id, note="Granted.", **grant).licence


def _scrutinise(application: Application, poe) -> None:
    services.application_take_up(actor=poe, application_id=application.id)
    services.application_scrutiny_record(
        actor=poe, application_id=application.id, checklist=dict.fromkeys(services.CHECKLIST, True), inspection_report="Office of 450 sq ft with interview room and records.", police_report="CLEAR"
    )


def seed_licensing_demo(*, organisations: dict[str, Organisation]) -> None:
    if Licence.objects.exists():
        return
    poe = User.objects.get(username="poe.tvm")
    pge = User.objects.get(username="pge.officer")
    mission = User.objects.get(username="mission.auh")
    today = timezone.localdate()

    # The demo agent (ra.staff) holds an active certificate that is due for renewal, with a branch awaiting approval.
    ra_org = organisations["RA"]
    ra_user = User.objects.get(username="ra.staff")
    own = services.application_submit(actor=ra_user, kind=ApplicationKind.RC_NEW, data=_rc_data(0, ra_org.name, "IN-KL", "Thiruvananthapuram"), files=_files(RC_DOCUMENTS))
    licence = _grant(own, poe, pge)
    Licence.objects.filter(id=licence.id).update(valid_from_date=today - timedelta(days=5 * 365 - 100), valid_to_date=today + timedelta(days=100))
    services.branch_apply(actor=ra_user, licence_id=licence.id, data={"address": "2nd floor, Bank Road", "state": "IN-KL", "city": "Kannur"})

    for i, (name, state, city, stop) in enumerate(AGENTS, start=1):
        application = services.application_submit(actor=None, kind=ApplicationKind.RC_NEW, data=_rc_data(i, name, state, city), files=_files(RC_DOCUMENTS))
        if stop == "SUBMITTED":
            continue
        if stop == "SCRUTINY":
            services.application_take_up(actor=poe, application_id=application.id)
        elif stop == "DEFICIENCY":
            services.application_take_up(actor=poe, application_id=application.id)
            services.application_deficiency(actor=poe, application_id=application.id, note="The premises proof is a rent receipt. Upload the registered lease deed.")
        elif stop == "FORWARDED":
            _scrutinise(application, poe)
            services.application_forward(actor=poe, application_id=application.id, note="Recommended for grant.")
        elif stop == "REFUSED":
            _scrutinise(application, poe)
            services.application_forward(actor=poe, application_id=application.id)
            services.application_refuse(actor=pge, application_id=application.id, reasons="The police character report on the managing director is adverse (pending case of cheating).")
        else:
            granted = _grant(application, poe, pge, is_state_run=stop == "STATE_RUN")
            if stop == "SUSPENDED":
                services.licence_suspend(actor=pge, licence_id=granted.id, ground="14_1_C", order_text="Eleven workers complained of service charges above the cap; suspended pending inquiry.")
            elif stop == "CANCELLED":
                services.licence_cancel(actor=pge, licence_id=granted.id, ground="14_1_B", order_text="The premises lease submitted with the application was found forged on inquiry.")
            elif stop == "EXPIRED":
                Licence.objects.filter(id=granted.id).update(valid_from_date=today - timedelta(days=5 * 365 + 10), valid_to_date=today - timedelta(days=10))
                services.licences_expire(today=today)

    # A registered employer (the demo fe.staff's company), decided by the Mission in Abu Dhabi.
    fe_user = User.objects.get(username="fe.staff")
    fe_app = services.application_submit(
        actor=fe_user,
        kind=ApplicationKind.FE_REGISTRATION,
        data={"organisation_name": organisations["FE"].name, "employer_type": "COMPANY", "country": "AE", "employer_address": "Plot 14, Mussafah Industrial Area, Abu Dhabi", "company_registration": "CN-1002345"},
        files=_files(["employer_licence"]),
    )
    services.application_take_up(actor=mission, application_id=fe_app.id)
    services.application_grant(actor=mission, application_id=fe_app.id, note="Trade licence verified; site visited.")

    # The demo project exporter, accredited by the PGE.
    pe_user = User.objects.get(username="pe.staff")
    pe_app = services.application_submit(
        actor=pe_user,
        kind=ApplicationKind.PE_ACCREDITATION,
        data={
            "organisation_name": organisations["PE"].name,
            "legal_form": "COMPANY",
            "company_registration": "L45200MH1990PLC055555",
            "premises_address": "Bharat House, Nariman Point",
            "premises_state": "IN-MH",
            "premises_city": "Mumbai",
            "premises_pin": "400021",
            "project_description": "Construction of the Al Dhafra water pipeline (UAE), 2026-2029, about 600 workers.",
            "director_1_name": "Rajesh Patil",
            "director_1_capacity": "DIRECTOR",
        },
        files=_files(["incorporation", "project"]),
    )
    services.application_take_up(actor=pge, application_id=pe_app.id)
    services.application_grant(actor=pge, application_id=pe_app.id, note="Project contract verified.")

    # The demo insurer's registration.
    Licence.objects.create(kind=LicenceKind.INSURER, number=services.licence_number(LicenceKind.INSURER), organisation=organisations["INSURER"], valid_from_date=today - timedelta(days=800), granted_by=pge)

    mission_office = Office.objects.get(code="MSN-AUH")
    for name, country, city, reasons, days_ago in BLACKLIST:
        actor = mission if country in mission_office.countries else pge
        services.blacklist_add(actor=actor, data={"name": name, "country": country, "city": city, "reasons": reasons, "listed_date": (today - timedelta(days=days_ago)).isoformat()})
    for name, state, city, reference in ILLEGAL_AGENTS:
        services.illegal_agent_notify(actor=pge, data={"name": name, "state": state, "city": city, "notified_date": (today - timedelta(days=200)).isoformat(), "notification_reference": reference})

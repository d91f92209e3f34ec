"""Demo clearance data for `make run`: an open demand, the demo emigrant's granted clearance (her e-EC is
in her profile), applications waiting in the Thiruvananthapuram PoE queue, PBBY policies, and a
Bureau of Immigration client for the exit check. Everything goes through the real services."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pravasi.accounts.models import ApiClient, User
from pravasi.registry.models import Person

from . import services
from .models import ClearanceApplication

DEMO_PDF = b"%PDF-1.4\n% Pravasi demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A fixed demo key so the exit check can be tried from the API docs page (never in production).
DEMO_EXIT_CHECK_KEY = ("demoboi", "demo-exit-check-key")
WORKERS = [
    ("Shibu", "Thomas", "M", "1988-07-02", "N2231405", "20000"),
    ("Reshma", "Nair", "F", "1990-11-20", "N7741209", "25000"),  # a woman with an ECR passport through a private agent: not eligible
    ("Abdul", "Rasheed", "M", "1985-02-14", "P1120456", "45000"),  # a service charge above the cap: not eligible
]


def _files() -> dict:
    kinds = ["contract", "visa", "passport", "photo", "demand_letter", "service_charge_receipt"]
    return {f"document_{k}": SimpleUploadedFile(f"{k}.pdf", DEMO_PDF, content_type="application/pdf") for k in kinds}


def seed_clearance_demo() -> str:
    """Returns the demo exit-check key to print (empty when the demo data was there already)."""
    if ClearanceApplication.objects.exists():
        return ""
    today = timezone.localdate()
    fe, ra, poe, insurer = (User.objects.get(username=u) for u in ("fe.staff", "ra.staff", "poe.tvm", "insurer.staff"))
    rc = ra.memberships.get().organisation.licences.get(kind="RC")
    demand = services.demand_raise(
        actor=fe,
        data={
            "worksite": "Mussafah Industrial Area and NMC clinics, Abu Dhabi",
            "contract_months": "24",
            "food": "on",
            "housing": "on",
            "transport": "on",
            "agents": rc.number,
            "position_1_occupation": "3221",
            "position_1_title": "Staff nurse",
            "position_1_count": "10",
            "position_1_monthly_wage": "6000",
            "position_1_currency": "AED",
            "position_2_occupation": "9313",
            "position_2_title": "Construction helper",
            "position_2_count": "40",
            "position_2_monthly_wage": "1200",
            "position_2_currency": "AED",
        },
    )
    nurse, helper = demand.positions.order_by("created_at")
    departure = (today + timedelta(days=30)).isoformat()

    # The demo emigrant (Anitha, a nurse with passport T4821907) gets her clearance.
    anitha = Person.objects.get(user__username="emigrant")
    passport = anitha.passports.get(is_current=True)
    anitha_facts = {
        "given_name": anitha.given_name,
        "family_name": anitha.family_name,
        "sex": anitha.sex,
        "date_of_birth": anitha.date_of_birth.isoformat(),
        "state_of_origin": anitha.state_of_origin,
        "passport_number": passport.number,
        "issue_date": passport.issue_date.isoformat(),
        "expiry_date": passport.expiry_date.isoformat(),
    }
    policy = services.pbby_issue(actor=insurer, data={**anitha_facts, "period_years": "3", "valid_from_date": today.isoformat()})
    application = services.application_submit(
        actor=ra,
        route="RA",
        data={**anitha_facts, "demand_reference": demand.reference, "position": str(nurse.id), "departure_date": departure, "service_charge_inr": "15000", "service_charge_receipt": "MOR/2026/0412", "pbby_policy_number": policy.number},
        files=_files(),
    )
    services.application_grant(actor=poe, application_id=application.id)

    # Workers waiting in the PoE queue.
    for i, (given, family, sex, born, number, charge) in enumerate(WORKERS):
        facts = {
            "given_name": given,
            "family_name": family,
            "sex": sex,
            "date_of_birth": born,
            "state_of_origin": "IN-KL",
            "mobile": f"+91944700{i:04d}",
            "passport_number": number,
            "issue_date": (today - timedelta(days=900)).isoformat(),
            "expiry_date": (today + timedelta(days=2500)).isoformat(),
            "place_of_issue": "Kochi",
            "is_ecr": "yes",
        }
        policy = services.pbby_issue(actor=insurer, data={**facts, "period_years": "3", "valid_from_date": today.isoformat()})
        services.application_submit(
            actor=ra,
            route="RA",
            data={**facts, "demand_reference": demand.reference, "position": str(helper.id), "departure_date": departure, "service_charge_inr": charge, "service_charge_receipt": f"MOR/2026/05{i:02d}", "pbby_policy_number": policy.number},
            files=_files(),
        )

    prefix, secret = DEMO_EXIT_CHECK_KEY
    ApiClient.objects.get_or_create(key_prefix=prefix, defaults={"name": "Bureau of Immigration (demo)", "scopes": ["exit_check"], "key_hash": hashlib.sha256(secret.encode()).hexdigest()})
    return f"{prefix}.{secret}"

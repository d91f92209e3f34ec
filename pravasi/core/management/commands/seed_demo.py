"""Demo data for `make run`: offices, one user per role, a small registry. Idempotent; prints the logins."""

from __future__ import annotations

import base64
import random
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.accounts.models import Membership, Office, Organisation, User
from pravasi.accounts.roles import OfficeKind, OrganisationKind, Role
from pravasi.cases.demo import ANITHA_MOBILE, seed_cases_demo
from pravasi.clearance.demo import DEMO_EXIT_CHECK_KEY, seed_clearance_demo
from pravasi.crisis.demo import seed_crisis_demo
from pravasi.licensing.demo import seed_licensing_demo
from pravasi.registry.models import ConsentPurpose, ConsentRecord, Person
from pravasi.registry.services import emergency_contact_add, passport_record, person_register, person_update_section

DEMO_PASSWORD = "pravasi-demo-2026"  # noqa: S105 (demo data for the local set-up only)
# A fixed demo key so demo officials can add Pravasi to any authenticator app (never in production).
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"

OFFICES = [
    ("PGE", OfficeKind.PGE, "Protector General of Emigrants, New Delhi", [], []),
    ("POE-TVM", OfficeKind.POE, "Protector of Emigrants, Thiruvananthapuram", ["IN-KL"], []),
    ("POE-MUM", OfficeKind.POE, "Protector of Emigrants, Mumbai", ["IN-MH", "IN-GA"], []),
    ("POE-LKO", OfficeKind.POE, "Protector of Emigrants, Lucknow", ["IN-UP", "IN-UK"], []),
    ("MSN-AUH", OfficeKind.MISSION, "Embassy of India, Abu Dhabi", [], ["AE"]),
    ("MSN-RUH", OfficeKind.MISSION, "Embassy of India, Riyadh", [], ["SA"]),
    ("MSN-KWI", OfficeKind.MISSION, "Embassy of India, Kuwait", [], ["KW"]),
    ("OWRC", OfficeKind.OWRC, "Overseas Workers Resource Centre, New Delhi", [], []),
]
ORGANISATIONS = [
    ("RA", OrganisationKind.RA, "Malabar Overseas Recruiters Pvt Ltd", "IN"),
    ("FE", OrganisationKind.FE, "Gulf Coast Contracting LLC", "AE"),
    ("PE", OrganisationKind.PE, "Bharat Infra Projects Ltd", "IN"),
    ("INSURER", OrganisationKind.INSURER, "New India Assurance (PBBY desk)", "IN"),
    ("PARTNER", OrganisationKind.PARTNER, "International Organization for Migration, India", "IN"),
]
USERS = [
    ("emigrant", Role.EMIGRANT, None),
    ("ra.staff", Role.RA_STAFF, "RA"),
    ("fe.staff", Role.FE_STAFF, "FE"),
    ("pe.staff", Role.PE_STAFF, "PE"),
    ("insurer.staff", Role.INSURER_STAFF, "INSURER"),
    ("partner.analyst", Role.PARTNER_ANALYST, "PARTNER"),
    ("poe.tvm", Role.POE_OFFICER, "POE-TVM"),
    ("pge.officer", Role.PGE_OFFICER, "PGE"),
    ("mission.auh", Role.MISSION_OFFICER, "MSN-AUH"),
    ("owrc.agent", Role.OWRC_AGENT, "OWRC"),
    ("admin", Role.ADMINISTRATOR, None),
]
GIVEN_M = ["Mohammed", "Rajesh", "Suresh", "Anil", "Shibu", "Abdul", "Ravi", "Joseph", "Vinod", "Ramesh", "Sree Kumar", "Manoj"]
GIVEN_F = ["Lakshmi", "Mary", "Fathima", "Anitha", "Priya", "Sunitha", "Beena", "Shameena", "Reshma", "Divya"]
FAMILY = ["Nair", "Kumar", "Pillai", "Thomas", "Khan", "Varghese", "Menon", "Yadav", "Shaikh", "Patil", "Singh", "Abraham"]
PLACES = {"AE": ["Dubai", "Abu Dhabi", "Sharjah"], "SA": ["Riyadh", "Jeddah", "Dammam"], "KW": ["Kuwait City", "Farwaniya"], "QA": ["Doha"]}
STATES = ["IN-KL", "IN-KL", "IN-KL", "IN-UP", "IN-MH", "IN-TN", "IN-BR", "IN-GA"]


class Command(BaseCommand):
    help = "Load demo offices, users (one per role) and a small registry; safe to run again."

    def handle(self, *args, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("Demo data is for the embedded development set-up (DJANGO_DEBUG=true).")
        with transaction.atomic():
            created = self._seed()
            organisations = {code: Organisation.objects.get(kind=kind, name=name) for code, kind, name, _country in ORGANISATIONS}
            seed_licensing_demo(organisations=organisations)
            seed_clearance_demo()
            case_number = seed_cases_demo()
            crisis = seed_crisis_demo()
        self.stdout.write(("Demo data loaded." if created else "Demo data already present: nothing changed.") + "\n")
        self._print_logins()
        self.stdout.write(f"Demo case {case_number}: follow it at /case/ with the mobile {ANITHA_MOBILE}; the one-time code is in the outbox (/workspace/outbox/, as admin).\n")
        self.stdout.write(f"Demo crisis {crisis.reference}: the public advisory is at /crisis/{crisis.reference}/ and its alerts as CAP 1.2 are listed at /crisis/cap.atom.\n")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow outside debug mode (tests)")

    def _seed(self) -> bool:
        if Office.objects.filter(code="PGE").exists():
            return False
        offices = {code: Office.objects.create(code=code, kind=kind, name=name, states=states, countries=countries) for code, kind, name, states, countries in OFFICES}
        orgs = {code: Organisation.objects.create(kind=kind, name=name, country=country) for code, kind, name, country in ORGANISATIONS}
        for username, role, body in USERS:
            user = User(username=username, display_name=username.replace(".", " ").title(), contact_confirmed_at=timezone.now(), is_staff=role == Role.ADMINISTRATOR)
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.create(user=user, role=role, office=offices.get(body or ""), organisation=orgs.get(body or ""))
            if role != Role.EMIGRANT:
                TOTPDevice.objects.create(user=user, name="Demo authenticator", key=DEMO_TOTP_HEX, confirmed=True)
        self._seed_registry(offices, User.objects.get(username="emigrant"))
        return True

    def _seed_registry(self, offices, emigrant_user) -> None:
        rng = random.Random(2026)
        mission = offices["MSN-AUH"]
        officer = User.objects.get(username="pge.officer")
        me = person_register(
            actor=emigrant_user,
            user=emigrant_user,
            data={
                "given_name": "Anitha",
                "family_name": "Varghese",
                "sex": "F",
                "date_of_birth": "1991-03-14",
                "state_of_origin": "IN-KL",
                "residence_country": "AE",
                "residence_region": "Dubai",
                "mobile": "+971501234567",
            },
            consents=[ConsentPurpose.CRISIS_CONTACT, ConsentPurpose.SERVICE_NOTIFICATIONS],
        )
        person_update_section(
            actor=emigrant_user,
            person=me,
            section="about",
            data={
                "given_name": "Anitha",
                "family_name": "Varghese",
                "sex": "F",
                "date_of_birth": "1991-03-14",
                "state_of_origin": "IN-KL",
                "district_of_origin": "Kottayam",
                "education": "DIPLOMA",
                "occupation_isco": "3221",
                "skills": "Nursing, elder care",
                "preferred_language": "ml",
            },
        )
        passport_record(actor=emigrant_user, person=me, data={"passport_number": "T4821907", "issue_date": "2019-06-02", "expiry_date": "2029-06-01", "place_of_issue": "Kochi"})
        emergency_contact_add(actor=emigrant_user, person=me, data={"name": "Thomas Varghese", "relation": "Father", "where": "INDIA", "phone": "+919847012345"})
        today = timezone.localdate()
        for i in range(48):
            sex = rng.choice("MMMF")
            given = rng.choice(GIVEN_F if sex == "F" else GIVEN_M)
            country = rng.choice(["AE", "AE", "SA", "KW", "QA"])
            dob = date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
            person = person_register(
                actor=officer,
                office=mission,
                method=ConsentRecord.Method.IMPORT,
                data={
                    "given_name": given,
                    "family_name": rng.choice(FAMILY),
                    "sex": sex,
                    "date_of_birth": dob.isoformat(),
                    "state_of_origin": rng.choice(STATES),
                    "residence_country": country,
                    "residence_region": rng.choice(PLACES[country]),
                    "residence_since_date": (today - timedelta(days=rng.randint(30, 3000))).isoformat(),
                    "mobile": f"+97150{rng.randint(1000000, 9999999)}" if country == "AE" else "",
                    "email": f"worker{i}@example.org",
                },
                consents=[ConsentPurpose.CRISIS_CONTACT],
            )
            if rng.random() < 0.15:
                Person.objects.filter(id=person.id).update(vuln_chronic_illness=True)
            if rng.random() < 0.6:
                passport_record(
                    actor=officer,
                    person=person,
                    data={"passport_number": f"{rng.choice('JKLMNPRSTUVWZ')}{rng.randint(1000000, 9999999)}", "issue_date": "2018-01-10", "expiry_date": "2028-01-09", "is_ecr": rng.random() < 0.5},
                )

    def _print_logins(self) -> None:
        key = base64.b32encode(bytes.fromhex(DEMO_TOTP_HEX)).decode().rstrip("=")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, role, _body in USERS:
            self.stdout.write(f"  {Role(role).label:<26} {username}")
        self.stdout.write(f"Officials and partners are asked for a TOTP code: add the key {key} to an authenticator app,")
        self.stdout.write("or run `.venv/bin/python manage.py demo_totp` for the current code.")
        self.stdout.write(f"Exit check (Bureau of Immigration) demo API key: Api-Key {'.'.join(DEMO_EXIT_CHECK_KEY)}\n")

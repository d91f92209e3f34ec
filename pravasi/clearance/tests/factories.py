"""A small world for clearance tests: Kerala PoE, PGE, the Abu Dhabi Mission, an agent with an active
certificate, a registered employer in the UAE with an open demand naming the agent, and an insurer.
Everything is made through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.clearance import services
from pravasi.clearance.models import ClearanceApplication, Demand
from pravasi.licensing import services as licensing
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.licensing.tests.factories import granted_rc, officials, pdf

_seq = itertools.count(1)


@dataclass
class World:
    poe: object
    pge: object
    mission: object
    agent: object  # an RA staff user
    rc: Licence
    employer_user: object
    employer: Organisation
    insurer_user: object
    insurer: Organisation
    demand: Demand


def ec_files(with_receipt: bool = True, with_demand: bool = True) -> dict:
    kinds = ["contract", "visa", "passport", "photo"] + (["service_charge_receipt"] if with_receipt else []) + (["demand_letter"] if with_demand else [])
    return {f"document_{k}": pdf(f"{k}.pdf") for k in kinds}


def make_world(*, positions: int = 5, occupation: str = "9313", wage: str = "1500", currency: str = "AED", country: str = "AE") -> World:
    people = officials()
    rc, agent = granted_rc(people)
    employer_user = user_with_role(Role.FE_STAFF, organisation=Organisation.objects.create(kind=OrganisationKind.FE, name=f"Gulf Builders {next(_seq)} LLC", country=country))
    employer = employer_user.memberships.get().organisation
    Licence.objects.create(kind=LicenceKind.FE, number=licensing.licence_number(LicenceKind.FE, country=country), organisation=employer, office=people["mission"].memberships.get().office, valid_from_date=timezone.localdate())
    insurer_user = user_with_role(Role.INSURER_STAFF, organisation=Organisation.objects.create(kind=OrganisationKind.INSURER, name=f"Suraksha Insurance {next(_seq)}", registration_number="IRDAI99"))
    insurer = insurer_user.memberships.get().organisation
    Licence.objects.create(kind=LicenceKind.INSURER, number=licensing.licence_number(LicenceKind.INSURER), organisation=insurer, valid_from_date=timezone.localdate() - timedelta(days=10))
    demand = services.demand_raise(
        actor=employer_user,
        data={
            "worksite": "Musaffah, Abu Dhabi",
            "contract_months": "24",
            "food": "on",
            "housing": "on",
            "agents": rc.number,
            "position_1_occupation": occupation,
            "position_1_title": "Construction labourer",
            "position_1_count": str(positions),
            "position_1_monthly_wage": wage,
            "position_1_currency": currency,
        },
    )
    return World(poe=people["poe"], pge=people["pge"], mission=people["mission"], agent=agent, rc=rc, employer_user=employer_user, employer=employer, insurer_user=insurer_user, insurer=insurer, demand=demand)


def worker(**overrides) -> dict:
    n = next(_seq)
    today = timezone.localdate()
    data = {
        "given_name": "Rajesh",
        "family_name": "Kumar",
        "sex": "M",
        "date_of_birth": "1990-04-12",
        "state_of_origin": "IN-KL",
        "mobile": f"+9194471{n:05d}",
        "passport_number": f"M{4000000 + n:07d}",
        "issue_date": (today - timedelta(days=700)).isoformat(),
        "expiry_date": (today + timedelta(days=3000)).isoformat(),
        "place_of_issue": "Kochi",
        "is_ecr": "yes",
    }
    data.update(overrides)
    return data


def pbby_for(world: World, person: dict, years: int = 3):
    return services.pbby_issue(actor=world.insurer_user, data={**person, "period_years": str(years), "valid_from_date": timezone.localdate().isoformat()})


def submitted_ec(world: World, *, with_policy: bool = True, **overrides) -> ClearanceApplication:
    person = worker(**{k: v for k, v in overrides.items() if k in worker()})
    policy = pbby_for(world, person) if with_policy else None
    data = {
        **person,
        "demand_reference": world.demand.reference,
        "position": str(world.demand.positions.first().id),
        "departure_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "service_charge_inr": "20000",
        "service_charge_receipt": f"RCPT-{next(_seq)}",
        "pbby_policy_number": policy.number if policy else "",
        **{k: v for k, v in overrides.items() if k not in worker()},
    }
    return services.application_submit(actor=world.agent, route="RA", data=data, files=ec_files())

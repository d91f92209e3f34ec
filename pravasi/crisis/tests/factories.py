"""Builders for the crisis tests: officials, a crisis's data, and registered persons abroad."""

from __future__ import annotations

import itertools

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.registry.models import ConsentPurpose, ConsentRecord, Person
from pravasi.registry.services import person_register

_numbers = itertools.count(1)

DUBAI = (25.2048, 55.2708)
SHARJAH = (25.3463, 55.4209)  # about 22 km from Dubai
ABU_DHABI = (24.4539, 54.3773)  # about 125 km from Dubai
# Around Dubai and Sharjah, not Abu Dhabi ([lon, lat]).
NORTHERN_EMIRATES = [[[54.9, 24.9], [55.8, 24.9], [55.8, 25.6], [54.9, 25.6], [54.9, 24.9]]]


# --- builders shared with the service tests -----------------------------------------------------------


def pge_official():
    return user_with_role(Role.PGE_OFFICER, email=f"pge{next(_numbers)}@mea.example.org")


def mission_official(countries=("AE",), office=None):
    office = office or office_for(OfficeKind.MISSION, countries=list(countries))
    return user_with_role(Role.MISSION_OFFICER, office=office, email=f"mission{next(_numbers)}@mea.example.org")


def crisis_data(**overrides) -> dict:
    data = {
        "title": "Floods in the northern emirates",
        "kind": "NATURAL_DISASTER",
        "phase": "PRECAUTIONARY",
        "countries": ["AE"],
        "advisory": "Stay indoors, keep away from wadis, and follow the instructions of the local authorities.",
        "helplines": [{"label": "Embassy 24x7", "number": "+971 2 449 2700"}],
    }
    data.update(overrides)
    return data


def register(registrar, *, at=None, consent=True, user=None, **data) -> Person:
    """A person living abroad, registered by an official (or by themself when `user` is given)."""
    n = next(_numbers)
    fields = {
        "given_name": "Ravi",
        "family_name": f"Testperson{chr(ord('a') + n % 26)}{chr(ord('a') + (n // 26) % 26)}",
        "sex": "M",
        "date_of_birth": f"19{70 + n % 25:02d}-0{1 + n % 9}-1{n % 10}",
        "state_of_origin": "IN-KL",
        "residence_country": "AE",
        "residence_region": "Dubai",
        "email": f"person{n}@example.org",
    }
    if at is not None:
        fields["latitude"], fields["longitude"] = at
    fields.update(data)
    return person_register(
        actor=user or registrar, user=user, data=fields, method=ConsentRecord.Method.WEB if user else ConsentRecord.Method.IMPORT, consents=[ConsentPurpose.CRISIS_CONTACT] if consent else []
    )


def ids(queryset) -> set:
    return set(queryset.values_list("id", flat=True))


# --- who sees which crisis ---------------------------------------------------------------------------

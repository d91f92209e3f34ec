"""Fixtures for the workspace tests: people registered through the registry services."""

from __future__ import annotations

import itertools

import pytest

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.registry.models import ConsentPurpose, ConsentRecord
from pravasi.registry.services import person_register

_numbers = itertools.count(1)


@pytest.fixture
def registrar(db):
    return user_with_role(Role.PGE_OFFICER)


@pytest.fixture
def make_person(registrar):
    """make_person(given_name=..., state_of_origin=..., residence_country=..., ...) -> Person."""

    def make(**overrides):
        n = next(_numbers)
        data = {
            "given_name": "Ravi",
            "family_name": f"Testperson{chr(ord('a') + n % 26)}{chr(ord('a') + (n // 26) % 26)}",
            "sex": "M",
            "date_of_birth": f"19{60 + n % 40:02d}-0{1 + n % 9}-1{n % 10}",
            "state_of_origin": "IN-KL",
            "residence_country": "AE",
            "residence_region": "Dubai",
            "email": f"person{n}@example.org",
        }
        data.update(overrides)
        return person_register(actor=registrar, data=data, method=ConsentRecord.Method.IMPORT, consents=[ConsentPurpose.CRISIS_CONTACT])

    return make

"""Fixtures for the public website tests: registered emigrants signed in on their own client."""

from __future__ import annotations

import pytest
from django.test import Client

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.registry.models import ConsentPurpose
from pravasi.registry.services import emergency_contact_add, passport_record, person_register
from pravasi.registry.tests.factories import ANITHA

ABOUT = ANITHA


def register_person(user, **overrides):
    data = {**ABOUT, **overrides}
    if not user.mobile and not user.email and "mobile" not in data:
        data["mobile"] = "+971501234567"
    return person_register(actor=user, user=user, data=data, consents=[ConsentPurpose.CRISIS_CONTACT])


@pytest.fixture
def emigrant(db):
    """A signed-in emigrant with a registry record, a passport and an emergency contact: (client, user, person)."""
    user = user_with_role(Role.EMIGRANT)
    person = register_person(user)
    passport_record(actor=user, person=person, data={"passport_number": "T4821907", "issue_date": "2019-06-02", "expiry_date": "2029-06-01", "place_of_issue": "Kochi"})
    emergency_contact_add(actor=user, person=person, data={"name": "Thomas Varghese", "relation": "Father", "where": "INDIA", "phone": "+919847012345"})
    client = Client()
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    person.refresh_from_db()
    return client, user, person


@pytest.fixture
def other_emigrant(db):
    user = user_with_role(Role.EMIGRANT)
    person = register_person(user, given_name="Mohammed", family_name="Shaikh", date_of_birth="1985-07-01", mobile="+966501234567", residence_country="SA", residence_region="Riyadh")
    emergency_contact_add(actor=user, person=person, data={"name": "Fathima Shaikh", "relation": "Wife", "where": "INDIA", "phone": "+919847099999"})
    client = Client()
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    return client, user, person

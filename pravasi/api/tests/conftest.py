"""Fixtures for API tests: clean throttle counters, signed-in emigrants, a small registry across jurisdictions."""

import pytest
from django.core.cache import cache
from django.test import Client

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.registry.services import emergency_contact_add, family_member_add, person_register
from pravasi.registry.tests import factories as registry_factories
from pravasi.registry.tests.factories import register_person

BACKEND = "pravasi.accounts.backends.IdentifierBackend"


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def emigrant(db):
    return user_with_role(Role.EMIGRANT)


@pytest.fixture
def emigrant_client(emigrant):
    return signed_in(emigrant)


ANITHA = {**registry_factories.ANITHA, "mobile": "+971501234567"}


@pytest.fixture
def registered(emigrant):
    """The emigrant's own record, registered through the service as the website would."""
    return person_register(actor=emigrant, user=emigrant, data=dict(ANITHA), consents=["CRISIS_CONTACT"])


@pytest.fixture
def world(db):
    """Three persons and two offices with different jurisdictions (a Mission for AE, a PoE for IN-KL)."""
    pge = user_with_role(Role.PGE_OFFICER)
    uae = register_person(pge, given_name="Sreekumar", family_name="Nair", state_of_origin="IN-KL", residence_country="AE", passport="J1111111", mobile="+971501112233")
    saudi = register_person(pge, given_name="Mohammed", family_name="Ansari", state_of_origin="IN-BR", residence_country="SA", passport="J2222222", date_of_birth="1980-01-01")
    kuwait = register_person(pge, given_name="Lakshmi", family_name="Menon", sex="F", state_of_origin="IN-KL", residence_country="KW", passport="J3333333", date_of_birth="1975-01-01")
    emergency_contact_add(actor=pge, person=uae, data={"name": "Thomas Nair", "relation": "Father", "where": "INDIA", "phone": "+919847012345"})
    family_member_add(actor=pge, person=uae, data={"name": "Meera Nair", "relation": "Daughter", "sex": "F", "date_of_birth": "2015-06-01"})
    return {
        "pge": pge,
        "uae": uae,
        "saudi": saudi,
        "kuwait": kuwait,
        "mission_office": office_for(OfficeKind.MISSION, countries=["AE"]),
        "poe_office": office_for(OfficeKind.POE, states=["IN-KL"]),
    }

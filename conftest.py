"""Fixtures shared by every test: reference data, officials per role, signed-in clients."""

import pytest

from pravasi.accounts.roles import Role


@pytest.fixture(autouse=True)
def reference_data(request):
    """Loads the policy pack and privacy notice into the test database (flushed tables included)."""
    if "django_db_setup" not in request.fixturenames and not any(m.name == "django_db" for m in request.node.iter_markers()):
        yield
        return
    # Open the test's database access first (transactional or not, as the test asked).
    request.getfixturevalue("_django_db_helper")
    from pravasi.policy.models import PolicyValue
    from pravasi.policy.services import policy_pack_load
    from pravasi.registry.services import privacy_notices_load

    if not PolicyValue.objects.exists():
        policy_pack_load(pack="india")
        privacy_notices_load()
    from pravasi.clearance.eligibility import forget_rulebooks

    forget_rulebooks()  # a test that changes policy data must not see another test's cached rules
    yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and throttles start from zero in every test, and every test starts in English
    (a request served in Hindi leaves its language active in the thread)."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def make_user(db):
    from pravasi.accounts.tests.factories import user_with_role

    return user_with_role


@pytest.fixture
def official_client(client, db):
    """Returns a function: official_client(role, **kwargs) -> (client, user), signed in and verified."""
    from pravasi.accounts.tests.factories import login_verified, user_with_role

    def make(role=Role.PGE_OFFICER, **kwargs):
        user = user_with_role(role, **kwargs)
        login_verified(client, user)
        return client, user

    return make

"""Who may open which workspace page: every page requested as every role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import login_verified, user_with_role

STAFF_ROLES = [r for r in Role if r != Role.EMIGRANT]
BROWSERS = {Role.PGE_OFFICER, Role.POE_OFFICER, Role.MISSION_OFFICER}
SEARCHERS = BROWSERS | {Role.OWRC_AGENT}
IMPORTERS = {Role.POE_OFFICER, Role.MISSION_OFFICER}

PAGES = {
    "home": (lambda p: reverse("workspace:home"), set(STAFF_ROLES)),
    "registry_search": (lambda p: reverse("workspace:registry_search"), SEARCHERS),
    "duplicates": (lambda p: reverse("workspace:duplicates"), BROWSERS),
    "imports": (lambda p: reverse("workspace:imports"), IMPORTERS),
    "import_template": (lambda p: reverse("workspace:import_template"), IMPORTERS),
    "outbox": (lambda p: reverse("workspace:outbox"), {Role.ADMINISTRATOR}),
}


def signed_in(role) -> Client:
    client = Client()
    login_verified(client, user_with_role(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page", list(PAGES))
def test_page_allowed_or_denied_by_role(role, page, make_person):
    url_for, allowed = PAGES[page]
    response = signed_in(role).get(url_for(None))
    assert response.status_code == (200 if role in allowed else 403), (page, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_person_record_by_role(role, make_person):
    # Kerala-born, living in the UAE: inside the default PoE (IN-KL) and Mission (AE) jurisdictions.
    person = make_person(state_of_origin="IN-KL", residence_country="AE")
    response = signed_in(role).get(reverse("workspace:person_detail", args=[person.id]))
    if role in SEARCHERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", ["duplicate_merge", "duplicate_dismiss", "merge_revert"])
def test_decisions_denied_to_non_officials(role, name):
    response = signed_in(role).post(reverse(f"workspace:{name}"), {})
    if role in BROWSERS:
        # Allowed in, but the empty form is refused with a message and a redirect.
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["duplicate_merge", "duplicate_dismiss", "merge_revert"])
def test_decisions_only_by_post(name):
    response = signed_in(Role.PGE_OFFICER).get(reverse(f"workspace:{name}"))
    assert response.status_code == 405


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in():
    response = Client().get(reverse("workspace:registry_search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_official_without_two_factor_is_sent_to_the_code_page():
    client = Client()
    client.force_login(user_with_role(Role.PGE_OFFICER), backend="pravasi.accounts.backends.IdentifierBackend")
    response = client.get(reverse("workspace:registry_search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


@pytest.mark.django_db
def test_emigrant_gets_403_everywhere(make_person):
    client = signed_in(Role.EMIGRANT)
    person = make_person()
    for url in [reverse("workspace:home"), reverse("workspace:registry_search"), reverse("workspace:person_detail", args=[person.id]), reverse("workspace:duplicates")]:
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_navigation_offers_only_what_the_role_may_open():
    body = signed_in(Role.OWRC_AGENT).get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:registry_search") in body
    assert reverse("workspace:duplicates") not in body
    assert reverse("workspace:imports") not in body
    assert reverse("workspace:outbox") not in body

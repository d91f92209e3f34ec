"""Staff endpoints: search and open a record, scoped to jurisdiction, with access logged."""

import pytest
from django.test import Client

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import login_verified, user_with_role
from pravasi.audit.models import PersonalDataAccess
from pravasi.audit.selectors import pii_accesses_for_person

from .conftest import BACKEND

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/registry/persons/"
SEARCH_BODY = "/api/v1/registry/persons/search/"
SUMMARY_FIELDS = {"id", "given_name", "family_name", "sex", "year_of_birth", "age", "residence_country", "residence_region", "state_of_origin", "vulnerabilities"}


def detail(person) -> str:
    return f"/api/v1/registry/persons/{person.id}/"


def verified(role, **kwargs) -> Client:
    client = Client()
    login_verified(client, user_with_role(role, **kwargs))
    return client


def found(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_identity_numbers_are_refused_in_urls(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.get(SEARCH, {"passport_number": "J1111111"})
    assert response.status_code == 400
    assert "POST /api/v1/registry/persons/search/" in response.json()["fields"]["passport_number"][0]


def test_search_by_name_returns_summaries_only(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.get(SEARCH, {"name": "Muhammad Ansari"})
    assert found(response) == {str(world["saudi"].id)}
    row = response.json()["results"][0]
    assert set(row) == SUMMARY_FIELDS
    assert row["year_of_birth"] == 1980 and row["residence_country"] == "SA" and row["state_of_origin"] == "IN-BR"
    assert response.json()["next_offset"] is None
    # A summary never carries contact details or document numbers.
    assert "J2222222" not in response.content.decode()


def test_search_filters_and_paging(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)
    assert found(client.get(SEARCH, {"state": "in-kl"})) == {str(world["uae"].id), str(world["kuwait"].id)}
    assert found(client.get(SEARCH, {"country": "KW"})) == {str(world["kuwait"].id)}
    assert found(client.get(SEARCH, {"vulnerability": "MINOR"})) == set()
    page = client.get(SEARCH, {"limit": 2}).json()
    assert len(page["results"]) == 2 and page["next_offset"] == 2
    rest = client.get(SEARCH, {"limit": 2, "offset": 2}).json()
    assert len(rest["results"]) == 1 and rest["next_offset"] is None


def test_exact_passport_and_mobile_by_query_and_by_body(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)
    assert found(client.post(SEARCH_BODY, {"passport_number": "j1111111"}, content_type="application/json")) == {str(world["uae"].id)}
    assert found(client.post(SEARCH_BODY, {"mobile": "+971 50 111 2233"}, content_type="application/json")) == {str(world["uae"].id)}
    assert found(client.post(SEARCH_BODY, {"passport_number": "J3333333"}, content_type="application/json")) == {str(world["kuwait"].id)}


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"passport_number": "12345"}, "passport_number", "one letter followed by seven digits"),
        ({"mobile": "call me maybe"}, "mobile", "not a phone number we can read"),
        ({"name": "1234"}, "name", "at least one letter"),
        ({"vulnerability": "HUNGRY"}, "vulnerability", "Unknown vulnerability"),
        ({"country": "Emirates"}, "country", "two-letter country code"),
        ({"state": "Kerala"}, "state", "Indian state code"),
        ({"limit": "many"}, "limit", "valid integer"),
        ({"limit": "1000"}, "limit", "less than or equal to 200"),
        ({"offset": "-1"}, "offset", "greater than or equal to 0"),
    ],
)
def test_search_bad_input_is_400_with_the_field_message(official_client, world, params, field, fragment):
    client, _user = official_client(Role.PGE_OFFICER)
    if field in ("passport_number", "mobile"):
        response = client.post(SEARCH_BODY, params, content_type="application/json")
    else:
        response = client.get(SEARCH, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any(fragment in message for message in body["fields"][field]), body


def test_search_body_refuses_unknown_fields(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.post(SEARCH_BODY, {"passport": "J1111111"}, content_type="application/json")
    assert response.status_code == 400
    assert "passport" in response.json()["fields"]


def test_jurisdiction_mission_for_ae_and_poe_for_kerala(world):
    mission = verified(Role.MISSION_OFFICER, office=world["mission_office"])
    poe = verified(Role.POE_OFFICER, office=world["poe_office"])
    assert found(mission.get(SEARCH)) == {str(world["uae"].id)}
    assert found(poe.get(SEARCH)) == {str(world["uae"].id), str(world["kuwait"].id)}
    # Exact lookups are scoped too: a passport outside the jurisdiction finds no one.
    assert found(mission.post(SEARCH_BODY, {"passport_number": "J3333333"}, content_type="application/json")) == set()
    assert mission.get(detail(world["uae"])).status_code == 200
    assert poe.get(detail(world["kuwait"])).status_code == 200
    # Outside the jurisdiction answers like a missing record, and logs no access.
    logged = PersonalDataAccess.objects.count()
    for client, person in ((mission, world["kuwait"]), (mission, world["saudi"]), (poe, world["saudi"])):
        response = client.get(detail(person))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert PersonalDataAccess.objects.count() == logged


def test_detail_returns_full_record_and_writes_access_entry(official_client, world):
    client, user = official_client(Role.PGE_OFFICER)
    person = world["uae"]
    assert not pii_accesses_for_person(person_id=person.id).exists()
    response = client.get(detail(person), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    record = response.json()
    assert record["id"] == str(person.id)
    assert record["mobile"] == "+971501112233"
    assert [p["number"] for p in record["passports"]] == ["J1111111"]
    assert record["passports"][0]["is_current"] is True
    assert record["residence_country"] == "AE" and record["residence_region"] == "Dubai"
    assert [c["name"] for c in record["emergency_contacts"]] == ["Thomas Nair"]
    assert record["emergency_contacts"][0]["phone"] == "+919847012345"
    assert [m["name"] for m in record["family_members"]] == ["Meera Nair"]
    crisis = next(c for c in record["consents"] if c["purpose"] == "CRISIS_CONTACT")
    assert crisis["given"] is True and crisis["record_id"]
    stats = next(c for c in record["consents"] if c["purpose"] == "STATISTICS")
    assert stats["given"] is False and stats["record_id"] is None
    entries = list(pii_accesses_for_person(person_id=person.id))
    assert len(entries) == 1
    assert entries[0].actor_id == user.id and entries[0].source_ip == "203.0.113.7"


@pytest.mark.parametrize("person_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "' OR 1=1 --"])
def test_detail_of_unknown_or_malformed_id_is_404(official_client, world, person_id):
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.get(f"/api/v1/registry/persons/{person_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unverified_official_is_refused(world):
    user = user_with_role(Role.PGE_OFFICER)
    client = Client()
    client.force_login(user, backend=BACKEND)  # signed in, but no TOTP step
    for url in (SEARCH, detail(world["uae"])):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "two_factor_required"
    assert not PersonalDataAccess.objects.exists()


def test_anonymous_is_refused(client, world):
    for url in (SEARCH, detail(world["uae"])):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"


def test_emigrant_cannot_reach_staff_endpoints(emigrant_client, registered, world):
    for url in (SEARCH, detail(world["uae"]), detail(registered)):
        response = emigrant_client.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden"
    assert emigrant_client.post(SEARCH_BODY, {"passport_number": "J1111111"}, content_type="application/json").status_code == 403
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.RA_STAFF, Role.FE_STAFF, Role.INSURER_STAFF, Role.PARTNER_ANALYST, Role.ADMINISTRATOR])
def test_partners_and_administrators_cannot_search(role, world):
    client = verified(role)
    assert client.post(SEARCH_BODY, {"passport_number": "J1111111"}, content_type="application/json").status_code == 403
    assert client.get(detail(world["uae"])).status_code == 403


def test_helpline_agent_finds_by_exact_identifier_only(world):
    client = verified(Role.OWRC_AGENT)
    assert found(client.post(SEARCH_BODY, {"passport_number": "J2222222"}, content_type="application/json")) == {str(world["saudi"].id)}
    response = client.get(SEARCH, {"name": "Ansari"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_search_has_its_own_stricter_rate_limit(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)
    for _ in range(30):
        assert client.get(SEARCH, {"country": "AE"}).status_code == 200
    response = client.get(SEARCH, {"country": "AE"})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    # Opening a record is not counted against the search limit.
    assert client.get(detail(world["uae"])).status_code == 200

"""Workspace home, registry search and the person record, through real requests."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import login_verified, office_for, user_with_role
from pravasi.audit.models import PersonalDataAccess
from pravasi.registry.models import Person
from pravasi.registry.services import emergency_contact_add, family_member_add, passport_record, person_update_section

pytestmark = pytest.mark.django_db
SEARCH = reverse("workspace:registry_search")


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def names_in(response) -> set[str]:
    return {p.full_name for p in response.context["results"] or []}


# --- home -------------------------------------------------------------------------------------


def test_home_shows_office_and_states_for_a_poe_officer(official_client):
    client, _user = official_client(Role.POE_OFFICER)
    body = client.get(reverse("workspace:home")).content.decode()
    assert "PoE Thiruvananthapuram" in body
    assert "Kerala" in body
    assert reverse("workspace:registry_search") in body
    assert reverse("workspace:duplicates") in body
    assert reverse("workspace:imports") in body
    assert reverse("workspace:outbox") not in body


def test_home_shows_countries_for_a_mission_officer(official_client):
    client, _user = official_client(Role.MISSION_OFFICER)
    body = client.get(reverse("workspace:home")).content.decode()
    assert "Embassy of India, Abu Dhabi" in body
    assert "United Arab Emirates" in body


def test_home_for_the_administrator_offers_the_message_log_and_admin(official_client):
    client, _user = official_client(Role.ADMINISTRATOR)
    body = client.get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:outbox") in body
    assert reverse("admin:index") in body
    assert reverse("workspace:registry_search") not in body


@pytest.mark.parametrize("role", [Role.RA_STAFF, Role.FE_STAFF, Role.PE_STAFF, Role.INSURER_STAFF, Role.PARTNER_ANALYST])
def test_home_for_partners_leads_to_their_licensing_and_not_the_registry(official_client, role):
    client, user = official_client(role)
    body = client.get(reverse("workspace:home")).content.decode()
    assert (reverse("workspace:licensing_home") in body) == (role in {Role.RA_STAFF, Role.FE_STAFF, Role.PE_STAFF, Role.INSURER_STAFF})
    assert "no access to the registry" in body
    assert user.memberships.get().organisation.name in body
    assert reverse("workspace:registry_search") not in body


def test_home_is_translated(official_client):
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    assert 'lang="hi"' in response.content.decode()


# --- search: jurisdiction, fuzzy names, exact identifiers, filters, pages -----------------------


def test_poe_and_mission_see_different_people(make_person):
    keralite_in_saudi = make_person(given_name="Shibu", family_name="Pillai", state_of_origin="IN-KL", residence_country="SA", residence_region="Riyadh")
    up_in_uae = make_person(given_name="Ramesh", family_name="Yadav", state_of_origin="IN-UP", residence_country="AE")
    poe = client_for(user_with_role(Role.POE_OFFICER, office=office_for(OfficeKind.POE, states=["IN-KL"])))
    mission = client_for(user_with_role(Role.MISSION_OFFICER, office=office_for(OfficeKind.MISSION, countries=["AE"])))

    assert names_in(poe.post(SEARCH, {"name": ""})) == {keralite_in_saudi.full_name}
    assert names_in(mission.post(SEARCH, {"name": ""})) == {up_in_uae.full_name}

    # Outside the jurisdiction the record does not exist, and no access entry is written.
    assert poe.get(reverse("workspace:person_detail", args=[up_in_uae.id])).status_code == 404
    assert mission.get(reverse("workspace:person_detail", args=[keralite_in_saudi.id])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_name_search_tolerates_transliteration(official_client, make_person):
    make_person(given_name="Mohammed", family_name="Shaikh")
    make_person(given_name="Rajesh", family_name="Menon")
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.post(SEARCH, {"name": "Muhammad Shaikh"})
    assert response.status_code == 200
    assert names_in(response) == {"Mohammed Shaikh"}
    assert "Mohammed Shaikh" in response.content.decode()


def test_exact_passport_and_mobile(official_client, make_person, registrar):
    target = make_person(given_name="Lakshmi", family_name="Nair", sex="F", mobile="+971501112233")
    passport_record(actor=registrar, person=target, data={"passport_number": "T4821907", "issue_date": "2019-06-02", "expiry_date": "2029-06-01"})
    make_person(given_name="Lakshmi", family_name="Menon", sex="F")
    client, _user = official_client(Role.PGE_OFFICER)
    assert names_in(client.post(SEARCH, {"passport_number": "t 4821907"})) == {"Lakshmi Nair"}
    assert names_in(client.post(SEARCH, {"mobile": "+971 50 111 2233"})) == {"Lakshmi Nair"}
    assert names_in(client.post(SEARCH, {"passport_number": "T4821908"})) == set()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"passport_number": "12345"}, "passport_number", "one letter followed by seven digits"),
        ({"mobile": "call me"}, "mobile", "not a phone number we can read"),
        ({"name": "123 !!"}, "name", "at least one letter"),
    ],
)
def test_bad_search_input_shows_the_field_message(official_client, make_person, params, field, message):
    make_person()
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.post(SEARCH, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    assert response.context["results"] is None
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body


def test_filters(official_client, make_person):
    make_person(given_name="Anil", residence_country="KW", residence_region="Farwaniya", state_of_origin="IN-MH")
    elderly = make_person(given_name="Joseph", date_of_birth="1950-01-01", residence_country="KW", residence_region="Kuwait City")
    make_person(given_name="Vinod", residence_country="AE")
    client, _user = official_client(Role.PGE_OFFICER)
    assert {p.given_name for p in client.post(SEARCH, {"country": "KW"}).context["results"]} == {"Anil", "Joseph"}
    assert {p.given_name for p in client.post(SEARCH, {"region": "farwaniya"}).context["results"]} == {"Anil"}
    assert {p.given_name for p in client.post(SEARCH, {"state": "IN-MH"}).context["results"]} == {"Anil"}
    response = client.post(SEARCH, {"vulnerability": "ELDERLY"})
    assert [p.id for p in response.context["results"]] == [elderly.id]
    assert "Elderly" in response.content.decode()


def test_results_come_fifty_a_page(official_client, make_person):
    for _ in range(53):
        make_person(given_name="Suresh")
    client, _user = official_client(Role.PGE_OFFICER)
    first = client.post(SEARCH, {"name": "Suresh"})
    assert len(first.context["results"]) == 50
    assert first.context["next_page"] == 2 and first.context["previous_page"] is None
    assert 'name="page" value="2"' in first.content.decode()
    second = client.post(SEARCH, {"name": "Suresh", "page": "2"})
    assert len(second.context["results"]) == 3
    assert second.context["previous_page"] == 1 and second.context["next_page"] is None
    assert not {p.id for p in first.context["results"]} & {p.id for p in second.context["results"]}
    assert client.post(SEARCH, {"name": "Suresh", "page": "nonsense"}).context["page"] == 1


def test_helpline_agent_sees_only_exact_fields(official_client, make_person, registrar):
    caller = make_person(given_name="Beena", family_name="Thomas", sex="F", state_of_origin="IN-TN", residence_country="QA")
    passport_record(actor=registrar, person=caller, data={"passport_number": "M1234567", "issue_date": "2019-06-02", "expiry_date": "2029-06-01"})
    client, agent = official_client(Role.OWRC_AGENT)
    page = client.get(SEARCH)
    assert set(page.context["form"].fields) == {"passport_number", "mobile"}
    assert 'name="name"' not in page.content.decode()

    empty = client.post(SEARCH, {"name": "Beena"})
    assert empty.context["results"] is None
    assert "passport number or mobile number" in empty.content.decode()

    found = client.post(SEARCH, {"passport_number": "M1234567"})
    assert names_in(found) == {"Beena Thomas"}
    record_url = reverse("workspace:person_detail", args=[caller.id])
    assert record_url in found.content.decode()
    # The caller lives outside every office's jurisdiction here; the agent still opens the record, and it is logged.
    assert client.get(record_url).status_code == 200
    assert PersonalDataAccess.objects.filter(person_id=caller.id, actor=agent).count() == 1


# --- the person record --------------------------------------------------------------------------


def test_opening_a_record_writes_one_access_entry_listed_on_the_page(official_client, make_person):
    person = make_person(given_name="Divya", family_name="Menon", sex="F")
    client, user = official_client(Role.POE_OFFICER)
    response = client.get(reverse("workspace:person_detail", args=[person.id]))
    assert response.status_code == 200
    entries = PersonalDataAccess.objects.filter(person_id=person.id)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor_id == user.id and entry.purpose == "VIEW"
    assert entry.source_ip == "127.0.0.1"
    assert list(response.context["accesses"]) == [entry]
    body = response.content.decode()
    assert "Officials who viewed this record" in body
    assert user.username in body and "PoE Thiruvananthapuram" in body


def test_record_shows_every_section(official_client, make_person, registrar):
    person = make_person(given_name="Mary", family_name="Abraham", sex="F", mobile="+971509876543", residence_address="Flat 12, Al Nahda")
    person_update_section(actor=registrar, person=person, section="needs", data={"vuln_disability": "on", "needs_note": "Uses a wheelchair"})
    person_update_section(actor=registrar, person=person, section="work", data={"employer_name": "Gulf Coast Contracting", "visa_expiry_date": "2030-01-31"})
    passport_record(actor=registrar, person=person, data={"passport_number": "P7654321", "issue_date": "2019-06-02", "expiry_date": "2029-06-01", "is_ecr": "yes"})
    emergency_contact_add(actor=registrar, person=person, data={"name": "Thomas Abraham", "relation": "Brother", "where": "INDIA", "phone": "+919847012345"})
    family_member_add(actor=registrar, person=person, data={"name": "Anna Abraham", "relation": "Daughter", "sex": "F", "date_of_birth": "2015-04-02", "is_indian_citizen": "yes"})
    client, _user = official_client(Role.MISSION_OFFICER)
    body = client.get(reverse("workspace:person_detail", args=[person.id])).content.decode()
    for text in [
        "Mary Abraham",
        "P7654321",
        "ECR",
        "MRZ verified",
        "Flat 12, Al Nahda",
        "+971509876543",
        "Thomas Abraham",
        "Anna Abraham",
        "Gulf Coast Contracting",
        "Disability",
        "Uses a wheelchair",
        "Contact me in a crisis",
        "Kerala",
        "United Arab Emirates",
    ]:
        assert text in body, text


def test_merged_or_unknown_records_are_not_found(official_client, make_person):
    client, _user = official_client(Role.PGE_OFFICER)
    other = make_person()
    gone = make_person()
    Person.objects.filter(id=gone.id).update(merged_into=other)
    assert client.get(reverse("workspace:person_detail", args=[gone.id])).status_code == 404
    assert client.get("/workspace/registry/persons/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_both_bad_identifiers_are_reported_at_once(official_client):
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.post(SEARCH, {"passport_number": "123", "mobile": "abc"})
    errors = response.context["form"].errors
    assert set(errors) == {"passport_number", "mobile"}
    assert response.context["results"] is None

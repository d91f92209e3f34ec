"""Scoped reads: each office sees only its jurisdiction; exact and fuzzy search."""

import pytest

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for
from pravasi.core.errors import NotAllowed, NotFound, ValidationFailed
from pravasi.registry.selectors import SearchParams, person_search, person_visible_or_404, persons_visible_to
from pravasi.registry.tests.factories import register_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    pge = make_user(Role.PGE_OFFICER)
    kerala_abroad_uae = register_person(pge, given_name="Sreekumar", family_name="Nair", state_of_origin="IN-KL", residence_country="AE", passport="J1111111", mobile="+971501234567")
    bihar_in_saudi = register_person(pge, given_name="Mohammed", family_name="Ansari", state_of_origin="IN-BR", residence_country="SA", passport="J2222222", date_of_birth="1980-01-01")
    kerala_in_kuwait = register_person(pge, given_name="Lakshmi", family_name="Menon", sex="F", state_of_origin="IN-KL", residence_country="KW", passport="J3333333", date_of_birth="1975-01-01")
    poe_kerala = make_user(Role.POE_OFFICER, office=office_for(OfficeKind.POE, states=["IN-KL"]))
    mission_uae = make_user(Role.MISSION_OFFICER, office=office_for(OfficeKind.MISSION, countries=["AE"]))
    return {"pge": pge, "uae": kerala_abroad_uae, "saudi": bihar_in_saudi, "kuwait": kerala_in_kuwait, "poe": poe_kerala, "mission": mission_uae}


def ids(qs):
    return {p.id for p in qs}


def test_two_offices_see_only_their_own_people(world):
    assert ids(persons_visible_to(world["poe"])) == {world["uae"].id, world["kuwait"].id}
    assert ids(persons_visible_to(world["mission"])) == {world["uae"].id}
    assert ids(persons_visible_to(world["pge"])) == {world["uae"].id, world["saudi"].id, world["kuwait"].id}


def test_outside_jurisdiction_is_not_found(world):
    with pytest.raises(NotFound):
        person_visible_or_404(actor=world["mission"], person_id=world["saudi"].id)
    assert person_visible_or_404(actor=world["mission"], person_id=world["uae"].id) == world["uae"]


def test_partners_and_emigrants_see_no_one(world, make_user):
    for role in (Role.RA_STAFF, Role.FE_STAFF, Role.PARTNER_ANALYST, Role.INSURER_STAFF, Role.EMIGRANT, Role.ADMINISTRATOR):
        actor = make_user(role)
        assert not persons_visible_to(actor).exists()
        with pytest.raises(NotAllowed):
            person_search(actor=actor, params=SearchParams(name="Nair"))
        with pytest.raises(NotAllowed):
            person_search(actor=actor, params=SearchParams(passport_number="J1111111"))


def test_exact_passport_and_mobile(world):
    assert [p.id for p in person_search(actor=world["pge"], params=SearchParams(passport_number="j1111111"))] == [world["uae"].id]
    assert [p.id for p in person_search(actor=world["pge"], params=SearchParams(mobile="+971 50 123 4567"))] == [world["uae"].id]
    assert person_search(actor=world["mission"], params=SearchParams(passport_number="J2222222")) == []


def test_fuzzy_name_tolerates_transliteration_and_typos(world):
    for query in ("Muhammad Ansari", "mohamed ansary", "Mohammad"):
        assert world["saudi"].id in ids(person_search(actor=world["pge"], params=SearchParams(name=query))), query
    assert world["uae"].id in ids(person_search(actor=world["pge"], params=SearchParams(name="Srikumar Nayar")))
    assert world["kuwait"].id in ids(person_search(actor=world["pge"], params=SearchParams(name="Laxmi")))
    assert person_search(actor=world["pge"], params=SearchParams(name="Zebediah")) == []


def test_filters(world):
    found = person_search(actor=world["pge"], params=SearchParams(country="KW", state="IN-KL"))
    assert ids(found) == {world["kuwait"].id}


def test_owrc_agent_only_exact(world, make_user):
    agent = make_user(Role.OWRC_AGENT)
    assert [p.id for p in person_search(actor=agent, params=SearchParams(passport_number="J2222222"))] == [world["saudi"].id]
    with pytest.raises(NotAllowed):
        person_search(actor=agent, params=SearchParams(name="Ansari"))
    assert person_visible_or_404(actor=agent, person_id=world["saudi"].id) == world["saudi"]


@pytest.mark.parametrize("params,field", [(SearchParams(passport_number="12"), "passport_number"), (SearchParams(mobile="call me"), "mobile"), (SearchParams(vulnerability="HAPPY"), "vulnerability")])
def test_search_bad_input(world, params, field):
    with pytest.raises(ValidationFailed) as err:
        person_search(actor=world["pge"], params=params)
    assert field in err.value.fields

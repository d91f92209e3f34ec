"""Crisis reads: who sees which crisis, the people in an area (countries, regions, polygon, circle), the legal
basis to reach them, and the dashboard counts."""

from __future__ import annotations

import pytest

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.core.errors import NotFound
from pravasi.crisis import selectors, services
from pravasi.crisis.models import CrisisStatus
from pravasi.registry.models import ConsentPurpose, DuplicateFlag, PersonStatus
from pravasi.registry.services import consent_set, family_member_add, person_close, person_merge, person_register, person_returned, person_update_section

from .factories import ABU_DHABI, DUBAI, NORTHERN_EMIRATES, SHARJAH, crisis_data, ids, mission_official, pge_official, register

pytestmark = pytest.mark.django_db


def test_crises_for_scopes_by_office():
    pge = pge_official()
    uae = mission_official(["AE"])
    qatar = mission_official(["QA"])
    gulf = services.crisis_declare(actor=pge, data=crisis_data(countries=["AE", "OM"]))
    doha = services.crisis_declare(actor=qatar, data=crisis_data(countries=["QA"]))
    assert ids(selectors.crises_for(actor=pge)) == {gulf.id, doha.id}
    assert ids(selectors.crises_for(actor=uae)) == {gulf.id}  # touches its country
    assert ids(selectors.crises_for(actor=qatar)) == {doha.id}
    assert selectors.crisis_for(actor=uae, crisis_id=gulf.id) == gulf
    with pytest.raises(NotFound):
        selectors.crisis_for(actor=uae, crisis_id=doha.id)
    with pytest.raises(NotFound):
        selectors.crisis_for(actor=uae, crisis_id="not-a-uuid")
    partner = user_with_role(Role.PARTNER_ANALYST)
    assert not selectors.crises_for(actor=partner).exists()
    assert not selectors.crises_for(actor=None).exists()


def test_public_crises_are_the_active_ones():
    pge = pge_official()
    active = services.crisis_declare(actor=pge, data=crisis_data())
    ended = services.crisis_declare(actor=pge, data=crisis_data(title="Heat wave"))
    services.crisis_end(actor=pge, crisis_id=ended.id, reason="Temperatures are back to normal.")
    assert [c.id for c in selectors.public_crises()] == [active.id]
    assert selectors.public_crises()[0].status == CrisisStatus.ACTIVE


# --- the affected population -------------------------------------------------------------------------


def test_affected_by_country(registrar):
    in_dubai = register(registrar)
    in_abu_dhabi = register(registrar, residence_region="Abu Dhabi")
    register(registrar, residence_country="QA", residence_region="Doha")
    pre_departure = person_register(actor=registrar, data={"given_name": "Meera", "family_name": "Nair", "sex": "F", "date_of_birth": "1994-05-01", "state_of_origin": "IN-KL"})
    assert pre_departure.status == PersonStatus.PRE_DEPARTURE
    crisis = services.crisis_declare(actor=registrar, data=crisis_data())
    assert ids(selectors.affected_population(crisis)) == {in_dubai.id, in_abu_dhabi.id}


def test_affected_by_region_ignores_case(registrar):
    in_dubai = register(registrar, residence_region="Dubai")
    in_abu_dhabi = register(registrar, residence_region="abu dhabi")
    register(registrar, residence_region="Sharjah")
    register(registrar, residence_country="OM", residence_region="Dubai")  # the same name in another country
    crisis = services.crisis_declare(actor=registrar, data=crisis_data(regions=["DUBAI", " Abu  Dhabi "]))
    assert crisis.regions == ["DUBAI", "Abu Dhabi"]
    assert ids(selectors.affected_population(crisis)) == {in_dubai.id, in_abu_dhabi.id}


def test_affected_by_polygon_keeps_people_without_coordinates(registrar):
    inside = register(registrar, at=DUBAI)
    inside_too = register(registrar, at=SHARJAH, residence_region="Sharjah")
    outside = register(registrar, at=ABU_DHABI, residence_region="Abu Dhabi")
    unlocated = register(registrar)
    register(registrar, at=(25.28, 51.52), residence_country="QA", residence_region="Doha")
    crisis = services.crisis_declare(actor=registrar, data=crisis_data(polygon={"type": "Polygon", "coordinates": NORTHERN_EMIRATES}))
    affected = ids(selectors.affected_population(crisis))
    assert affected == {inside.id, inside_too.id, unlocated.id}
    assert outside.id not in affected


def test_affected_by_polygon_with_a_hole(registrar):
    # A hole around Dubai city: Sharjah stays in, Dubai is out.
    hole = [[55.2, 25.15], [55.35, 25.15], [55.35, 25.25], [55.2, 25.25], [55.2, 25.15]]
    in_dubai = register(registrar, at=DUBAI)
    in_sharjah = register(registrar, at=SHARJAH)
    crisis = services.crisis_declare(actor=registrar, data=crisis_data(polygon=[NORTHERN_EMIRATES[0], hole]))
    assert ids(selectors.affected_population(crisis)) == {in_sharjah.id}
    assert in_dubai.id not in ids(selectors.affected_population(crisis))


def test_affected_by_circle(registrar):
    in_dubai = register(registrar, at=DUBAI)
    in_sharjah = register(registrar, at=SHARJAH)
    in_abu_dhabi = register(registrar, at=ABU_DHABI)
    unlocated = register(registrar)
    near = services.crisis_declare(actor=registrar, data=crisis_data(circle={"lat": DUBAI[0], "lon": DUBAI[1], "radius_km": 30}))
    assert ids(selectors.affected_population(near)) == {in_dubai.id, in_sharjah.id, unlocated.id}
    wide = services.crisis_declare(actor=registrar, data=crisis_data(circle_latitude=str(DUBAI[0]), circle_longitude=str(DUBAI[1]), circle_radius_km="130"))
    assert ids(selectors.affected_population(wide)) == {in_dubai.id, in_sharjah.id, in_abu_dhabi.id, unlocated.id}


def test_returned_closed_and_merged_people_are_not_affected(registrar):
    staying = register(registrar)
    returned = register(registrar)
    person_returned(actor=registrar, person=returned)
    owner = user_with_role(Role.EMIGRANT)
    closing = register(registrar, user=owner)
    person_close(actor=owner, person=closing)
    first = register(registrar, given_name="Sunil", family_name="Menon", date_of_birth="1980-01-01")
    second = register(registrar, given_name="Sunil", family_name="Menon", date_of_birth="1980-01-01")
    flag = DuplicateFlag.objects.get(person_a_id=min(first.id, second.id), person_b_id=max(first.id, second.id))
    person_merge(actor=registrar, flag_id=flag.id, survivor_id=first.id)
    crisis = services.crisis_declare(actor=registrar, data=crisis_data())
    assert ids(selectors.affected_population(crisis)) == {staying.id, first.id}


# --- the legal basis --------------------------------------------------------------------------------


def test_consent_only_for_other_kinds_everyone_in_a_disaster(registrar):
    consented = register(registrar)
    never = register(registrar, consent=False)
    owner = user_with_role(Role.EMIGRANT)
    withdrew = register(registrar, user=owner)
    consent_set(actor=owner, person=withdrew, purpose=ConsentPurpose.CRISIS_CONTACT, given=False)
    owner_again = user_with_role(Role.EMIGRANT)
    came_back = register(registrar, user=owner_again, consent=False)
    consent_set(actor=owner_again, person=came_back, purpose=ConsentPurpose.CRISIS_CONTACT, given=True)
    consent_set(actor=owner_again, person=came_back, purpose=ConsentPurpose.CRISIS_CONTACT, given=False)
    consent_set(actor=owner_again, person=came_back, purpose=ConsentPurpose.CRISIS_CONTACT, given=True)

    strike = services.crisis_declare(actor=registrar, data=crisis_data(kind="OTHER", title="Transport strike"))
    assert ids(selectors.reachable(strike)) == {consented.id, came_back.id}
    basis = selectors.legal_basis(strike)
    assert basis["basis"] == "CONSENT" and basis["policy"]["key"] == "CRISIS_LEGITIMATE_USE_KINDS" and "s.7" in basis["policy"]["source"]

    floods = services.crisis_declare(actor=registrar, data=crisis_data(kind="NATURAL_DISASTER"))
    assert ids(selectors.reachable(floods)) == {consented.id, never.id, withdrew.id, came_back.id}
    assert selectors.legal_basis(floods)["basis"] == "LEGITIMATE_USE"
    counts = selectors.affected_counts(floods)
    assert counts["reachable"] == 4 and counts["by_basis"] == {"CONSENT": 2, "LEGITIMATE_USE": 2}
    counts = selectors.affected_counts(strike)
    assert counts["total"] == 4 and counts["reachable"] == 2 and counts["by_basis"] == {"CONSENT": 2, "LEGITIMATE_USE": 0}


# --- counts ------------------------------------------------------------------------------------------


def test_counts_by_vulnerability_sex_family_and_region(registrar):
    pregnant = register(registrar, sex="F", given_name="Anitha")
    person_update_section(actor=registrar, person=pregnant, section="needs", data={"vuln_pregnancy": "on", "vuln_language": "on"})
    register(registrar, date_of_birth="1950-06-01", residence_region="Sharjah")  # elderly by age
    father = register(registrar, residence_region="Sharjah")
    family_member_add(actor=registrar, person=father, data={"name": "Lakshmi", "relation": "Wife", "sex": "F"})
    family_member_add(actor=registrar, person=father, data={"name": "Arjun", "relation": "Son", "sex": "M", "date_of_birth": "2015-02-02"})
    mother = register(registrar, sex="F")
    family_member_add(actor=registrar, person=mother, data={"name": "Devika", "relation": "Daughter", "sex": "F"})
    elsewhere = register(registrar, residence_country="QA", residence_region="Doha", sex="F")
    family_member_add(actor=registrar, person=elsewhere, data={"name": "Rahul", "relation": "Son", "sex": "M"})

    crisis = services.crisis_declare(actor=registrar, data=crisis_data())
    counts = selectors.affected_counts(crisis)
    assert counts["total"] == 4
    assert counts["vulnerabilities"] == {"PREGNANCY": 1, "DISABILITY": 0, "CHRONIC_ILLNESS": 0, "MINOR": 0, "ELDERLY": 1, "LANGUAGE": 1}
    assert counts["by_sex"] == {"F": 2, "M": 2}
    assert counts["family"] == {"persons_with_family": 2, "family_members": 3}
    assert counts["regions"] == [("Dubai", 2), ("Sharjah", 2)]
    assert counts["basis"] == "LEGITIMATE_USE"


def test_the_legal_basis_is_the_policy_in_force_when_the_crisis_began(registrar):
    from datetime import timedelta

    from django.utils import timezone

    from pravasi.policy.models import PolicyValue

    pge = pge_official()
    register(registrar, consent=False)
    today = timezone.localdate()
    earlier = services.crisis_declare(actor=pge, data=crisis_data(kind="CONFLICT", starts_at=(timezone.now() - timedelta(days=10)).isoformat()))
    rule = PolicyValue.objects.get(key=selectors.LEGITIMATE_USE_POLICY, valid_to__isnull=True)
    PolicyValue.objects.filter(pk=rule.pk).update(valid_to=today - timedelta(days=1))
    PolicyValue.objects.create(pack=rule.pack, key=rule.key, qualifier=rule.qualifier, valid_from=today, value=["NATURAL_DISASTER"], source="A narrower rule from today")
    later = services.crisis_declare(actor=pge, data=crisis_data(kind="CONFLICT"))
    assert selectors.legal_basis(earlier)["basis"] == selectors.LEGITIMATE_USE and selectors.reachable(earlier).count() == 1
    assert selectors.legal_basis(later)["basis"] == selectors.CONSENT and selectors.reachable(later).count() == 0

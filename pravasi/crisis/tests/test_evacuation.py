"""Evacuation: plans and assets, manifests from those who asked to leave (the vulnerable first, families not
split), boarding by code or passport, departure and arrival, and the emergency-certificate list."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.audit.models import PersonalDataAccess
from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.crisis import checkins, evacuation, services
from pravasi.crisis.models import AssetStatus, BoardingStatus, EvacuationAsset, EvacuationPlan, ManifestEntry
from pravasi.registry.services import family_member_add, passport_record

from .factories import crisis_data, mission_official, register

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


@pytest.fixture
def officer():
    return mission_official(["AE"])


@pytest.fixture
def crisis(officer):
    return services.crisis_declare(actor=officer, data=crisis_data(regions=["Dubai"], phase="MANDATORY_RETURN"))


def soon(hours=6) -> str:
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def asset_data(**overrides) -> dict:
    data = {"kind": "FLIGHT", "name": "AI 1902", "capacity": "5", "departure_point": "Dubai International, Terminal 2", "departs_at": soon(), "destination": "Kochi"}
    data.update(overrides)
    return data


def asks_to_leave(registrar, crisis, *, family=0, needs=("EVACUATION",), passport=True, **person_data):
    person = register(registrar, **person_data)
    members = [family_member_add(actor=registrar, person=person, data={"name": f"Member {'ABCD'[i]}", "relation": "Child", "sex": "F"}) for i in range(family)]
    if passport:
        n = next(_numbers)
        passport_record(actor=registrar, person=person, data={"passport_number": f"Z{8100000 + n}", "issue_date": "2020-01-01", "expiry_date": "2030-01-01"})
    crisis_official = crisis.declared_by
    checkins.checkin_record_by_staff(actor=crisis_official, crisis_id=crisis.id, person_id=person.id, data={"status": "HELP", "needs": list(needs), "family": [str(m.id) for m in members]})
    return person


def test_plans_and_assets_refuse_bad_input_and_store_nothing(officer, crisis):
    with pytest.raises(ValidationFailed) as no_title:
        evacuation.plan_create(actor=officer, crisis_id=crisis.id, data={"title": ""})
    assert "title" in no_title.value.fields
    plan = evacuation.plan_create(actor=officer, crisis_id=crisis.id, data={"title": "Operation Jal"})
    bad = [
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"capacity": "6000"}, "capacity"),
        ({"capacity": "²"}, "capacity"),
        ({"departs_at": "2026-13-01T10:00"}, "departs_at"),
        ({"name": ""}, "name"),
        ({"kind": "ZEPPELIN"}, "kind"),
        ({"departs_at": "tomorrow-ish"}, "departs_at"),
        ({"departs_at": (crisis.starts_at - timedelta(days=1)).isoformat()}, "departs_at"),
    ]
    for change, field in bad:
        with pytest.raises(ValidationFailed) as refused:
            evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(**change))
        assert field in refused.value.fields
    assert not EvacuationAsset.objects.exists()
    with pytest.raises(NotFound):
        evacuation.asset_add(actor=mission_official(["QA"]), plan_id=plan.id, data=asset_data())
    with pytest.raises(NotFound):
        evacuation.plan_create(actor=mission_official(["QA"]), crisis_id=crisis.id, data={"title": "x"})
    assert EvacuationPlan.objects.count() == 1


def test_a_manifest_puts_the_vulnerable_first_and_keeps_families_together(registrar, officer, crisis):
    alone = asks_to_leave(registrar, crisis)  # asked first, alone
    elderly = asks_to_leave(registrar, crisis, family=2, date_of_birth="1950-06-01")  # vulnerable: 3 seats
    big_family = asks_to_leave(registrar, crisis, family=3)  # 4 seats: does not fit what is left
    asks_to_leave(registrar, crisis, needs=("FOOD",))  # does not ask to leave
    no_passport = asks_to_leave(registrar, crisis, passport=False)
    plan = evacuation.plan_create(actor=officer, crisis_id=crisis.id, data={"title": "Operation Jal"})
    flight = evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(capacity="5"))

    built = evacuation.manifest_build(actor=officer, asset_id=flight.id)
    assert built == {"parties": 3, "seats": 5, "waiting": 1, "free": 0}
    entries = list(ManifestEntry.objects.filter(asset=flight).order_by("priority", "created_at"))
    assert [e.person for e in entries] == [elderly, alone, no_passport]
    assert [e.seats for e in entries] == [3, 1, 1]
    assert [e.needs_emergency_certificate for e in entries] == [False, False, True]
    assert evacuation.manifest_build(actor=officer, asset_id=flight.id)["parties"] == 0  # nothing twice

    bus = evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(kind="BUS", name="Bus 3 to Muscat", capacity="3"))
    with pytest.raises(Conflict) as no_seats:
        evacuation.manifest_add(actor=officer, asset_id=bus.id, person_id=big_family.id, family=[str(m.id) for m in big_family.family_members.all()])
    assert no_seats.value.code == "no_seats"
    ship = evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(kind="SHIP", name="INS Jalashwa", capacity="500"))
    entry = evacuation.manifest_add(actor=officer, asset_id=ship.id, person_id=big_family.id, family=[str(m.id) for m in big_family.family_members.all()])
    assert entry.seats == 4
    with pytest.raises(Conflict):
        evacuation.manifest_add(actor=officer, asset_id=bus.id, person_id=alone.id)
    stranger = register(registrar)
    stranger_child = family_member_add(actor=registrar, person=stranger, data={"name": "Other", "relation": "Son", "sex": "M"})
    with pytest.raises(ValidationFailed):
        evacuation.manifest_add(actor=officer, asset_id=bus.id, person_id=stranger.id, family=[str(stranger_child.id), str(entry.family_member_ids[0])])
    with pytest.raises(NotFound):
        evacuation.manifest_add(actor=officer, asset_id=bus.id, person_id=register(registrar, residence_region="Abu Dhabi").id)
    assert evacuation.waiting_to_leave(crisis) == []


def test_boarding_by_code_or_passport_then_departure_and_arrival(registrar, officer, crisis):
    first = asks_to_leave(registrar, crisis, family=1)
    second = asks_to_leave(registrar, crisis)
    plan = evacuation.plan_create(actor=officer, crisis_id=crisis.id, data={"title": "Operation Jal"})
    flight = evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(capacity="10"))
    other = evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(name="AI 1904", capacity="10"))
    evacuation.manifest_build(actor=officer, asset_id=flight.id)
    code = ManifestEntry.objects.get(person=first).boarding_code
    unlisted = asks_to_leave(registrar, crisis)
    other_entry = evacuation.manifest_add(actor=officer, asset_id=other.id, person_id=unlisted.id)

    evacuation.asset_move(actor=officer, asset_id=flight.id, target=AssetStatus.BOARDING)
    typed = f"{code[:4].lower()} {code[4:].lower()}"  # read from the pass and typed
    boarded = evacuation.board(actor=officer, asset_id=flight.id, code=typed)
    assert (boarded.status, boarded.boarded_by) == (BoardingStatus.BOARDED, officer)
    with pytest.raises(Conflict) as twice:
        evacuation.board(actor=officer, asset_id=flight.id, code=code)
    assert twice.value.code == "already_boarded"
    passport_number = second.passports.get().number
    assert evacuation.board(actor=officer, asset_id=flight.id, code=passport_number).person == second
    with pytest.raises(Conflict) as wrong_flight:
        evacuation.board(actor=officer, asset_id=flight.id, code=other_entry.boarding_code)
    assert wrong_flight.value.code == "other_asset"
    for unknown in ("ZZZZZZZZ", "K0000000"):
        with pytest.raises(NotFound):
            evacuation.board(actor=officer, asset_id=flight.id, code=unknown)
    with pytest.raises(ValidationFailed):
        evacuation.board(actor=officer, asset_id=flight.id, code="  ")
    with pytest.raises(NotFound):
        evacuation.board(actor=mission_official(["QA"]), asset_id=flight.id, code=code)

    with pytest.raises(Conflict):
        evacuation.asset_move(actor=officer, asset_id=flight.id, target=AssetStatus.ARRIVED)  # not departed yet
    evacuation.asset_move(actor=officer, asset_id=flight.id, target=AssetStatus.DEPARTED)
    with pytest.raises(Conflict):
        evacuation.manifest_add(actor=officer, asset_id=flight.id, person_id=unlisted.id)
    with pytest.raises(Conflict):
        evacuation.board(actor=officer, asset_id=flight.id, code=code)
    arrived = evacuation.asset_move(actor=officer, asset_id=flight.id, target=AssetStatus.ARRIVED)
    assert arrived.arrived_at is not None
    summary = evacuation.asset_summary(arrived)
    assert summary == {"capacity": 10, "listed": 3, "free": 7, "boarded": 3, "arrived": 3, "certificates": 0}


def test_manifest_export_and_certificate_list_are_logged_and_scoped(registrar, officer, crisis):
    with_passport = asks_to_leave(registrar, crisis, family=1, given_name="Suresh")
    lost = asks_to_leave(registrar, crisis, needs=("EVACUATION", "DOCUMENTS_LOST"), given_name="Latha")
    plan = evacuation.plan_create(actor=officer, crisis_id=crisis.id, data={"title": "Operation Jal"})
    flight = evacuation.asset_add(actor=officer, plan_id=plan.id, data=asset_data(capacity="10"))
    evacuation.manifest_build(actor=officer, asset_id=flight.id)

    filename, text = evacuation.manifest_export(actor=officer, asset_id=flight.id)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert filename.endswith("-manifest.csv") and len(rows) == 2
    suresh = next(r for r in rows if r["name"].startswith("Suresh"))
    assert suresh["seats"] == "2" and suresh["passport_number"] == with_passport.passports.get().number and "Member A (Child)" in suresh["family_travelling"]
    assert next(r for r in rows if r["name"].startswith("Latha"))["emergency_certificate"] == "yes"
    assert PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE).count() == 2

    (needing,) = evacuation.certificates_needed(actor=officer, crisis_id=crisis.id)
    assert needing.person == lost
    with pytest.raises(NotFound):
        evacuation.manifest_export(actor=mission_official(["QA"]), asset_id=flight.id)
    with pytest.raises(NotFound):
        evacuation.certificates_needed(actor=mission_official(["QA"]), crisis_id=crisis.id)

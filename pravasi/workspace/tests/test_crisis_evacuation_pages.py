"""Evacuation pages of the workspace: who sees them (the declaring Mission and the PGE; 404 for any other
office, POSTs included), plans and transport with each bad input, filling a manifest from those who asked
to leave, putting one person on it with their family, the boarding desk by code and by passport number,
the steps of a transport, the logged CSV manifest and the emergency-certificate list, all through real
requests by verified officials."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import user_with_role, verified_client
from pravasi.audit.models import AuditEvent, PersonalDataAccess
from pravasi.crisis import checkins, evacuation, services
from pravasi.crisis.models import AssetStatus, BoardingStatus, EvacuationAsset, EvacuationPlan, ManifestEntry
from pravasi.crisis.tests.factories import crisis_data, mission_official, pge_official, register
from pravasi.registry.services import family_member_add, passport_record

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


# --- builders ----------------------------------------------------------------------------------------------


def body(response) -> str:
    return response.content.decode()


def fresh(obj):
    obj.refresh_from_db()
    return obj


def soon(hours: int = 6) -> str:
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def asset_data(**overrides) -> dict:
    data = {"kind": "FLIGHT", "name": "AI 1902", "capacity": "5", "departure_point": "Dubai International, Terminal 2", "departs_at": soon(), "destination": "Kochi"}
    data.update(overrides)
    return data


def asks_to_leave(registrar, crisis, *, family=0, answered_for=None, needs=("EVACUATION",), passport=True, **person_data):
    """A person in the area who asked to be evacuated, with `family` members on record (all answered for
    unless `answered_for` says how many)."""
    person = register(registrar, **person_data)
    members = [family_member_add(actor=registrar, person=person, data={"name": f"Member {'ABCD'[i]}", "relation": "Child", "sex": "F"}) for i in range(family)]
    if passport:
        passport_record(actor=registrar, person=person, data={"passport_number": f"Z{8200000 + next(_numbers)}", "issue_date": "2020-01-01", "expiry_date": "2030-01-01"})
    chosen = members if answered_for is None else members[:answered_for]
    checkins.checkin_record_by_staff(actor=crisis.declared_by, crisis_id=crisis.id, person_id=person.id, data={"status": "HELP", "needs": list(needs), "family": [str(m.id) for m in chosen]})
    return person


def field_block(text: str, field_id: str) -> str:
    """The description block under a field, where its messages are shown."""
    match = re.search(rf'<div id="{re.escape(field_id)}_desc"[^>]*>(.*?)</div>\s*</div>', text, re.S)
    return match.group(1) if match else ""


def partner():
    return user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM"))


@pytest.fixture
def world():
    """The UAE Mission declares a crisis in Dubai and Deira (mandatory return); the PGE and the Qatar Mission look on.
    The PGE also declared a crisis in the UAE, which the UAE Mission sees but whose people it does not."""
    pge = pge_official()
    uae = mission_official(["AE"])
    qatar = mission_official(["QA"])
    crisis = services.crisis_declare(actor=uae, data=crisis_data(regions=["Dubai", "Deira"], phase="MANDATORY_RETURN"))
    pge_crisis = services.crisis_declare(actor=pge, data=crisis_data(title="Unrest in the Gulf", kind="CONFLICT", countries=["AE", "OM"]))
    return {"pge": pge, "uae": uae, "qatar": qatar, "crisis": crisis, "pge_crisis": pge_crisis}


def plan_and_flight(world, **overrides):
    plan = evacuation.plan_create(actor=world["uae"], crisis_id=world["crisis"].id, data={"title": "Operation Jal"})
    return plan, evacuation.asset_add(actor=world["uae"], plan_id=plan.id, data=asset_data(**overrides))


def url(name: str, *args) -> str:
    return reverse(f"workspace:{name}", args=list(args))


# --- who sees what ---------------------------------------------------------------------------------------


def test_the_declaring_mission_and_the_pge_open_every_page_another_mission_gets_404(world):
    crisis = world["crisis"]
    listed = asks_to_leave(world["pge"], crisis, passport=False)
    waiting = asks_to_leave(world["pge"], crisis)
    plan, flight = plan_and_flight(world, capacity="1")
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    pages = [
        url("crisis_evacuation", crisis.id),
        url("crisis_asset", flight.id),
        url("crisis_manifest_add", flight.id, waiting.id),
        url("crisis_boarding", flight.id),
        url("crisis_certificates", crisis.id),
    ]
    for who in ("uae", "pge"):
        client = verified_client(world[who])
        for page in pages:
            assert client.get(page).status_code == 200, (who, page)
    assert listed.full_name in body(verified_client(world["pge"]).get(url("crisis_certificates", crisis.id)))

    qatar = verified_client(world["qatar"])
    for page in pages:
        response = qatar.get(page)
        assert response.status_code == 404, page
        assert listed.full_name not in body(response) and waiting.full_name not in body(response)
    entry = ManifestEntry.objects.get()
    posts = [
        (url("crisis_plan_create", crisis.id), {"plan-title": "Mine"}),
        (url("crisis_asset_add", plan.id), {f"asset-{plan.id}-{k}": v for k, v in asset_data(name="QR 1").items()}),
        (url("crisis_manifest_build", flight.id), {}),
        (url("crisis_asset_move", flight.id), {"target": "BOARDING"}),
        (url("crisis_manifest_remove", flight.id, entry.id), {}),
        (url("crisis_manifest_csv", flight.id), {}),
        (url("crisis_manifest_add", flight.id, waiting.id), {}),
        (url("crisis_boarding", flight.id), {"code": entry.boarding_code}),
    ]
    before = (EvacuationPlan.objects.count(), EvacuationAsset.objects.count(), ManifestEntry.objects.count(), PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE).count())
    for address, data in posts:
        assert qatar.post(address, data).status_code == 404, address
    after = (EvacuationPlan.objects.count(), EvacuationAsset.objects.count(), ManifestEntry.objects.count(), PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE).count())
    assert after == before
    assert (fresh(flight).status, fresh(entry).status) == (AssetStatus.PLANNED, BoardingStatus.LISTED)

    # A Mission that sees the PGE's crisis in its country is not shown its people.
    assert verified_client(world["uae"]).get(url("crisis_evacuation", world["pge_crisis"].id)).status_code == 404
    assert verified_client(world["uae"]).get(url("crisis_certificates", world["pge_crisis"].id)).status_code == 404
    # Partners are refused the crisis pages altogether; anonymous visitors are sent to sign in.
    assert verified_client(partner()).get(pages[0]).status_code == 403
    for page in pages:
        response = Client().get(page)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), page


def test_the_declaring_mission_follows_but_does_not_organise_once_the_area_goes_beyond_its_countries(world):
    crisis = world["crisis"]
    traveller = asks_to_leave(world["pge"], crisis)
    waiting = asks_to_leave(world["pge"], crisis)
    plan, flight = plan_and_flight(world, capacity="1")
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    entry = ManifestEntry.objects.get()
    services.crisis_update(actor=world["pge"], crisis_id=crisis.id, data={"countries": ["AE", "OM"]}, reason="The unrest has reached Oman.")
    client = verified_client(world["uae"])

    text = body(client.get(url("crisis_evacuation", crisis.id)))
    assert "Only the PGE, or a Mission holding every country of the area, organises the evacuation" in text
    assert "Create the plan" not in text and "Add the transport" not in text
    text = body(client.get(url("crisis_asset", flight.id)))
    assert traveller.full_name in text and "Open the boarding desk" in text
    for offered in ("Fill from those waiting", "Open boarding", url("crisis_manifest_remove", flight.id, entry.id)):
        assert offered not in text
    added = body(client.get(url("crisis_manifest_add", flight.id, waiting.id)))
    assert "Only the PGE, or a Mission holding every country of the area, puts people on a transport." in added and "Add to the manifest" not in added

    refusal = "Only the PGE, or a Mission holding every country of the area, organises the evacuation."
    for address, data in [
        (url("crisis_plan_create", crisis.id), {"plan-title": "Mine"}),
        (url("crisis_asset_add", plan.id), {f"asset-{plan.id}-{k}": v for k, v in asset_data(name="QR 1").items()}),
        (url("crisis_manifest_build", flight.id), {}),
        (url("crisis_manifest_remove", flight.id, entry.id), {}),
        (url("crisis_manifest_add", flight.id, waiting.id), {}),
    ]:
        response = client.post(address, data)
        assert response.status_code == 403, address
        assert refusal in body(response), address
    moved = client.post(url("crisis_asset_move", flight.id), {"target": "BOARDING"})
    assert moved.status_code == 403 and "You may not make this change." in body(moved)
    assert (EvacuationPlan.objects.count(), EvacuationAsset.objects.count(), ManifestEntry.objects.count()) == (1, 1, 1)
    assert fresh(flight).status == AssetStatus.PLANNED

    # Checking travellers aboard is for everyone who sees the people.
    boarded = client.post(url("crisis_boarding", flight.id), {"code": entry.boarding_code})
    assert boarded.status_code == 200 and f"Boarded: {traveller.full_name}" in body(boarded)


# --- plans and transport ---------------------------------------------------------------------------------


def test_a_plan_and_its_transport_are_created_and_bad_input_changes_nothing(world):
    crisis = world["crisis"]
    client = verified_client(world["uae"])
    page = url("crisis_evacuation", crisis.id)
    empty = body(client.get(page))
    assert "No evacuation plan yet." in empty and "Create a plan" in empty

    refused = client.post(url("crisis_plan_create", crisis.id), {"plan-title": "  "})
    assert refused.status_code == 400
    assert "This is required." in field_block(body(refused), "id_plan-title")
    assert not EvacuationPlan.objects.exists()

    created = client.post(url("crisis_plan_create", crisis.id), {"plan-title": "Operation Jal", "plan-notes": "Flights from DXB."}, follow=True)
    assert "The plan “Operation Jal” was created: add its transport." in body(created)
    plan = EvacuationPlan.objects.get()
    prefix = f"asset-{plan.id}"

    def form(**overrides) -> dict:
        data = asset_data(departs_at=(timezone.localtime() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"))
        data.update(overrides)
        return {f"{prefix}-{key}": value for key, value in data.items()}

    bad = [
        ({"capacity": "0"}, "capacity", "Give the number of seats, from 1 to 5000."),
        ({"capacity": "6000"}, "capacity", "Give the number of seats, from 1 to 5000."),
        ({"capacity": "²"}, "capacity", "Give the number of seats, from 1 to 5000."),
        ({"departs_at": "next Tuesday"}, "departs_at", "Give the date and time, for example 2026-03-04 14:30."),
        ({"departs_at": "2026-13-01T10:00"}, "departs_at", "Give the date and time, for example 2026-03-04 14:30."),
        ({"departs_at": (timezone.localtime(crisis.starts_at) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}, "departs_at", "The departure cannot be before the crisis began."),
        ({"kind": "ZEPPELIN"}, "kind", "Choose the kind of transport."),
        ({"name": ""}, "name", "This is required."),
    ]
    for change, field, message in bad:
        response = client.post(url("crisis_asset_add", plan.id), form(**change))
        assert response.status_code == 400, change
        text = body(response)
        assert escape(message) in field_block(text, f"id_{prefix}-{field}"), change
        assert f'href="#action-{prefix}"' in text  # the summary points at the form with the messages
    assert not EvacuationAsset.objects.exists()
    assert not AuditEvent.objects.filter(action="crisis.asset_added").exists()

    added = client.post(url("crisis_asset_add", plan.id), form(capacity="180"), follow=True)
    assert "Flight AI 1902 was added to the plan, with 180 seats." in body(added)
    flight = EvacuationAsset.objects.get()
    assert (flight.capacity, flight.departure_point, flight.destination) == (180, "Dubai International, Terminal 2", "Kochi")
    text = body(client.get(page))
    assert url("crisis_asset", flight.id) in text and "180 seats: 0 listed, 0 boarded" in text and "Planned" in text
    assert url("crisis_certificates", crisis.id) in text

    # The PGE sees the same; once the crisis has ended, nothing is offered and a POST is refused in words.
    services.crisis_end(actor=world["pge"], crisis_id=crisis.id, reason="The storm has passed.")
    ended = body(verified_client(world["pge"]).get(page))
    assert "Create a plan" not in ended and "Add the transport" not in ended and "This crisis has ended" in ended
    late = client.post(url("crisis_plan_create", crisis.id), {"plan-title": "Too late"}, follow=True)
    assert "This crisis has ended." in body(late)
    assert EvacuationPlan.objects.count() == 1


def test_the_waiting_list_shows_no_names_and_filling_a_transport_takes_the_most_urgent_first(world):
    crisis, registrar = world["crisis"], world["pge"]
    alone = asks_to_leave(registrar, crisis, given_name="Suresh")
    elderly = asks_to_leave(registrar, crisis, family=2, date_of_birth="1950-06-01", given_name="Mariamma")  # vulnerable: 3 seats
    big_family = asks_to_leave(registrar, crisis, family=3, residence_region="Deira", given_name="Joseph")  # 4 seats: does not fit
    asks_to_leave(registrar, crisis, needs=("FOOD",), given_name="Noor")  # does not ask to leave
    no_passport = asks_to_leave(registrar, crisis, passport=False, given_name="Latha")
    plan, flight = plan_and_flight(world, capacity="5")
    client = verified_client(world["uae"])

    text = body(client.get(url("crisis_evacuation", crisis.id)))
    assert "4 parties waiting, 9 seats needed." in text
    for person in (alone, elderly, big_family, no_passport):
        assert person.full_name not in text and person.family_name not in text
    assert "Urgent: medical need or a vulnerable person" in text and "High: asks to leave" in text and "Deira" in text

    asset_page = body(client.get(url("crisis_asset", flight.id)))
    assert "Nobody is on this transport yet." in asset_page and "Fill from those waiting" in asset_page
    assert url("crisis_manifest_add", flight.id, big_family.id) in asset_page

    filled = client.post(url("crisis_manifest_build", flight.id), follow=True)
    text = body(filled)
    assert "Filled from those waiting: 3 parties, 5 seats. Still waiting (their family did not fit): 1. Free seats left: 0." in text
    entries = list(ManifestEntry.objects.filter(asset=flight).order_by("priority", "created_at"))
    assert [e.person for e in entries] == [elderly, alone, no_passport]
    # The manifest names them, most urgent first, with the family travelling and who needs a certificate.
    assert text.index(elderly.full_name) < text.index(alone.full_name) < text.index(no_passport.full_name)
    assert "Member A (Child)" in text and "Yes: needed" in text and entries[0].boarding_code in text
    assert '<progress id="seats-listed" class="step-bar" max="5" value="5">' in text
    assert PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE, person_id=elderly.id).exists()

    again = client.post(url("crisis_manifest_build", flight.id), follow=True)
    assert "Filled from those waiting: 0 parties, 0 seats." in body(again)
    assert ManifestEntry.objects.count() == 3
    waiting = body(client.get(url("crisis_evacuation", crisis.id)))
    assert "1 party waiting, 4 seats needed." in waiting and "5 seats: 5 listed, 0 boarded" in waiting


# --- one person with their family ------------------------------------------------------------------------


def test_a_person_is_added_with_the_family_chosen_on_the_add_page(world):
    crisis, registrar = world["crisis"], world["pge"]
    person = asks_to_leave(registrar, crisis, family=2, answered_for=1, given_name="Anitha", residence_region="Deira")
    first, second = sorted(person.family_members.all(), key=lambda m: m.name)
    stranger = register(registrar)
    stranger_child = family_member_add(actor=registrar, person=stranger, data={"name": "Other", "relation": "Son", "sex": "M"})
    plan, flight = plan_and_flight(world, capacity="5")
    bus = evacuation.asset_add(actor=world["uae"], plan_id=plan.id, data=asset_data(kind="BUS", name="Bus 3", capacity="2"))
    client = verified_client(world["uae"])
    page = url("crisis_manifest_add", flight.id, person.id)

    reads = PersonalDataAccess.objects.filter(person_id=person.id, purpose=evacuation.MANIFEST_PURPOSE).count()
    text = body(client.get(page))
    assert person.full_name in text and "Deira" in text
    assert PersonalDataAccess.objects.filter(person_id=person.id, purpose=evacuation.MANIFEST_PURPOSE).count() == reads + 1
    boxes = re.findall(r'<input type="checkbox" name="family" value="([^"]+)"[^>]*>', text)
    assert set(boxes) == {str(first.id), str(second.id)}
    ticked = re.findall(r'<input type="checkbox" name="family" value="([^"]+)"[^>]*checked', text)
    assert ticked == [str(first.id)]  # answered for in the request for help

    refused = client.post(page, {"family": [str(first.id), str(stranger_child.id)]})
    assert refused.status_code == 400
    assert "Choose family members from the person&#x27;s record." in body(refused)
    no_seats = client.post(url("crisis_manifest_add", bus.id, person.id), {"family": [str(first.id), str(second.id)]})
    assert no_seats.status_code == 409
    assert "Not enough seats: 3 needed, 2 free." in body(no_seats)
    assert not ManifestEntry.objects.exists()

    added = client.post(page, {"family": [str(first.id), str(second.id)]}, follow=True)
    entry = ManifestEntry.objects.get()
    assert (entry.asset, entry.person, entry.seats, sorted(entry.family_member_ids)) == (flight, person, 3, sorted([str(first.id), str(second.id)]))
    assert f"Added to the manifest: 3 seats, boarding code {entry.boarding_code}." in body(added)
    assert added.redirect_chain[-1][0] == url("crisis_asset", flight.id)

    # On a transport of the plan already: said, and no second form.
    again = body(client.get(url("crisis_manifest_add", bus.id, person.id)))
    assert f"Already on Flight AI 1902 of this plan, boarding code {entry.boarding_code}" in again and "Add to the manifest" not in again
    twice = client.post(url("crisis_manifest_add", bus.id, person.id), {})
    assert twice.status_code == 409 and "This person is already on a transport of this plan." in body(twice)
    # Someone outside the crisis area is not found.
    outsider = register(registrar, residence_region="Abu Dhabi")
    assert client.get(url("crisis_manifest_add", flight.id, outsider.id)).status_code == 404
    assert ManifestEntry.objects.count() == 1


def test_a_listed_traveller_is_removed_but_a_boarded_one_stays(world):
    crisis, registrar = world["crisis"], world["pge"]
    first = asks_to_leave(registrar, crisis)
    second = asks_to_leave(registrar, crisis)
    plan, flight = plan_and_flight(world, capacity="5")
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    boarded = evacuation.board(actor=world["uae"], asset_id=flight.id, code=ManifestEntry.objects.get(person=first).boarding_code)
    listed = ManifestEntry.objects.get(person=second)
    client = verified_client(world["uae"])

    text = body(client.get(url("crisis_asset", flight.id)))
    assert url("crisis_manifest_remove", flight.id, listed.id) in text
    assert url("crisis_manifest_remove", flight.id, boarded.id) not in text
    kept = client.post(url("crisis_manifest_remove", flight.id, boarded.id), follow=True)
    assert "This person has boarded; they stay on the manifest." in body(kept)
    removed = client.post(url("crisis_manifest_remove", flight.id, listed.id), follow=True)
    assert "They were taken off the manifest; their seats are free again." in body(removed)
    assert list(ManifestEntry.objects.values_list("person", flat=True)) == [first.id]
    assert AuditEvent.objects.filter(action="crisis.manifest_removed").count() == 1


# --- the boarding desk and the steps -----------------------------------------------------------------------


def test_the_boarding_desk_checks_travellers_aboard_by_code_or_passport(world):
    crisis, registrar = world["crisis"], world["pge"]
    first = asks_to_leave(registrar, crisis, family=1, given_name="Suresh")
    second = asks_to_leave(registrar, crisis, given_name="Latha")
    plan, flight = plan_and_flight(world, capacity="10")
    other = evacuation.asset_add(actor=world["uae"], plan_id=plan.id, data=asset_data(name="AI 1904"))
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    code = ManifestEntry.objects.get(person=first).boarding_code
    elsewhere = evacuation.manifest_add(actor=world["uae"], asset_id=other.id, person_id=asks_to_leave(registrar, crisis).id)
    client = verified_client(world["pge"])
    desk = url("crisis_boarding", flight.id)

    page = body(client.get(desk))
    assert "Boarding code or passport number" in page and "0 of 3 seats listed have boarded" in page
    field = re.search(r'<input type="text" name="code"[^>]*>', page).group(0)
    for attribute in ("autofocus", 'autocomplete="off"', 'inputmode="text"'):
        assert attribute in field

    typed = f"{code[:4].lower()} {code[4:].lower()}"  # read from the pass and typed
    boarded = client.post(desk, {"code": typed})
    assert boarded.status_code == 200
    text = body(boarded)
    assert "Boarded: Suresh" in text and "2 seats" in text and "With 1 family member" in text and "alert-success" in text
    assert "2 of 3 seats listed have boarded" in text
    entry = ManifestEntry.objects.get(person=first)
    assert (entry.status, entry.boarded_by) == (BoardingStatus.BOARDED, world["pge"])
    assert PersonalDataAccess.objects.filter(person_id=first.id, actor=world["pge"], purpose=evacuation.MANIFEST_PURPOSE).exists()

    twice = client.post(desk, {"code": code})
    assert twice.status_code == 409
    at = timezone.localtime(entry.boarded_at).strftime("%H:%M")
    assert f"Already boarded at {at}." in body(twice) and "alert-danger" in body(twice)

    by_passport = client.post(desk, {"code": second.passports.get().number})
    assert by_passport.status_code == 200 and "Boarded: Latha" in body(by_passport) and "1 seat" in body(by_passport)

    for value, status, message in [
        ("ZZZZZZZZ", 404, "No one with this code or passport number is on this transport&#x27;s manifest."),
        (elsewhere.boarding_code, 409, "This boarding pass is for Flight AI 1904, not this transport."),
        ("   ", 400, "Scan the boarding pass or type its code or the passport number."),
        ("AB\x00CD", 400, "Null characters are not allowed."),
    ]:
        response = client.post(desk, {"code": value})
        assert response.status_code == status, value
        assert message in body(response), value
    assert "ZZZZZZZZ" in body(client.post(desk, {"code": "ZZZZZZZZ"}))  # what was typed is shown back
    assert ManifestEntry.objects.filter(status=BoardingStatus.BOARDED).count() == 2
    assert fresh(elsewhere).status == BoardingStatus.LISTED

    evacuation.asset_move(actor=world["uae"], asset_id=flight.id, target=AssetStatus.BOARDING)
    evacuation.asset_move(actor=world["uae"], asset_id=flight.id, target=AssetStatus.DEPARTED)
    left = client.post(desk, {"code": code})
    assert left.status_code == 409 and "This transport has left." in body(left)


def test_a_transport_moves_one_step_at_a_time(world):
    crisis = world["crisis"]
    asks_to_leave(world["pge"], crisis)
    plan, flight = plan_and_flight(world)
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    client = verified_client(world["uae"])
    page = url("crisis_asset", flight.id)
    step = url("crisis_asset_move", flight.id)

    text = body(client.get(page))
    assert "Open boarding" in text and "Record the departure" not in text and "Record the arrival" not in text
    skipped = client.post(step, {"target": "DEPARTED"}, follow=True)
    assert fresh(flight).status == AssetStatus.PLANNED
    assert "alert-warning" in body(skipped)
    unknown = client.post(step, {"target": "TELEPORTED"}, follow=True)
    assert "Unknown step." in body(unknown) and fresh(flight).status == AssetStatus.PLANNED

    opened = client.post(step, {"target": "BOARDING"}, follow=True)
    text = body(opened)
    assert "Boarding is open: check travellers aboard at the boarding desk." in text
    assert "Record the departure" in text and "Open boarding" not in text and url("crisis_boarding", flight.id) in text
    departed = client.post(step, {"target": "DEPARTED"}, follow=True)
    text = body(departed)
    assert "The departure is recorded; the manifest is closed." in text and "Record the arrival" in text
    assert "Fill from those waiting" not in text and "Open the boarding desk" not in text and fresh(flight).departed_at is not None
    closed = client.post(url("crisis_manifest_build", flight.id), follow=True)
    assert "This transport has left; its manifest is closed." in body(closed)
    arrived = client.post(step, {"target": "ARRIVED"}, follow=True)
    text = body(arrived)
    assert "The arrival is recorded, with everyone who boarded." in text and fresh(flight).status == AssetStatus.ARRIVED
    assert 'action="' + step not in text  # no further step


# --- the manifest export and the certificates -----------------------------------------------------------------


def test_the_manifest_downloads_as_csv_and_every_traveller_read_is_logged(world):
    crisis, registrar = world["crisis"], world["pge"]
    suresh = asks_to_leave(registrar, crisis, family=1, given_name="Suresh")
    latha = asks_to_leave(registrar, crisis, needs=("EVACUATION", "DOCUMENTS_LOST"), given_name="Latha")
    plan, flight = plan_and_flight(world, capacity="10")
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    client = verified_client(world["pge"])
    reads = PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE, actor=world["pge"])

    assert client.get(url("crisis_manifest_csv", flight.id)).status_code == 405  # an export is a POST
    before = reads.count()
    response = client.post(url("crisis_manifest_csv", flight.id))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;") and "-manifest.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    first = next(r for r in rows if r["name"].startswith("Suresh"))
    assert first["seats"] == "2" and first["passport_number"] == suresh.passports.get().number and "Member A (Child)" in first["family_travelling"]
    assert next(r for r in rows if r["name"].startswith("Latha"))["emergency_certificate"] == "yes"
    assert reads.count() == before + 2
    assert set(reads.values_list("person_id", flat=True)) == {suresh.id, latha.id}
    assert AuditEvent.objects.filter(action="crisis.manifest_exported").count() == 1


def test_the_certificate_list_names_who_needs_one_before_departure(world):
    crisis, registrar = world["crisis"], world["pge"]
    asks_to_leave(registrar, crisis, given_name="Suresh")
    lost = asks_to_leave(registrar, crisis, needs=("EVACUATION", "DOCUMENTS_LOST"), given_name="Latha")
    none_on_record = asks_to_leave(registrar, crisis, passport=False, given_name="Mini")
    plan, flight = plan_and_flight(world, capacity="10")
    client = verified_client(world["uae"])
    page = url("crisis_certificates", crisis.id)

    assert "Nobody on a manifest of this crisis needs an emergency certificate." in body(client.get(page))
    evacuation.manifest_build(actor=world["uae"], asset_id=flight.id)
    before = PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE).count()
    text = body(client.get(page))
    assert "An emergency certificate must be issued to each person below before their transport departs" in text
    assert lost.full_name in text and none_on_record.full_name in text and "Suresh" not in text
    assert "Flight AI 1902" in text and url("crisis_asset", flight.id) in text
    assert timezone.localtime(flight.departs_at).strftime("%H:%M") in text
    assert PersonalDataAccess.objects.filter(purpose=evacuation.MANIFEST_PURPOSE).count() == before + 2

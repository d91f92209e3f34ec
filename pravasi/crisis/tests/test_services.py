"""Crisis writes: declaring (who may, and every bad input), changes of phase and area with their record and
announcement, the end, and the audited contact export."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.audit.models import AuditEvent, PersonalDataAccess
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.crisis import services
from pravasi.crisis.models import Crisis, CrisisChange, CrisisStatus
from pravasi.messaging.models import OutboxMessage
from pravasi.registry.services import family_member_add, person_update_section

from .factories import NORTHERN_EMIRATES, crisis_data, mission_official, pge_official, register

pytestmark = pytest.mark.django_db


# --- declaring ---------------------------------------------------------------------------------------


def test_the_pge_declares_anywhere():
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data(countries="ae, om", regions="Dubai\nMuscat\ndubai", kind="CONFLICT"), source_ip="10.0.0.5")
    assert re.fullmatch(rf"CR-{timezone.localdate().year}-\d{{4}}", crisis.reference)
    assert crisis.countries == ["AE", "OM"] and crisis.regions == ["Dubai", "Muscat"]
    assert crisis.office.kind == OfficeKind.PGE and crisis.declared_by == pge and crisis.status == CrisisStatus.ACTIVE
    assert crisis.helplines == [{"label": "Embassy 24x7", "number": "+97124492700"}]
    assert crisis.starts_at <= timezone.now() and crisis.ends_at is None
    event = AuditEvent.objects.get(action="crisis.declared")
    assert event.target_id == str(crisis.id) and event.source_ip == "10.0.0.5"
    assert event.summary["kind"] == "CONFLICT" and event.summary["phase"] == "PRECAUTIONARY" and event.summary["countries"] == ["AE", "OM"]
    second = services.crisis_declare(actor=pge, data=crisis_data())
    assert int(second.reference[-4:]) == int(crisis.reference[-4:]) + 1


def test_a_mission_declares_for_its_countries_only():
    mission = mission_official(["AE", "OM"])
    crisis = services.crisis_declare(actor=mission, data=crisis_data(countries=["AE"], circle={"lat": 25.2, "lon": 55.3, "radius_km": 40}))
    assert crisis.office.kind == OfficeKind.MISSION and crisis.circle_radius_km == 40
    with pytest.raises(NotAllowed):
        services.crisis_declare(actor=mission, data=crisis_data(countries=["AE", "QA"]))
    with pytest.raises(NotAllowed):
        services.crisis_declare(actor=mission, data=crisis_data(countries=["SA"]))
    for outsider in (user_with_role(Role.POE_OFFICER), user_with_role(Role.PARTNER_ANALYST), user_with_role(Role.EMIGRANT)):
        with pytest.raises(NotAllowed):
            services.crisis_declare(actor=outsider, data=crisis_data())
    assert Crisis.objects.count() == 1


OPEN_RING = [[[54.9, 24.9], [55.8, 24.9], [55.8, 25.6], [54.9, 25.6]]]
TRIANGLE_TOO_SHORT = [[[54.9, 24.9], [55.8, 24.9], [54.9, 24.9]]]
OUT_OF_RANGE = [[[54.9, 24.9], [200.0, 24.9], [55.8, 95.0], [54.9, 24.9]]]
NOW = timezone.now()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countries": []}, "countries"),
        ({"countries": ""}, "countries"),
        ({"countries": ["IN"]}, "countries"),
        ({"countries": ["AE", "IN"]}, "countries"),
        ({"countries": ["XX"]}, "countries"),
        ({"countries": ["UAE"]}, "countries"),
        ({"title": ""}, "title"),
        ({"kind": "WAR"}, "kind"),
        ({"phase": "PANIC"}, "phase"),
        ({"regions": ["x" * 101]}, "regions"),
        ({"regions": [f"Town{i}" for i in range(51)]}, "regions"),
        ({"polygon": NORTHERN_EMIRATES, "circle": {"lat": 25.2, "lon": 55.3, "radius_km": 40}}, "circle"),
        ({"polygon": OPEN_RING}, "polygon"),
        ({"polygon": TRIANGLE_TOO_SHORT}, "polygon"),
        ({"polygon": OUT_OF_RANGE}, "polygon"),
        ({"polygon": "{not json"}, "polygon"),
        ({"polygon": {"type": "Point", "coordinates": [55.3, 25.2]}}, "polygon"),
        ({"circle": {"lat": 25.2, "lon": 55.3, "radius_km": 0}}, "circle_radius_km"),
        ({"circle": {"lat": 25.2, "lon": 55.3, "radius_km": 2001}}, "circle_radius_km"),
        ({"circle": {"lat": 95, "lon": 55.3, "radius_km": 10}}, "circle_latitude"),
        ({"circle": {"lat": 25.2, "lon": "east", "radius_km": 10}}, "circle_longitude"),
        ({"starts_at": NOW, "ends_at": NOW - timedelta(hours=1)}, "ends_at"),
        ({"starts_at": NOW, "ends_at": NOW}, "ends_at"),
        ({"starts_at": "yesterday"}, "starts_at"),
        ({"advisory": ""}, "advisory"),
        ({"advisory": "   "}, "advisory"),
        ({"advisory": "x" * 4001}, "advisory"),
        ({"helplines": [{"label": "Embassy", "number": "12"}]}, "helplines"),
        ({"helplines": [{"label": "", "number": "+971 2 449 2700"}]}, "helplines"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(overrides, field):
    pge = pge_official()
    with pytest.raises(ValidationFailed) as caught:
        services.crisis_declare(actor=pge, data=crisis_data(**overrides))
    assert caught.value.fields.get(field), caught.value.fields
    assert not Crisis.objects.exists()
    assert not AuditEvent.objects.filter(action="crisis.declared").exists()


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationFailed) as caught:
        services.crisis_declare(actor=pge_official(), data={"title": "", "kind": "", "phase": "", "countries": [], "advisory": ""})
    assert {"title", "kind", "phase", "countries", "advisory"} <= set(caught.value.fields)


def test_a_future_crisis_with_an_end():
    starts = timezone.now() + timedelta(days=2)
    crisis = services.crisis_declare(actor=pge_official(), data=crisis_data(starts_at=starts.isoformat(), ends_at=(starts + timedelta(days=5)).isoformat(), polygon=NORTHERN_EMIRATES))
    assert crisis.starts_at == starts and crisis.ends_at == starts + timedelta(days=5)
    assert crisis.polygon == NORTHERN_EMIRATES


# --- changes ------------------------------------------------------------------------------------------


def test_a_phase_change_is_recorded_audited_and_announced(django_capture_on_commit_callbacks):
    office = office_for(OfficeKind.MISSION, countries=["AE"])
    declarer = mission_official(office=office)
    colleague = mission_official(office=office)
    pge = pge_official()
    elsewhere = mission_official(["QA"])
    crisis = services.crisis_declare(actor=declarer, data=crisis_data())
    with django_capture_on_commit_callbacks(execute=True):
        services.crisis_update(actor=declarer, crisis_id=crisis.id, data={"phase": "VOLUNTARY_RETURN"}, reason="Airport closing in 48 hours.")
    crisis.refresh_from_db()
    assert crisis.phase == "VOLUNTARY_RETURN"
    change = CrisisChange.objects.get(crisis=crisis)
    assert (change.phase_before, change.phase_after, change.reason, change.changed_by) == ("PRECAUTIONARY", "VOLUNTARY_RETURN", "Airport closing in 48 hours.", declarer)
    assert change.area_before == {} and change.area_after == {}
    event = AuditEvent.objects.get(action="crisis.phase_changed")
    assert event.summary["from"] == "PRECAUTIONARY" and event.summary["to"] == "VOLUNTARY_RETURN"
    mails = OutboxMessage.objects.filter(purpose="crisis.change", channel="EMAIL")
    assert sorted(m.recipient for m in mails) == sorted([declarer.email, colleague.email, pge.email])
    assert elsewhere.email not in [m.recipient for m in mails]
    assert all(crisis.reference in m.subject and "Voluntary return" in m.body for m in mails)
    # The same change is never announced twice.
    services._announce(crisis, change)
    assert OutboxMessage.objects.filter(purpose="crisis.change", channel="EMAIL").count() == 3


def test_an_area_change_keeps_before_and_after():
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data(regions=["Dubai"]))
    with pytest.raises(ValidationFailed) as caught:
        services.crisis_update(actor=pge, crisis_id=crisis.id, data={"countries": ["AE", "OM"]}, reason="")
    assert "reason" in caught.value.fields
    services.crisis_update(actor=pge, crisis_id=crisis.id, data={"countries": ["AE", "OM"], "circle": {"lat": 25.2, "lon": 55.3, "radius_km": 300}}, reason="The storm moves east.")
    change = CrisisChange.objects.get(crisis=crisis)
    assert change.area_before == {"countries": ["AE"], "regions": ["Dubai"], "polygon": None, "circle": None}
    assert change.area_after == {"countries": ["AE", "OM"], "regions": ["Dubai"], "polygon": None, "circle": {"latitude": 25.2, "longitude": 55.3, "radius_km": 300.0}}
    assert change.phase_before == change.phase_after == ""
    event = AuditEvent.objects.get(action="crisis.area_changed")
    assert event.summary["countries_before"] == ["AE"] and event.summary["countries_after"] == ["AE", "OM"] and event.summary["shape"] == "CIRCLE"
    # Advice alone needs no reason and makes no change record.
    services.crisis_update(actor=pge, crisis_id=crisis.id, data={"advisory": "Move to higher ground now."}, reason="")
    crisis.refresh_from_db()
    assert crisis.advisory == "Move to higher ground now." and CrisisChange.objects.filter(crisis=crisis).count() == 1


def test_a_mission_cannot_widen_the_area_beyond_its_countries():
    mission = mission_official(["AE"])
    crisis = services.crisis_declare(actor=mission, data=crisis_data())
    with pytest.raises(NotAllowed):
        services.crisis_update(actor=mission, crisis_id=crisis.id, data={"countries": ["AE", "QA"]}, reason="Spreading.")
    crisis.refresh_from_db()
    assert crisis.countries == ["AE"] and not CrisisChange.objects.exists()


def test_an_ended_crisis_cannot_change(django_capture_on_commit_callbacks):
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data())
    with pytest.raises(ValidationFailed):
        services.crisis_end(actor=pge, crisis_id=crisis.id, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        ended = services.crisis_end(actor=pge, crisis_id=crisis.id, reason="The waters have receded.")
    assert ended.status == CrisisStatus.ENDED and ended.ends_at > ended.starts_at
    end = CrisisChange.objects.get(crisis=crisis)
    assert end.phase_before == "PRECAUTIONARY" and end.phase_after == "" and end.area_after == {}
    assert AuditEvent.objects.filter(action="crisis.ended", target_id=str(crisis.id)).exists()
    ended_mails = OutboxMessage.objects.filter(purpose="crisis.change", channel="EMAIL")
    assert [m.recipient for m in ended_mails] == [pge.email] and "ended" in ended_mails[0].subject
    with pytest.raises(Conflict):
        services.crisis_update(actor=pge, crisis_id=crisis.id, data={"phase": "MANDATORY_RETURN"}, reason="Too late.")
    with pytest.raises(Conflict):
        services.crisis_end(actor=pge, crisis_id=crisis.id, reason="Again.")
    crisis.refresh_from_db()
    assert crisis.phase == "PRECAUTIONARY" and CrisisChange.objects.filter(crisis=crisis).count() == 1


def test_only_a_manager_changes_a_crisis():
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data(countries=["AE", "OM"]))
    partial = mission_official(["AE"])  # sees the crisis, holds only one of its countries
    with pytest.raises(NotAllowed):
        services.crisis_update(actor=partial, crisis_id=crisis.id, data={"phase": "RESTRICTION"}, reason="Curfew.")
    with pytest.raises(NotAllowed):
        services.crisis_end(actor=partial, crisis_id=crisis.id, reason="Over.")
    with pytest.raises(NotFound):
        services.crisis_update(actor=mission_official(["QA"]), crisis_id=crisis.id, data={"phase": "RESTRICTION"}, reason="Curfew.")
    both = mission_official(["AE", "OM"])
    services.crisis_update(actor=both, crisis_id=crisis.id, data={"phase": "RESTRICTION"}, reason="Curfew.")
    crisis.refresh_from_db()
    assert crisis.phase == "RESTRICTION"


# --- the contact export ------------------------------------------------------------------------------


def test_the_export_is_for_the_declaring_office_and_the_pge():
    office = office_for(OfficeKind.MISSION, countries=["AE"])
    declarer = mission_official(office=office)
    registrar = pge_official()
    anitha = register(registrar, given_name="Anitha", sex="F", mobile="+971 50 123 4567", residence_region="Sharjah", preferred_language="ml")
    person_update_section(actor=registrar, person=anitha, section="needs", data={"vuln_pregnancy": "on"})
    family_member_add(actor=registrar, person=anitha, data={"name": "Arjun", "relation": "Son", "sex": "M"})
    formula = register(registrar, residence_region="=HYPERLINK(1)")
    register(registrar, consent=False)  # not reachable for this kind of crisis
    register(registrar, residence_country="QA", residence_region="Doha")
    crisis = services.crisis_declare(actor=declarer, data=crisis_data(kind="OTHER", title="Transport strike"))

    other_mission = mission_official(["AE"])  # sees the crisis (its country) but did not declare it
    with pytest.raises(NotAllowed):
        services.contacts_export(actor=other_mission, crisis_id=crisis.id)
    with pytest.raises(NotFound):
        services.contacts_export(actor=user_with_role(Role.PARTNER_ANALYST), crisis_id=crisis.id)
    assert not PersonalDataAccess.objects.exists() and not AuditEvent.objects.filter(action="crisis.contacts_exported").exists()

    filename, count, lines = services.contacts_export(actor=declarer, crisis_id=crisis.id, source_ip="10.0.0.7")
    assert not PersonalDataAccess.objects.exists()  # nothing is read until the lines are
    text = "".join(lines)
    assert filename.startswith(crisis.reference) and filename.endswith(".csv") and count == 2
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["person_id"] for row in rows} == {str(anitha.id), str(formula.id)}
    row = next(r for r in rows if r["person_id"] == str(anitha.id))
    assert row["name"] == anitha.full_name and row["phone"] == "+971501234567" and row["email"] == anitha.email
    assert (row["preferred_language"], row["region_or_city"], row["vulnerabilities"], row["family_members"]) == ("ml", "Sharjah", "PREGNANCY", "1")
    assert next(r for r in rows if r["person_id"] == str(formula.id))["region_or_city"] == "'=HYPERLINK(1)"
    access = PersonalDataAccess.objects.filter(purpose="crisis-export")
    assert sorted(str(a.person_id) for a in access) == sorted([str(anitha.id), str(formula.id)])
    assert {a.actor_id for a in access} == {declarer.id} and {a.source_ip for a in access} == {"10.0.0.7"}
    event = AuditEvent.objects.get(action="crisis.contacts_exported")
    assert event.summary == {"count": 2} and event.target_id == str(crisis.id)
    assert "Anitha" not in str(event.summary)

    _filename, _count, lines = services.contacts_export(actor=pge_official(), crisis_id=crisis.id)
    assert len(list(csv.DictReader(io.StringIO("".join(lines))))) == 2
    assert PersonalDataAccess.objects.filter(purpose="crisis-export").count() == 4

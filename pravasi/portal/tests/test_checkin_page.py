"""The check-in page reached from the personal link in an alert: an answer is recorded once, bad links and
bad answers get a clear page or message and change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.crisis import alerts, checkins, evacuation, services
from pravasi.crisis.models import CheckIn, HelpRequest
from pravasi.crisis.tests.factories import crisis_data, mission_official, pge_official, register
from pravasi.registry.services import family_member_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(django_capture_on_commit_callbacks):
    registrar = pge_official()
    officer = mission_official(["AE"])
    crisis = services.crisis_declare(actor=officer, data=crisis_data(regions=["Dubai"]))
    ravi = register(registrar, given_name="Ravi", mobile="+971501112233")
    family_member_add(actor=registrar, person=ravi, data={"name": "Lakshmi", "relation": "Wife", "sex": "F"})
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data={"headline_en": "Floods: stay indoors", "description_en": "Roads are flooded."})
    with django_capture_on_commit_callbacks(execute=True):
        alerts.alert_send(actor=officer, alert_id=alert.id)
    alert.refresh_from_db()
    url = checkins.checkin_link(alert=alert, person_id=ravi.id).split("://", 1)[1].split("/", 1)[1]
    return f"/{url}", ravi, alert


def submission(page) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page.content.decode()).group(1)


def test_a_person_answers_through_the_link_once(client, link):
    url, ravi, _alert = link
    page = client.get(url)
    assert page.status_code == 200 and "Ravi, are you safe?" in page.content.decode() and "Lakshmi (Wife)" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    wife = ravi.family_members.get()
    answer = {"status": "HELP", "needs": ["EVACUATION"], "family": [str(wife.id)], "note": "We are at the Al Nahda metro station.", "submission": submission(page)}
    done = client.post(url, answer)
    assert done.status_code == 302 and done["Location"].endswith("?sent=1")
    again = client.post(url, answer)  # the same form sent twice
    assert again.status_code == 302
    assert CheckIn.objects.filter(person=ravi).count() == 1 and HelpRequest.objects.filter(person=ravi).count() == 1
    shown = client.get(done["Location"]).content.decode()
    assert "Your answer is recorded" in shown and "Evacuation" in shown

    officer = HelpRequest.objects.get(person=ravi).crisis.declared_by
    plan = evacuation.plan_create(actor=officer, crisis_id=HelpRequest.objects.get(person=ravi).crisis_id, data={"title": "Operation Jal"})
    flight = evacuation.asset_add(
        actor=officer,
        plan_id=plan.id,
        data={"kind": "FLIGHT", "name": "AI 1902", "capacity": "180", "departure_point": "Dubai International, Terminal 2", "departs_at": (timezone.now() + timedelta(hours=8)).isoformat(), "destination": "Kochi"},
    )
    evacuation.manifest_build(actor=officer, asset_id=flight.id)
    boarding = client.get(url).content.decode()
    entry = ravi.manifest_entries.get()
    assert entry.seats == 2 and "Your boarding pass" in boarding and entry.boarding_code in boarding and 'src="data:image/svg+xml;base64,' in boarding


def test_bad_answers_and_bad_links_change_nothing(client, link):
    url, ravi, alert = link
    key = submission(client.get(url))
    refused = client.post(url, {"status": "HELP", "submission": key})
    assert refused.status_code == 400 and "Tell us what help you need" in refused.content.decode()
    assert client.post(url, {"submission": key}).status_code == 400
    assert client.post(url, {"status": "SAFE", "needs": ["HELICOPTER"], "submission": key}).status_code == 400
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = client.get(f"/checkin/{token[:-2]}xx/")
    assert forged.status_code == 400 and "not valid" in forged.content.decode()
    expired_token = checkins.checkin_token(alert_id=alert.id, person_id=ravi.id, expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.post(f"/checkin/{expired_token}/", {"status": "SAFE", "submission": key})
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert client.get("/checkin/not-a-token/").status_code == 400
    assert not CheckIn.objects.exists()

"""A crisis end to end in a real browser.

The Mission officer declares floods in Dubai and sends an alert; a registered worker opens the personal link
from the SMS on a phone-sized screen and asks to be evacuated with his wife and son; the officer sees the
request in the triage queue, sets up a flight and puts the family on its manifest; the worker's page then
shows the boarding pass. Screenshots are saved in tests/e2e/screenshots/.
"""

import re

import pytest

from pravasi.crisis.models import Alert, CheckIn, Crisis, HelpRequest, ManifestEntry
from pravasi.licensing.tests.factories import officials
from pravasi.messaging.models import OutboxMessage
from pravasi.registry.models import ConsentPurpose, ConsentRecord
from pravasi.registry.services import family_member_add, person_register

from .conftest import DESKTOP, PHONE, assert_accessible, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "+971501239876"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_mission_alerts_worker_asks_to_leave_officer_puts_the_family_on_a_flight(new_page, live_server):
    people = officials()
    mission, registrar = people["mission"], people["pge"]
    worker = person_register(
        actor=registrar,
        data={"given_name": "Suresh", "family_name": "Nair", "sex": "M", "date_of_birth": "1986-04-12", "state_of_origin": "IN-KL", "residence_country": "AE", "residence_region": "Dubai", "mobile": MOBILE, "preferred_language": "en"},
        method=ConsentRecord.Method.IMPORT,
        consents=[ConsentPurpose.CRISIS_CONTACT],
    )
    wife = family_member_add(actor=registrar, person=worker, data={"name": "Latha Nair", "relation": "Wife", "sex": "F"})
    son = family_member_add(actor=registrar, person=worker, data={"name": "Arjun Nair", "relation": "Son", "sex": "M", "date_of_birth": "2016-09-01"})

    # The Mission officer declares the crisis.
    desk = new_page(viewport=DESKTOP)
    sign_in(desk, live_server.url, mission.username, mission)
    desk.goto(live_server.url + "/workspace/crisis/declare/")
    desk.fill("[name=title]", "Floods in Dubai")
    desk.select_option("[name=kind]", "NATURAL_DISASTER")
    desk.select_option("[name=phase]", "VOLUNTARY_RETURN")
    desk.select_option("[name=countries]", ["AE"])
    desk.fill("[name=regions]", "Dubai")
    desk.fill("[name=advisory]", "Roads and homes in Dubai are flooded. Leave low-lying areas; the Mission helps those who cannot leave on their own.")
    desk.fill("[name=helpline_1_label]", "Embassy of India, 24 hours")
    desk.fill("[name=helpline_1_number]", "+97124492700")
    desk.locator("main form button[type=submit]").last.click()
    desk.wait_for_url(re.compile(r"/workspace/crisis/[0-9a-f-]{36}/$"))
    crisis = Crisis.objects.get()
    assert crisis.regions == ["Dubai"] and crisis.office == mission.memberships.get().office
    shot(desk, "crisis-declared-desktop")

    # ... writes the alert, reads the preview and sends it.
    desk.get_by_role("link", name="Write an alert").first.click()
    desk.fill("[name=headline_en]", "Floods in Dubai: leave low-lying areas")
    desk.fill("[name=description_en]", "Heavy rain has flooded roads and homes in Dubai; more is forecast for two days.")
    desk.fill("[name=instruction_en]", "Tell us now whether you are safe, and whether you need to be taken out.")
    desk.locator("main form button[type=submit]").last.click()
    desk.wait_for_url(re.compile(r"/workspace/crisis/alerts/[0-9a-f-]{36}/$"))
    assert "1" in desk.inner_text("main") and "SMS" in desk.inner_text("main")
    assert_accessible(desk, "alert preview")
    shot(desk, "crisis-alert-preview-desktop")
    desk.locator("form[action$='/send/'] button[type=submit]").click()
    desk.wait_for_load_state()
    desk.wait_for_selector("progress")
    alert = Alert.objects.get()
    assert alert.status == "PUBLISHED" and alert.fanout_done_at is not None
    shot(desk, "crisis-alert-sent-desktop")

    # The worker opens the link from his SMS on his phone and asks to be evacuated with his family.
    sms = next(m for m in OutboxMessage.objects.filter(batch=f"alert:{alert.id}", channel="SMS") if m.recipient == MOBILE)
    link = re.search(r"https?://\S+/checkin/\S+/", sms.body).group(0)
    phone = new_page(viewport=PHONE)
    phone.goto(live_server.url + "/checkin/" + link.rstrip("/").rsplit("/", 1)[1] + "/")
    assert "Suresh, are you safe?" in phone.inner_text("main") and no_sideways_scroll(phone)
    phone.locator("input[name=status][value=HELP]").check()
    phone.locator("input[name=needs][value=EVACUATION]").check()
    phone.locator(f"input[name=family][value='{wife.id}']").check()
    phone.locator(f"input[name=family][value='{son.id}']").check()
    phone.fill("[name=note]", "Water is in the ground floor of our building in Al Qusais.")
    assert_accessible(phone, "check-in form (phone)")
    shot(phone, "crisis-checkin-phone")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"\?sent=1$"))
    assert "Your answer is recorded" in phone.inner_text("main")
    shot(phone, "crisis-checkin-recorded-phone")
    checkin = CheckIn.objects.get(person=worker)
    assert checkin.needs == ["EVACUATION"] and sorted(checkin.family_member_ids) == sorted([str(wife.id), str(son.id)])

    # The officer sees the request in the triage queue (no names in the list) and opens it.
    desk.goto(live_server.url + f"/workspace/crisis/{crisis.id}/triage/")
    queue = desk.inner_text("main")
    assert "Dubai" in queue and "Suresh" not in queue
    assert_accessible(desk, "triage queue")
    shot(desk, "crisis-triage-desktop")
    help_request = HelpRequest.objects.get(person=worker)

    # ... sets up a flight for the evacuation,
    desk.goto(live_server.url + f"/workspace/crisis/{crisis.id}/evacuation/")
    desk.fill("[name=plan-title]", "Operation Jal")
    desk.locator("form[action$='/evacuation/plans/'] button[type=submit]").click()
    desk.wait_for_load_state()
    plan = crisis.evacuation_plans.get()
    prefix = f"asset-{plan.id}"
    desk.select_option(f"[name={prefix}-kind]", "FLIGHT")
    desk.fill(f"[name={prefix}-name]", "AI 1902")
    desk.fill(f"[name={prefix}-capacity]", "180")
    desk.fill(f"[name={prefix}-departure_point]", "Dubai International, Terminal 2")
    desk.fill(f"[name={prefix}-departs_at]", "2030-01-01T09:30")
    desk.fill(f"[name={prefix}-destination]", "Kochi")
    desk.locator(f"form[action$='/plans/{plan.id}/assets/'] button[type=submit]").click()
    desk.wait_for_load_state()
    flight = plan.assets.get()

    # ... and from the request puts the family on it.
    desk.goto(live_server.url + f"/workspace/crisis/help/{help_request.id}/")
    assert "Suresh" in desk.inner_text("main")
    desk.get_by_role("link", name=re.compile("Put on .*AI 1902")).click()
    desk.wait_for_url(re.compile(r"/add/[0-9a-f-]{36}/$"))
    assert desk.locator(f"input[name=family][value='{wife.id}']").is_checked() and desk.locator(f"input[name=family][value='{son.id}']").is_checked()
    desk.locator("main form button[type=submit]").last.click()
    desk.wait_for_url(re.compile(rf"/workspace/crisis/evacuation/assets/{flight.id}/$"))
    entry = ManifestEntry.objects.get(person=worker)
    assert entry.asset == flight and entry.seats == 3 and sorted(entry.family_member_ids) == sorted([str(wife.id), str(son.id)])
    assert entry.boarding_code in desk.inner_text("main")
    assert_accessible(desk, "manifest")
    shot(desk, "crisis-manifest-desktop")

    # The worker's page now shows his boarding pass.
    phone.reload()
    assert entry.boarding_code in phone.inner_text("main") and no_sideways_scroll(phone)
    shot(phone, "crisis-boarding-pass-phone")

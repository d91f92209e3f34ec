"""A grievance end to end in a real browser.

A father files a grievance for his daughter in the UAE on a phone-sized screen and gets a number; the
Mission officer takes it up and messages him; the deadline passes and the hourly task escalates it to
the deputy chief of mission; the officer closes it with a resolution; the father opens the case with
a one-time code on his phone, reads the resolution and rates it. Screenshots are saved in
tests/e2e/screenshots/.
"""

import re
from datetime import timedelta

import pytest

from pravasi.cases import services
from pravasi.cases.models import Case, CaseStatus
from pravasi.licensing.tests.factories import officials
from pravasi.messaging.models import OutboxMessage

from .conftest import DESKTOP, PHONE, assert_accessible, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_NUMBER = "+91 98470 12345"


def _code_sent_to(number: str) -> str:
    message = [m for m in OutboxMessage.objects.filter(purpose="cases.code").order_by("-created_at") if m.recipient == number][0]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_relative_files_mission_handles_escalates_closes_relative_reads(new_page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    people = officials()
    mission = people["mission"]

    # The father files on his phone, for his daughter in Dubai.
    phone = new_page(viewport=PHONE)
    phone.goto(live_server.url + "/grievance/")
    phone.fill("[name=filer_name]", "Thomas Varghese")
    phone.fill("[name=filer_phone]", PHONE_NUMBER)
    phone.locator("input[name=filing_for][value=OTHER]").check()
    phone.fill("[name=person_name]", "Anitha Varghese")
    phone.fill("[name=filer_relation]", "Father")
    phone.select_option("[name=country]", "AE")
    phone.locator("input[name=category][value=SALARY_DUES]").check()
    phone.fill("[name=where]", "Jebel Ali, Dubai")
    phone.fill("[name=description]", "My daughter has not been paid for four months and the employer keeps her passport.")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(phone, "grievance form (phone)")
    shot(phone, "cases-file-phone")
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url(re.compile(r"/case/filed/"))
    case = Case.objects.get()
    assert case.tracking_number in phone.inner_text("main") and case.filer_relation == "Father"
    assert case.office == mission.memberships.get().office
    assert_accessible(phone, "case filed (phone)")
    shot(phone, "cases-filed-phone")

    # The Mission officer finds it in the queue, takes it up and messages the father.
    desk = new_page(viewport=DESKTOP)
    sign_in(desk, live_server.url, mission.username, mission)
    desk.goto(live_server.url + "/workspace/cases/")
    assert case.tracking_number in desk.inner_text("main") and "Anitha" not in desk.inner_text("main")
    assert_accessible(desk, "case queue (Mission)")
    shot(desk, "cases-queue-mission")
    desk.get_by_role("link", name=case.tracking_number).first.click()
    desk.wait_for_url(re.compile(r"/workspace/cases/[0-9a-f-]{36}/"))
    desk.locator("form[action$='/take-up/'] button[type=submit]").click()
    desk.wait_for_load_state()
    desk.locator("form[action$='/message/'] textarea[name=message-text]").fill("We have called the employer; the labour office hearing is on Monday.")
    desk.locator("form[action$='/message/'] button[type=submit]").click()
    desk.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert any("labour office hearing" in m.body for m in OutboxMessage.objects.filter(purpose="cases.filer"))
    assert_accessible(desk, "case detail (Mission)")
    shot(desk, "cases-detail-mission")

    # The deadline passes: the hourly task escalates the case to the deputy chief of mission.
    assert services.cases_escalate(now=case.due_at + timedelta(minutes=1)) == 1
    desk.reload()
    main = desk.inner_text("main")
    assert re.search(r"deputy chief of mission", main, re.IGNORECASE) and "Red" in main
    shot(desk, "cases-escalated-mission")

    # The officer closes it with a resolution.
    desk.locator("form[action$='/close/'] textarea[name=close-resolution]").fill("The employer paid the four months' wages and returned the passport at the Mission.")
    desk.locator("form[action$='/close/'] button[type=submit]").click()
    desk.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    shot(desk, "cases-closed-mission")

    # The father opens the case with a one-time code on his phone and reads the resolution.
    phone.goto(live_server.url + "/case/")
    phone.fill("[name=tracking_number]", case.tracking_number)
    phone.fill("[name=contact]", PHONE_NUMBER)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    phone.fill("[name=code]", _code_sent_to("+919847012345"))
    if not phone.locator("[name=tracking_number]").input_value():
        phone.fill("[name=tracking_number]", case.tracking_number)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/case/view/"))
    main = phone.inner_text("main")
    assert "returned the passport at the Mission" in main and "labour office hearing" in main
    assert_accessible(phone, "case status (phone)")
    shot(phone, "cases-resolution-phone")
    phone.locator("input[name=rating][value='5']").check()
    phone.locator("form[action$='/rate/'] button[type=submit]").click()
    phone.wait_for_load_state()
    assert Case.objects.get(id=case.id).satisfaction == 5

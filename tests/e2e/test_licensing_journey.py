"""A recruiting agent's certificate end to end in a real browser.

An agent applies on the public website (documents attached); the PoE office for Kerala takes the
application up, records its findings and forwards it; the PGE grants it; the public verification
page shows the certificate active; the PGE suspends it and the page says so plainly. Every page is
checked with axe and screenshots are saved in tests/e2e/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.licensing.models import Application, Licence
from pravasi.licensing.tests.factories import PDF, offices

from .conftest import DESKTOP, PHONE, assert_accessible, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, action_suffix: str) -> None:
    page.locator(f"form[action$='{action_suffix}'] button[type=submit]").click()
    page.wait_for_load_state()


def test_agent_applies_poe_forwards_pge_grants_then_suspends(new_page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "private"
    found = offices()
    poe = user_with_role(Role.POE_OFFICER, office=found["poe"], username="poe.kerala")
    pge = user_with_role(Role.PGE_OFFICER, office=found["pge"], username="pge.delhi")
    document = tmp_path / "document.pdf"
    document.write_bytes(PDF)
    today = timezone.localdate()

    # The public application form, first seen on a phone.
    phone = new_page(viewport=PHONE)
    phone.goto(live_server.url + "/apply/recruiting-agent/")
    assert_accessible(phone, "RC application (phone)")
    shot(phone, "licensing-apply-phone")

    page = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/apply/recruiting-agent/")
    values = {
        "organisation_name": "Vembanad Overseas Careers Pvt Ltd",
        "company_registration": "U74140KL2020PTC061234",
        "premises_address": "TC 12/345, MG Road",
        "premises_city": "Thiruvananthapuram",
        "premises_pin": "695001",
        "director_1_name": "Beena Joseph",
        "director_1_din": "08123456",
        "bank_guarantee_number": "SBIN/BG/2026/4411",
        "bank_guarantee_amount": "5000000",
        "bank_guarantee_valid_from": today.isoformat(),
        "bank_guarantee_valid_to": (today + timedelta(days=365 * 9)).isoformat(),
        "fee_amount": "25000",
        "fee_reference": "CHALLAN-778812",
        "fee_paid_date": today.isoformat(),
        "contact_name": "Beena Joseph",
        "contact_email": "beena@vembanad.example.in",
        "contact_mobile": "+91 94470 12345",
        "password": "Vembanad-careers-2026!",
    }
    for name, value in values.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=legal_form]", "COMPANY")
    page.select_option("[name=premises_state]", "IN-KL")
    page.select_option("[name=director_1_capacity]", "DIRECTOR")
    page.locator("[name=security_track][value=FULL]").check() if page.locator("input[name=security_track]").count() else page.select_option("[name=security_track]", "FULL")
    page.select_option("[name=bank_code]", "SBIN")
    for kind in ("incorporation", "premises", "identity", "bank_guarantee", "fee_receipt"):
        page.set_input_files(f"[name=document_{kind}]", str(document))
    shot(page, "licensing-apply-filled")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/apply/received/"))
    application = Application.objects.get()
    assert application.reference in page.inner_text("main")
    assert application.office == found["poe"]
    assert_accessible(page, "application received")
    shot(page, "licensing-apply-received")

    # The PoE office takes it up, records its findings and forwards it to the PGE.
    desk = new_page(viewport=DESKTOP)
    sign_in(desk, live_server.url, "poe.kerala", poe)
    desk.goto(live_server.url + "/workspace/licensing/queue/")
    assert application.reference in desk.inner_text("main")
    assert_accessible(desk, "PoE queue")
    shot(desk, "licensing-queue-poe")
    desk.get_by_role("link", name=application.reference).click()
    submit(desk, "/take-up/")
    for box in desk.locator("form[action$='/scrutiny/'] input[type=checkbox]").all():
        box.check()
    desk.fill("form[action$='/scrutiny/'] [name$=inspection_report]", "Premises inspected on site: 420 sq ft, interview room, records kept.")
    desk.select_option("form[action$='/scrutiny/'] [name$=police_report]", "CLEAR")
    submit(desk, "/scrutiny/")
    submit(desk, "/forward/")
    application.refresh_from_db()
    assert application.status == "FORWARDED"
    assert_accessible(desk, "application forwarded (PoE)")
    shot(desk, "licensing-application-forwarded")

    # The PGE grants it.
    chief = new_page(viewport=DESKTOP)
    sign_in(chief, live_server.url, "pge.delhi", pge)
    chief.goto(live_server.url + "/workspace/licensing/queue/")
    chief.get_by_role("link", name=application.reference).click()
    assert "Premises inspected on site" in chief.inner_text("main")
    submit(chief, "/grant/")
    licence = Licence.objects.get()
    assert licence.status == "ACTIVE"
    assert licence.number in chief.inner_text("main")
    shot(chief, "licensing-application-granted")

    # Anyone can verify it, on a phone.
    phone.goto(live_server.url + "/verify/?number=" + licence.number.replace("/", "%2F"))
    assert "Vembanad Overseas Careers" in phone.inner_text("main")
    assert re.search(r"\bActive\b", phone.inner_text("main"))
    assert_accessible(phone, "verification, active (phone)")
    shot(phone, "licensing-verify-active-phone")

    # The PGE suspends it pending inquiry; the page now says so.
    chief.goto(live_server.url + f"/workspace/licensing/licences/{licence.id}/")
    chief.select_option("form[action$='/suspend/'] [name$=ground]", "14_1_C")
    chief.fill("form[action$='/suspend/'] [name$=order_text]", "Workers complained of service charges above the cap; suspended pending inquiry.")
    submit(chief, "/suspend/")
    licence.refresh_from_db()
    assert licence.status == "SUSPENDED"
    assert_accessible(chief, "licence suspended (PGE)")
    shot(chief, "licensing-licence-suspended")

    phone.reload()
    text = phone.inner_text("main")
    assert "Suspended" in text and not re.search(r"\bActive\b", text)
    shot(phone, "licensing-verify-suspended-phone")
    page.goto(live_server.url + "/verify/?number=" + licence.number.replace("/", "%2F"))
    assert_accessible(page, "verification, suspended (desktop)")
    shot(page, "licensing-verify-suspended")

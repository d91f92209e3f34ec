"""Emigration clearance end to end in a real browser.

A recruiting agent files an application for a registered emigrant against an employer's demand; the
PoE office for Kerala grants it from its queue; the emigrant downloads the e-EC from the profile on a
phone; the Bureau of Immigration's exit check answers yes for that passport and no for another.
Pages are checked with axe and screenshots are saved in tests/e2e/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.accounts.apikeys import api_client_create
from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import PASSWORD, user_with_role
from pravasi.clearance.models import ClearanceApplication
from pravasi.clearance.tests.factories import make_world, pbby_for
from pravasi.licensing.tests.factories import PDF
from pravasi.registry.models import ConsentPurpose
from pravasi.registry.services import passport_record, person_register

from .conftest import DESKTOP, PHONE, assert_accessible, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_files_poe_grants_emigrant_downloads_border_checks(new_page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "private"
    world = make_world()
    agent = world.agent
    agent.username = "agent.vembanad"
    agent.set_password(PASSWORD)
    agent.save(update_fields=["username", "password"])
    TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    world.poe.username = "poe.kerala"
    world.poe.save(update_fields=["username"])
    today = timezone.localdate()
    emigrant = user_with_role(Role.EMIGRANT, username="shibu")
    me = person_register(
        actor=emigrant,
        user=emigrant,
        data={"given_name": "Shibu", "family_name": "Thomas", "sex": "M", "date_of_birth": "1988-07-02", "state_of_origin": "IN-KL", "mobile": "+919447001122"},
        consents=[ConsentPurpose.SERVICE_NOTIFICATIONS],
    )
    passport = {"passport_number": "N2231405", "issue_date": (today - timedelta(days=800)).isoformat(), "expiry_date": (today + timedelta(days=2800)).isoformat(), "is_ecr": True}
    passport_record(actor=emigrant, person=me, data=passport)
    policy = pbby_for(world, {"given_name": "Shibu", "family_name": "Thomas", "sex": "M", "date_of_birth": "1988-07-02", "state_of_origin": "IN-KL", **passport})
    document = tmp_path / "document.pdf"
    document.write_bytes(PDF)

    # The agent files the application against the demand.
    desk = new_page(viewport=DESKTOP)
    sign_in(desk, live_server.url, "agent.vembanad", agent)
    desk.goto(live_server.url + "/workspace/clearance/applications/new/")
    desk.fill("[name=demand_reference]", world.demand.reference)
    desk.locator("main form[method=get] button[type=submit]").click()
    desk.wait_for_load_state()
    desk.locator("input[name=position]").first.check()
    for name, value in {
        "given_name": "Shibu",
        "family_name": "Thomas",
        "date_of_birth": "1988-07-02",
        "mobile": "+91 94470 01122",
        "passport_number": "N2231405",
        "issue_date": passport["issue_date"],
        "expiry_date": passport["expiry_date"],
        "departure_date": (today + timedelta(days=21)).isoformat(),
        "service_charge_inr": "18000",
        "service_charge_receipt": "VOC/2026/0091",
        "pbby_policy_number": policy.number,
    }.items():
        desk.fill(f"[name={name}]", value)
    desk.select_option("[name=sex]", "M")
    desk.select_option("[name=state_of_origin]", "IN-KL")
    desk.locator("input[name=is_ecr]").first.check()
    for kind in ("contract", "visa", "passport", "photo", "demand_letter", "service_charge_receipt"):
        desk.set_input_files(f"[name=document_{kind}]", str(document))
    assert_accessible(desk, "clearance application form (agent)")
    shot(desk, "clearance-apply-agent")
    desk.locator("main form[method=post] button[type=submit]").last.click()
    desk.wait_for_url(re.compile(r"/workspace/clearance/applications/[0-9a-f-]{36}/"))
    application = ClearanceApplication.objects.get()
    assert application.person_id == me.id  # found in the registry by passport, not registered twice
    assert application.eligible
    assert application.reference in desk.inner_text("main")
    shot(desk, "clearance-application-filed")

    # The PoE office grants it from its queue.
    poe = new_page(viewport=DESKTOP)
    sign_in(poe, live_server.url, "poe.kerala", world.poe)
    poe.goto(live_server.url + "/workspace/clearance/queue/")
    assert application.reference in poe.inner_text("main")
    assert_accessible(poe, "PoE clearance queue")
    shot(poe, "clearance-queue-poe")
    poe.get_by_role("link", name=application.reference).first.click()
    poe.wait_for_load_state()
    assert_accessible(poe, "clearance application (PoE)")
    poe.locator("form[action$='/grant/'] button[type=submit]").click()
    poe.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == "GRANTED" and application.emigration_number in poe.inner_text("main")
    shot(poe, "clearance-granted-poe")

    # The emigrant downloads the e-EC from the profile, on a phone.
    phone = new_page(viewport=PHONE)
    sign_in(phone, live_server.url, "shibu")
    phone.goto(live_server.url + "/profile/clearance/")
    assert application.emigration_number in phone.inner_text("main")
    assert_accessible(phone, "my clearances (phone)")
    shot(phone, "clearance-profile-phone")
    with phone.expect_download() as download:
        phone.locator("a[href$='e-ec.pdf']").first.click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    # The Bureau of Immigration's exit check: yes for this passport, no for another.
    _client, key = api_client_create(actor=None, name="Bureau of Immigration", scopes=["exit_check"])
    url = live_server.url + "/api/v1/clearance/exit-check/"
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    yes = phone.request.post(url, data={"passport_number": "N2231405"}, headers=headers)
    assert yes.status == 200 and yes.json()["cleared"] is True and yes.json()["emigration_number"] == application.emigration_number
    no = phone.request.post(url, data={"passport_number": "Z7654321"}, headers=headers)
    assert no.status == 200 and no.json() == {"cleared": False}

"""The registry end to end in a real browser.

A person registers on a 360 px phone in Hindi; a Mission official signs in with a password and a
TOTP code, finds the person by a transliterated spelling of the name, opens the record, and the
access entry appears on the record (and on the person's own profile). Screenshots are saved in
tests/e2e/screenshots/; every page visited is checked with axe.
"""

import re

import pytest
from django.utils import translation

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import PASSWORD, current_totp, office_for, user_with_role
from pravasi.audit.models import PersonalDataAccess
from pravasi.messaging.models import OutboxMessage
from pravasi.registry.models import Person

from .conftest import DESKTOP, PHONE, assert_accessible, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hindi(text: str) -> str:
    with translation.override("hi"):
        return translation.gettext(text)


def choose(page, name: str, value: str) -> None:
    radio = page.locator(f"input[name='{name}'][value='{value}']")
    if radio.count():
        radio.check()
    else:
        page.select_option(f"select[name='{name}']", value)


def test_register_in_hindi_on_a_phone_then_an_official_finds_and_opens_the_record(new_page, live_server):
    page = new_page(viewport=PHONE, locale="hi")
    page.goto(live_server.url + "/")
    assert page.get_attribute("html", "lang") == "hi"
    assert_accessible(page, "home (hi, phone)")
    shot(page, "home-hi-phone")

    page.goto(live_server.url + "/accounts/signup/")
    assert hindi("Create an account") != "Create an account", "the Hindi catalogue is compiled"
    assert page.locator("h1").inner_text().strip() == hindi("Create an account")
    assert_accessible(page, "sign-up (hi, phone)")
    page.fill("input[name=display_name]", "अनीता वर्गीज़")
    page.fill("input[name=contact]", "+971 50 765 4321")
    page.fill("input[name=password]", "a-long-enough-secret")
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(re.compile(r"/accounts/confirm/"))
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.get().body).group(1)
    page.fill("input[name=code]", code)
    shot(page, "confirm-hi-phone")
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(re.compile(r"/register/"))
    assert_accessible(page, "about you (hi, phone)")
    page.fill("input[name=given_name]", "Anitha")
    page.fill("input[name=family_name]", "Varghese")
    choose(page, "sex", "F")
    page.fill("input[name=date_of_birth]", "1991-03-14")
    page.select_option("select[name=state_of_origin]", "IN-KL")
    page.select_option("select[name=residence_country]", "AE")
    page.fill("input[name=residence_region]", "Dubai")
    page.check("input[name=crisis_contact]")
    shot(page, "register-hi-phone")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/register/passport/"))
    assert_accessible(page, "passport step (hi, phone)")
    shot(page, "register-passport-hi-phone")

    person = Person.objects.get()
    assert (person.given_name, person.residence_country, person.state_of_origin) == ("Anitha", "AE", "IN-KL")
    assert person.consents.get().language == "hi" and person.preferred_language == "hi"

    mission = office_for(OfficeKind.MISSION, countries=["AE"], name="Embassy of India, Abu Dhabi")
    officer = user_with_role(Role.MISSION_OFFICER, office=mission, username="mission.officer")
    desk = new_page(viewport=DESKTOP, locale="en-GB")
    desk.goto(live_server.url + "/accounts/login/")
    desk.fill("input[name=username]", officer.username)
    desk.fill("input[name=password]", PASSWORD)
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/accounts/2fa/"))
    assert_accessible(desk, "two-factor page")
    desk.fill("input[name=otp_token]", current_totp(officer))
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/workspace/"))
    assert_accessible(desk, "workspace home")

    desk.goto(live_server.url + "/workspace/registry/")
    desk.fill("input[name=name]", "Aneetha Vargese")
    desk.locator("main form button[type=submit]").first.click()
    desk.wait_for_load_state()
    assert_accessible(desk, "registry search results")
    shot(desk, "workspace-search")
    desk.get_by_role("link", name="Anitha Varghese").click()
    desk.wait_for_url(re.compile(r"/workspace/registry/persons/"))
    panel = desk.locator("aside.access-panel")
    assert "mission.officer" in panel.inner_text() or officer.display_name in panel.inner_text()
    assert_accessible(desk, "person record")
    shot(desk, "workspace-record")
    access = PersonalDataAccess.objects.get(person_id=person.id)
    assert access.actor_id == officer.id

    # The person sees who opened their record.
    page.goto(live_server.url + "/profile/")
    assert "Embassy of India, Abu Dhabi" in page.locator("main").inner_text()
    assert_accessible(page, "profile (hi, phone)")
    shot(page, "profile-hi-phone")

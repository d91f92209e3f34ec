"""The whole registration path through the website, resuming, skipping, and who may register."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.messaging.models import OutboxMessage
from pravasi.registry.models import ConsentPurpose, ConsentRecord, EmergencyContact, FamilyMember, Passport, Person, PersonStatus
from pravasi.registry.mrz import build_td3
from pravasi.registry.tests.factories import ANITHA

from .conftest import register_person

pytestmark = pytest.mark.django_db

STEP = "portal:register_step"


def _code_from_outbox() -> str:
    message = OutboxMessage.objects.order_by("-created_at").first()
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match, "the confirmation message carries a six-digit code"
    return match.group(1)


def test_the_whole_registration_path(client):
    # Create an account, read the code that was sent, confirm it.
    response = client.post(reverse("accounts:signup"), {"display_name": "Anitha", "contact": "+971 50 123 4567", "password": "a-long-enough-secret-2026"})
    assert response.status_code == 302 and response.url == reverse("accounts:confirm")
    response = client.post(reverse("accounts:confirm"), {"code": _code_from_outbox()})
    assert response.status_code == 302 and response.url == reverse("portal:register")

    # About you, with one consent ticked and the others left as they come (unticked).
    page = client.get(reverse("portal:register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="crisis_contact"' in html and "checked" not in html.split('name="crisis_contact"')[1].split(">")[0]
    assert reverse("portal:privacy") in html
    response = client.post(
        reverse("portal:register"),
        {**ANITHA, "crisis_contact": "on"},
    )
    assert response.status_code == 302 and response.url == reverse(STEP, args=["passport"])
    person = Person.objects.get(given_name="Anitha")
    assert person.user.contact_confirmed_at is not None
    assert person.mobile == "+971501234567"  # taken from the confirmed account
    assert person.residence_country == "AE" and person.status == PersonStatus.ABROAD
    assert list(ConsentRecord.objects.filter(person=person).values_list("purpose", "given")) == [(ConsentPurpose.CRISIS_CONTACT, True)]

    # Passport, with a machine-readable zone whose check digits are verified.
    page = client.get(reverse(STEP, args=["passport"]))
    assert "Optional step 1 of 6" in page.content.decode() and "<progress" in page.content.decode()
    line1, line2 = build_td3(surname="Varghese", given_names="Anitha", passport_number="T4821907", date_of_birth=date(1991, 3, 14), sex="F", expiry_date=date(2029, 6, 1))
    response = client.post(
        reverse(STEP, args=["passport"]),
        {"passport_number": "t4821907", "issue_date": "2019-06-02", "expiry_date": "2029-06-01", "place_of_issue": "Kochi", "is_ecr": "no", "mrz_line1": line1, "mrz_line2": line2, "save": "1"},
    )
    assert response.status_code == 302 and response.url == reverse(STEP, args=["residence"])
    passport = Passport.objects.get(person=person)
    assert passport.number == "T4821907" and passport.mrz_verified and not passport.is_ecr

    response = client.post(
        reverse(STEP, args=["residence"]),
        {"residence_country": "AE", "residence_region": "Dubai", "residence_address": "Flat 12, Al Karama", "residence_since_date": "2021-01-10", "save": "1"},
    )
    assert response.status_code == 302 and response.url == reverse(STEP, args=["contacts"])

    response = client.post(reverse(STEP, args=["contacts"]), {"mobile": "+971501234567", "email": "anitha@example.org", "messaging_app": "WHATSAPP", "save": "1"})
    assert response.status_code == 302 and response.url == reverse(STEP, args=["emergency"])

    response = client.post(reverse(STEP, args=["emergency"]), {"name": "Thomas Varghese", "relation": "Father", "where": "INDIA", "phone": "+91 98470 12345", "add": "1"})
    assert response.status_code == 302 and response.url == reverse(STEP, args=["emergency"])
    assert "Thomas Varghese" in client.get(reverse(STEP, args=["emergency"])).content.decode()
    response = client.post(reverse(STEP, args=["emergency"]), {"continue": "1"})
    assert response.url == reverse(STEP, args=["family"])

    response = client.post(reverse(STEP, args=["family"]), {"name": "Joseph Varghese", "relation": "Son", "sex": "M", "date_of_birth": "2018-02-01", "is_indian_citizen": "on", "add": "1"})
    assert response.status_code == 302
    response = client.post(reverse(STEP, args=["family"]), {"continue": "1"})
    assert response.url == reverse(STEP, args=["needs"])

    response = client.post(reverse(STEP, args=["needs"]), {"vuln_chronic_illness": "on", "needs_note": "Insulin every day", "save": "1"})
    assert response.status_code == 302 and response.url == reverse("portal:register_done")
    assert client.get(response.url).status_code == 200

    person.refresh_from_db()
    assert person.registration_completed_at is not None
    assert person.residence_address == "Flat 12, Al Karama" and person.email == "anitha@example.org"
    assert person.vuln_chronic_illness and person.needs_note == "Insulin every day"
    assert EmergencyContact.objects.get(person=person).phone == "+919847012345"
    assert FamilyMember.objects.get(person=person).name == "Joseph Varghese"

    # Finished: "register" now leads to the profile, which shows the record.
    assert client.get(reverse("portal:register")).url == reverse("portal:profile")
    profile = client.get(reverse("portal:profile")).content.decode()
    for text in ("Anitha Varghese", "T4821907", "Flat 12, Al Karama", "Thomas Varghese", "Joseph Varghese", "Insulin every day", "anitha@example.org"):
        assert text in profile


def test_progress_is_saved_and_resumed(client, db):
    user = user_with_role(Role.EMIGRANT)
    register_person(user)
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    assert client.get(reverse("portal:register")).url == reverse(STEP, args=["passport"])

    response = client.post(reverse(STEP, args=["passport"]), {"skip": "1"})
    assert response.url == reverse(STEP, args=["residence"])
    assert not Passport.objects.exists()
    # Signing in again later resumes at the first step not yet done or skipped.
    client.logout()
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    assert client.get(reverse("portal:register")).url == reverse(STEP, args=["residence"])

    client.post(reverse(STEP, args=["residence"]), {"skip": "1"})
    client.post(reverse(STEP, args=["contacts"]), {"skip": "1"})
    assert client.get(reverse("portal:register")).url == reverse(STEP, args=["emergency"])
    client.post(reverse(STEP, args=["emergency"]), {"continue": "1"})
    client.post(reverse(STEP, args=["family"]), {"continue": "1"})
    assert client.get(reverse("portal:register")).url == reverse(STEP, args=["needs"])
    response = client.post(reverse(STEP, args=["needs"]), {"skip": "1"})
    assert response.url == reverse("portal:register_done")
    assert client.get(reverse("portal:register")).url == reverse("portal:profile")
    done = client.get(reverse("portal:register_done")).content.decode()
    assert reverse("portal:profile_edit", args=["passport"]) in done  # suggests what is still missing


def test_not_yet_left_india(client, db):
    user = user_with_role(Role.EMIGRANT, mobile="+919847012345")
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    response = client.post(
        reverse("portal:register"),
        {"given_name": "Ravi", "family_name": "Kumar", "sex": "M", "date_of_birth": "1995-01-01", "state_of_origin": "IN-UP", "residence_country": "NOT_LEFT", "residence_region": "Lucknow"},
    )
    assert response.status_code == 302
    person = Person.objects.get(user=user)
    assert person.status == PersonStatus.PRE_DEPARTURE and person.residence_country == "" and person.residence_region == ""
    assert not ConsentRecord.objects.filter(person=person).exists()  # nothing ticked, nothing given


def test_anonymous_visitors_are_sent_to_sign_up(client):
    assert client.get(reverse("portal:register")).url == reverse("accounts:signup")
    assert client.get(reverse(STEP, args=["passport"])).url.startswith(reverse("accounts:login"))
    assert client.get(reverse("portal:profile")).url.startswith(reverse("accounts:login"))


def test_officials_cannot_register_as_emigrants(official_client):
    client, user = official_client(Role.MISSION_OFFICER)
    response = client.get(reverse("portal:register"))
    assert response.status_code == 403
    assert "official account" in response.content.decode()
    response = client.post(reverse("portal:register"), {"given_name": "Staff", "sex": "M", "date_of_birth": "1980-01-01", "state_of_origin": "IN-KL", "residence_country": "AE"})
    assert response.status_code == 403
    assert not Person.objects.filter(user=user).exists()
    assert client.get(reverse("portal:profile")).status_code == 403


def test_a_signed_in_user_without_a_record_is_asked_to_register(client, db):
    user = user_with_role(Role.EMIGRANT)
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    assert client.get(reverse("portal:profile")).url == reverse("portal:register")
    assert client.get(reverse(STEP, args=["passport"])).url == reverse("portal:register")


def test_unknown_step_is_not_found(emigrant):
    client, _user, _person = emigrant
    assert client.get(reverse(STEP, args=["nonsense"])).status_code == 404
    assert client.get(reverse("portal:profile_edit", args=["nonsense"])).status_code == 404

"""Bad input on every form: a specific message on the field, a 4xx status, and nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.audit.models import AuditEvent
from pravasi.audit.services import audit_verify_chain
from pravasi.registry.models import ConsentRecord, EmergencyContact, FamilyMember, Passport, Person, PersonStatus, ResidenceHistory

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()
SCRIPT = "<script>alert(1)</script>"
SQL = "Robert'); DROP TABLE registry_person;--"
GOOD_ABOUT = {"given_name": "Ravi", "family_name": "Kumar", "sex": "M", "date_of_birth": "1990-01-01", "state_of_origin": "IN-UP", "residence_country": "AE", "residence_region": "Dubai"}


def _snapshot(person: Person) -> dict:
    """Everything a form could change, to prove a refused submission changed nothing."""
    person.refresh_from_db()
    fields = [f.attname for f in Person._meta.concrete_fields if f.attname != "updated_at"]
    return {
        "person": {name: getattr(person, name) for name in fields},
        "passports": list(Passport.objects.filter(person=person).values_list("id", "number_index", "expiry_date")),
        "contacts": EmergencyContact.objects.filter(person=person).count(),
        "family": FamilyMember.objects.filter(person=person).count(),
        "history": ResidenceHistory.objects.filter(person=person).count(),
        "consents": ConsentRecord.objects.filter(person=person).count(),
    }


def _signed_in_without_record():
    user = user_with_role(Role.EMIGRANT, mobile="+971501234567")
    client = Client()
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    return client, user


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"given_name": SCRIPT}, "given_name", "Use letters only"),
        ({"given_name": SQL}, "given_name", "Use letters only"),
        ({"given_name": ""}, "given_name", "Enter a name."),
        ({"family_name": "K2"}, "family_name", "Use letters only"),
        ({"sex": "Q"}, "sex", "Choose female, male or other."),
        ({"date_of_birth": TOMORROW}, "date_of_birth", "This date cannot be in the future."),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth", "Enter a real date"),
        ({"state_of_origin": ""}, "state_of_origin", "Choose an Indian state or union territory."),
        ({"state_of_origin": "IN-XX"}, "state_of_origin", "Choose an Indian state or union territory."),
        ({"residence_country": "ZZ"}, "residence_country", "Choose the country where you live."),
        ({"residence_country": "IN"}, "residence_country", "use 'I have returned to India'"),
        ({"residence_region": SCRIPT}, "residence_region", "Angle brackets are not allowed here."),
    ],
)
def test_about_you_refuses_bad_input_and_registers_no_one(change, field, message):
    client, user = _signed_in_without_record()
    response = client.post(reverse("portal:register"), {**GOOD_ABOUT, **change, "crisis_contact": "on"})
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert escape(message) in response.content.decode() or message in response.content.decode()
    assert SCRIPT not in response.content.decode()  # shown back escaped, never as markup
    assert not Person.objects.filter(user=user).exists()
    assert not ConsentRecord.objects.exists()


def test_all_problems_are_reported_at_once():
    client, _user = _signed_in_without_record()
    response = client.post(reverse("portal:register"), {**GOOD_ABOUT, "given_name": "R2D2", "date_of_birth": TOMORROW, "residence_region": "<b>x</b>", "state_of_origin": ""})
    errors = response.context["form"].errors
    assert {"given_name", "date_of_birth", "residence_region", "state_of_origin"} <= set(errors)
    assert "error-summary" in response.content.decode()


def test_a_missing_state_alone_undoes_the_whole_registration():
    client, user = _signed_in_without_record()
    events = AuditEvent.objects.count()
    response = client.post(reverse("portal:register"), {**GOOD_ABOUT, "state_of_origin": "", "crisis_contact": "on"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["state_of_origin"]
    assert not Person.objects.filter(user=user).exists() and not ConsentRecord.objects.exists()
    assert AuditEvent.objects.count() == events
    assert audit_verify_chain().ok


PASSPORT = {"passport_number": "K1234567", "issue_date": "2019-06-02", "expiry_date": "2029-06-01", "save": "1"}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"passport_number": "12345"}, "passport_number", "one letter followed by seven digits"),
        ({"passport_number": ""}, "passport_number", "Enter the passport number."),
        ({"passport_number": "' OR 1=1 --"}, "passport_number", "one letter followed by seven digits"),
        ({"expiry_date": "2018-01-01"}, "expiry_date", "The expiry date must be after the date of issue."),
        ({"issue_date": TOMORROW}, "issue_date", "This date cannot be in the future."),
        ({"mrz_line1": "P<INDVARGHESE<<ANITHA", "mrz_line2": "X" * 44}, "mrz_line2", "exactly 44 characters"),
        (
            {"mrz_line1": "P<INDVARGHESE<<ANITHA".ljust(44, "<"), "mrz_line2": "K1234567<3IND9103143F2906017<<<<<<<<<<<<<<04"},
            "mrz_line2",
            "check digit",
        ),
    ],
)
def test_passport_refuses_bad_input(emigrant, change, field, message):
    client, _user, person = emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:profile_edit", args=["passport"]), {**PASSPORT, **change})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert _snapshot(person) == before


def test_a_passport_of_someone_else_is_refused_with_a_conflict(emigrant, other_emigrant):
    client, _user, person = other_emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:register_step", args=["passport"]), {**PASSPORT, "passport_number": "T4821907"})
    assert response.status_code == 409
    assert "already registered" in response.content.decode()
    assert _snapshot(person) == before


@pytest.mark.parametrize(
    "section, data, field, message",
    [
        ("residence", {"residence_country": ""}, "residence_country", "Choose the country where you live."),
        ("residence", {"residence_country": "AE", "residence_since_date": "2022-01-01", "residence_until_date": "2021-01-01"}, "residence_until_date", "'Until' cannot be before 'since'."),
        ("residence", {"residence_country": "AE", "residence_address": "<img src=x onerror=alert(1)>"}, "residence_address", "Angle brackets"),
        ("residence", {"residence_country": "AE", "latitude": "95", "longitude": "10"}, "latitude", "between -90"),
        ("contacts", {"mobile": "not a number"}, "mobile", "not a phone number we can read"),
        ("contacts", {"mobile": "+971 12"}, "mobile", "not valid for its country code"),
        ("contacts", {"mobile": "", "email": "anitha@"}, "email", "Enter a valid e-mail address"),
        ("contacts", {"mobile": "", "email": ""}, "mobile", "Give a mobile number or an e-mail address"),
        ("work", {"visa_expiry_date": "tomorrow"}, "visa_expiry_date", "Enter a real date"),
        ("work", {"employer_name": SCRIPT}, "employer_name", "Angle brackets"),
        ("needs", {"needs_note": SCRIPT}, "needs_note", "Angle brackets"),
        ("needs", {"needs_note": "x" * 1001}, "needs_note", "at most 1000 characters"),
        ("about", {"given_name": "Anitha", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL", "occupation_isco": "12"}, "occupation_isco", "four digits"),
        ("about", {"given_name": "Anitha", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL", "education": "PHD'--"}, "education", "Choose a level of education"),
        ("about", {"given_name": "Anitha", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": ""}, "state_of_origin", "Choose an Indian state"),
    ],
)
def test_profile_sections_refuse_bad_input(emigrant, section, data, field, message):
    client, _user, person = emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:profile_edit", args=[section]), {**data, "save": "1"})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert _snapshot(person) == before


@pytest.mark.parametrize(
    "section, data, field, message",
    [
        ("emergency", {"name": "Thomas", "relation": "Father", "where": "INDIA", "phone": "12"}, "phone", "phone number"),
        ("emergency", {"name": SCRIPT, "relation": "Father", "where": "INDIA", "phone": "+919847012345"}, "name", "Use letters only"),
        ("emergency", {"name": "Thomas", "relation": "Father", "where": "MARS", "phone": "+919847012345"}, "where", "Choose India or abroad."),
        ("emergency", {"name": "Thomas", "relation": "Father", "where": "INDIA", "phone": "+919847012345", "email": "x@"}, "email", "valid e-mail"),
        ("family", {"name": "Joseph", "relation": "Son", "sex": ""}, "sex", "Choose female, male or other."),
        ("family", {"name": "Joseph", "relation": "Son", "sex": "M", "date_of_birth": TOMORROW}, "date_of_birth", "cannot be in the future"),
        ("family", {"name": "Joseph", "relation": "", "sex": "M"}, "relation", "This is required."),
    ],
)
def test_lists_refuse_bad_entries(emigrant, section, data, field, message):
    client, _user, person = emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:register_step", args=[section]), {**data, "add": "1"})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert _snapshot(person) == before


def test_moved_and_returned_refuse_bad_input(emigrant):
    client, _user, person = emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:moved"), {"residence_country": "IN"})
    assert response.status_code == 400 and "returned to India" in response.content.decode()
    response = client.post(reverse("portal:returned"), {"returned_date": TOMORROW})
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    response = client.post(reverse("portal:returned"), {"returned_date": "01/02/2024"})
    assert response.status_code == 400 and "Enter a real date" in response.content.decode()
    assert _snapshot(person) == before


def test_closing_needs_the_confirmation_box(emigrant):
    client, user, person = emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:close"), {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert _snapshot(person) == before
    user.refresh_from_db()
    assert user.is_active


def test_unknown_consent_purpose_changes_nothing(emigrant):
    client, _user, person = emigrant
    before = _snapshot(person)
    response = client.post(reverse("portal:consents"), {"purpose": "SELL_MY_DATA", "given": "1"}, follow=True)
    assert "Unknown purpose" in response.content.decode()
    response = client.post(reverse("portal:consents"), {"purpose": "STATISTICS", "given": "maybe"}, follow=True)
    assert "could not be read" in response.content.decode()
    assert _snapshot(person) == before


def test_text_that_is_allowed_is_stored_as_typed_and_shown_escaped(emigrant):
    client, _user, person = emigrant
    region = "Al Quoz'; DROP TABLE registry_person; -- & <b"
    response = client.post(reverse("portal:profile_edit", args=["residence"]), {"residence_country": "AE", "residence_region": region, "save": "1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.residence_region == region
    assert "registry_person" in connection.introspection.table_names()
    html = Client().get("/") and client.get(reverse("portal:profile")).content.decode()
    assert escape(region) in html and region not in html


def test_every_form_needs_the_csrf_token(emigrant):
    _client, user, person = emigrant
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    before = _snapshot(person)
    posts = [
        (reverse("portal:profile_edit", args=["about"]), {"given_name": "Mallory", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL"}),
        (reverse("portal:register_step", args=["emergency"]), {"name": "Mallory", "relation": "x", "where": "INDIA", "phone": "+919847012345", "add": "1"}),
        (reverse("portal:consents"), {"purpose": "STATISTICS", "given": "1"}),
        (reverse("portal:moved"), {"residence_country": "SA"}),
        (reverse("portal:returned"), {}),
        (reverse("portal:close"), {"confirm": "on"}),
    ]
    for url, data in posts:
        assert strict.post(url, data).status_code == 403, url
    assert _snapshot(person) == before
    assert person.status == PersonStatus.ABROAD
    # The pages themselves carry the token.
    assert "csrfmiddlewaretoken" in strict.get(reverse("portal:profile_edit", args=["about"])).content.decode()

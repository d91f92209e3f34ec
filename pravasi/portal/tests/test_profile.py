"""The profile: edits, moves, consent, download my data, who viewed my record, closing, and isolation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.audit.models import AuditEvent
from pravasi.registry.models import ConsentPurpose, ConsentRecord, EmergencyContact, FamilyMember, Passport, Person, PersonStatus, ResidenceHistory
from pravasi.registry.selectors import consent_state
from pravasi.registry.services import family_member_add, person_record_open

from .conftest import register_person

pytestmark = pytest.mark.django_db


def test_profile_shows_the_record_in_sections_with_edit_links(emigrant):
    client, _user, person = emigrant
    html = client.get(reverse("portal:profile")).content.decode()
    for text in ("Anitha Varghese", "Kerala", "United Arab Emirates", "Dubai", "T4821907", "Thomas Varghese", "+971501234567"):
        assert text in html
    for section in ("about", "passport", "residence", "contacts", "emergency", "family", "work", "needs"):
        assert reverse("portal:profile_edit", args=[section]) in html
    for url in ("portal:moved", "portal:returned", "portal:consents", "portal:data_json", "portal:data_page", "portal:close"):
        assert reverse(url) in html


def test_editing_a_section_uses_the_same_form_and_returns_to_the_profile(emigrant):
    client, _user, person = emigrant
    page = client.get(reverse("portal:profile_edit", args=["about"])).content.decode()
    assert 'value="Anitha"' in page  # the current values are filled in
    response = client.post(
        reverse("portal:profile_edit", args=["about"]),
        {
            "given_name": "Anitha",
            "family_name": "Varghese",
            "sex": "F",
            "date_of_birth": "1991-03-14",
            "state_of_origin": "IN-KL",
            "district_of_origin": "Kottayam",
            "education": "DIPLOMA",
            "occupation_isco": "3221",
            "preferred_language": "ml",
            "save": "1",
        },
    )
    assert response.status_code == 302 and response.url == reverse("portal:profile") + "#about"
    person.refresh_from_db()
    assert person.district_of_origin == "Kottayam" and person.education == "DIPLOMA" and person.preferred_language == "ml"
    response = client.post(reverse("portal:profile_edit", args=["work"]), {"employer_name": "Gulf Coast Contracting", "visa_expiry_date": "2027-12-31", "save": "1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.employer_name == "Gulf Coast Contracting" and str(person.visa_expiry_date) == "2027-12-31"


def test_saving_needs_keeps_the_age_based_ones(db, client):
    user = user_with_role(Role.EMIGRANT)
    person = register_person(user, date_of_birth="1950-05-05")
    assert person.vuln_elderly
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    page = client.get(reverse("portal:profile_edit", args=["needs"])).content.decode()
    assert "Elderly" in page
    client.post(reverse("portal:profile_edit", args=["needs"]), {"vuln_disability": "on", "save": "1"})
    person.refresh_from_db()
    assert person.vuln_elderly and person.vuln_disability and not person.vuln_pregnancy


def test_emergency_contacts_and_family_can_be_added_and_removed(emigrant):
    client, user, person = emigrant
    contact = EmergencyContact.objects.get(person=person)
    response = client.post(reverse("portal:profile_edit", args=["emergency"]), {"remove": str(contact.id)})
    assert response.status_code == 302
    assert not EmergencyContact.objects.filter(person=person).exists()
    member = family_member_add(actor=user, person=person, data={"name": "Joseph", "relation": "Son", "sex": "M"})
    client.post(reverse("portal:profile_edit", args=["family"]), {"remove": str(member.id)})
    assert not FamilyMember.objects.filter(person=person).exists()
    # A malformed id is ignored rather than failing.
    assert client.post(reverse("portal:profile_edit", args=["family"]), {"remove": "not-a-uuid"}).status_code == 302


def test_i_have_moved_keeps_the_old_residence_in_the_history(emigrant):
    client, _user, person = emigrant
    response = client.post(reverse("portal:moved"), {"residence_country": "SA", "residence_region": "Riyadh", "residence_since_date": "2025-01-15"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.residence_country, person.residence_region, person.status) == ("SA", "Riyadh", PersonStatus.ABROAD)
    old = ResidenceHistory.objects.get(person=person)
    assert (old.country, old.region, str(old.until_date)) == ("AE", "Dubai", "2025-01-15")
    html = client.get(reverse("portal:profile")).content.decode()
    assert "Saudi Arabia" in html and "Where you lived before" in html


def test_i_have_returned_to_india(emigrant):
    client, _user, person = emigrant
    response = client.post(reverse("portal:returned"), {"returned_date": "2025-03-01"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == PersonStatus.RETURNED and person.residence_country == "" and str(person.returned_date) == "2025-03-01"
    assert ResidenceHistory.objects.get(person=person).reason == "RETURNED"
    html = client.get(reverse("portal:profile")).content.decode()
    assert "returned to India on 1 March 2025" in html
    # Leaving the date empty means today.
    client.post(reverse("portal:moved"), {"residence_country": "QA", "residence_region": "Doha"})
    client.post(reverse("portal:returned"), {"returned_date": ""})
    person.refresh_from_db()
    assert person.returned_date == timezone.localdate()


def test_consent_can_be_given_and_withdrawn_and_every_receipt_downloaded(emigrant):
    client, _user, person = emigrant
    page = client.get(reverse("portal:consents")).content.decode()
    assert "Withdraw" in page and "Give consent" in page

    client.post(reverse("portal:consents"), {"purpose": ConsentPurpose.STATISTICS, "given": "1"})
    assert consent_state(person)[ConsentPurpose.STATISTICS].given
    client.post(reverse("portal:consents"), {"purpose": ConsentPurpose.STATISTICS, "given": "0"})
    client.post(reverse("portal:consents"), {"purpose": ConsentPurpose.CRISIS_CONTACT, "given": "0"})
    state = consent_state(person)
    assert not state[ConsentPurpose.STATISTICS].given and not state[ConsentPurpose.CRISIS_CONTACT].given

    history = list(ConsentRecord.objects.filter(person=person).order_by("at"))
    assert [(r.purpose, r.given) for r in history] == [
        (ConsentPurpose.CRISIS_CONTACT, True),
        (ConsentPurpose.STATISTICS, True),
        (ConsentPurpose.STATISTICS, False),
        (ConsentPurpose.CRISIS_CONTACT, False),
    ]
    page = client.get(reverse("portal:consents")).content.decode()
    for record in history:
        assert reverse("portal:consent_receipt", args=[record.id]) in page

    response = client.get(reverse("portal:consent_receipt", args=[history[2].id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    receipt = json.loads(response.content)
    assert receipt["record_id"] == str(history[2].id)
    assert receipt["state"] == "WITHDRAWN" and receipt["purpose"]["code"] == ConsentPurpose.STATISTICS
    assert receipt["subject"]["id"] == str(person.id) and receipt["notice"]["version"]


def test_download_my_data_as_json_and_as_a_page(emigrant):
    client, _user, person = emigrant
    response = client.get(reverse("portal:data_json"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["given_name"] == "Anitha" and data["person"]["mobile"] == "+971501234567"
    assert data["passports"][0]["number"] == "T4821907"
    assert data["emergency_contacts"][0]["phone"] == "+919847012345"
    assert data["consents"][0]["purpose"]["code"] == ConsentPurpose.CRISIS_CONTACT
    assert AuditEvent.objects.filter(action="registry.data_exported").exists()

    html = client.get(reverse("portal:data_page")).content.decode()
    for text in ("Anitha", "T4821907", "Thomas Varghese", "+919847012345", "Kerala", "United Arab Emirates", "Female"):
        assert text in html


def test_officials_who_viewed_my_record_are_listed(emigrant):
    client, _user, person = emigrant
    assert "No official has opened your record." in client.get(reverse("portal:profile")).content.decode()
    mission = office_for("MISSION", name="Embassy of India, Abu Dhabi", countries=["AE"])
    official = user_with_role(Role.MISSION_OFFICER, office=mission, display_name="Priya Menon")
    person_record_open(actor=official, person_id=person.id, source_ip="10.0.0.1")
    html = client.get(reverse("portal:profile")).content.decode()
    assert "Embassy of India, Abu Dhabi" in html and official.get_username() in html
    data = json.loads(client.get(reverse("portal:data_json")).content)
    assert data["accessed_by_officials"][0]["office"] == "Embassy of India, Abu Dhabi"


def test_closing_the_account_erases_the_data_and_says_what_is_kept(emigrant):
    client, user, person = emigrant
    page = client.get(reverse("portal:close")).content.decode()
    assert "What is erased" in page and "Your consent history" in page

    response = client.post(reverse("portal:close"), {"confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your account is closed" in html and "Your consent history" in html and "Emigration Act 1983" in html

    person = Person.objects.get(id=person.id)
    assert person.status == PersonStatus.CLOSED and person.user_id is None
    assert person.mobile == "" and person.family_name == "" and person.residence_country == ""
    assert not Passport.objects.filter(person=person).exists()
    assert not EmergencyContact.objects.filter(person=person).exists()
    assert ConsentRecord.objects.filter(person=person).exists()  # kept, as the page says
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    # Signed out: the profile now asks to sign in.
    assert client.get(reverse("portal:profile")).url.startswith(reverse("accounts:login"))


def test_an_emigrant_cannot_see_or_change_another_persons_data(emigrant, other_emigrant):
    client_a, _user_a, person_a = emigrant
    client_b, _user_b, person_b = other_emigrant

    html_b = client_b.get(reverse("portal:profile")).content.decode()
    assert "Mohammed Shaikh" in html_b and "Anitha" not in html_b and "T4821907" not in html_b
    data_b = json.loads(client_b.get(reverse("portal:data_json")).content)
    assert data_b["person"]["id"] == str(person_b.id)

    # Ids of A's things do nothing from B's session.
    record_a = ConsentRecord.objects.filter(person=person_a).first()
    assert client_b.get(reverse("portal:consent_receipt", args=[record_a.id])).status_code == 404
    contact_a = EmergencyContact.objects.get(person=person_a)
    client_b.post(reverse("portal:profile_edit", args=["emergency"]), {"remove": str(contact_a.id)})
    assert EmergencyContact.objects.filter(id=contact_a.id).exists()
    # Consent changes from B touch only B.
    client_b.post(reverse("portal:consents"), {"purpose": ConsentPurpose.CRISIS_CONTACT, "given": "0"})
    assert consent_state(person_a)[ConsentPurpose.CRISIS_CONTACT].given
    assert not consent_state(person_b)[ConsentPurpose.CRISIS_CONTACT].given

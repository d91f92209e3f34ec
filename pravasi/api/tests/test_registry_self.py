"""Self-service endpoints: an emigrant registers and keeps their own record, consents and data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from pravasi.accounts.roles import Role
from pravasi.audit.models import AuditEvent
from pravasi.registry.models import ConsentRecord, Passport, Person, PersonStatus
from pravasi.registry.mrz import build_td3
from pravasi.registry.tests.factories import register_person

from .conftest import ANITHA, signed_in

pytestmark = pytest.mark.django_db

ME = "/api/v1/registry/me/"


def send(client, method: str, url: str, body=None):
    return getattr(client, method)(url, body, content_type="application/json")


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    return body["fields"]


def future(days: int = 30) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# --- registration and reading -----------------------------------------------------------------------


def test_not_registered_yet_is_404(emigrant_client):
    response = emigrant_client.get(ME)
    assert response.status_code == 404
    assert response.json()["code"] == "not_registered"


def test_register_then_read(emigrant_client, emigrant):
    response = send(emigrant_client, "post", ME, {**ANITHA, "consents": ["CRISIS_CONTACT", "STATISTICS"]})
    assert response.status_code == 201, response.content
    record = response.json()
    person = Person.objects.get(user=emigrant)
    assert record["id"] == str(person.id)
    assert record["mobile"] == "+971501234567" and record["status"] == PersonStatus.ABROAD
    given = {c["purpose"] for c in record["consents"] if c["given"]}
    assert given == {"CRISIS_CONTACT", "STATISTICS"}
    assert set(ConsentRecord.objects.filter(person=person).values_list("method", flat=True)) == {ConsentRecord.Method.API}
    assert emigrant_client.get(ME).json()["id"] == str(person.id)
    again = send(emigrant_client, "post", ME, ANITHA)
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert Person.objects.filter(user=emigrant).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "14/03/1991"}, "date_of_birth", "real date"),
        ({"mobile": "not a number"}, "mobile", "not a phone number we can read"),
        ({"mobile": "+97150"}, "mobile", "not valid"),
        ({"given_name": "<script>alert(1)</script>"}, "given_name", "letters only"),
        ({"given_name": "Robert'); DROP TABLE registry_person;--"}, "given_name", "letters only"),
        ({"sex": "Q"}, "sex", "female, male or other"),
        ({"residence_country": "IN"}, "residence_country", "people living abroad"),
        ({"consents": ["EVERYTHING"]}, "consents.0", "not a valid choice"),
        ({"nickname": "Ani"}, "nickname", "not accepted"),
        ({"given_name": {"first": "Anitha"}}, "given_name", "valid string"),
    ],
)
def test_register_bad_input_is_400_and_saves_nothing(emigrant_client, changes, field, fragment):
    before = AuditEvent.objects.count()
    fields = field_errors(send(emigrant_client, "post", ME, {**ANITHA, **changes}))
    assert any(fragment in message for message in fields[field]), fields
    assert not Person.objects.exists()
    assert AuditEvent.objects.count() == before


def test_register_needs_the_minimum_fields(emigrant_client):
    fields = field_errors(send(emigrant_client, "post", ME, {"family_name": "Varghese"}))
    assert set(fields) >= {"given_name", "sex", "date_of_birth"}


@pytest.mark.parametrize(("body", "code"), [("{not json", "malformed"), ("[1, 2]", "invalid"), ("", "invalid")])
def test_malformed_bodies_are_400(emigrant_client, body, code):
    response = emigrant_client.post(ME, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Person.objects.exists()


def test_form_bodies_are_refused(emigrant_client):
    response = emigrant_client.post(ME, ANITHA)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_officials_and_strangers_cannot_use_self_service(official_client, client):
    staff, _user = official_client(Role.PGE_OFFICER)
    response = staff.get(ME)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    client.logout()
    assert client.get(ME).json()["code"] == "not_authenticated"


# --- sections ---------------------------------------------------------------------------------------------


def test_patch_about_keeps_what_is_left_out(emigrant_client, registered):
    response = send(emigrant_client, "patch", ME + "about/", {"skills": "Nursing", "education": "DIPLOMA"})
    assert response.status_code == 200, response.content
    registered.refresh_from_db()
    assert registered.skills == "Nursing" and registered.education == "DIPLOMA"
    assert registered.given_name == "Anitha" and registered.date_of_birth == date(1991, 3, 14) and registered.state_of_origin == "IN-KL"


def test_patch_about_future_birth_date_changes_nothing(emigrant_client, registered):
    fields = field_errors(send(emigrant_client, "patch", ME + "about/", {"date_of_birth": future(), "skills": "Welding"}))
    assert "cannot be in the future" in fields["date_of_birth"][0]
    registered.refresh_from_db()
    assert registered.date_of_birth == date(1991, 3, 14) and registered.skills == ""


def test_patch_contacts(emigrant_client, registered):
    response = send(emigrant_client, "patch", ME + "contacts/", {"email": "anitha@example.org", "messaging_app": "WHATSAPP"})
    assert response.status_code == 200
    assert response.json()["email"] == "anitha@example.org" and response.json()["mobile"] == "+971501234567"
    fields = field_errors(send(emigrant_client, "patch", ME + "contacts/", {"mobile": "98470-CALL-ME"}))
    assert "phone number" in fields["mobile"][0]
    registered.refresh_from_db()
    assert registered.mobile == "+971501234567"


def test_patch_residence_work_and_needs(emigrant_client, registered):
    response = send(emigrant_client, "patch", ME + "residence/", {"residence_region": "Sharjah", "latitude": 25.34, "longitude": 55.41})
    assert response.status_code == 200, response.content
    assert response.json()["residence_region"] == "Sharjah" and response.json()["residence_country"] == "AE"
    response = send(emigrant_client, "patch", ME + "work/", {"employer_name": "Gulf Care LLC", "visa_expiry_date": future(400)})
    assert response.status_code == 200
    assert response.json()["employer_name"] == "Gulf Care LLC"
    response = send(emigrant_client, "patch", ME + "needs/", {"vuln_language": True, "needs_note": "Malayalam speaker"})
    assert response.status_code == 200
    assert response.json()["vulnerabilities"] == ["LANGUAGE"]
    fields = field_errors(send(emigrant_client, "patch", ME + "needs/", {"vuln_minor": True}))
    assert "vuln_minor" in fields
    fields = field_errors(send(emigrant_client, "patch", ME + "residence/", {"latitude": "north"}))
    assert "latitude" in fields


def test_section_before_registering_is_404(emigrant_client):
    response = send(emigrant_client, "patch", ME + "about/", {"skills": "Nursing"})
    assert response.status_code == 404


# --- passport -----------------------------------------------------------------------------------------------


def passport_body(**changes):
    return {"passport_number": "T4821907", "issue_date": "2019-06-02", "expiry_date": "2029-06-01", "place_of_issue": "Kochi", **changes}


def test_record_passport_with_verified_mrz(emigrant_client, registered):
    line1, line2 = build_td3(surname="Varghese", given_names="Anitha", passport_number="T4821907", date_of_birth=date(1991, 3, 14), sex="F", expiry_date=date(2029, 6, 1))
    response = send(emigrant_client, "put", ME + "passport/", passport_body(mrz_line1=line1, mrz_line2=line2))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == "T4821907" and body["mrz_verified"] is True and body["is_current"] is True
    assert emigrant_client.get(ME).json()["passports"][0]["number"] == "T4821907"


def wrong_check_digit() -> dict:
    line1, line2 = build_td3(surname="Varghese", given_names="Anitha", passport_number="T4821907", date_of_birth=date(1991, 3, 14), sex="F", expiry_date=date(2029, 6, 1))
    bad = str((int(line2[9]) + 1) % 10)
    return {"mrz_line1": line1, "mrz_line2": line2[:9] + bad + line2[10:]}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"passport_number": "12-AB"}, "passport_number", "one letter followed by seven digits"),
        ({"passport_number": ""}, "passport_number", "Enter the passport number"),
        ("wrong_check_digit", "mrz_line2", "check digit for the passport number does not match"),
        ({"mrz_line1": "P<IND", "mrz_line2": "short"}, "mrz_line2", "44 characters"),
        ({"expiry_date": "2019-01-01"}, "expiry_date", "after the date of issue"),
        ({"issue_date": "2030-01-01", "expiry_date": "2040-01-01"}, "issue_date", "cannot be in the future"),
        ({"issue_date": "yesterday"}, "issue_date", "real date"),
        ({"is_ecr": "perhaps"}, "is_ecr", "valid boolean"),
    ],
)
def test_passport_bad_input_is_400_and_saves_nothing(emigrant_client, registered, changes, field, fragment):
    body = passport_body(**(wrong_check_digit() if changes == "wrong_check_digit" else changes))
    fields = field_errors(send(emigrant_client, "put", ME + "passport/", body))
    assert any(fragment in message for message in fields[field]), fields
    assert not Passport.objects.exists()


def test_passport_of_another_person_is_409(emigrant_client, registered, make_user):
    register_person(make_user(Role.PGE_OFFICER), passport="T4821907")
    response = send(emigrant_client, "put", ME + "passport/", passport_body())
    assert response.status_code == 409
    assert "passport_number" in response.json()["fields"]
    assert not Passport.objects.filter(person=registered).exists()


# --- moved and returned ---------------------------------------------------------------------------------------


def test_moved_keeps_history(emigrant_client, registered):
    response = send(emigrant_client, "post", ME + "moved/", {"residence_country": "QA", "residence_region": "Doha"})
    assert response.status_code == 200, response.content
    record = response.json()
    assert record["residence_country"] == "QA" and record["residence_region"] == "Doha"
    assert [(h["country"], h["reason"]) for h in record["residence_history"]] == [("AE", "MOVED")]


def test_moved_needs_a_country(emigrant_client, registered):
    fields = field_errors(send(emigrant_client, "post", ME + "moved/", {"residence_region": "Doha"}))
    assert "residence_country" in fields
    fields = field_errors(send(emigrant_client, "post", ME + "moved/", {"residence_country": "ZZ"}))
    assert "residence_country" in fields
    registered.refresh_from_db()
    assert registered.residence_country == "AE"


def test_returned(emigrant_client, registered):
    fields = field_errors(send(emigrant_client, "post", ME + "returned/", {"returned_date": future()}))
    assert "cannot be in the future" in fields["returned_date"][0]
    fields = field_errors(send(emigrant_client, "post", ME + "returned/", {"returned_date": "last week"}))
    assert "returned_date" in fields
    registered.refresh_from_db()
    assert registered.status == PersonStatus.ABROAD
    response = send(emigrant_client, "post", ME + "returned/", {})
    assert response.status_code == 200
    assert response.json()["status"] == PersonStatus.RETURNED and response.json()["residence_country"] == ""
    assert response.json()["returned_date"] == timezone.localdate().isoformat()


# --- consents, receipts, export ------------------------------------------------------------------------------


def test_consents_give_withdraw_and_history(emigrant_client, registered):
    overview = emigrant_client.get(ME + "consents/").json()
    assert {row["purpose"]: row["given"] for row in overview["state"]} == {"CRISIS_CONTACT": True, "SERVICE_NOTIFICATIONS": False, "STATISTICS": False}
    assert len(overview["history"]) == 1
    response = send(emigrant_client, "post", ME + "consents/", {"purpose": "STATISTICS", "given": True})
    assert response.status_code == 201
    assert response.json()["changed"] is True and response.json()["record"]["purpose"] == "STATISTICS"
    repeat = send(emigrant_client, "post", ME + "consents/", {"purpose": "STATISTICS", "given": True})
    assert repeat.status_code == 200 and repeat.json()["changed"] is False and repeat.json()["record"] is None
    withdrawn = send(emigrant_client, "post", ME + "consents/", {"purpose": "CRISIS_CONTACT", "given": False})
    assert withdrawn.status_code == 201
    state = {row["purpose"]: row["given"] for row in withdrawn.json()["state"]}
    assert state == {"CRISIS_CONTACT": False, "SERVICE_NOTIFICATIONS": False, "STATISTICS": True}
    assert len(withdrawn.json()["history"]) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "MARKETING", "given": True}, "purpose"),
        ({"purpose": "STATISTICS"}, "given"),
        ({"purpose": "STATISTICS", "given": "sometimes"}, "given"),
        ({"purpose": "PARTNER_SHARING", "given": True}, "partner"),
        ({"purpose": "PARTNER_SHARING", "given": False, "partner": "00000000-0000-0000-0000-000000000001"}, "partner"),
    ],
)
def test_consent_bad_input(emigrant_client, registered, body, field):
    fields = field_errors(send(emigrant_client, "post", ME + "consents/", body))
    assert field in fields
    assert ConsentRecord.objects.filter(person=registered).count() == 1


def test_consent_receipt(emigrant_client, registered):
    record_id = emigrant_client.get(ME + "consents/").json()["history"][0]["id"]
    response = emigrant_client.get(f"{ME}consents/{record_id}/receipt/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    receipt = response.json()
    assert receipt["record_id"] == record_id and receipt["state"] == "GIVEN" and receipt["subject"]["id"] == str(registered.id)


def test_receipt_of_someone_else_or_malformed_is_404(emigrant_client, registered, make_user):
    other = register_person(make_user(Role.PGE_OFFICER))
    others_record = ConsentRecord.objects.filter(person=other).first()
    for record_id in (others_record.id, "not-a-uuid"):
        response = emigrant_client.get(f"{ME}consents/{record_id}/receipt/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_export_my_data(emigrant_client, registered, official_client):
    staff, _official = official_client(Role.PGE_OFFICER)
    assert staff.get(f"/api/v1/registry/persons/{registered.id}/").status_code == 200
    response = emigrant_client.get(ME + "export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["person"]["id"] == str(registered.id) and data["person"]["mobile"] == "+971501234567"
    assert [c["purpose"]["code"] for c in data["consents"]] == ["CRISIS_CONTACT"]
    assert len(data["accessed_by_officials"]) == 1
    assert AuditEvent.objects.filter(action="registry.data_exported", target_id=str(registered.id)).exists()


def test_each_emigrant_reaches_only_their_own_record(emigrant_client, registered, make_user):
    neighbour = make_user(Role.EMIGRANT)
    theirs = signed_in(neighbour)
    assert theirs.get(ME).status_code == 404
    send(theirs, "post", ME, {**ANITHA, "given_name": "Bindu", "mobile": "+971509876543"})
    assert theirs.get(ME).json()["given_name"] == "Bindu"
    assert emigrant_client.get(ME).json()["given_name"] == "Anitha"
    send(theirs, "patch", ME + "about/", {"skills": "Tailoring"})
    registered.refresh_from_db()
    assert registered.skills == ""

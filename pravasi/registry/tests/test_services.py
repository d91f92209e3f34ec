"""Registry services: registration, passports, moves, consent, duplicates and merges, export, closure."""

import pytest

from pravasi.accounts.roles import Role
from pravasi.audit.models import AuditEvent
from pravasi.core.errors import Conflict, NotAllowed, ValidationFailed
from pravasi.registry import services
from pravasi.registry.models import ConsentPurpose, ConsentRecord, DuplicateFlag, EmergencyContact, Passport, Person, PersonStatus, ResidenceHistory
from pravasi.registry.mrz import build_td3
from pravasi.registry.tests.factories import register_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pge(make_user):
    return make_user(Role.PGE_OFFICER)


@pytest.fixture
def emigrant(make_user):
    user = make_user(Role.EMIGRANT)
    user.mobile = "+971501112233"
    user.save()
    return user


def test_register_minimum_fields_and_consent(emigrant):
    person = services.person_register(
        actor=emigrant,
        user=emigrant,
        data={"given_name": "Anitha", "family_name": "Varghese", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL", "residence_country": "AE"},
        consents=[ConsentPurpose.CRISIS_CONTACT],
    )
    assert person.status == PersonStatus.ABROAD
    assert person.mobile == "+971501112233"
    assert Person.objects.get(id=person.id).mobile_index == person.mobile_index != ""
    record = ConsentRecord.objects.get(person=person)
    assert record.given and record.purpose == ConsentPurpose.CRISIS_CONTACT
    event = AuditEvent.objects.filter(action="registry.person_registered").get()
    assert "Anitha" not in str(event.summary)


def test_register_bad_input_reports_every_field_and_saves_nothing(pge):
    before = Person.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.person_register(
            actor=pge,
            data={"given_name": "<script>alert(1)</script>", "sex": "Q", "date_of_birth": "2999-01-01", "state_of_origin": "IN-XX", "residence_country": "ZZ", "mobile": "12ab"},
        )
    fields = err.value.fields
    assert {"given_name", "sex", "date_of_birth", "state_of_origin", "residence_country", "mobile"} <= set(fields)
    assert "future" in fields["date_of_birth"][0]
    assert Person.objects.count() == before


def test_sql_injection_string_is_just_a_bad_name(pge):
    with pytest.raises(ValidationFailed) as err:
        register_person(pge, given_name="Robert'); DROP TABLE registry_person;--")
    assert "given_name" in err.value.fields
    assert Person.objects.count() == 0


def test_same_passport_never_makes_a_second_person(pge):
    register_person(pge, passport="J8369854")
    second = register_person(pge, passport=None, given_name="Suresh", date_of_birth="1979-09-09")
    with pytest.raises(Conflict) as err:
        services.passport_record(actor=pge, person=second, data={"passport_number": "j8369854", "issue_date": "2019-01-01", "expiry_date": "2029-01-01"})
    assert "passport_number" in err.value.fields
    assert Passport.objects.filter(person=second).count() == 0


@pytest.mark.parametrize(
    "data,field",
    [
        ({"passport_number": "8369854J", "issue_date": "2019-01-01", "expiry_date": "2029-01-01"}, "passport_number"),
        ({"passport_number": "J8369854", "issue_date": "2019-01-01", "expiry_date": "2018-01-01"}, "expiry_date"),
        ({"passport_number": "J8369854", "issue_date": "2030-01-01", "expiry_date": "2031-01-01"}, "issue_date"),
        ({"passport_number": "J8369854", "issue_date": "01/02/2019", "expiry_date": "2029-01-01"}, "issue_date"),
    ],
)
def test_passport_bad_input(pge, data, field):
    person = register_person(pge, passport=None)
    with pytest.raises(ValidationFailed) as err:
        services.passport_record(actor=pge, person=person, data=data)
    assert field in err.value.fields
    assert not Passport.objects.exists()


def test_passport_mrz_verified_and_wrong_check_digit(pge):
    from datetime import date

    person = register_person(pge, passport=None)
    line1, line2 = build_td3(surname="Kumar", given_names="Ravi", passport_number="J8369854", date_of_birth=date(1988, 2, 17), sex="M", expiry_date=date(2029, 1, 1))
    base = {"passport_number": "J8369854", "issue_date": "2019-01-02", "expiry_date": "2029-01-01", "mrz_line1": line1}
    broken = line2[:9] + str((int(line2[9]) + 1) % 10) + line2[10:]
    with pytest.raises(ValidationFailed) as err:
        services.passport_record(actor=pge, person=person, data={**base, "mrz_line2": broken})
    assert "check digit" in err.value.fields["mrz_line2"][0]
    passport = services.passport_record(actor=pge, person=person, data={**base, "mrz_line2": line2})
    assert passport.mrz_verified


def test_ecr_follows_education_when_not_given(pge):
    person = register_person(pge, passport=None)
    services.person_update_section(
        actor=pge, person=person, section="about", data={"given_name": "Ravi", "family_name": "Kumar", "sex": "M", "date_of_birth": "1988-02-17", "state_of_origin": "IN-KL", "education": "PRIMARY"}
    )
    passport = services.passport_record(actor=pge, person=person, data={"passport_number": "J8369854", "issue_date": "2019-01-02", "expiry_date": "2029-01-01"})
    assert passport.is_ecr is True


def test_moved_and_returned_keep_history(emigrant):
    person = services.person_register(
        actor=emigrant, user=emigrant, data={"given_name": "Mary", "sex": "F", "date_of_birth": "1990-01-01", "state_of_origin": "IN-KL", "residence_country": "KW", "residence_region": "Farwaniya"}
    )
    services.person_moved(actor=emigrant, person=person, data={"residence_country": "QA", "residence_region": "Doha", "residence_since_date": "2026-01-01"})
    person.refresh_from_db()
    assert (person.residence_country, person.residence_region) == ("QA", "Doha")
    services.person_returned(actor=emigrant, person=person)
    person.refresh_from_db()
    assert person.status == PersonStatus.RETURNED and person.residence_country == ""
    assert list(ResidenceHistory.objects.filter(person=person).order_by("until_date").values_list("country", flat=True)) == ["KW", "QA"]


def test_only_the_person_or_their_officials_may_edit(make_user, pge):
    person = register_person(pge)
    stranger = make_user(Role.EMIGRANT)
    poe_elsewhere = make_user(Role.POE_OFFICER, office=__import__("pravasi.accounts.tests.factories", fromlist=["office_for"]).office_for("POE", states=["IN-BR"]))
    for actor in (stranger, poe_elsewhere, make_user(Role.RA_STAFF)):
        with pytest.raises(NotAllowed):
            services.person_update_section(actor=actor, person=person, section="work", data={"employer_name": "X"})


def test_consent_withdrawal_is_as_easy_and_history_is_kept(emigrant):
    person = services.person_register(
        actor=emigrant, user=emigrant, data={"given_name": "Mary", "sex": "F", "date_of_birth": "1990-01-01", "state_of_origin": "IN-KL"}, consents=[ConsentPurpose.STATISTICS]
    )
    assert services.consent_set(actor=emigrant, person=person, purpose=ConsentPurpose.STATISTICS, given=True) is None  # unchanged
    withdrawn = services.consent_set(actor=emigrant, person=person, purpose=ConsentPurpose.STATISTICS, given=False)
    assert withdrawn is not None and not withdrawn.given
    assert ConsentRecord.objects.filter(person=person).count() == 2
    receipt = services.consent_receipt(withdrawn)
    assert receipt["state"] == "WITHDRAWN" and receipt["notice"]["version"] == "1.0" and receipt["purpose"]["code"] == "STATISTICS"


def test_officials_cannot_consent_for_a_person(pge):
    person = register_person(pge)
    with pytest.raises(NotAllowed):
        services.consent_set(actor=pge, person=person, purpose=ConsentPurpose.STATISTICS, given=True)


def test_likely_duplicates_are_flagged_never_merged(pge):
    first = register_person(pge, given_name="Mohammed", family_name="Ali", date_of_birth="1985-05-05")
    second = register_person(pge, given_name="Muhammad", family_name="Aly", date_of_birth="1985-05-05")
    flag = DuplicateFlag.objects.get()
    assert {flag.person_a_id, flag.person_b_id} == {first.id, second.id}
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_moves_records_and_is_reversible(pge):
    first = register_person(pge, given_name="Mohammed", family_name="Ali", date_of_birth="1985-05-05")
    second = register_person(pge, given_name="Muhammad", family_name="Ali", date_of_birth="1985-05-05")
    services.emergency_contact_add(actor=pge, person=second, data={"name": "Fathima Ali", "relation": "Wife", "where": "INDIA", "phone": "+919847012345"})
    flag = DuplicateFlag.objects.get()
    record = services.person_merge(actor=pge, flag_id=flag.id, survivor_id=first.id)
    assert Person.objects.get(id=second.id).merged_into_id == first.id
    assert EmergencyContact.objects.get().person_id == first.id
    assert Passport.objects.filter(person=first, is_current=True).count() == 1
    with pytest.raises(Conflict):
        services.person_merge(actor=pge, flag_id=flag.id, survivor_id=first.id)
    services.person_merge_revert(actor=pge, merge_id=record.id)
    assert Person.objects.get(id=second.id).merged_into_id is None
    assert EmergencyContact.objects.get().person_id == second.id
    assert Passport.objects.filter(person=second, is_current=True).count() == 1
    assert Passport.objects.filter(person=first, is_current=True).count() == 1
    assert DuplicateFlag.objects.get().status == DuplicateFlag.Status.OPEN
    actions = list(AuditEvent.objects.filter(action__startswith="registry.merge").values_list("action", flat=True)) + list(
        AuditEvent.objects.filter(action="registry.persons_merged").values_list("action", flat=True)
    )
    assert set(actions) == {"registry.merge_reverted", "registry.persons_merged"}


def test_export_contains_everything_and_close_erases(emigrant, pge):
    person = services.person_register(
        actor=emigrant,
        user=emigrant,
        data={"given_name": "Mary", "family_name": "Joseph", "sex": "F", "date_of_birth": "1990-01-01", "state_of_origin": "IN-KL", "residence_country": "AE"},
        consents=[ConsentPurpose.CRISIS_CONTACT],
    )
    services.passport_record(actor=emigrant, person=person, data={"passport_number": "M1234567", "issue_date": "2019-01-02", "expiry_date": "2029-01-01"})
    services.person_record_open(actor=pge, person_id=person.id)
    data = services.person_data_export(actor=emigrant, person=person)
    assert data["person"]["given_name"] == "Mary"
    assert data["passports"][0]["number"] == "M1234567"
    assert data["consents"][0]["purpose"]["code"] == "CRISIS_CONTACT"
    assert data["accessed_by_officials"][0]["official"] == pge.username
    with pytest.raises(NotAllowed):
        services.person_close(actor=pge, person=person)
    kept = services.person_close(actor=emigrant, person=person)
    assert kept
    person.refresh_from_db()
    emigrant.refresh_from_db()
    assert person.status == PersonStatus.CLOSED and person.family_name == "" and person.mobile == ""
    assert not Passport.objects.filter(person=person).exists()
    assert ConsentRecord.objects.filter(person=person).exists()  # kept, as the closure page says
    assert not emigrant.is_active and emigrant.mobile_index is None

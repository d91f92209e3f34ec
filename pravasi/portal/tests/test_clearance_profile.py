"""The emigrant's clearances on the public website: the list on the profile, the e-EC download (for the
emigrant, the applicant agency and the officials, for no one else), and the public verification page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import login_verified, user_with_role
from pravasi.audit.models import PersonalDataAccess
from pravasi.clearance import services
from pravasi.clearance.tests.factories import make_world, submitted_ec
from pravasi.registry.services import passport_record

from .conftest import register_person

pytestmark = pytest.mark.django_db

PASSPORT = "M7654321"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRAVASI_PUBLIC_URL = "https://pravasi.example.gov.in"


def _signed_in(user) -> Client:
    """Signed in past the TOTP step: pravasi.clearance.policies counts a membership, the emigrant's
    included, only for a user verified with two factors (see the test at the end of this module)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def granted():
    """An emigrant registered with an account and an ECR passport; an agent applies for that passport and
    the PoE grants it. Returns (world, emigrant user, application)."""
    world = make_world()
    user = user_with_role(Role.EMIGRANT)
    person = register_person(user, given_name="Rajesh", family_name="Kumar", sex="M", date_of_birth="1990-04-12", mobile="+919447100001")
    today = timezone.localdate()
    passport_record(
        actor=user,
        person=person,
        data={
            "passport_number": PASSPORT,
            "issue_date": (today - timedelta(days=700)).isoformat(),
            "expiry_date": (today + timedelta(days=3000)).isoformat(),
            "place_of_issue": "Kochi",
            "is_ecr": "yes",
        },
    )
    application = submitted_ec(world, passport_number=PASSPORT)
    assert application.person_id == person.id  # linked by the passport, not registered again
    application = services.application_grant(actor=world.poe, application_id=application.id)
    return world, user, application


def test_emigrant_sees_the_granted_clearance_and_downloads_the_e_ec(granted):
    world, user, application = granted
    client = _signed_in(user)

    page = client.get(reverse("portal:my_clearances"))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (application.reference, application.emigration_number, "United Arab Emirates", application.employer_name, "Clearance granted", "Download e-EC (PDF)", "Met"):
        assert text in html
    assert application.valid_to_date.strftime("%-d %b %Y") in html
    pdf_url = reverse("portal:ec_pdf", args=[application.id])
    assert pdf_url in html
    assert reverse("portal:my_clearances") in client.get(reverse("portal:profile")).content.decode()

    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="e-EC-{application.emigration_number.replace("/", "-")}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    # The emigrant reading their own e-EC is not an access to log against them.
    assert not PersonalDataAccess.objects.filter(person_id=application.person_id).exists()


def test_applicant_agency_and_poe_may_download_and_are_logged(granted):
    world, _user, application = granted
    for official in (world.agent, world.poe):
        client = _signed_in(official)
        response = client.get(reverse("portal:ec_pdf", args=[application.id]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert PersonalDataAccess.objects.filter(person_id=application.person_id, purpose="E_EC").count() == 2


def test_another_emigrant_gets_404_for_the_pdf_and_sees_no_clearances(granted, other_emigrant):
    _world, _user, application = granted
    client = _signed_in(other_emigrant[1])
    response = client.get(reverse("portal:ec_pdf", args=[application.id]))
    assert response.status_code == 404
    assert application.emigration_number not in client.get(reverse("portal:my_clearances")).content.decode()
    assert "No applications yet" in client.get(reverse("portal:my_clearances")).content.decode()


def test_anonymous_is_sent_to_sign_in(granted):
    _world, _user, application = granted
    for url in (reverse("portal:my_clearances"), reverse("portal:ec_pdf", args=[application.id])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_an_application_not_yet_granted_is_listed_without_a_download(granted):
    world, user, application = granted
    client = _signed_in(user)
    html = client.get(reverse("portal:my_clearances")).content.decode()
    assert html.count("Download e-EC (PDF)") == 1
    # The PoE sees a submitted one too, but it has no e-EC yet: a clear message, not a 500.
    pending = submitted_ec(world)
    response = _signed_in(world.poe).get(reverse("portal:ec_pdf", args=[pending.id]))
    assert response.status_code == 409
    assert "only for a granted clearance" in response.content.decode()


def test_public_verification_shows_validity_and_no_personal_data(granted):
    _world, _user, application = granted
    response = Client().get(reverse("portal:verify_clearance"), {"number": application.emigration_number})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Valid today", application.employer_name, "United Arab Emirates", application.office.name, application.valid_to_date.strftime("%Y-%m-%d"), "R. K.", "****4321"):
        assert text in html
    for secret in ("Rajesh", "Kumar", PASSPORT, "1990", "+919447100001"):
        assert secret not in html
    # Typed loosely, the number is still found.
    assert Client().get(reverse("portal:verify_clearance"), {"number": f"  {application.emigration_number.lower()} "}).status_code == 200


def test_public_verification_of_an_expired_clearance_says_so(granted):
    _world, _user, application = granted
    type(application).objects.filter(id=application.id).update(valid_to_date=timezone.localdate() - timedelta(days=1))
    html = Client().get(reverse("portal:verify_clearance"), {"number": application.emigration_number}).content.decode()
    assert "Expired" in html and "Valid today" not in html


def test_public_verification_of_an_unknown_number(db):
    response = Client().get(reverse("portal:verify_clearance"), {"number": "EC/2026/99999999"})
    assert response.status_code == 404
    assert "No clearance with this number" in response.content.decode()
    empty = Client().get(reverse("portal:verify_clearance"), {"number": ""})
    assert empty.status_code == 400 and "Enter the emigration number" in empty.content.decode()
    assert Client().get(reverse("portal:verify_clearance")).status_code == 200


def test_emigrant_signed_in_without_two_factor_sees_their_clearance(granted):
    _world, user, application = granted
    client = Client()
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    assert application.emigration_number in client.get(reverse("portal:my_clearances")).content.decode()
    assert client.get(reverse("portal:ec_pdf", args=[application.id])).status_code == 200


def test_an_emigrant_employed_directly_applies_against_the_demand(settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from pravasi.clearance.models import ClearanceApplication
    from pravasi.clearance.tests.factories import ec_files, make_world, pbby_for
    from pravasi.registry.services import passport_record, person_register

    settings.MEDIA_ROOT = tmp_path
    world = make_world(occupation="2221", wage="7000")  # nurses: clearance whatever the passport
    user = user_with_role(Role.EMIGRANT)
    today = timezone.localdate()
    person = person_register(actor=user, user=user, data={"given_name": "Divya", "family_name": "Menon", "sex": "F", "date_of_birth": "1994-02-02", "state_of_origin": "IN-KL"})
    passport = {"passport_number": "V1234567", "issue_date": (today - timedelta(days=100)).isoformat(), "expiry_date": (today + timedelta(days=3000)).isoformat()}
    passport_record(actor=user, person=person, data=passport)
    policy = pbby_for(world, {"given_name": "Divya", "family_name": "Menon", "sex": "F", "date_of_birth": "1994-02-02", "state_of_origin": "IN-KL", **passport})
    client = Client()
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    unknown = client.get(reverse("portal:clearance_apply"), {"demand_reference": "DM-1999-000009"})
    assert unknown.status_code == 400 and "No open demand has this reference" in unknown.content.decode()
    step_two = client.get(reverse("portal:clearance_apply"), {"demand_reference": world.demand.reference.lower()})
    assert world.demand.employer.name in step_two.content.decode()
    files = {k: v for k, v in ec_files(with_receipt=False).items()}
    response = client.post(
        reverse("portal:clearance_apply"),
        {"demand_reference": world.demand.reference, "position": str(world.demand.positions.get().id), "departure_date": (today + timedelta(days=15)).isoformat(), "pbby_policy_number": policy.number, **files},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = ClearanceApplication.objects.get()
    assert application.route == "DIRECT" and application.person == person and application.applicant is None and application.eligible
    assert application.office == world.poe.memberships.get().office  # the PoE of her state


def test_public_verification_is_rate_limited_per_address():
    client = Client()
    statuses = [client.get(reverse("portal:verify_clearance"), {"number": f"EC/2026/{n:08d}"}).status_code for n in range(32)]
    assert statuses[:30] == [404] * 30
    assert statuses[30:] == [429, 429]

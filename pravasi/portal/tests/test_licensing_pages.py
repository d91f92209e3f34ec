"""Public licensing pages: applying for a certificate, registration or accreditation; verifying a
certificate; the lists of registered agents, the prior approval category and illegal agents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.accounts.models import Organisation, User
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import login_verified, user_with_role
from pravasi.core.geography import state_name
from pravasi.licensing import services
from pravasi.licensing.models import Application, BankGuarantee, Document, Licence, LicenceKind
from pravasi.licensing.tests import factories
from pravasi.messaging.models import OutboxMessage
from pravasi.portal.licensing_forms import ACCOUNT_FIELDS

pytestmark = pytest.mark.django_db

RC_URL = "/apply/recruiting-agent/"
FE_URL = "/apply/foreign-employer/"
PE_URL = "/apply/project-exporter/"
SUSPENSION_TEXT = "Workers were charged fees above the limit; inquiry pending under section 14."


def _field_feedback(html: str, field: str) -> str:
    """The text shown right under one input (its error and help), as core/field.html renders it."""
    marker = f'id="id_{field}_desc"'
    assert marker in html, f"no feedback block for {field}"
    return html.split(marker, 1)[1].split("</div>\n</div>", 1)[0]


def _counts() -> tuple[int, int, int, int, int]:
    return Application.objects.count(), User.objects.count(), Organisation.objects.count(), Document.objects.count(), BankGuarantee.objects.count()


def _fe_data(**overrides) -> dict:
    data = {
        "organisation_name": "Ahmed Al Mansouri",
        "employer_type": "INDIVIDUAL",
        "country": "AE",
        "employer_address": "Villa 12, Street 5, Al Karama, Abu Dhabi",
        "company_registration": "",
        "contact_name": "Ahmed Mansouri",
        "contact_email": "ahmed@example.ae",
        "contact_mobile": "+971501239876",
        "password": "a-long-Employer-passphrase-3",
        "document_employer_licence": factories.pdf("emirates-id.pdf"),
    }
    data.update(overrides)
    return data


# --- applying for a recruiting agent's certificate ---------------------------------------------------


def test_the_rc_form_shows_every_section_with_labels_and_the_upload_limit(client):
    factories.offices()
    response = client.get(RC_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for legend in ("The business", "Directors, partners or proprietor", "Office premises in India", "Security: bank guarantee", "Fee", "Documents", "Your account"):
        assert f'<legend class="h5">{legend}</legend>' in html, legend
    names = set(re.findall(r'name="([a-z0-9_]+)"', html))
    expected = {
        "organisation_name", "legal_form", "company_registration",
        "director_1_name", "director_1_capacity", "director_1_din", "director_3_name", "director_3_capacity", "director_3_din",
        "premises_address", "premises_state", "premises_city", "premises_pin",
        "security_track", "expected_workers", "bank_code", "bank_guarantee_number", "bank_guarantee_amount", "bank_guarantee_valid_from", "bank_guarantee_valid_to",
        "fee_amount", "fee_reference", "fee_paid_date",
        "document_incorporation", "document_premises", "document_identity", "document_bank_guarantee", "document_fee_receipt",
        "contact_name", "contact_email", "contact_mobile", "password",
    }  # fmt: skip
    assert expected <= names, expected - names
    # Every input has a label.
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_[a-z0-9_]+)"', html):
        if field_id.startswith("id_security_track_"):
            continue  # radio buttons: labelled one by one
        assert f'for="{field_id}"' in html, field_id
    assert html.count('accept=".pdf,.png,.jpg,.jpeg"') == 5
    assert 'type="date"' in html
    assert "at most 5 MB" in html
    assert "State Bank of India" in html and "Kerala" in html
    assert "two-factor authentication" in html


def test_submitting_the_rc_form_creates_an_application_routed_to_the_poe_office(client, django_capture_on_commit_callbacks):
    offices = factories.offices()
    data = factories.rc_data()
    before = Application.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RC_URL, {**data, **factories.rc_files()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("portal:apply_received")
    assert Application.objects.count() == before + 1
    application = Application.objects.get(organisation__name=data["organisation_name"])
    assert application.kind == "RC_NEW" and application.status == "SUBMITTED"
    assert application.office == offices["poe"]
    assert re.fullmatch(r"LA-\d{4}-\d{6}", application.reference)
    assert list(application.directors.values_list("name", "capacity", "din")) == [("Suresh Nair", "DIRECTOR", "01234567")]
    assert sorted(application.documents.values_list("kind", flat=True)) == ["BANK_GUARANTEE", "FEE_RECEIPT", "IDENTITY", "INCORPORATION", "PREMISES"]
    assert application.bank_guarantees.get().number == data["bank_guarantee_number"]
    applicant = application.submitted_by
    assert applicant is not None and applicant.email == data["contact_email"] and applicant.check_password(data["password"])
    assert OutboxMessage.objects.filter(purpose="licensing.application_status").exists()
    # The reference never travels in the URL; the received page reads it from the session.
    assert application.reference not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert application.reference in html
    assert offices["poe"].name in html
    assert reverse("accounts:login") in html
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def test_the_received_page_without_an_application_in_this_session_goes_home(client):
    response = client.get(reverse("portal:apply_received"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_a_disguised_file_is_refused_with_its_message_and_nothing_is_created(client):
    factories.offices()
    files = factories.rc_files()
    files["document_premises"] = SimpleUploadedFile("premises.pdf", factories.PNG, content_type="application/pdf")
    data = factories.rc_data()
    before = _counts()
    response = client.post(RC_URL, {**data, **files})
    assert response.status_code == 400
    html = response.content.decode()
    message = escape("The file's name ends in .pdf but its content is not a PDF. Upload the document itself, not a renamed file.")
    assert message in _field_feedback(html, "document_premises")
    assert _counts() == before
    assert not User.objects.filter(username__startswith="p-").exists()
    # Typed values are kept; files and the password must be given again, and the page says so.
    assert f'value="{escape(data["organisation_name"])}"' in html
    assert f'value="{data["bank_guarantee_number"]}"' in html
    assert data["password"] not in html
    assert "choose each document again" in html


def test_an_expired_bank_guarantee_is_refused_next_to_its_date(client):
    factories.offices()
    today = timezone.localdate()
    ended = today - timedelta(days=10)
    data = factories.rc_data(bank_guarantee_valid_from=(today - timedelta(days=400)).isoformat(), bank_guarantee_valid_to=ended.isoformat())
    before = _counts()
    response = client.post(RC_URL, {**data, **factories.rc_files()})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"This guarantee expired on {ended.isoformat()}. Lodge a guarantee that is in force." in _field_feedback(html, "bank_guarantee_valid_to")
    assert _counts() == before


def test_every_missing_value_gets_its_own_message_on_its_field(client):
    factories.offices()
    response = client.post(RC_URL, {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Name at least one director, partner or the proprietor." in _field_feedback(html, "director_1_name")
    assert "Enter the six-digit PIN code, like 695001." in _field_feedback(html, "premises_pin")
    assert "Attach this document (PDF, PNG or JPEG)." in _field_feedback(html, "document_fee_receipt")
    assert "This is required." in _field_feedback(html, "contact_email")
    assert 'id="error-summary"' in html and 'href="#id_security_track_0"' in html
    assert Application.objects.count() == 0


def test_an_address_already_used_by_an_account_is_refused_on_the_e_mail_field(client):
    factories.submitted_rc(contact_email="taken@kom.example.in")
    before = _counts()
    response = client.post(RC_URL, {**factories.rc_data(contact_email="taken@kom.example.in"), **factories.rc_files()})
    assert response.status_code == 400
    assert "An account already uses this e-mail address." in _field_feedback(response.content.decode(), "contact_email")
    assert _counts() == before


def test_a_signed_in_member_applies_for_their_organisation_without_a_new_account(client):
    offices = factories.offices()
    user = user_with_role(Role.RA_STAFF)
    login_verified(client, user)
    html = client.get(RC_URL).content.decode()
    assert 'name="password"' not in html and "You are signed in" in html
    data = {key: value for key, value in factories.rc_data().items() if key not in ACCOUNT_FIELDS}
    users = User.objects.count()
    response = client.post(RC_URL, {**data, **factories.rc_files()})
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get()
    assert application.organisation == user.memberships.get().organisation and application.submitted_by == user and application.office == offices["poe"]
    assert User.objects.count() == users
    # A second application of the same kind while the first is open is refused, on the page.
    response = client.post(RC_URL, {**factories.rc_data(), **factories.rc_files()})
    assert response.status_code == 409
    assert "Your organisation already has an application of this kind in progress." in response.content.decode()
    assert Application.objects.count() == 1


# --- foreign employers and project exporters ------------------------------------------------------------


def test_an_individual_employer_must_accept_the_undertakings(client):
    factories.offices()
    response = client.get(FE_URL)
    html = response.content.decode()
    assert "exit permission within 7 days of a request from the Indian Mission" in html
    assert "never hold the worker's passport, visa or residence permit" in html
    before = _counts()
    response = client.post(FE_URL, _fe_data())
    assert response.status_code == 400
    assert "An individual employer must accept the undertakings to register." in _field_feedback(response.content.decode(), "undertakings")
    assert _counts() == before


def test_an_individual_employer_who_accepts_is_registered_with_the_mission(client):
    offices = factories.offices()
    response = client.post(FE_URL, _fe_data(undertakings="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(kind="FE_REGISTRATION")
    assert application.office == offices["mission"]
    assert application.employer_type == "INDIVIDUAL" and application.undertakings_accepted_at is not None
    assert application.organisation.country == "AE"
    assert application.documents.get().kind == "EMPLOYER_LICENCE"
    assert application.reference in client.get(response["Location"]).content.decode()


def test_a_project_exporter_application_goes_to_the_pge(client):
    offices = factories.offices()
    data = {key: value for key, value in factories.rc_data().items() if not key.startswith(("bank_", "fee_", "security", "expected"))}
    data.update(project_description="Construction of a 40 km road for the Ministry of Public Works, Oman; 18 months; 300 workers.")
    files = {"document_incorporation": factories.pdf("inc.pdf"), "document_project": factories.pdf("contract.pdf")}
    response = client.post(PE_URL, {**data, **files})
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(kind="PE_ACCREDITATION")
    assert application.office == offices["pge"]
    assert "40 km road" in application.project_description


# --- verifying a certificate ---------------------------------------------------------------------------


def test_verify_shows_an_active_certificate_with_its_approved_branches_only(client):
    people = factories.officials()
    licence, applicant = factories.granted_rc(people)
    approved = services.branch_apply(actor=applicant, licence_id=licence.id, data={"address": "Near the bus stand", "state": "IN-TN", "city": "Chennai"})
    services.branch_decide(actor=people["pge"], branch_id=approved.id, approve=True)
    services.branch_apply(actor=applicant, licence_id=licence.id, data={"address": "MG Road", "state": "IN-KA", "city": "Bengaluru"})
    # As a QR code sends it: the number URL-encoded in the query string.
    response = client.get(reverse("portal:verify"), {"number": licence.number})
    assert response.status_code == 200
    html = response.content.decode()
    assert licence.organisation.name in html
    assert licence.number in html
    assert "Recruiting agent registration certificate" in html
    assert "Active: this agent is registered and may recruit" in html and "text-bg-success" in html
    assert licence.valid_from_date.isoformat() in html and licence.valid_to_date.isoformat() in html
    assert "Thiruvananthapuram, Kerala" in html
    assert "No, a private agency" in html
    assert f"Chennai, {state_name('IN-TN')}" in html
    assert "Bengaluru" not in html


def test_verify_works_from_a_qr_code_address_and_a_loosely_typed_number(client):
    licence, _applicant = factories.granted_rc()
    quoted = licence.number.replace("/", "%2F")
    assert licence.organisation.name in client.get(f"/verify/?number={quoted}").content.decode()
    loose = "  " + licence.number.lower() + " "
    assert licence.organisation.name in client.get(reverse("portal:verify"), {"number": loose}).content.decode()


def test_verify_says_plainly_that_a_suspended_agent_may_not_recruit(client):
    people = factories.officials()
    licence, _applicant = factories.granted_rc(people)
    services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground="14_1_A", order_text=SUSPENSION_TEXT)
    response = client.get(reverse("portal:verify"), {"number": licence.number})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suspended: this agent may not recruit now." in html
    assert "text-bg-warning" in html and ">Suspended</span>" in html
    assert "Do not pay this agent" in html
    assert "may recruit workers" not in html


def test_verify_says_plainly_that_a_cancelled_agent_may_not_recruit(client):
    people = factories.officials()
    licence, _applicant = factories.granted_rc(people)
    services.licence_cancel(actor=people["pge"], licence_id=licence.id, ground="14_1_B", order_text=SUSPENSION_TEXT)
    html = client.get(reverse("portal:verify"), {"number": licence.number}).content.decode()
    assert "Cancelled: this agent may no longer recruit." in html and "text-bg-danger" in html


def test_verify_an_unknown_number(client):
    response = client.get(reverse("portal:verify"), {"number": "B-99999/KL/2026"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "No licence with this number" in html
    assert "B-99999/KL/2026" in html
    assert '<form method="get"' in html


def test_verify_without_a_number_asks_for_one(client):
    assert client.get(reverse("portal:verify")).status_code == 200
    response = client.get(reverse("portal:verify"), {"number": "  "})
    assert response.status_code == 400
    assert "Enter the number printed on the certificate." in response.content.decode()
    response = client.get(reverse("portal:verify"), {"number": "X" * 200})
    assert response.status_code == 400


# --- the public lists ------------------------------------------------------------------------------------


def _licence(name: str, number: str, *, state: str = "IN-KL", city: str = "Kochi", status: str = "ACTIVE") -> Licence:
    organisation = Organisation.objects.create(kind=OrganisationKind.RA, name=name)
    today = timezone.localdate()
    return Licence.objects.create(
        kind=LicenceKind.RC, number=number, organisation=organisation, status=status, valid_from_date=today, valid_to_date=today + timedelta(days=1800), premises_state=state, premises_city=city
    )


def test_registered_agents_filter_by_name_number_state_and_status(client):
    _licence("Malabar Manpower", "B-00001/KL/2026")
    _licence("Punjab Overseas Placements", "B-00002/PB/2026", state="IN-PB", city="Jalandhar")
    _licence("Cochin Careers", "B-00003/KL/2026", status="SUSPENDED")
    html = client.get(reverse("portal:recruiting_agents")).content.decode()
    assert all(name in html for name in ("Malabar Manpower", "Punjab Overseas Placements", "Cochin Careers"))
    assert 'href="/verify/?number=B-00001%2FKL%2F2026"' in html
    html = client.get(reverse("portal:recruiting_agents"), {"name": "malabar"}).content.decode()
    assert "Malabar Manpower" in html and "Punjab Overseas" not in html and "Cochin Careers" not in html
    html = client.get(reverse("portal:recruiting_agents"), {"state": "IN-PB"}).content.decode()
    assert "Punjab Overseas Placements" in html and "Jalandhar, Punjab" in html and "Malabar" not in html
    html = client.get(reverse("portal:recruiting_agents"), {"status": "SUSPENDED"}).content.decode()
    assert "Cochin Careers" in html and "Malabar" not in html
    html = client.get(reverse("portal:recruiting_agents"), {"number": "b-00002"}).content.decode()
    assert "Punjab Overseas Placements" in html and "Malabar" not in html
    html = client.get(reverse("portal:recruiting_agents"), {"name": "nobody of that name"}).content.decode()
    assert "No registered agent matches this search." in html


def test_registered_agents_are_paginated_25_a_page_and_pages_keep_the_filters(client):
    for i in range(30):
        _licence(f"Agency {i:02d}", f"B-{i + 100:05d}/KL/2026")
    _licence("Elsewhere Agency", "B-00999/PB/2026", state="IN-PB")
    html = client.get(reverse("portal:recruiting_agents"), {"state": "IN-KL"}).content.decode()
    assert html.count("<tr>") == 26  # header row and 25 agents
    assert "Page 1 of 2" in html
    assert 'href="?state=IN-KL&amp;page=2"' in html
    second = client.get(reverse("portal:recruiting_agents"), {"state": "IN-KL", "page": "2"}).content.decode()
    assert second.count("<tr>") == 6 and "Agency 29" in second and "Elsewhere" not in second
    # A page number out of range or not a number shows a page, never an error.
    assert client.get(reverse("portal:recruiting_agents"), {"page": "99"}).status_code == 200
    assert client.get(reverse("portal:recruiting_agents"), {"page": "x"}).status_code == 200


def test_an_unknown_filter_value_is_a_clear_400(client):
    response = client.get(reverse("portal:recruiting_agents"), {"state": "IN-XX"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_blacklist_shows_current_entries_and_filters_by_name_and_country(client):
    pge = factories.officials()["pge"]
    listed = timezone.localdate() - timedelta(days=30)
    services.blacklist_add(
        actor=pge, data={"name": "Gulf Star Contracting", "country": "AE", "city": "Sharjah", "reasons": "Wages unpaid for six months to 40 workers.", "listed_date": listed.isoformat()}
    )
    services.blacklist_add(actor=pge, data={"name": "Desert Rose Services", "country": "SA", "city": "Riyadh", "reasons": "Passports withheld.", "listed_date": listed.isoformat()})
    gone = services.blacklist_add(actor=pge, data={"name": "Old Listing Co", "country": "AE", "reasons": "Complaints.", "listed_date": listed.isoformat()})
    services.blacklist_remove(actor=pge, entry_id=gone.id, reasons="Dues settled with every worker; verified by the Mission.")
    html = client.get(reverse("portal:blacklist")).content.decode()
    assert "Gulf Star Contracting" in html and "Desert Rose Services" in html and "Old Listing Co" not in html
    assert "Wages unpaid for six months to 40 workers." in html and listed.isoformat() in html and "Sharjah" in html
    html = client.get(reverse("portal:blacklist"), {"country": "SA"}).content.decode()
    assert "Desert Rose Services" in html and "Saudi Arabia" in html and "Gulf Star" not in html
    html = client.get(reverse("portal:blacklist"), {"name": "gulf"}).content.decode()
    assert "Gulf Star Contracting" in html and "Desert Rose" not in html


def test_illegal_agents_show_notification_and_filter_by_name_and_state(client):
    pge = factories.officials()["pge"]
    day = timezone.localdate() - timedelta(days=5)
    services.illegal_agent_notify(
        actor=pge, data={"name": "Fast Visa Consultants", "state": "IN-KL", "city": "Kozhikode", "notified_date": day.isoformat(), "notification_reference": "PGE/IA/2026/17"}
    )
    services.illegal_agent_notify(actor=pge, data={"name": "Easy Jobs Abroad", "state": "IN-UP", "city": "Lucknow", "notified_date": day.isoformat(), "notification_reference": "PGE/IA/2026/18"})
    html = client.get(reverse("portal:illegal_agents")).content.decode()
    assert "Fast Visa Consultants" in html and "PGE/IA/2026/17" in html and day.isoformat() in html and "Easy Jobs Abroad" in html
    html = client.get(reverse("portal:illegal_agents"), {"state": "IN-UP"}).content.decode()
    assert "Easy Jobs Abroad" in html and "Lucknow, Uttar Pradesh" in html and "Fast Visa" not in html
    html = client.get(reverse("portal:illegal_agents"), {"name": "fast visa"}).content.decode()
    assert "Fast Visa Consultants" in html and "Easy Jobs" not in html


# --- every page, public and in Hindi ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [RC_URL, FE_URL, PE_URL, "/verify/", "/recruiting-agents/", "/blacklist/", "/illegal-agents/"])
def test_pages_are_public_and_render_in_hindi(client, url):
    factories.offices()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert "<h1" in html and html.count("<h1") == 1
    assert "style=" not in html and "<script>" not in html


def test_the_home_page_and_footer_link_to_verification_and_the_lists(client):
    html = client.get(reverse("portal:home")).content.decode()
    for name in ("verify", "recruiting_agents", "blacklist", "illegal_agents", "apply_recruiting_agent", "apply_foreign_employer", "apply_project_exporter"):
        assert f'href="{reverse(f"portal:{name}")}"' in html, name

"""Public case pages: filing a grievance or a report, the case number page, checking a case with a one-time
code, the filer's view of a case and what the filer may do on it, and My cases on the profile."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.cases import services
from pravasi.cases.models import Case, CaseDocument, CaseKind, CaseNote, CaseStatus, Channel, NoteKind
from pravasi.licensing.tests.factories import PDF, officials
from pravasi.messaging.models import OutboxMessage
from pravasi.portal.cases_views import ACCESS_KEY

pytestmark = pytest.mark.django_db

GRIEVANCE_URL = "/grievance/"
REPORT_URL = "/report/"
STATUS_URL = "/case/"
VIEW_URL = "/case/view/"
PHONE = "+91 98470 12345"
DESCRIPTION = "My daughter has not been paid for four months and her passport is held by the employer."


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people():
    return officials()


def pdf(name: str = "payslip.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def grievance(**overrides) -> dict:
    data = {
        "filer_name": "Thomas Varghese",
        "filer_phone": PHONE,
        "filer_email": "",
        "filing_for": "OTHER",
        "filer_relation": "Father",
        "person_name": "Anitha Varghese",
        "person_passport": "",
        "country": "AE",
        "category": "SALARY_DUES",
        "agent_number": "",
        "employer_number": "",
        "where": "Dubai",
        "happened_date": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "description": DESCRIPTION,
    }
    data.update(overrides)
    return data


def report(**overrides) -> dict:
    data = {
        "eventuality": "INJURY",
        "person_name": "Rajesh Kumar",
        "person_passport": "",
        "country": "AE",
        "where": "Rashid Hospital, Dubai",
        "happened_date": timezone.localdate().isoformat(),
        "description": "He fell from scaffolding at the site this morning and is in hospital.",
        "filer_name": "Suresh Kumar",
        "filer_relation": "Brother",
        "filer_phone": "+91 94470 55555",
        "filer_email": "",
    }
    data.update(overrides)
    return data


def _field_feedback(html: str, field: str) -> str:
    """The text right under one input (its messages and help), as core/field.html renders it."""
    marker = f'id="id_{field}_desc"'
    assert marker in html, f"no feedback block for {field}"
    return html.split(marker, 1)[1].split("</div>\n</div>", 1)[0]


def _file(client, django_capture_on_commit_callbacks, url: str = GRIEVANCE_URL, data: dict | None = None) -> Case:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data if data is not None else grievance())
    assert response.status_code == 302 and response["Location"] == reverse("portal:case_filed")
    return Case.objects.order_by("-filed_at").first()


def _code(number: str) -> str:
    message = OutboxMessage.objects.filter(purpose="cases.code").order_by("-created_at").first()
    assert message is not None and number in message.body
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _open(client, case: Case, contact: str = PHONE) -> None:
    """Asks for a code with the filer's contact and opens the case with it."""
    response = client.post(STATUS_URL, {"step": "send", "tracking_number": case.tracking_number, "contact": contact})
    assert response.status_code == 302
    response = client.post(STATUS_URL, {"step": "open", "tracking_number": case.tracking_number, "code": _code(case.tracking_number)})
    assert response.status_code == 302 and response["Location"] == VIEW_URL


# --- filing a grievance ---------------------------------------------------------------------------------


def test_the_grievance_form_asks_mobile_first_and_takes_files(client, people):
    response = client.get(GRIEVANCE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="attachments"' in html and " multiple" in html
    names = re.findall(r'name="([a-z_]+)"', html)
    assert names.index("filer_phone") < names.index("filer_email")
    assert '<option value="AE">' in html and '<option value="IN">' not in html
    assert "Salary or dues not paid" in html  # a category, as the person reads it


def test_an_anonymous_grievance_gets_a_number_on_the_confirmation_page(client, people, django_capture_on_commit_callbacks):
    data = grievance(attachments=[pdf("payslip.pdf"), pdf("contract.pdf", PDF + b"contract")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GRIEVANCE_URL, data)
    assert response.status_code == 302 and response["Location"] == "/case/filed/"
    case = Case.objects.get()
    assert case.tracking_number not in response["Location"]
    assert (case.kind, case.channel, case.filed_by, case.office.code, case.category) == (CaseKind.GRIEVANCE, Channel.WEB, None, "T-MSN", "SALARY_DUES")
    assert (case.filer_relation, case.person_name, case.filer_phone) == ("Father", "Anitha Varghese", "+919847012345")
    assert CaseDocument.objects.filter(case=case).count() == 2
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="tracking-number">{case.tracking_number}</p>' in html
    assert case.office.name in html and 'href="/case/"' in html
    sent = OutboxMessage.objects.get(purpose="cases.filer")
    assert sent.recipient == "+919847012345" and case.tracking_number in sent.body


def test_filing_for_oneself_asks_the_name_once(client, people, django_capture_on_commit_callbacks):
    case = _file(client, django_capture_on_commit_callbacks, data=grievance(filing_for="SELF", filer_relation="", person_name=""))
    assert (case.filer_relation, case.person_name) == ("SELF", "Thomas Varghese")


def test_the_confirmation_page_needs_a_filing_in_this_session(client, people):
    response = client.get("/case/filed/")
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": ""}, "description", "Describe what happened, in a few sentences."),
        ({"description": "x" * 4001}, "description", "Use at most 4000 characters."),
        ({"filer_phone": "", "filer_email": ""}, "filer_phone", "Give a mobile number or an e-mail address"),
        ({"filer_relation": ""}, "filer_relation", "Say how you are related to the person"),
        ({"attachments": [pdf("notes.pdf", b"just some text, renamed")]}, "attachments", "The file's name ends in .pdf but its content is not a PDF."),
        ({"attachments": [pdf("scan.pdf", PDF + b"0" * (5 * 1024 * 1024))]}, "attachments", "This file is 5.0 MB; the limit is 5 MB."),
        ({"attachments": [pdf(f"page{i}.pdf", PDF + bytes([i])) for i in range(4)]}, "attachments", "Attach at most 3 files."),
    ],
)
def test_bad_input_gets_its_message_and_stores_nothing(client, people, change, field, message):
    response = client.post(GRIEVANCE_URL, grievance(**change))
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in _field_feedback(html, field)
    assert 'id="error-summary"' in html and f'href="#id_{field}"' in html
    assert not Case.objects.exists() and not CaseDocument.objects.exists()


def test_a_grievance_filed_from_the_profile_is_on_my_cases(emigrant, people, django_capture_on_commit_callbacks):
    client, user, person = emigrant
    form = client.get(GRIEVANCE_URL).content.decode()
    assert f'value="{person.full_name}"' in form and "kept on your profile" in form
    case = _file(client, django_capture_on_commit_callbacks, data=grievance(filing_for="SELF", filer_name=person.full_name, filer_phone=person.mobile, person_name=""))
    assert (case.channel, case.filed_by, case.person_name) == (Channel.PROFILE, user, person.full_name)
    assert 'href="/profile/cases/"' in client.get("/case/filed/").content.decode()
    listing = client.get("/profile/cases/").content.decode()
    assert case.tracking_number in listing and f'href="/profile/cases/{case.id}/"' in listing
    page = client.get(f"/profile/cases/{case.id}/")
    assert page.status_code == 200 and "Salary or dues not paid" in page.content.decode()
    assert 'href="/profile/cases/"' in client.get("/profile/").content.decode()


# --- reporting what happened ---------------------------------------------------------------------------


def test_a_report_never_tells_whether_the_person_is_registered(client, emigrant, people, django_capture_on_commit_callbacks):
    _client, _user, person = emigrant
    passport = person.passports.get().number
    pages = []
    for number in (passport, "Z9931107"):
        case = _file(client, django_capture_on_commit_callbacks, url=REPORT_URL, data=report(person_passport=number, person_name="Anitha"))
        html = client.get("/case/filed/").content.decode()
        assert case.tracking_number in html
        pages.append(re.sub(r"name=\"csrfmiddlewaretoken\" value=\"[^\"]+\"", "", html.replace(case.tracking_number, "NUMBER")))
    matched, unmatched = Case.objects.order_by("filed_at")
    assert matched.person == person and unmatched.person is None  # the registry match did happen
    assert matched.kind == CaseKind.EVENTUALITY and matched.eventuality == "INJURY"
    assert pages[0] == pages[1]
    assert "Varghese" not in pages[0] and passport not in pages[0] and "Report received" in pages[0]


def test_a_death_report_goes_first_and_bad_reports_store_nothing(client, people, django_capture_on_commit_callbacks):
    response = client.post(REPORT_URL, report(eventuality="", person_name=""))
    html = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    assert "Choose what happened." in _field_feedback(html, "eventuality")
    assert "Enter the name of the person this is about." in _field_feedback(html, "person_name")
    case = _file(client, django_capture_on_commit_callbacks, url=REPORT_URL, data=report(eventuality="DEATH"))
    assert case.category == "MORTAL_REMAINS" and case.priority == 0


# --- checking a case with a code -----------------------------------------------------------------------


def _normalised(html: str, *numbers: str) -> str:
    html = re.sub(r"name=\"csrfmiddlewaretoken\" value=\"[^\"]+\"", "", html)
    for number in numbers:
        html = html.replace(number, "NUMBER")
    return html


def test_the_status_check_says_the_same_whatever_was_typed(client, people, django_capture_on_commit_callbacks):
    case = _file(client, django_capture_on_commit_callbacks)
    answers = []
    for number, contact in ((case.tracking_number, PHONE), (case.tracking_number, "+919999999999"), ("0000-0000-0000", PHONE)):
        response = client.post(STATUS_URL, {"step": "send", "tracking_number": number, "contact": contact}, follow=True)
        assert response.redirect_chain == [("/case/?step=open", 302)]
        answers.append(_normalised(response.content.decode(), number))
    assert answers[0] == answers[1] == answers[2]
    assert "If the number and the contact match a case, we have sent a code" in answers[0]
    assert OutboxMessage.objects.filter(purpose="cases.code").count() == 1
    code = _code(case.tracking_number)
    wrong = "000000" if code != "000000" else "111111"
    refused = []
    for number, guess in ((case.tracking_number, wrong), ("0000-0000-0000", code)):
        response = client.post(STATUS_URL, {"step": "open", "tracking_number": number, "code": guess})
        assert response.status_code == 400
        refused.append(_normalised(response.content.decode(), number, guess))
    assert refused[0] == refused[1]
    assert escape(services.WRONG) in refused[0]
    assert client.get(VIEW_URL).status_code == 302  # nothing opened
    response = client.post(STATUS_URL, {"step": "open", "tracking_number": case.tracking_number, "code": code})
    assert response.status_code == 302 and response["Location"] == VIEW_URL
    page = client.get(VIEW_URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert case.tracking_number in html and case.office.name in html and "Salary or dues not paid" in html and "Open" in html


def test_too_many_code_requests_are_refused_with_429(client, people):
    for _ in range(10):
        assert client.post(STATUS_URL, {"step": "send", "tracking_number": "0000-0000-0000", "contact": PHONE}).status_code == 302
    response = client.post(STATUS_URL, {"step": "send", "tracking_number": "0000-0000-0000", "contact": PHONE})
    assert response.status_code == 429
    assert "Too many requests from this connection" in response.content.decode()


def test_the_filer_sees_shared_messages_but_not_internal_notes(client, people, django_capture_on_commit_callbacks):
    case = _file(client, django_capture_on_commit_callbacks, data=grievance(person_passport="Z9931107"))
    services.note_add(actor=people["mission"], case_id=case.id, text="We have called the employer in Dubai.", shared=True)
    services.note_add(actor=people["mission"], case_id=case.id, text="Employer is a repeat offender; check the blacklist.", shared=False)
    _open(client, case)
    html = client.get(VIEW_URL).content.decode()
    assert "We have called the employer in Dubai." in html
    assert "repeat offender" not in html
    assert "Z9931107" not in html


def test_the_filer_adds_information(client, people, django_capture_on_commit_callbacks):
    case = _file(client, django_capture_on_commit_callbacks)
    _open(client, case)
    response = client.post("/case/view/add/", {"text": "", "attachments": [pdf("x.txt.pdf", b"not a pdf")]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write what you want to add." in _field_feedback(html, "text") and "not a PDF" in _field_feedback(html, "attachments")
    assert not case.notes.filter(kind=NoteKind.FILER).exists()
    response = client.post("/case/view/add/", {"text": "The employer now says he will pay in June.", "attachments": [pdf("message.pdf")]}, follow=True)
    assert response.redirect_chain == [(VIEW_URL, 302)]
    note = CaseNote.objects.get(case=case, kind=NoteKind.FILER)
    assert note.text == "The employer now says he will pay in June." and note.shared
    assert CaseDocument.objects.filter(case=case).count() == 1
    html = response.content.decode()
    assert "What you added is on the case" in html and "The employer now says he will pay in June." in html


def test_rating_after_closing(client, people, django_capture_on_commit_callbacks):
    case = _file(client, django_capture_on_commit_callbacks)
    _open(client, case)
    assert 'action="/case/view/rate/"' not in client.get(VIEW_URL).content.decode()
    early = client.post("/case/view/rate/", {"rating": "4"})
    assert early.status_code == 409 and "A case is rated once it is closed." in early.content.decode()
    services.case_close(actor=people["mission"], case_id=case.id, resolution="Four months' wages paid through the labour court.")
    html = client.get(VIEW_URL).content.decode()
    assert 'action="/case/view/rate/"' in html and escape("Four months' wages paid through the labour court.") in html
    for bad in ("9", "0", "five"):
        response = client.post("/case/view/rate/", {"rating": bad})
        assert response.status_code == 400
        assert "Choose from 1 (not satisfied) to 5 (fully satisfied)." in _field_feedback(response.content.decode(), "rating")
    case.refresh_from_db()
    assert case.satisfaction is None
    response = client.post("/case/view/rate/", {"rating": "4"}, follow=True)
    assert response.redirect_chain == [(VIEW_URL, 302)] and "Thank you for rating" in response.content.decode()
    case.refresh_from_db()
    assert case.satisfaction == 4
    assert 'action="/case/view/rate/"' not in response.content.decode()
    again = client.post("/case/view/rate/", {"rating": "1"})
    assert again.status_code == 409 and "You have already rated this case." in again.content.decode()
    case.refresh_from_db()
    assert case.satisfaction == 4


def test_reopening_only_within_the_window(client, people, django_capture_on_commit_callbacks):
    case = _file(client, django_capture_on_commit_callbacks)
    _open(client, case)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_close(actor=people["mission"], case_id=case.id, resolution="Wages paid.")
    Case.objects.filter(id=case.id).update(closed_at=timezone.now() - timedelta(days=31))
    response = client.post("/case/view/reopen/", {"reason": "Only three months were paid."})
    assert response.status_code == 400
    assert "A case can be reopened within 30 days of its closure; file a new grievance instead." in _field_feedback(response.content.decode(), "reason")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.reopened_count == 0
    Case.objects.filter(id=case.id).update(closed_at=timezone.now() - timedelta(days=29))
    response = client.post("/case/view/reopen/", {"reason": "Only three months were paid."}, follow=True)
    assert response.redirect_chain == [(VIEW_URL, 302)] and "The case is open again." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.reopened_count == 1


def test_access_by_code_ends(client, people, django_capture_on_commit_callbacks):
    assert client.get(VIEW_URL)["Location"] == STATUS_URL  # never opened
    case = _file(client, django_capture_on_commit_callbacks)
    _open(client, case)
    assert client.get(VIEW_URL).status_code == 200
    session = client.session
    session[ACCESS_KEY] = {**session[ACCESS_KEY], "until": time.time() - 1}
    session.save()
    response = client.get(VIEW_URL, follow=True)
    assert response.redirect_chain == [(STATUS_URL, 302)]
    assert "enter its number and ask for a code" in response.content.decode()
    response = client.post("/case/view/add/", {"text": "Too late to add this."})
    assert response.status_code == 302 and response["Location"] == STATUS_URL
    assert not case.notes.filter(kind=NoteKind.FILER).exists()


# --- my cases ------------------------------------------------------------------------------------------


def test_another_persons_case_is_not_found(emigrant, other_emigrant, people, django_capture_on_commit_callbacks):
    owner, _user, person = emigrant
    case = _file(owner, django_capture_on_commit_callbacks, data=grievance(filing_for="SELF", filer_name=person.full_name))
    other, _other_user, _other_person = other_emigrant
    assert other.get(f"/profile/cases/{case.id}/").status_code == 404
    assert other.post(f"/profile/cases/{case.id}/add/", {"text": "Not mine to add."}).status_code == 404
    assert case.tracking_number not in other.get("/profile/cases/").content.decode()
    assert not case.notes.exists()
    response = owner.post(f"/profile/cases/{case.id}/add/", {"text": "My employer paid one month."})
    assert response.status_code == 302 and response["Location"] == f"/profile/cases/{case.id}/"
    assert case.notes.get().kind == NoteKind.FILER
    anonymous = Client().get(f"/profile/cases/{case.id}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


# --- every page, in Hindi too ---------------------------------------------------------------------------


def test_the_pages_work_in_hindi(client, emigrant, people, django_capture_on_commit_callbacks):
    for url in (GRIEVANCE_URL, REPORT_URL, STATUS_URL, f"{STATUS_URL}?step=open"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="hi")
        assert response.status_code == 200, url
        assert '<html lang="hi">' in response.content.decode()
    own, _user, person = emigrant
    case = _file(own, django_capture_on_commit_callbacks, data=grievance(filing_for="SELF", filer_name=person.full_name))
    for url in ("/case/filed/", "/profile/cases/", f"/profile/cases/{case.id}/"):
        response = own.get(url, HTTP_ACCEPT_LANGUAGE="hi")
        assert response.status_code == 200, url
        assert '<html lang="hi">' in response.content.decode()


def test_the_home_page_links_to_the_case_pages(client):
    html = client.get("/").content.decode()
    for url in (GRIEVANCE_URL, REPORT_URL, STATUS_URL):
        assert f'href="{url}"' in html

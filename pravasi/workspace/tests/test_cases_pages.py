"""Case pages of the workspace: the handling office's queue (no personal data), the logged case page and
each of its actions, attachments, the dashboard's charts and the PGE's complaints, all through real
requests by verified officials."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OfficeKind, OrganisationKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role, verified_client
from pravasi.audit.models import AuditEvent, PersonalDataAccess
from pravasi.cases import services
from pravasi.cases.models import Case, CaseAssistance, CaseNote, CaseStatus, NoteKind, PBBYClaim, Referral, ReferralBasis
from pravasi.licensing import services as licensing
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.licensing.tests.factories import PDF, granted_rc, officials, pdf

pytestmark = pytest.mark.django_db

FILER = "Thomas Varghese"
PERSON = "Anitha Varghese"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def grievance(**overrides) -> dict:
    data = {
        "category": "SALARY_DUES",
        "country": "AE",
        "filer_name": FILER,
        "filer_relation": "Father",
        "filer_phone": "+91 98470 12345",
        "person_name": PERSON,
        "description": "My daughter has not been paid for four months and her passport is held.",
    }
    data.update(overrides)
    return data


def death(**overrides) -> dict:
    return grievance(category="", eventuality="DEATH", description="My brother died at the worksite on Sunday; the employer called us.", **overrides)


def file(kind: str = "GRIEVANCE", data: dict | None = None, **kwargs) -> Case:
    return services.case_file(actor=None, kind=kind, data=data or grievance(), **kwargs)


def case_url(case, action: str = "") -> str:
    return reverse(f"workspace:cases_{action}" if action else "workspace:cases_case", args=[case.id])


def body(response) -> str:
    return response.content.decode()


def fresh(obj):
    obj.refresh_from_db()
    return obj


def registered_person(passport: str = "J8369854"):
    from pravasi.registry.services import passport_record, person_register

    user = user_with_role(Role.EMIGRANT)
    person = person_register(
        actor=user, user=user, data={"given_name": "Anitha", "family_name": "Varghese", "sex": "F", "date_of_birth": "1991-03-14", "state_of_origin": "IN-KL", "residence_country": "AE"}
    )
    today = timezone.localdate()
    passport_record(actor=user, person=person, data={"passport_number": passport, "issue_date": (today - timedelta(days=300)).isoformat(), "expiry_date": (today + timedelta(days=3000)).isoformat()})
    return person, user


def insured_person():
    """A PBBY policy issued today by a registered insurer, for a passport holder it registers."""
    from pravasi.clearance import services as clearance
    from pravasi.clearance.tests.factories import worker

    insurer = Organisation.objects.create(kind=OrganisationKind.INSURER, name="Suraksha Insurance", registration_number="IRDAI42")
    Licence.objects.create(kind=LicenceKind.INSURER, number=licensing.licence_number(LicenceKind.INSURER), organisation=insurer, valid_from_date=timezone.localdate() - timedelta(days=10))
    staff = user_with_role(Role.INSURER_STAFF, organisation=insurer)
    person = worker()
    policy = clearance.pbby_issue(actor=staff, data={**person, "period_years": "2", "valid_from_date": timezone.localdate().isoformat()})
    return policy, person["passport_number"]


# --- the queue -------------------------------------------------------------------------------------------


def test_queue_puts_mortal_remains_first_and_shows_no_names():
    people = officials()
    salary = file()
    remains = file("EVENTUALITY", death())
    page = verified_client(people["mission"]).get(reverse("workspace:cases_queue"))
    assert page.status_code == 200
    text = body(page)
    assert text.index(remains.tracking_number) < text.index(salary.tracking_number)
    for personal in (FILER, PERSON, "Varghese", "98470"):
        assert personal not in text
    assert "Mortal remains (bringing a body home)" in text and "Salary or dues not paid" in text
    assert "Green: on time" in text and "Welfare officer" in text
    assert case_url(remains) in text

    only_salary = body(verified_client(people["mission"]).get(reverse("workspace:cases_queue"), {"category": "SALARY_DUES"}))
    assert salary.tracking_number in only_salary and remains.tracking_number not in only_salary


def test_queue_shows_an_escalated_case_as_red_with_its_level():
    people = officials()
    case = file("EVENTUALITY", death())
    assert services.cases_escalate(now=case.filed_at + timedelta(days=3)) == 1
    text = body(verified_client(people["mission"]).get(reverse("workspace:cases_queue")))
    assert "Red: overdue" in text and "Deputy chief of mission" in text


def test_queue_is_refused_to_a_partner():
    officials()
    analyst = user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM"))
    assert verified_client(analyst).get(reverse("workspace:cases_queue")).status_code == 403


# --- the case page -----------------------------------------------------------------------------------------


def test_case_page_is_only_for_the_handling_office_and_the_pge():
    people = officials()
    case = file()
    analyst = user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM"))
    assert verified_client(people["poe"]).get(case_url(case)).status_code == 404
    assert verified_client(analyst).get(case_url(case)).status_code == 404
    page = verified_client(people["mission"]).get(case_url(case))
    assert page.status_code == 200
    text = body(page)
    assert FILER in text and PERSON in text and "+919847012345" in text and "Father" in text
    assert verified_client(people["pge"]).get(case_url(case)).status_code == 200
    assert not AuditEvent.objects.filter(action="cases.case.viewed", actor=people["poe"]).exists()


def test_showing_a_case_is_audited_and_logged_on_the_registered_person():
    people = officials()
    person, _user = registered_person()
    case = file(data=grievance(person_passport="J8369854"))
    assert case.person == person
    before = PersonalDataAccess.objects.filter(person_id=person.id).count()
    page = verified_client(people["mission"]).get(case_url(case))
    assert page.status_code == 200
    viewed = AuditEvent.objects.filter(action="cases.case.viewed", target_id=str(case.id), actor=people["mission"])
    assert viewed.count() == 1
    assert "Varghese" not in str(viewed.get().summary)
    assert PersonalDataAccess.objects.filter(person_id=person.id, actor=people["mission"], purpose="case").count() == 1
    assert PersonalDataAccess.objects.filter(person_id=person.id).count() == before + 1
    assert reverse("workspace:person_detail", args=[person.id]) in body(page)


def test_actions_follow_the_status_and_the_kind():
    people = officials()
    grievance_case = file()
    text = body(verified_client(people["mission"]).get(case_url(grievance_case)))
    for action in ("take_up", "note", "message", "transfer", "close", "refer", "assistance"):
        assert case_url(grievance_case, action) in text
    for action in ("verify", "claim", "family"):
        assert case_url(grievance_case, action) not in text

    remains = file("EVENTUALITY", death())
    text = body(verified_client(people["mission"]).get(case_url(remains)))
    assert case_url(remains, "verify") in text and case_url(remains, "family") in text
    assert "No PBBY policy on record for this person." in text and case_url(remains, "claim") not in text
    assert "Emergency contacts from the registry" in text

    services.case_close(actor=people["mission"], case_id=grievance_case.id, resolution="Paid in full.")
    text = body(verified_client(people["mission"]).get(case_url(grievance_case)))
    for action in ("take_up", "close", "transfer", "refer"):
        assert case_url(grievance_case, action) not in text
    assert case_url(grievance_case, "note") in text


def test_take_up_note_message_and_close(django_capture_on_commit_callbacks):
    from pravasi.messaging.models import OutboxMessage

    people = officials()
    case = file()
    mission = verified_client(people["mission"])
    taken = mission.post(case_url(case, "take_up"), follow=True)
    assert taken.status_code == 200 and "You took up the case" in body(taken)
    assert fresh(case).status == CaseStatus.IN_PROGRESS

    mission.post(case_url(case, "note"), {"note-text": "Called the employer; he promises to pay by Friday."})
    shared = mission.post(case_url(case, "note"), {"note-text": "We have written to the employer.", "note-shared": "on"}, follow=True)
    assert "The note was added and shared with the filer." in body(shared)
    notes = {n.text: n.shared for n in case.notes.filter(kind=NoteKind.NOTE)}
    assert notes == {"Called the employer; he promises to pay by Friday.": False, "We have written to the employer.": True}
    assert "Internal" in body(shared) and "Shared with the filer" in body(shared)

    with django_capture_on_commit_callbacks(execute=True):
        sent = mission.post(case_url(case, "message"), {"message-text": "Please send the salary slips you have."}, follow=True)
    assert "The message was sent to the filer" in body(sent)
    assert [(n.text, n.shared) for n in case.notes.filter(kind=NoteKind.MESSAGE)] == [("Please send the salary slips you have.", True)]
    assert [(m.recipient, "salary slips" in m.body) for m in OutboxMessage.objects.filter(purpose="cases.filer", channel="SMS")] == [("+919847012345", True)]

    closed = mission.post(case_url(case, "close"), {"close-resolution": "Four months' wages paid through the labour court.", "close-expected": "IN_PROGRESS"}, follow=True)
    assert "The case was closed" in body(closed)
    case = fresh(case)
    assert case.status == CaseStatus.CLOSED and case.resolution == "Four months' wages paid through the labour court." and case.closed_at
    assert "Being handled → Closed" in body(closed)


def test_closing_a_case_someone_else_closed_is_a_warning_not_an_error():
    people = officials()
    case = file()
    services.case_close(actor=people["pge"], case_id=case.id, resolution="Resolved by the PGE.")
    response = verified_client(people["mission"]).post(case_url(case, "close"), {"close-resolution": "Resolved here.", "close-expected": "OPEN"}, follow=True)
    assert response.status_code == 200 and "Someone else acted on this first" in body(response)
    assert fresh(case).resolution == "Resolved by the PGE."


def test_transfer_moves_the_case_out_of_the_office():
    people = officials()
    case = file()
    riyadh = office_for(OfficeKind.MISSION, code="T-MSN-SA", countries=["SA"], name="Embassy of India, Riyadh")
    mission = verified_client(people["mission"])
    form = body(mission.get(case_url(case)))
    assert "Embassy of India, Riyadh" in form and f'value="{people["mission"].memberships.get().office_id}"' not in form
    response = mission.post(case_url(case, "transfer"), {"transfer-office": str(riyadh.id), "transfer-reason": "The worker was moved to Riyadh."})
    assert response.status_code == 302 and response["Location"] == reverse("workspace:cases_queue")
    assert fresh(case).office == riyadh
    assert mission.get(case_url(case)).status_code == 404
    assert any("The worker was moved to Riyadh." in n.text for n in case.notes.filter(kind=NoteKind.SYSTEM))

    # The PGE handles every case: after a transfer it stays on the case.
    back = verified_client(people["pge"]).post(case_url(case, "transfer"), {"transfer-office": str(people["mission"].memberships.get().office_id), "transfer-reason": "Back to Abu Dhabi."})
    assert back.status_code == 302 and back["Location"] == case_url(case)
    assert fresh(case).office == people["mission"].memberships.get().office


def test_eventuality_verify_family_assistance_and_pbby_claim():
    people = officials()
    policy, passport = insured_person()
    case = file("EVENTUALITY", death(person_passport=passport, person_name=policy.person.full_name))
    assert case.person_id == policy.person_id
    mission = verified_client(people["mission"])
    page = body(mission.get(case_url(case)))
    assert policy.number in page and case_url(case, "claim") in page

    verified = mission.post(case_url(case, "verify"), {"verify-note": "Confirmed with the hospital in Sharjah."}, follow=True)
    assert "The report is recorded as verified." in body(verified)
    assert fresh(case).verified_at is not None and fresh(case).verified_by == people["mission"]
    assert case_url(case, "verify") not in body(verified)

    mission.post(case_url(case, "family"), {"family-whom": "Lakshmi, wife", "family-note": "Told of the death and of the repatriation plan."})
    assert [n.text for n in case.notes.filter(kind=NoteKind.FAMILY)] == ["Lakshmi, wife: Told of the death and of the repatriation plan."]

    today = timezone.localdate().isoformat()
    helped = mission.post(
        case_url(case, "assistance"),
        {"assistance-kind": "REMAINS_REPATRIATION", "assistance-provided_date": today, "assistance-amount_inr": "85000", "assistance-detail": "Cargo to Kochi airport."},
        follow=True,
    )
    assert "Recorded: Repatriation of mortal remains." in body(helped)
    item = CaseAssistance.objects.get(case=case)
    assert (item.kind, str(item.amount_inr), item.detail) == ("REMAINS_REPATRIATION", "85000.00", "Cargo to Kochi airport.")

    claimed = mission.post(case_url(case, "claim"), {"claim-policy": str(policy.id), "claim-kind": "DEATH"}, follow=True)
    assert "The PBBY claim was started with Suraksha Insurance" in body(claimed)
    claim = PBBYClaim.objects.get(case=case)
    assert (claim.policy, claim.kind, claim.status) == (policy, "DEATH", "STARTED")
    again = mission.post(case_url(case, "claim"), {"claim-policy": str(policy.id), "claim-kind": "DEATH"}, follow=True)
    assert "This claim is already started." in body(again) and PBBYClaim.objects.count() == 1


def test_referral_with_consent_and_with_a_recorded_override():
    from pravasi.registry.models import ConsentPurpose
    from pravasi.registry.services import consent_set

    people = officials()
    iom = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM")
    forum = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Migrant Forum")
    person, user = registered_person()
    case = file(data=grievance(person_passport="J8369854"))
    consent_set(actor=user, person=person, purpose=ConsentPurpose.PARTNER_SHARING, given=True, partner=iom, agreement_reference="DSA-2026-01")
    mission = verified_client(people["mission"])
    page = body(mission.get(case_url(case)))
    assert "Needed only when the person has not consented" in page and 'name="refer-shared_fields"' in page

    by_consent = mission.post(case_url(case, "refer"), {"refer-partner": str(iom.id), "refer-shared_fields": ["person_name", "where"]}, follow=True)
    assert "The case was referred to IOM" in body(by_consent)
    referral = Referral.objects.get(partner=iom)
    assert referral.basis == ReferralBasis.CONSENT and referral.shared_fields == ["person_name", "where"]

    reason = "Detained without food; the partner's lawyer can reach her today."
    overridden = mission.post(case_url(case, "refer"), {"refer-partner": str(forum.id), "refer-shared_fields": ["person_name"], "refer-override_reason": reason}, follow=True)
    referral = Referral.objects.get(partner=forum)
    assert referral.basis == ReferralBasis.VITAL_INTEREST and referral.override_reason == reason
    assert "Without consent" in body(overridden) and escape(reason) in body(overridden)


# --- bad input: the service's own message on the form, nothing changed -------------------------------------


def _state(case) -> tuple:
    case = fresh(case)
    return (
        case.status,
        case.office_id,
        case.resolution,
        case.verified_at,
        CaseNote.objects.filter(case=case).count(),
        Referral.objects.count(),
        PBBYClaim.objects.count(),
        CaseAssistance.objects.count(),
    )


@pytest.mark.parametrize(
    ("action", "data", "message", "field"),
    [
        ("note", {"note-text": "   "}, "Write the note.", "note-text"),
        ("message", {"message-text": ""}, "Write the message.", "message-text"),
        ("transfer", {"transfer-office": "OTHER", "transfer-reason": ""}, "Give the reason for the transfer.", "transfer-reason"),
        ("transfer", {"transfer-office": "", "transfer-reason": "Moved to Riyadh."}, "Choose another Mission, PoE office or the PGE.", "transfer-office"),
        ("transfer", {"transfer-office": "not-an-office", "transfer-reason": "Moved to Riyadh."}, "Choose another Mission, PoE office or the PGE.", "transfer-office"),
        ("close", {"close-resolution": "", "close-expected": "OPEN"}, "Say how the case was resolved; the filer reads it.", "close-resolution"),
        ("refer", {"refer-partner": "IOM", "refer-shared_fields": ["person_name"], "refer-override_reason": "urgent"}, "has not consented to sharing with this partner", "refer-override_reason"),
        ("refer", {"refer-partner": "IOM", "refer-override_reason": "x" * 30}, "Choose what to share, from the listed details only.", "refer-shared_fields"),
        ("claim", {"claim-policy": "", "claim-kind": "DEATH"}, escape("Choose one of the person's PBBY policies."), "claim-policy"),
        ("assistance", {"assistance-kind": "", "assistance-provided_date": "", "assistance-detail": "Ticket"}, "Choose the kind of assistance.", "assistance-kind"),
        ("family", {"family-whom": "", "family-note": "Told of the death."}, "Say whom you informed (name and relation).", "family-whom"),
        ("verify", {"verify-note": ""}, "Say how the report was confirmed", "verify-note"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(action, data, message, field):
    people = officials()
    case = file("EVENTUALITY", death())
    riyadh = office_for(OfficeKind.MISSION, code="T-MSN-SA", countries=["SA"])
    iom = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM")
    data = {k: (str(riyadh.id) if v == "OTHER" else str(iom.id) if v == "IOM" else v) for k, v in data.items()}
    before = _state(case)
    response = verified_client(people["mission"]).post(case_url(case, action), data)
    assert response.status_code == 400
    text = body(response)
    assert message in text
    assert f'id="id_{field}_desc"' in text and f'href="#action-{action}"' in text
    assert _state(case) == before


def test_actions_are_404_for_another_office():
    people = officials()
    case = file()
    poe = verified_client(people["poe"])
    before = _state(case)
    assert poe.post(case_url(case, "note"), {"note-text": "Not my case."}).status_code == 404
    assert poe.post(case_url(case, "close"), {"close-resolution": "Closing it anyway."}).status_code == 404
    assert poe.post(case_url(case, "note"), {"note-text": ""}).status_code == 404
    assert _state(case) == before


# --- attachments --------------------------------------------------------------------------------------------


def test_attachment_downloads_for_the_handler_only():
    people = officials()
    case = file(files=[pdf("salary-slip.pdf")])
    document = case.documents.get()
    url = reverse("workspace:cases_document", args=[document.id])
    assert url in body(verified_client(people["mission"]).get(case_url(case)))
    response = verified_client(people["mission"]).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and "salary-slip.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="cases.document_read", actor=people["mission"]).count() == 1
    assert verified_client(people["poe"]).get(url).status_code == 404


# --- the dashboard ------------------------------------------------------------------------------------------


def _table_value(text: str, label: str) -> list[str]:
    """The numbers in the chart table's row for `label`."""
    row = re.search(r'<th scope="row" class="fw-normal">' + re.escape(escape(label)) + r"</th>((?:<td[^>]*>[^<]*</td>)+)", text)
    assert row, f"no row for {label}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))


def test_dashboard_draws_each_chart_with_the_office_numbers():
    people = officials()
    remains = file("EVENTUALITY", death())
    file()
    closed = file(data=grievance(category="CONTRACT"))
    services.case_close(actor=people["mission"], case_id=closed.id, resolution="New contract signed.")
    services.cases_escalate(now=remains.filed_at + timedelta(days=3))
    file(data=grievance(country="BR"))  # the PGE's, not the Mission's
    # Filed and closed a week ago: old enough for the second age bucket, and inside the twelve weeks shown.
    week_ago = timezone.now() - timedelta(days=7)
    Case.objects.filter(office__kind=OfficeKind.MISSION).update(filed_at=week_ago)
    Case.objects.filter(id=closed.id).update(closed_at=week_ago)
    response = verified_client(people["mission"]).get(reverse("workspace:cases_dashboard"))
    assert response.status_code == 200
    text = body(response)
    assert text.count("<svg") == 4 and text.count('role="img"') == 4
    for chart_id in ("chart-rag", "chart-ageing", "chart-categories", "chart-trend"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in text
    assert "style=" not in text.split("<svg", 1)[1]
    assert _table_value(text, "Red (overdue)") == ["1"]
    assert _table_value(text, "Amber (due soon)") == ["0"]
    assert _table_value(text, "Green (on time)") == ["1"]
    assert _table_value(text, "0–2 days") == ["0"] and _table_value(text, "3–7 days") == ["2"]
    assert _table_value(text, "Mortal remains (bringing a body home)") == ["1"] and _table_value(text, "Salary or dues not paid") == ["1"]
    assert "Contract problems" not in text
    trend = text.split('id="chart-trend-desc"', 1)[1]
    weeks = re.findall(r'<th scope="row" class="fw-normal">[^<]*</th><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>', trend)
    assert len(weeks) == 12
    assert (sum(int(f) for f, _c in weeks), sum(int(c) for _f, c in weeks)) == (3, 1)
    assert "Red (overdue): 1" in text  # the chart's own description
    assert "2 cases are open." in text


def test_dashboard_for_the_pge_counts_every_office():
    people = officials()
    file()
    file(data=grievance(country="BR"))
    text = body(verified_client(people["pge"]).get(reverse("workspace:cases_dashboard")))
    assert _table_value(text, "Green (on time)") == ["2"]


# --- complaints per agent and employer --------------------------------------------------------------------


def test_complaints_page_lists_agents_and_employers_for_the_pge_only():
    people = officials()
    licence, _holder = granted_rc(people)
    employer = Organisation.objects.create(kind=OrganisationKind.FE, name="Gulf Builders LLC", country="AE")
    Licence.objects.create(kind=LicenceKind.FE, number=licensing.licence_number(LicenceKind.FE, country="AE"), organisation=employer, valid_from_date=timezone.localdate())
    fe_number = Licence.objects.get(organisation=employer).number
    for _n in range(2):
        file(data=grievance(category="RECRUITING_AGENT", agent_number=licence.number))
    resolved = file(data=grievance(employer_number=fe_number))
    services.case_close(actor=people["pge"], case_id=resolved.id, resolution="Wages paid.")
    response = verified_client(people["pge"]).get(reverse("workspace:cases_complaints"))
    assert response.status_code == 200
    text = body(response)
    licence_link = reverse("workspace:licensing_licence", args=[licence.id])
    row = re.search(re.escape(licence_link) + r".*?</tr>", text, re.S).group(0)
    assert licence.number in row and re.findall(r'class="text-sm-end">(\d+)</td>', row) == ["2", "2"]
    employer_row = re.search(r"Gulf Builders LLC</th>.*?</tr>", text, re.S).group(0)
    assert "United Arab Emirates" in employer_row and re.findall(r'class="text-sm-end">(\d+)</td>', employer_row) == ["0", "1"]
    # From the employer's row the PGE opens a listing in the prior approval category, prefilled for it.
    listing = re.search(r'href="(' + re.escape(reverse("workspace:licensing_blacklist")) + r'\?[^"]+)"', employer_row).group(1).replace("&amp;", "&")
    form = body(verified_client(people["pge"]).get(listing))
    assert 'name="add-name"' in form and 'value="Gulf Builders LLC"' in form and re.search(r'<option value="AE"[^>]*selected', form)
    assert text.count("<svg") == 1 and 'aria-labelledby="chart-agents-title chart-agents-desc"' in text
    assert verified_client(people["mission"]).get(reverse("workspace:cases_complaints")).status_code == 403


# --- navigation ---------------------------------------------------------------------------------------------


def test_navigation_offers_each_role_its_case_pages():
    def link(name: str) -> str:
        return f'href="{reverse(name)}"'

    people = officials()
    mission_home = body(verified_client(people["mission"]).get(reverse("workspace:home")))
    assert link("workspace:cases_queue") in mission_home and link("workspace:cases_dashboard") in mission_home
    assert link("workspace:cases_complaints") not in mission_home
    assert link("workspace:cases_complaints") in body(verified_client(people["pge"]).get(reverse("workspace:home")))
    agent = user_with_role(Role.OWRC_AGENT)
    agent_home = body(verified_client(agent).get(reverse("workspace:home")))
    assert link("workspace:cases_helpline") in agent_home and link("workspace:cases_queue") not in agent_home
    analyst = user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM"))
    analyst_home = body(verified_client(analyst).get(reverse("workspace:home")))
    assert link("workspace:cases_referrals") in analyst_home and link("workspace:cases_queue") not in analyst_home

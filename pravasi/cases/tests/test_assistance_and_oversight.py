"""Cases: attachments, employers and helpline filing, messages and additions from the filer, audited views,
eventualities (verification, assistance, family, emergency contacts, PBBY claims), the dashboard and the
PGE's complaint figures, and the demo data."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pravasi.accounts.models import Office, Organisation
from pravasi.accounts.roles import OfficeKind, OrganisationKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.audit.models import AuditEvent, PersonalDataAccess
from pravasi.cases import selectors, services
from pravasi.cases.models import Case, CaseAssistance, CaseDocument, CaseNote, CaseStatus, Channel, ClaimStatus, NoteKind, PBBYClaim
from pravasi.clearance.tests.factories import make_world, pbby_for, worker
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.models import StatusChange
from pravasi.licensing import services as licensing
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.licensing.tests.factories import PDF, granted_rc, officials, pdf
from pravasi.messaging.models import OutboxMessage
from pravasi.registry.services import emergency_contact_add
from pravasi.registry.tests.factories import register_person

pytestmark = pytest.mark.django_db


def grievance(**overrides):
    data = {
        "category": "SALARY_DUES",
        "country": "AE",
        "filer_name": "Thomas Varghese",
        "filer_relation": "Father",
        "filer_phone": "+91 98470 12345",
        "person_name": "Anitha Varghese",
        "description": "My daughter has not been paid for four months and her passport is held.",
    }
    data.update(overrides)
    return data


def death(**overrides):
    return grievance(category="", eventuality="DEATH", description="My brother died at his labour camp in Musaffah on Monday night.", **overrides)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- attachments ------------------------------------------------------------------------------------------


def test_a_valid_pdf_is_kept_as_a_case_document(media):
    officials()
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(), files=[pdf("salary-slips.pdf")])
    document = CaseDocument.objects.get(case=case)
    assert (document.original_name, document.content_type, document.size, document.from_filer) == ("salary-slips.pdf", "application/pdf", len(PDF), True)
    assert (media / "documents" / document.storage_name).read_bytes() == PDF
    filed = AuditEvent.objects.get(action="cases.case.filed", target_id=str(case.id))
    assert filed.summary["attachments"] == 1


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(lambda: [SimpleUploadedFile("contract.pdf", b"just some text, not a PDF", content_type="application/pdf")], id="text-named-pdf"),
        pytest.param(lambda: [pdf("scan.pdf", PDF + b"0" * (5 * 1024 * 1024))], id="over-5-MB"),
        pytest.param(lambda: [pdf(f"page-{n}.pdf") for n in range(4)], id="four-files"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_filed(media, files):
    officials()
    with pytest.raises(ValidationFailed) as refused:
        services.case_file(actor=None, kind="GRIEVANCE", data=grievance(), files=files())
    assert list(refused.value.fields) == ["attachments"]
    assert not Case.objects.exists() and not CaseDocument.objects.exists()
    assert not (media / "documents").exists()


def test_field_and_attachment_errors_come_together(media):
    officials()
    bad_file = SimpleUploadedFile("photo.png", PDF, content_type="image/png")
    with pytest.raises(ValidationFailed) as refused:
        services.case_file(actor=None, kind="GRIEVANCE", data=grievance(description=""), files=[bad_file])
    assert {"description", "attachments"} <= set(refused.value.fields)
    assert "not a PNG" in refused.value.fields["attachments"][0]
    assert not Case.objects.exists()


# --- employers and the helpline ---------------------------------------------------------------------------


def test_employer_number_links_the_registered_employer():
    world = make_world()
    registration = Licence.objects.get(kind=LicenceKind.FE, organisation=world.employer)
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(category="CONTRACT", employer_number=f"  {registration.number.lower()} "))
    assert case.employer == world.employer and case.agent is None
    with pytest.raises(ValidationFailed) as refused:
        services.case_file(actor=None, kind="GRIEVANCE", data=grievance(category="CONTRACT", employer_number="FE/AE/2026/99999"))
    assert list(refused.value.fields) == ["employer_number"]
    assert Case.objects.count() == 1


def test_only_a_helpline_agent_files_for_a_caller():
    people = officials()
    emigrant = user_with_role(Role.EMIGRANT)
    for actor in (None, emigrant, people["mission"], people["pge"]):
        with pytest.raises(NotAllowed):
            services.case_file(actor=actor, kind="GRIEVANCE", data=grievance(), channel=Channel.HELPLINE)
    assert not Case.objects.exists()
    agent = user_with_role(Role.OWRC_AGENT)
    case = services.case_file(actor=agent, kind="GRIEVANCE", data=grievance(), channel=Channel.HELPLINE)
    assert case.channel == Channel.HELPLINE and case.filed_by is None  # the caller is the filer, not the agent
    first = StatusChange.objects.get(target_id=str(case.id))
    assert (first.actor, first.capacity) == (agent, "HELPLINE")  # the agent is on the timeline as the helpline
    assert AuditEvent.objects.get(action="cases.case.filed", target_id=str(case.id)).actor == agent
    assert list(selectors.cases_filed_by(actor=agent)) == []
    own = services.case_file(actor=emigrant, kind="GRIEVANCE", data=grievance(), channel=Channel.PROFILE)
    assert own.filed_by == emigrant and list(selectors.cases_filed_by(actor=emigrant)) == [own]
    with pytest.raises(ValidationFailed):
        services.case_file(actor=agent, kind="GRIEVANCE", data=grievance(), channel="FAX")


# --- messages to and from the filer -----------------------------------------------------------------------


def test_a_message_to_the_filer_is_kept_and_sent(django_capture_on_commit_callbacks):
    people = officials()
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(filer_email="Thomas.V@Example.org"))
    text = "The employer agreed to pay on 30 November. Send us her bank details."
    with django_capture_on_commit_callbacks(execute=True):
        note = services.filer_message_send(actor=people["mission"], case_id=case.id, text=f"  {text}  ")
    assert (note.kind, note.shared, note.text, note.author) == (NoteKind.MESSAGE, True, text, people["mission"])
    assert list(selectors.filer_notes(case)) == [note]
    sent = {m.channel: m for m in OutboxMessage.objects.filter(purpose="cases.filer") if text in m.body}
    assert set(sent) == {"SMS", "EMAIL"}
    assert (sent["SMS"].recipient, sent["EMAIL"].recipient) == ("+919847012345", "Thomas.V@example.org")  # the domain is lower-cased, the mailbox kept
    assert case.tracking_number in sent["SMS"].body
    with pytest.raises(ValidationFailed) as empty:
        services.filer_message_send(actor=people["mission"], case_id=case.id, text="   ")
    assert list(empty.value.fields) == ["text"]
    with pytest.raises(NotFound):
        services.filer_message_send(actor=people["poe"], case_id=case.id, text="Not our case.")
    assert case.notes.count() == 1


def test_the_filer_adds_information_and_a_file(media, django_capture_on_commit_callbacks):
    people = officials()
    case = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    Office.objects.filter(id=case.office_id).update(email="cons.abudhabi@example.gov.in")
    with django_capture_on_commit_callbacks(execute=True):
        note = services.filer_info_add(actor=None, case=case, text="Her employer's new address is in Mussafah M-14.", files=[pdf("new-address.pdf")])
    assert (note.kind, note.shared, note.author, note.author_label) == (NoteKind.FILER, True, None, "The filer")
    assert CaseDocument.objects.get(case=case).original_name == "new-address.pdf"
    told = OutboxMessage.objects.get(purpose="cases.office")
    assert told.recipient == "cons.abudhabi@example.gov.in" and case.tracking_number in told.body
    assert note in selectors.filer_notes(case)
    assert services.case_view(actor=people["mission"], case_id=case.id).notes.get(kind=NoteKind.FILER).text.startswith("Her employer")

    fake = SimpleUploadedFile("receipt.pdf", b"plain text", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        services.filer_info_add(actor=None, case=case, text="", files=[fake])
    assert set(refused.value.fields) == {"text", "attachments"}
    with pytest.raises(ValidationFailed) as too_many:
        services.filer_info_add(actor=None, case=case, text="Four scans of her contract.", files=[pdf(f"p{n}.pdf") for n in range(4)])
    assert list(too_many.value.fields) == ["attachments"]
    assert case.notes.filter(kind=NoteKind.FILER).count() == 1 and CaseDocument.objects.filter(case=case).count() == 1


# --- audited views and jurisdiction -----------------------------------------------------------------------


def test_viewing_a_case_is_audited_and_logged_on_the_person():
    people = officials()
    person = register_person(people["pge"], passport="J8369854", given_name="Anitha", family_name="Varghese", sex="F")
    linked = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(person_passport="j 8369854"))
    unlinked = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(person_name="Someone Else"))
    # Her passport number under another name (a typo that hits a real passport) links no one.
    stranger = services.case_file(actor=None, kind="GRIEVANCE", data=grievance(person_passport="J8369854", person_name="Mohammed Shaikh"))
    assert linked.person == person and unlinked.person is None and stranger.person is None
    before = PersonalDataAccess.objects.filter(purpose="case").count()

    seen = services.case_view(actor=people["mission"], case_id=linked.id, source_ip="10.20.30.40")
    assert seen == linked
    event = AuditEvent.objects.get(action="cases.case.viewed", target_id=str(linked.id))
    assert (event.actor, event.source_ip, event.summary) == (people["mission"], "10.20.30.40", {"office": "T-MSN"})
    assert "Anitha" not in json.dumps(event.summary) and "8369854" not in json.dumps(event.summary)
    access = PersonalDataAccess.objects.get(purpose="case")
    assert (access.person_id, access.actor, access.office_label) == (person.id, people["mission"], seen.office.name)

    services.case_view(actor=people["pge"], case_id=unlinked.id)  # the PGE sees every case
    assert AuditEvent.objects.filter(action="cases.case.viewed").count() == 2
    assert PersonalDataAccess.objects.filter(purpose="case").count() == before + 1  # no person, no access entry

    riyadh = user_with_role(Role.MISSION_OFFICER, office=office_for(OfficeKind.MISSION, code="T-MSN-SA", countries=["SA"]))
    for outsider in (riyadh, people["poe"], user_with_role(Role.OWRC_AGENT), None):
        with pytest.raises(NotFound):
            services.case_view(actor=outsider, case_id=linked.id)
    assert AuditEvent.objects.filter(action="cases.case.viewed").count() == 2


# --- eventualities ----------------------------------------------------------------------------------------


def test_an_eventuality_is_verified_once():
    people = officials()
    reported = services.case_file(actor=None, kind="EVENTUALITY", data=death())
    salary = services.case_file(actor=None, kind="GRIEVANCE", data=grievance())
    with pytest.raises(ValidationFailed) as no_note:
        services.eventuality_verify(actor=people["mission"], case_id=reported.id, note=" ")
    assert list(no_note.value.fields) == ["note"]
    verified = services.eventuality_verify(actor=people["mission"], case_id=reported.id, note="Death certificate from Mafraq Hospital seen.")
    assert verified.verified_by == people["mission"] and verified.verified_at is not None
    assert verified.notes.get().text == "Verified: Death certificate from Mafraq Hospital seen."
    with pytest.raises(Conflict):
        services.eventuality_verify(actor=people["pge"], case_id=reported.id, note="Confirmed again.")
    with pytest.raises(Conflict):
        services.eventuality_verify(actor=people["mission"], case_id=salary.id, note="Not an eventuality.")
    with pytest.raises(NotFound):
        services.eventuality_verify(actor=people["poe"], case_id=reported.id, note="Not ours.")
    reported.refresh_from_db()
    salary.refresh_from_db()
    assert reported.verified_by == people["mission"] and salary.verified_at is None
    assert AuditEvent.objects.filter(action="cases.eventuality_verified").count() == 1


def test_assistance_is_recorded_with_its_cost():
    people = officials()
    case = services.case_file(actor=None, kind="EVENTUALITY", data=death())
    yesterday = timezone.localdate() - timedelta(days=1)
    item = services.assistance_record(
        actor=people["mission"], case_id=case.id, data={"kind": "REMAINS_REPATRIATION", "provided_date": yesterday.isoformat(), "amount_inr": "1,85,000.50", "detail": "Cargo to Kochi, Air India."}
    )
    assert (item.kind, item.provided_date, item.amount_inr, item.recorded_by) == ("REMAINS_REPATRIATION", yesterday, Decimal("185000.50"), people["mission"])
    assert AuditEvent.objects.get(action="cases.assistance_recorded").summary == {"kind": "REMAINS_REPATRIATION", "amount_inr": "185000.50"}
    free = services.assistance_record(actor=people["mission"], case_id=case.id, data={"kind": "legal_aid", "provided_date": yesterday, "detail": "Embassy panel lawyer."})
    assert free.kind == "LEGAL_AID" and free.amount_inr is None
    assert list(case.assistance.values_list("kind", flat=True)) == ["REMAINS_REPATRIATION", "LEGAL_AID"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "CASH_GIFT"}, "kind"),
        ({"provided_date": (date.today() + timedelta(days=3)).isoformat()}, "provided_date"),
        ({"provided_date": ""}, "provided_date"),
        ({"amount_inr": "-500"}, "amount_inr"),
        ({"amount_inr": "a lot"}, "amount_inr"),
        ({"detail": ""}, "detail"),
    ],
)
def test_bad_assistance_is_refused(change, field):
    people = officials()
    case = services.case_file(actor=None, kind="EVENTUALITY", data=death())
    data = {"kind": "WELFARE_FUND", "provided_date": timezone.localdate().isoformat(), "amount_inr": "25000", "detail": "Air ticket home.", **change}
    with pytest.raises(ValidationFailed) as refused:
        services.assistance_record(actor=people["mission"], case_id=case.id, data=data)
    assert field in refused.value.fields
    assert not CaseAssistance.objects.exists()


def test_assistance_only_by_the_handling_office():
    people = officials()
    case = services.case_file(actor=None, kind="EVENTUALITY", data=death())
    with pytest.raises(NotFound):
        services.assistance_record(actor=people["poe"], case_id=case.id, data={"kind": "SHELTER", "provided_date": timezone.localdate().isoformat(), "detail": "Night shelter."})
    assert not CaseAssistance.objects.exists()


def test_emergency_contacts_for_the_handler_only_and_logged():
    people = officials()
    person = register_person(people["pge"], passport="K7654321")
    emergency_contact_add(actor=people["pge"], person=person, data={"name": "Thomas Varghese", "relation": "Father", "where": "INDIA", "phone": "+919847012345"})
    emergency_contact_add(actor=people["pge"], person=person, data={"name": "Mary Varghese", "relation": "Sister", "where": "ABROAD", "country": "AE", "phone": "+971501234567"})
    case = services.case_file(actor=None, kind="EVENTUALITY", data=death(person_passport="K7654321", person_name=person.full_name))
    unlinked = services.case_file(actor=None, kind="EVENTUALITY", data=death())
    logged = PersonalDataAccess.objects.filter(purpose="case-emergency-contacts")

    contacts = services.emergency_contacts_for(actor=people["mission"], case=case)
    assert [(c.name, c.phone) for c in contacts] == [("Thomas Varghese", "+919847012345"), ("Mary Varghese", "+971501234567")]
    assert [(e.person_id, e.actor) for e in logged] == [(person.id, people["mission"])]
    assert services.emergency_contacts_for(actor=people["poe"], case=case) == []
    assert services.emergency_contacts_for(actor=None, case=case) == []
    assert services.emergency_contacts_for(actor=people["mission"], case=unlinked) == []
    assert logged.count() == 1


def test_keeping_the_family_informed():
    people = officials()
    case = services.case_file(actor=None, kind="EVENTUALITY", data=death())
    entry = services.family_informed_record(actor=people["mission"], case_id=case.id, whom="Thomas Varghese (father)", note="Told him the body leaves on Friday's flight to Kochi.")
    assert (entry.kind, entry.shared, entry.text) == (NoteKind.FAMILY, False, "Thomas Varghese (father): Told him the body leaves on Friday's flight to Kochi.")
    assert entry not in selectors.filer_notes(case)  # internal to the office
    event = AuditEvent.objects.get(action="cases.family_informed")
    assert event.summary == {"office": "T-MSN"} and "Thomas" not in json.dumps(event.summary)
    for whom, note, field in (("", "Told.", "whom"), ("Father", "  ", "note"), ("Father", "x" * (services.MAX_TEXT + 1), "note")):
        with pytest.raises(ValidationFailed) as refused:
            services.family_informed_record(actor=people["mission"], case_id=case.id, whom=whom, note=note)
        assert list(refused.value.fields) == [field]
    with pytest.raises(NotFound):
        services.family_informed_record(actor=people["poe"], case_id=case.id, whom="Father", note="Not ours.")
    assert case.notes.filter(kind=NoteKind.FAMILY).count() == 1


# --- PBBY claims ------------------------------------------------------------------------------------------


def _insured_death(world, *, happened: date | None = None):
    person = worker()
    policy = pbby_for(world, person)
    case = services.case_file(
        actor=None, kind="EVENTUALITY", data=death(person_passport=person["passport_number"], happened_date=(happened or timezone.localdate()).isoformat(), person_name="Rajesh Kumar")
    )
    return case, policy


def test_a_pbby_claim_starts_on_the_persons_policy(django_capture_on_commit_callbacks):
    world = make_world()
    world.insurer_user.email = "claims@suraksha.example"
    world.insurer_user.save(update_fields=["email"])
    case, policy = _insured_death(world)
    _other_case, someone_elses = _insured_death(world)
    assert case.person == policy.person and list(services.pbby_policies_for(case)) == [policy]

    with pytest.raises(ValidationFailed) as not_theirs:
        services.pbby_claim_start(actor=world.mission, case_id=case.id, policy_id=someone_elses.id, kind="DEATH")
    assert list(not_theirs.value.fields) == ["policy"]
    with pytest.raises(ValidationFailed) as bad_kind:
        services.pbby_claim_start(actor=world.mission, case_id=case.id, policy_id=policy.id, kind="THEFT")
    assert list(bad_kind.value.fields) == ["kind"]
    with pytest.raises(NotFound):
        services.pbby_claim_start(actor=world.poe, case_id=case.id, policy_id=policy.id, kind="DEATH")

    with django_capture_on_commit_callbacks(execute=True):
        claim = services.pbby_claim_start(actor=world.mission, case_id=case.id, policy_id=policy.id, kind="DEATH")
    assert (claim.policy, claim.status, claim.started_by) == (policy, ClaimStatus.STARTED, world.mission)
    assert policy.number in case.notes.get(kind=NoteKind.SYSTEM).text
    told = OutboxMessage.objects.get(purpose="cases.pbby_claim")
    assert (told.channel, told.recipient) == ("EMAIL", "claims@suraksha.example") and policy.number in told.body
    assert list(services.claims_for_insurer(actor=world.insurer_user)) == [claim]
    with pytest.raises(Conflict):
        services.pbby_claim_start(actor=world.pge, case_id=case.id, policy_id=policy.id, kind="DEATH")
    assert PBBYClaim.objects.count() == 1


def test_a_policy_that_did_not_cover_the_event_is_refused():
    world = make_world()
    case, policy = _insured_death(world, happened=timezone.localdate() - timedelta(days=3))  # the policy starts today
    with pytest.raises(ValidationFailed) as refused:
        services.pbby_claim_start(actor=world.mission, case_id=case.id, policy_id=policy.id, kind="DEATH")
    assert "did not cover" in refused.value.fields["policy"][0]
    assert not PBBYClaim.objects.exists()


def test_the_insurer_decides_a_claim_once(django_capture_on_commit_callbacks):
    world = make_world()
    case, policy = _insured_death(world)
    claim = services.pbby_claim_start(actor=world.mission, case_id=case.id, policy_id=policy.id, kind="DEATH")
    other_user = user_with_role(Role.INSURER_STAFF, organisation=Organisation.objects.create(kind=OrganisationKind.INSURER, name="Other Assurance", registration_number="IRDAI11"))
    Licence.objects.create(
        kind=LicenceKind.INSURER,
        number=licensing.licence_number(LicenceKind.INSURER),
        organisation=other_user.memberships.get().organisation,
        valid_from_date=timezone.localdate() - timedelta(days=10),
    )
    with pytest.raises(NotFound):
        services.pbby_claim_decide(actor=other_user, claim_id=claim.id, outcome="SETTLED", note="Paid.", amount_inr="1000000")
    with pytest.raises(NotFound):
        services.pbby_claim_decide(actor=world.mission, claim_id=claim.id, outcome="SETTLED", note="Paid.", amount_inr="1000000")
    with pytest.raises(ValidationFailed) as no_amount:
        services.pbby_claim_decide(actor=world.insurer_user, claim_id=claim.id, outcome="SETTLED", note="Paid to the nominee.")
    assert list(no_amount.value.fields) == ["amount_inr"]
    with pytest.raises(ValidationFailed):
        services.pbby_claim_decide(actor=world.insurer_user, claim_id=claim.id, outcome="PENDING", note="Later.")
    Office.objects.filter(id=case.office_id).update(email="cons.abudhabi@example.gov.in")
    with django_capture_on_commit_callbacks(execute=True):
        settled = services.pbby_claim_decide(actor=world.insurer_user, claim_id=claim.id, outcome="SETTLED", note="Paid to the nominee (wife).", amount_inr="1000000")
    assert (settled.status, settled.amount_inr, settled.insurer_note) == (ClaimStatus.SETTLED, Decimal("1000000"), "Paid to the nominee (wife).")
    assert case.tracking_number in OutboxMessage.objects.get(purpose="cases.office").body
    with pytest.raises(Conflict):
        services.pbby_claim_decide(actor=world.insurer_user, claim_id=claim.id, outcome="REJECTED", note="Changed our mind.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLED and claim.amount_inr == Decimal("1000000")


# --- the dashboard and the PGE's complaint figures --------------------------------------------------------

# A Sunday evening in UTC is already Monday morning in India: the week of the figures is India's.
NOW = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)


def _filed(data: dict, *, days_ago: float, kind: str = "GRIEVANCE", escalation_level: int = 0, due_in: float | None = None) -> Case:
    case = services.case_file(actor=None, kind=kind, data=data)
    filed_at = NOW - timedelta(days=days_ago)
    due_at = NOW + timedelta(days=due_in) if due_in is not None else filed_at + timedelta(days=services.sla_days(case.category))
    Case.objects.filter(id=case.id).update(filed_at=filed_at, due_at=due_at, escalation_level=escalation_level)
    case.refresh_from_db()
    return case


def test_dashboard_on_a_controlled_clock():
    people = officials()
    green = _filed(grievance(), days_ago=1 / 24)  # an hour ago: Monday 00:30 in India
    amber = _filed(grievance(), days_ago=10)  # salary: 15 days, past half
    red = _filed(death(), days_ago=5, kind="EVENTUALITY")  # mortal remains: 2 days, passed
    escalated = _filed(grievance(category="CONTRACT"), days_ago=40, escalation_level=1, due_in=5)  # its new deadline is ahead, still red
    closed = _filed(grievance(), days_ago=20)
    services.case_close(actor=people["mission"], case_id=closed.id, resolution="Paid in full.")
    Case.objects.filter(id=closed.id).update(closed_at=NOW - timedelta(days=2))
    elsewhere = _filed(grievance(country="BR"), days_ago=3)  # the PGE's own queue
    assert [services.rag(c, NOW) for c in (green, amber, red, escalated)] == ["GREEN", "AMBER", "RED", "RED"]

    board = selectors.dashboard(actor=people["mission"], now=NOW)
    assert board["rag"] == {"RED": 2, "AMBER": 1, "GREEN": 1} and board["open"] == 4
    assert board["ageing"] == {"0-2": 1, "3-7": 1, "8-15": 1, "16-30": 0, "31+": 1}
    assert [(code, n) for code, _label, n in board["categories"]] == [("SALARY_DUES", 2), ("CONTRACT", 1), ("MORTAL_REMAINS", 1)]
    assert all(label and label != code for code, label, _n in board["categories"])  # a label a person reads, not the code
    trend = board["trend"]
    assert len(trend) == 12 and [w.weekday() for w, _f, _c in trend] == [0] * 12
    assert trend[-1] == (date(2026, 11, 23), 1, 0)  # this week (India): the case filed an hour ago
    by_week = {w: (f, c) for w, f, c in trend}
    assert by_week[date(2026, 11, 16)] == (1, 1)  # the mortal remains (five days ago) and the closure (two days ago)
    assert by_week[date(2026, 11, 9)] == (1, 0) and by_week[date(2026, 11, 2)] == (1, 0) and by_week[date(2026, 10, 12)] == (1, 0)
    assert sum(f for f, _c in by_week.values()) == 5 and sum(c for _f, c in by_week.values()) == 1
    assert trend[0][0] == date(2026, 9, 7)

    overall = selectors.dashboard(actor=people["pge"], now=NOW)
    assert overall["open"] == 5 and overall["rag"]["GREEN"] == 2  # Brazil, three days into fifteen
    assert selectors.dashboard(actor=people["poe"], now=NOW)["open"] == 0
    assert elsewhere.office.kind == OfficeKind.PGE


def test_complaints_per_agent_and_employer_for_the_pge_only():
    world = make_world()
    other_rc, _holder = granted_rc({"poe": world.poe, "pge": world.pge, "mission": world.mission})
    registration = Licence.objects.get(kind=LicenceKind.FE, organisation=world.employer)
    against = lambda number, **more: services.case_file(actor=None, kind="GRIEVANCE", data=grievance(category="RECRUITING_AGENT", agent_number=number, **more))  # noqa: E731
    first = against(world.rc.number, employer_number=registration.number)
    against(world.rc.number)
    against(other_rc.number)
    services.case_close(actor=world.poe, case_id=first.id, resolution="Service charge above the cap refunded.")
    services.case_file(actor=None, kind="GRIEVANCE", data=grievance(category="CONTRACT", employer_number=registration.number))

    agents = selectors.complaints_per_agent(actor=world.pge)
    assert [(a["agent__number"], a["total"], a["open"]) for a in agents] == [(world.rc.number, 2, 1), (other_rc.number, 1, 1)]
    assert agents[0]["agent__organisation__name"] == world.rc.organisation.name
    employers = selectors.complaints_per_employer(actor=world.pge)
    assert [(e["employer__name"], e["employer__country"], e["total"], e["open"]) for e in employers] == [(world.employer.name, "AE", 2, 1)]
    for outsider in (world.mission, world.poe, world.insurer_user, None):
        assert selectors.complaints_per_agent(actor=outsider) == []
        assert selectors.complaints_per_employer(actor=outsider) == []


# --- demo data --------------------------------------------------------------------------------------------


def test_demo_cases_are_seeded_once(media):
    from django.core.management import call_command

    from pravasi.cases.demo import seed_cases_demo

    call_command("seed_demo", force=True, stdout=io.StringIO())
    count = Case.objects.count()
    assert count >= 10
    assert Case.objects.filter(status=CaseStatus.CLOSED).exclude(satisfaction=None).exists()
    assert Case.objects.filter(escalation_level__gt=0).exists()
    assert Case.objects.filter(agent__isnull=False).exists() and Case.objects.filter(referrals__isnull=False).exists()
    seed_cases_demo()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert Case.objects.count() == count

    remains = Case.objects.get(category="MORTAL_REMAINS", status__in=selectors.OPEN)
    assert remains.verified_at is not None and remains.assistance.exists() and remains.notes.filter(kind=NoteKind.FAMILY).exists()
    assert remains.office.kind == OfficeKind.MISSION
    officer = user_with_role(Role.MISSION_OFFICER, office=remains.office)
    queue = list(selectors.queue_for(actor=officer))
    assert len(queue) > 1 and queue[0] == remains
    board = selectors.dashboard(actor=user_with_role(Role.PGE_OFFICER, office=Office.objects.get(code="PGE")))
    assert sum(1 for _w, filed, _c in board["trend"] if filed) >= 6  # spread over the weeks
    assert CaseNote.objects.filter(kind=NoteKind.MESSAGE).exists()

"""Licensing services: the certificate's whole life, and bad input that must change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from pravasi.accounts.models import Organisation, User
from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.audit.models import AuditEvent
from pravasi.core.dates import add_months
from pravasi.core.errors import Conflict, NotAllowed, ValidationFailed
from pravasi.core.models import StatusChange
from pravasi.core.workflow import timeline_for
from pravasi.licensing import services
from pravasi.licensing.models import Application, ApplicationKind, ApplicationStatus, BankGuarantee, Document, Licence, LicenceStatus
from pravasi.licensing.tests.factories import PNG, granted_rc, offices, officials, pdf, rc_data, rc_files, scrutinised, submitted_rc
from pravasi.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _counts():
    return (Application.objects.count(), User.objects.count(), Organisation.objects.count(), BankGuarantee.objects.count(), Document.objects.count())


def _submit(data=None, files=None):
    return services.application_submit(actor=None, kind=ApplicationKind.RC_NEW, data=data or rc_data(), files=files if files is not None else rc_files())


def test_certificate_from_application_to_grant(django_capture_on_commit_callbacks):
    people = officials()
    with django_capture_on_commit_callbacks(execute=True):
        application, applicant = submitted_rc()
    assert application.office.code == "T-POE"  # the PoE holding Kerala, where the premises are
    assert re.fullmatch(r"LA-\d{4}-\d{6}", application.reference)
    assert applicant.memberships.get().role == Role.RA_STAFF
    assert OutboxMessage.objects.filter(purpose="licensing.application_status").count() == 2  # e-mail and SMS to the applicant
    assert application.documents.count() == 5 and application.directors.count() == 1

    services.application_take_up(actor=people["poe"], application_id=application.id)
    with pytest.raises(ValidationFailed) as incomplete:
        services.application_forward(actor=people["poe"], application_id=application.id)
    assert "police" in incomplete.value.message
    services.application_scrutiny_record(
        actor=people["poe"], application_id=application.id, checklist=dict.fromkeys(services.CHECKLIST, True), inspection_report="Premises fit.", police_report="CLEAR"
    )
    services.application_forward(actor=people["poe"], application_id=application.id, note="Recommended.")
    granted = services.application_grant(actor=people["pge"], application_id=application.id, note="Granted for five years.")
    licence = granted.licence
    today = timezone.localdate()
    assert re.fullmatch(r"B-\d{5}/KL/\d{4}", licence.number)
    assert licence.status == LicenceStatus.ACTIVE
    assert licence.valid_from_date == today and licence.valid_to_date == add_months(today, 60) - timedelta(days=1)
    assert licence.bank_guarantees.count() == 1
    steps = [(e.from_status, e.to_status) for e in timeline_for(granted, include_internal=False)]
    assert steps == [("", "SUBMITTED"), ("SUBMITTED", "SCRUTINY"), ("SCRUTINY", "FORWARDED"), ("FORWARDED", "GRANTED")]
    assert all(e.internal_note == "" for e in timeline_for(granted, include_internal=False))
    assert any(e.internal_note == "Recommended." for e in timeline_for(granted, include_internal=True))
    assert AuditEvent.objects.filter(action="licensing.licence_issued", target_id=str(licence.id)).exists()


def test_deficiency_is_answered_by_the_applicant():
    people = officials()
    application, applicant = submitted_rc()
    services.application_take_up(actor=people["poe"], application_id=application.id)
    with pytest.raises(ValidationFailed):
        services.application_deficiency(actor=people["poe"], application_id=application.id, note="fix")
    services.application_deficiency(actor=people["poe"], application_id=application.id, note="The premises proof is a rent receipt; send the lease deed.")
    with pytest.raises(NotAllowed):
        services.application_answer(actor=people["poe"], application_id=application.id, note="answering for them")
    answered = services.application_answer(actor=applicant, application_id=application.id, note="Lease deed attached.", files={"document_premises": pdf("lease.pdf")})
    assert answered.status == ApplicationStatus.SCRUTINY
    assert answered.documents.filter(kind="PREMISES").count() == 2


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"bank_guarantee_valid_from": "2015-01-01", "bank_guarantee_valid_to": "2020-01-01"}, "bank_guarantee_valid_to", "expired on 2020-01-01"),
        ({"bank_guarantee_valid_to": "2020-01-01", "bank_guarantee_valid_from": "2021-01-01"}, "bank_guarantee_valid_to", "must end after it starts"),
        ({"bank_code": "ZZZZ"}, "bank_code", "do not know this bank"),
        ({"bank_guarantee_amount": "4999999"}, "bank_guarantee_amount", "5000000"),
        ({"bank_guarantee_valid_to": None}, "bank_guarantee_valid_to", "date"),
        ({"security_track": "PER_100", "expected_workers": "250", "bank_guarantee_amount": "1600000"}, "bank_guarantee_amount", "2400000"),
        ({"security_track": "PER_100", "expected_workers": ""}, "expected_workers", "how many workers"),
        ({"fee_amount": "2500"}, "fee_amount", "25000"),
        ({"premises_pin": "12345"}, "premises_pin", "six-digit"),
        ({"premises_state": "IN-XX"}, "premises_state", "state"),
        ({"director_1_name": "", "director_1_capacity": "", "director_1_din": ""}, "director_1_name", "at least one"),
        ({"contact_email": "not-an-email"}, "contact_email", ""),
        ({"password": "123"}, "password", ""),
    ],
)
def test_bad_application_input_changes_nothing(change, field, fragment):
    offices()
    data = rc_data()
    today = timezone.localdate()
    if "bank_guarantee_valid_to" in change and change["bank_guarantee_valid_to"] is None:
        change = {"bank_guarantee_valid_to": ""}
    if change.get("security_track") == "FULL" or "bank_guarantee_valid_from" not in change:
        change.setdefault("bank_guarantee_valid_from", today.isoformat())
    data.update(change)
    before = _counts()
    with pytest.raises(ValidationFailed) as failed:
        _submit(data)
    assert field in failed.value.fields, failed.value.fields
    assert fragment.lower() in " ".join(failed.value.fields[field]).lower()
    assert _counts() == before


def test_full_guarantee_must_run_eight_and_a_half_years():
    offices()
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as failed:
        _submit(rc_data(bank_guarantee_valid_to=(today + timedelta(days=365 * 5)).isoformat()))
    assert "8 years and 6 months" in failed.value.fields["bank_guarantee_valid_to"][0]


def test_disguised_oversized_and_missing_documents_are_refused():
    offices()
    before = _counts()
    files = rc_files()
    files["document_premises"] = SimpleUploadedFile("premises.pdf", PNG, content_type="application/pdf")
    files["document_identity"] = SimpleUploadedFile("ids.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    files["document_fee_receipt"] = SimpleUploadedFile("receipt.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    del files["document_incorporation"]
    with pytest.raises(ValidationFailed) as failed:
        _submit(files=files)
    fields = failed.value.fields
    assert "not a PDF" in fields["document_premises"][0]
    assert "limit is 5 MB" in fields["document_identity"][0]
    assert "Upload a PDF, PNG, JPEG file" in fields["document_fee_receipt"][0]
    assert "Attach this document" in fields["document_incorporation"][0]
    assert _counts() == before


def test_one_guarantee_cannot_secure_two_applications():
    offices()
    first = rc_data()
    _submit(first)
    second = rc_data(bank_code=first["bank_code"], bank_guarantee_number=first["bank_guarantee_number"])
    before = _counts()
    with pytest.raises(ValidationFailed) as failed:
        _submit(second)
    assert "already lodged" in failed.value.fields["bank_guarantee_number"][0]
    assert _counts() == before


def test_a_state_with_no_poe_office_is_named():
    offices()
    with pytest.raises(ValidationFailed) as failed:
        _submit(rc_data(premises_state="IN-MZ"))
    assert "No Protector of Emigrants office" in failed.value.fields["premises_state"][0]


def _renewal_data(**extra):
    today = timezone.localdate()
    return {"fee_amount": "25000", "fee_reference": "CH-RENEW-1", "fee_paid_date": today.isoformat(), **extra}


def _expiring(licence, days: int):
    Licence.objects.filter(pk=licence.pk).update(valid_from_date=timezone.localdate() - timedelta(days=1500), valid_to_date=timezone.localdate() + timedelta(days=days))
    licence.refresh_from_db()
    return licence


def test_renewal_window_and_late_cause():
    people = officials()
    licence, holder = granted_rc(people)
    files = {"document_fee_receipt": pdf("fee.pdf")}
    # Too early: more than twelve months before expiry.
    with pytest.raises(ValidationFailed) as early:
        services.renewal_apply(actor=holder, licence_id=licence.id, data=_renewal_data(), files=files)
    assert "Renewal opens on" in early.value.message
    # Late (two months before expiry) without a cause: the specific message, nothing filed.
    _expiring(licence, 60)
    with pytest.raises(ValidationFailed) as late:
        services.renewal_apply(actor=holder, licence_id=licence.id, data=_renewal_data(), files={"document_fee_receipt": pdf("fee.pdf")})
    assert "late_cause" in late.value.fields and "three months before expiry" in late.value.fields["late_cause"][0]
    assert not Application.objects.filter(kind=ApplicationKind.RC_RENEWAL).exists()
    renewal = services.renewal_apply(
        actor=holder, licence_id=licence.id, data=_renewal_data(late_cause="The managing director was in hospital for six weeks."), files={"document_fee_receipt": pdf("fee.pdf")}
    )
    assert renewal.late_cause and renewal.office == licence.office
    with pytest.raises(Conflict):
        services.renewal_apply(actor=holder, licence_id=licence.id, data=_renewal_data(late_cause="again"), files={"document_fee_receipt": pdf("fee.pdf")})
    scrutinised(renewal, people["poe"])
    services.application_forward(actor=people["poe"], application_id=renewal.id)
    with pytest.raises(ValidationFailed) as unaccepted:
        services.application_grant(actor=people["pge"], application_id=renewal.id)
    assert "late_cause_accepted" in unaccepted.value.fields
    assert Application.objects.get(id=renewal.id).status == ApplicationStatus.FORWARDED
    old_end = licence.valid_to_date
    services.application_grant(actor=people["pge"], application_id=renewal.id, late_cause_accepted=True)
    licence.refresh_from_db()
    assert licence.valid_to_date == add_months(old_end + timedelta(days=1), 60) - timedelta(days=1)
    assert licence.number == renewal.licence.number


def test_renewal_after_expiry_or_while_suspended_is_refused():
    people = officials()
    licence, holder = granted_rc(people)
    services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground="14_1_A", order_text="Director convicted; inquiry pending on fitness.")
    with pytest.raises(Conflict):
        services.renewal_apply(actor=holder, licence_id=licence.id, data=_renewal_data(), files={})
    services.licence_suspension_lift(actor=people["pge"], licence_id=licence.id, order_text="Inquiry closed; the conviction was set aside on appeal.")
    _expiring(licence, -1)
    with pytest.raises(ValidationFailed) as expired:
        services.renewal_apply(actor=holder, licence_id=licence.id, data=_renewal_data(), files={})
    assert "apply for a new certificate" in expired.value.message


def test_orders_need_a_ground_and_text_and_appeals_a_window():
    people = officials()
    licence, holder = granted_rc(people)
    with pytest.raises(ValidationFailed) as bad:
        services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground="NOPE", order_text="short")
    assert set(bad.value.fields) == {"ground", "order_text"}
    with pytest.raises(NotAllowed):
        services.licence_suspend(actor=people["poe"], licence_id=licence.id, ground="14_1_C", order_text="A PoE office cannot suspend a certificate.")
    order = services.licence_cancel(actor=people["pge"], licence_id=licence.id, ground="14_1_B", order_text="The premises lease was forged; certificate obtained by misrepresentation.")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED and order.appeal_by_date == timezone.localdate() + timedelta(days=30)
    with pytest.raises(Conflict):
        services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground="14_1_C", order_text="Cannot suspend what is cancelled already.")
    type(order).objects.filter(pk=order.pk).update(appeal_by_date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationFailed) as late:
        services.appeal_file(actor=holder, order_id=order.id, grounds_text="The lease was genuine; the landlord's affidavit is attached.")
    assert "ended on" in late.value.fields["grounds"][0]
    type(order).objects.filter(pk=order.pk).update(appeal_by_date=timezone.localdate())
    appeal = services.appeal_file(actor=holder, order_id=order.id, grounds_text="The lease was genuine; the landlord's affidavit is attached.")
    with pytest.raises(Conflict):
        services.appeal_file(actor=holder, order_id=order.id, grounds_text="Filing the same appeal a second time by mistake.")
    services.appeal_decide(actor=people["pge"], appeal_id=appeal.id, allowed=True, decision_text="Appellate authority found the lease genuine; cancellation set aside.")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE


def test_stale_decision_gets_a_conflict_and_changes_nothing():
    people = officials()
    application, _ = submitted_rc()
    scrutinised(application, people["poe"])
    services.application_forward(actor=people["poe"], application_id=application.id)
    services.application_refuse(actor=people["pge"], application_id=application.id, reasons="Police report adverse: pending criminal case.", expected="FORWARDED")
    changes = StatusChange.objects.count()
    with pytest.raises(Conflict) as late:
        services.application_grant(actor=people["pge"], application_id=application.id, expected="FORWARDED")
    assert "Someone else acted on this first" in late.value.message
    assert Application.objects.get(id=application.id).status == ApplicationStatus.REFUSED
    assert StatusChange.objects.count() == changes and not Licence.objects.exists()


def test_blacklist_by_pge_and_missions():
    people = officials()
    other_mission = user_with_role(Role.MISSION_OFFICER, office=office_for("MISSION", code="T-MSN-SA", countries=["SA"]))
    today = timezone.localdate().isoformat()
    entry = services.blacklist_add(actor=people["mission"], data={"name": "Desert Star Manpower", "country": "AE", "city": "Sharjah", "reasons": "Unpaid wages of 40 workers", "listed_date": today})
    with pytest.raises(NotAllowed):
        services.blacklist_add(actor=other_mission, data={"name": "Another Co", "country": "AE", "reasons": "x", "listed_date": today})
    with pytest.raises(Conflict):
        services.blacklist_add(actor=people["pge"], data={"name": "desert star manpower", "country": "AE", "reasons": "Duplicate", "listed_date": today})
    with pytest.raises(NotAllowed):
        services.blacklist_add(actor=people["poe"], data={"name": "X", "country": "AE", "reasons": "x", "listed_date": today})
    with pytest.raises(ValidationFailed) as future:
        services.blacklist_add(actor=people["pge"], data={"name": "Y", "country": "AE", "reasons": "x", "listed_date": "2999-01-01"})
    assert "listed_date" in future.value.fields
    services.blacklist_remove(actor=people["pge"], entry_id=entry.id, reasons="Dues paid in full, verified by the Mission.")
    with pytest.raises(Conflict):
        services.blacklist_remove(actor=people["pge"], entry_id=entry.id, reasons="Dues paid in full, verified by the Mission.")
    actions = list(AuditEvent.objects.filter(target_id=str(entry.id)).values_list("action", flat=True))
    assert actions == ["licensing.blacklist.listed", "licensing.blacklist.delisted"]


def test_insurer_and_illegal_agent_registers():
    people = officials()
    licence = services.insurer_register(actor=people["pge"], name="Oriental Insurance (PBBY)", irda_registration="IRDAI-556")
    assert licence.number.startswith("INS/") and licence.valid_to_date is None
    with pytest.raises(NotAllowed):
        services.insurer_register(actor=people["poe"], name="Other", irda_registration="1")
    agent = services.illegal_agent_notify(actor=people["pge"], data={"name": "Fly High Visa Services", "state": "IN-UP", "city": "Lucknow", "notified_date": timezone.localdate().isoformat()})
    services.illegal_agent_withdraw(actor=people["pge"], agent_id=agent.id, reasons="Registered since; notice withdrawn.")
    with pytest.raises(Conflict):
        services.illegal_agent_withdraw(actor=people["pge"], agent_id=agent.id, reasons="Registered since; notice withdrawn.")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are what this checks; the PostgreSQL run covers it")
def test_two_officials_deciding_at_once_one_wins():
    import threading

    from django.db import connections

    people = officials()
    second_pge = user_with_role(Role.PGE_OFFICER, office=people["pge"].memberships.get().office)
    application, _ = submitted_rc()
    scrutinised(application, people["poe"])
    services.application_forward(actor=people["poe"], application_id=application.id)
    results: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def decide(name, call):
        try:
            barrier.wait()
            call()
            results[name] = "won"
        except Conflict as exc:
            results[name] = exc.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("grant", lambda: services.application_grant(actor=people["pge"], application_id=application.id, expected="FORWARDED"))),
        threading.Thread(target=decide, args=("refuse", lambda: services.application_refuse(actor=second_pge, application_id=application.id, reasons="Refused for adverse police report.", expected="FORWARDED"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(v == "won" for v in results.values()) == [False, True], results
    loser = next(v for v in results.values() if v != "won")
    assert "Someone else acted on this first" in loser
    final = Application.objects.get(id=application.id)
    assert (final.status == ApplicationStatus.GRANTED) == Licence.objects.exists()
    assert StatusChange.objects.filter(target_id=str(application.id), to_status__in=["GRANTED", "REFUSED"]).count() == 1

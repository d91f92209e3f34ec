"""Expiry at the end of validity and reminders before it, run on a controlled date (the tasks take `today`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pravasi.core.workflow import timeline_for
from pravasi.licensing import services, tasks
from pravasi.licensing.models import BankGuarantee, Licence, LicenceStatus, Reminder
from pravasi.licensing.tests.factories import granted_rc, officials
from pravasi.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence():
    found, _ = granted_rc(officials())
    return found


def _messages(purpose):
    return list(OutboxMessage.objects.filter(purpose=purpose).values_list("channel", "recipient"))


def test_expiry_happens_the_day_after_validity_ends(licence, django_capture_on_commit_callbacks):
    last_day = licence.valid_to_date
    assert services.licences_expire(today=last_day) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.licences_expire(today=last_day + timedelta(days=1)) == 1
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED
    entry = timeline_for(licence, include_internal=True)[-1]
    assert (entry.from_status, entry.to_status, entry.capacity, entry.actor_label) == ("ACTIVE", "EXPIRED", "SYSTEM", "system")
    assert _messages("licensing.licence_status")  # the holder is told
    assert services.licences_expire(today=last_day + timedelta(days=2)) == 0  # a rerun changes nothing


def test_suspended_certificates_expire_too(licence):
    services.licence_suspend(actor=licence.granted_by, licence_id=licence.id, ground="14_1_C", order_text="Inquiry into complaints of overcharging.")
    services.licences_expire(today=licence.valid_to_date + timedelta(days=1))
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED


def test_reminders_90_and_30_days_ahead_once_each(licence, django_capture_on_commit_callbacks):
    end = licence.valid_to_date
    assert services.reminders_send(today=end - timedelta(days=91))["certificates"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=end - timedelta(days=90))["certificates"] == 1
    sent = _messages("licensing.expiry_reminder")
    assert ("EMAIL", "poe.tvm@example.gov.in") in sent  # the PoE office
    assert {c for c, _ in sent} == {"EMAIL", "SMS"}  # and the agent, by e-mail and SMS
    assert services.reminders_send(today=end - timedelta(days=89))["certificates"] == 0
    assert services.reminders_send(today=end - timedelta(days=30))["certificates"] == 1
    assert services.reminders_send(today=end - timedelta(days=30))["certificates"] == 0
    assert Reminder.objects.filter(subject_id=licence.id).count() == 2


def test_a_certificate_found_late_gets_only_the_nearest_reminder(licence):
    end = licence.valid_to_date
    assert services.reminders_send(today=end - timedelta(days=20))["certificates"] == 1
    assert list(Reminder.objects.values_list("days_before", flat=True)) == [30]


def test_guarantee_warnings_stop_once_a_newer_guarantee_is_lodged(licence):
    guarantee = licence.bank_guarantees.get()
    today = timezone.localdate()
    BankGuarantee.objects.filter(pk=guarantee.pk).update(valid_to_date=today + timedelta(days=25))
    assert services.reminders_send(today=today)["guarantees"] == 1
    assert services.reminders_send(today=today)["guarantees"] == 0
    holder = licence.organisation.memberships.get().user
    services.bank_guarantee_lodge(
        actor=holder,
        licence_id=licence.id,
        data={
            "security_track": "FULL",
            "bank_code": "FDRL",
            "bank_guarantee_number": "FDRL/BG/2026/77",
            "bank_guarantee_amount": "5000000",
            "bank_guarantee_valid_from": today.isoformat(),
            "bank_guarantee_valid_to": (today + timedelta(days=365 * 9)).isoformat(),
        },
    )
    Reminder.objects.all().delete()
    assert services.reminders_send(today=today)["guarantees"] == 0


def test_celery_tasks_and_daily_command_run_the_same_services(licence, capsys):
    Licence.objects.filter(pk=licence.pk).update(valid_from_date=timezone.localdate() - timedelta(days=2000), valid_to_date=timezone.localdate() - timedelta(days=1))
    assert tasks.expire_licences.delay().get() == 1
    call_command("run_daily")
    assert "expired 0" in capsys.readouterr().out


def test_public_verification_reads_expired_before_the_task_runs(licence):
    from pravasi.licensing.selectors import licence_public

    Licence.objects.filter(pk=licence.pk).update(valid_from_date=timezone.localdate() - timedelta(days=2000), valid_to_date=timezone.localdate() - timedelta(days=1))
    assert licence_public(number=licence.number).status == LicenceStatus.EXPIRED
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE  # the record itself waits for the task

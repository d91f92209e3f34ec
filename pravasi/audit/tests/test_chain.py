"""The audit chain proves itself, and names the first entry that was changed or removed."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from pravasi.accounts.roles import Role
from pravasi.audit.models import AppendOnlyError, AuditEvent
from pravasi.audit.services import audit_record, audit_verify_chain

pytestmark = pytest.mark.django_db


def tamper(sql: str, params=()) -> None:
    """Changes rows behind the application's back, as an intruder with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser: triggers do not fire
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def chain(make_user):
    actor = make_user(Role.PGE_OFFICER)
    return [audit_record(actor=actor, action=f"test.step_{i}", target_type="test", target_id=str(i), summary={"i": i, "password": "hunter2"}) for i in range(5)]


def test_intact_chain_verifies(chain, capsys):
    report = audit_verify_chain()
    assert report.ok and report.checked >= 5
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_secrets_are_withheld(chain):
    assert chain[0].summary == {"i": 0, "password": "[withheld]"}


def test_changed_entry_is_named(chain):
    victim = chain[2]
    tamper("UPDATE audit_auditevent SET summary = %s WHERE seq = %s", ['{"i": 99}', victim.seq])
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == victim.seq
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_audit")


def test_removed_entry_is_named(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [chain[3].seq])
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == chain[4].seq


def test_removed_tail_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [chain[4].seq])
    report = audit_verify_chain()
    assert not report.ok and "removed" in report.reason


def test_application_cannot_change_or_delete(chain):
    event = chain[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_bulk_update_is_refused_by_postgresql_and_caught_everywhere(chain):
    """PostgreSQL's trigger refuses the change; where there is no trigger (SQLite), verification catches it."""
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(seq=chain[0].seq).update(action="changed")
        assert audit_verify_chain().ok
    else:
        AuditEvent.objects.filter(seq=chain[0].seq).update(action="changed")
        assert audit_verify_chain().first_broken_seq == chain[0].seq

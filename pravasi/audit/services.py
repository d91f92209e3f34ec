"""Writing to the audit log and the personal-data access log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditEvent, AuditHead, PersonalDataAccess

SECRET_KEYS = {"password", "code", "otp", "token", "secret", "key", "recovery_codes"}


@dataclass(frozen=True)
class RequestContext:
    """Who acts and from where; interfaces build it, services pass it to the audit log."""

    source_ip: str | None = None


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("[withheld]" if any(s in k.lower() for s in SECRET_KEYS) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def entry_hash(*, prev_hash: str, at_iso: str, actor_id: str, action: str, target_type: str, target_id: str, summary: dict, source_ip: str) -> str:
    canonical = json.dumps(
        [prev_hash, at_iso, actor_id, action, target_type, target_id, summary, source_ip],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent) -> str:
    return entry_hash(
        prev_hash=event.prev_hash,
        at_iso=event.at.isoformat(),
        actor_id=str(event.actor_id or ""),
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        summary=event.summary,
        source_ip=event.source_ip or "",
    )


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    return actor.get_username()


@transaction.atomic
def audit_record(*, actor, action: str, target=None, target_type: str = "", target_id: str = "", summary: dict | None = None, source_ip: str | None = None) -> AuditEvent:
    """Appends one event to the chain. Summaries must not carry secrets or personal data."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    at = timezone.now()
    clean = _scrub(summary or {})
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=at,
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=clean,
        source_ip=source_ip or None,
        prev_hash=head.last_hash,
    )
    # The hash covers the stored (JSON round-tripped) summary so verification reproduces it.
    event.summary = json.loads(json.dumps(clean, ensure_ascii=False))
    event.hash = hash_of(event)
    event.save(force_insert=True)
    AuditHead.objects.filter(id=1).update(last_hash=event.hash, last_seq=event.seq)
    return event


def pii_access_record(*, actor, person_id, purpose: str, source_ip: str | None = None) -> PersonalDataAccess:
    from pravasi.accounts.selectors import office_label_for

    return PersonalDataAccess.objects.create(
        at=timezone.now(),
        person_id=person_id,
        actor=actor,
        actor_label=actor_label(actor),
        office_label=office_label_for(actor),
        purpose=purpose,
        source_ip=source_ip or None,
    )


def pii_access_record_many(*, actor, person_ids, purpose: str, source_ip: str | None = None) -> int:
    """One access entry per person of a list an official was shown or exported, in one statement."""
    from pravasi.accounts.selectors import office_label_for

    now, label, office = timezone.now(), actor_label(actor), office_label_for(actor)
    entries = [PersonalDataAccess(at=now, person_id=pk, actor=actor, actor_label=label, office_label=office, purpose=purpose, source_ip=source_ip or None) for pk in person_ids]
    PersonalDataAccess.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def audit_verify_chain(*, batch_size: int = 5000) -> ChainReport:
    prev = "0" * 64
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.seq, "previous-hash link does not match the entry before it")
            if hash_of(event) != event.hash:
                return ChainReport(False, checked, event.seq, "content does not match its hash")
            prev = event.hash
            checked += 1
            last_seq = event.seq
    head = AuditHead.objects.filter(id=1).first()
    if head and head.last_hash != prev:
        return ChainReport(False, checked, last_seq + 1, "chain ends early: later entries were removed")
    return ChainReport(True, checked)

"""Changes to policy data: loading a pack from the repository and audited edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from pravasi.audit.services import audit_record
from pravasi.core.errors import ValidationFailed

from .models import PolicyValue

PACK_DIR = Path(__file__).resolve().parent / "packs"


def _as_date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed.on(field, f"'{value}' is not a date (YYYY-MM-DD)") from exc


@transaction.atomic
def policy_pack_load(*, actor=None, pack: str = "india") -> dict[str, int]:
    """Loads packs/<pack>.yaml. Idempotent: rows that already match are left alone."""
    path = PACK_DIR / f"{pack}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    created = updated = unchanged = 0
    for item in data["values"]:
        valid_from = _as_date(item["valid_from"], "valid_from")
        valid_to = _as_date(item.get("valid_to"), "valid_to")
        fields = {"value": item["value"], "valid_to": valid_to, "source": item.get("source", "")}
        row = PolicyValue.objects.filter(pack=pack, key=item["key"], qualifier=str(item.get("qualifier", "")), valid_from=valid_from).first()
        if row is None:
            PolicyValue.objects.create(pack=pack, key=item["key"], qualifier=str(item.get("qualifier", "")), valid_from=valid_from, **fields)
            created += 1
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            row.save()
            updated += 1
        else:
            unchanged += 1
    if created or updated:
        audit_record(actor=actor, action="policy.pack_loaded", target_type="policy.pack", target_id=pack, summary={"created": created, "updated": updated})
    return {"created": created, "updated": updated, "unchanged": unchanged}


def _check_overlap(row: PolicyValue) -> None:
    if row.valid_to and row.valid_to < row.valid_from:
        raise ValidationFailed.on("valid_to", "The last day in force cannot be before the first day.")
    others = PolicyValue.objects.filter(pack=row.pack, key=row.key, qualifier=row.qualifier).exclude(pk=row.pk)
    for other in others:
        starts_before_other_ends = other.valid_to is None or row.valid_from <= other.valid_to
        ends_after_other_starts = row.valid_to is None or row.valid_to >= other.valid_from
        if starts_before_other_ends and ends_after_other_starts:
            raise ValidationFailed.on("valid_from", f"These dates overlap the value in force from {other.valid_from.isoformat()}; close that one first.")


@transaction.atomic
def policy_value_save(*, actor, row: PolicyValue, source_ip: str | None = None) -> PolicyValue:
    """Creates or changes a policy value (the admin's save); every change is audited with before and after."""
    before = None
    if not row._state.adding:
        old = PolicyValue.objects.select_for_update().get(pk=row.pk)
        before = {"value": old.value, "valid_from": old.valid_from.isoformat(), "valid_to": old.valid_to.isoformat() if old.valid_to else None}
    _check_overlap(row)
    row.save()
    after = {"value": row.value, "valid_from": row.valid_from.isoformat(), "valid_to": row.valid_to.isoformat() if row.valid_to else None}
    audit_record(actor=actor, action="policy.value_saved", target=row, summary={"key": row.key, "qualifier": row.qualifier, "before": before, "after": after}, source_ip=source_ip)
    return row


@transaction.atomic
def policy_value_delete(*, actor, row: PolicyValue, source_ip: str | None = None) -> None:
    summary = {"key": row.key, "qualifier": row.qualifier, "value": row.value, "valid_from": row.valid_from.isoformat()}
    audit_record(actor=actor, action="policy.value_deleted", target=row, summary=summary, source_ip=source_ip)
    row.delete()

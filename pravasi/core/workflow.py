"""Status workflows: a transition table per lifecycle and the one service that moves an object along it.

A domain app declares its statuses (TextChoices) and a `Workflow` of allowed `Move`s, each naming
the capacities that may make it (APPLICANT, SCRUTINISER, DECIDER, SYSTEM...). The domain policies
say in which capacities an actor stands towards an object; `transition()` checks the move, locks
the row, writes the status, the timeline entry and the audit event in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pravasi.audit.services import actor_label, audit_record

from .errors import Conflict, NotAllowed
from .models import StatusChange

SYSTEM = "SYSTEM"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    by: frozenset[str]

    @classmethod
    def of(cls, source: str, target: str, *by: str) -> Move:
        return cls(str(source), str(target), frozenset(str(b) for b in by))


class Workflow:
    def __init__(self, name: str, statuses: type[models.TextChoices], moves: Iterable[Move]):
        self.name = name
        self.statuses = statuses
        self.moves: dict[tuple[str, str], Move] = {}
        for move in moves:
            if move.source not in statuses.values or move.target not in statuses.values:
                raise ValueError(f"{name}: unknown status in {move}")
            self.moves[(move.source, move.target)] = move

    def move(self, source: str, target: str) -> Move | None:
        return self.moves.get((str(source), str(target)))

    def allows(self, source: str, target: str, capacities: Iterable[str]) -> bool:
        move = self.move(source, target)
        return bool(move and move.by & set(capacities))

    def targets(self, source: str, capacities: Iterable[str]) -> list[str]:
        held = set(capacities)
        return [m.target for m in self.moves.values() if m.source == str(source) and m.by & held]

    def label(self, status: str) -> str:
        try:
            return str(self.statuses(status).label)
        except ValueError:
            return status


def timeline_for(target, *, include_internal: bool) -> list[StatusChange]:
    entries = list(StatusChange.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related("actor"))
    if not include_internal:
        for entry in entries:
            entry.internal_note = ""
    return entries


@transaction.atomic
def transition(
    *,
    obj: models.Model,
    workflow: Workflow,
    target: str,
    actor,
    capacities: Callable[[models.Model], set[str]] | set[str],
    expected: str | None = None,
    note: str = "",
    internal_note: str = "",
    apply: Callable[[models.Model], None] | None = None,
    summary: dict | None = None,
    source_ip: str | None = None,
    field: str = "status",
) -> models.Model:
    """Moves `obj` to `target`. Raises Conflict when the object moved meanwhile or the move is not open
    from its current status, NotAllowed when the actor holds none of the capacities the move needs.

    `capacities` may be a callable: it is then evaluated on the locked row, so a decision made on
    stale data (another official acted first) cannot slip through.
    """
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, field)
    if expected is not None and str(expected) != current:
        raise Conflict(
            _("Someone else acted on this first: it is now “%(status)s”. Reload the page to see the latest.") % {"status": workflow.label(current)},
            code="stale",
        )
    move = workflow.move(current, target)
    if move is None:
        raise Conflict(
            _("This cannot go from “%(source)s” to “%(target)s”.") % {"source": workflow.label(current), "target": workflow.label(target)},
            code="invalid_transition",
        )
    held = capacities(locked) if callable(capacities) else set(capacities)
    used = move.by & held
    if not used:
        raise NotAllowed(_("You may not make this change."))
    if apply is not None:
        apply(locked)
    setattr(locked, field, str(target))
    locked.save()
    capacity = sorted(used)[0]
    StatusChange.objects.create(
        target_type=locked._meta.label_lower,
        target_id=str(locked.pk),
        workflow=workflow.name,
        from_status=current,
        to_status=str(target),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor) if actor is not None else "system",
        capacity=capacity,
        note=note,
        internal_note=internal_note,
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=f"{workflow.name}.{str(target).lower()}",
        target=locked,
        summary={"from": current, "to": str(target), "capacity": capacity, **(summary or {})},
        source_ip=source_ip,
    )
    if hasattr(obj, "refresh_from_db"):
        for f in locked._meta.concrete_fields:
            setattr(obj, f.attname, getattr(locked, f.attname))
    return locked


def record_created(*, obj: models.Model, workflow: Workflow, actor, capacity: str, note: str = "") -> StatusChange:
    """The first timeline entry, for an object created directly in its initial status."""
    return StatusChange.objects.create(
        target_type=obj._meta.label_lower,
        target_id=str(obj.pk),
        workflow=workflow.name,
        from_status="",
        to_status=obj.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor) if actor is not None else "system",
        capacity=capacity,
        note=note,
        at=timezone.now(),
    )

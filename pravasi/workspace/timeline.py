"""The timeline of a workflow object as the workspace shows it (licensing and clearance alike)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pravasi.accounts.selectors import office_label_for
from pravasi.core.workflow import SYSTEM, Workflow, timeline_for


def timeline_rows(obj, workflow: Workflow, *, official: bool, capacity_labels: dict) -> list[dict]:
    """Status changes, newest last. Officials see who acted and the internal notes; the applicant sees
    the office or organisation that acted, never an official's name."""
    rows = []
    for entry in timeline_for(obj, include_internal=official):
        label = str(capacity_labels.get(entry.capacity, entry.capacity))
        body = office_label_for(entry.actor) if entry.actor_id else ""
        if entry.capacity == SYSTEM or not entry.actor_id:
            who = _("Pravasi (automatic)") if entry.capacity == SYSTEM else label
        elif official:
            name = entry.actor.get_full_name()
            who = f"{name} · {body}" if body else name
        else:
            who = body or label
        rows.append(
            {
                "at": entry.at,
                "from_label": workflow.label(entry.from_status) if entry.from_status else "",
                "to_label": workflow.label(entry.to_status),
                "who": who,
                "capacity": label,
                "note": entry.note,
                "internal_note": entry.internal_note,
            }
        )
    return rows

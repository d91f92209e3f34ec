"""Reads for case pages, scoped to the handling office (the PGE sees all)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from . import policies
from .models import Case, CaseStatus


def cases_for(*, actor) -> QuerySet[Case]:
    if policies.is_pge(actor):
        return Case.objects.select_related("office")
    return Case.objects.filter(office_id__in=policies.handling_offices(actor)).select_related("office")


def queue_for(*, actor, category: str = "") -> QuerySet[Case]:
    """Open cases of the actor's offices: mortal remains first, then by priority and age."""
    qs = cases_for(actor=actor).filter(status__in=[CaseStatus.OPEN, CaseStatus.IN_PROGRESS])
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("priority", "filed_at")


def complaints_against_agent(*, licence_id) -> dict[str, int]:
    """How many cases name a recruiting agent, open and closed (shown on its certificate)."""
    counts = Case.objects.filter(agent_id=licence_id).aggregate(total=Count("id"), open=Count("id", filter=~Q(status=CaseStatus.CLOSED)))
    return {"total": counts["total"] or 0, "open": counts["open"] or 0}

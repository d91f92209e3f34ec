"""Reads for case pages, scoped to the handling office (the PGE sees all), the filer, the partner or the insurer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from pravasi.policy.selectors import policy

from . import policies
from .models import Case, CaseNote, CaseStatus

OPEN = [CaseStatus.OPEN, CaseStatus.IN_PROGRESS]
AGE_BUCKETS = [(0, 2), (3, 7), (8, 15), (16, 30), (31, None)]


def cases_for(*, actor) -> QuerySet[Case]:
    if policies.is_pge(actor):
        return Case.objects.select_related("office")
    return Case.objects.filter(office_id__in=policies.handling_offices(actor)).select_related("office")


def queue_for(*, actor, category: str = "") -> QuerySet[Case]:
    """Open cases of the actor's offices: mortal remains first, then by priority and age."""
    qs = cases_for(actor=actor).filter(status__in=OPEN)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("priority", "filed_at")


def cases_filed_by(*, actor) -> QuerySet[Case]:
    """The cases a signed-in person filed (shown on their profile)."""
    if not getattr(actor, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(filed_by=actor).select_related("office").order_by("-filed_at")


def filer_notes(case: Case) -> QuerySet[CaseNote]:
    """What the filer may read on their case: notes shared with them, their own additions, messages."""
    return case.notes.filter(shared=True).order_by("created_at")


def complaints_against_agent(*, licence_id) -> dict[str, int]:
    """How many cases name a recruiting agent, open and closed (shown on its certificate)."""
    counts = Case.objects.filter(agent_id=licence_id).aggregate(total=Count("id"), open=Count("id", filter=~Q(status=CaseStatus.CLOSED)))
    return {"total": counts["total"] or 0, "open": counts["open"] or 0}


def _rag_conditions(now: datetime) -> dict[str, Q]:
    """Red, amber and green as database conditions: the same thresholds as services.rag, per category."""
    red = Q(escalation_level__gt=0) | Q(due_at__lte=now)
    amber = Q()
    for item in policy("GRIEVANCE_CATEGORIES"):
        half = timedelta(days=int(item["sla_days"])) / 2
        amber |= Q(category=item["code"], due_at__lte=now + half)
    amber = amber & ~red
    return {"RED": red, "AMBER": amber, "GREEN": ~red & ~amber}


def dashboard(*, actor, now: datetime | None = None, weeks: int = 12) -> dict:
    """An office's open cases by red-amber-green, by age and by category, and cases filed and closed per
    week. Each figure is one aggregate query over the actor's cases."""
    now = now or timezone.now()
    mine = cases_for(actor=actor).order_by()
    open_cases = mine.filter(status__in=OPEN)
    conditions = _rag_conditions(now)
    rag = open_cases.aggregate(**{name: Count("id", filter=cond) for name, cond in conditions.items()})
    ageing_filters = {}
    for low, high in AGE_BUCKETS:
        cond = Q(filed_at__lte=now - timedelta(days=low))
        if high is not None:
            cond &= Q(filed_at__gt=now - timedelta(days=high + 1))
        ageing_filters[f"{low}-{high}" if high is not None else f"{low}+"] = Count("id", filter=cond)
    ageing = open_cases.aggregate(**ageing_filters)
    labels = {c["code"]: c["label"] for c in policy("GRIEVANCE_CATEGORIES")}
    by_category = [(row["category"], labels.get(row["category"], row["category"]), row["n"]) for row in open_cases.values("category").annotate(n=Count("id")).order_by("-n", "category")]
    since = now - timedelta(weeks=weeks)
    filed = {row["week"].date(): row["n"] for row in mine.filter(filed_at__gte=since).annotate(week=TruncWeek("filed_at")).values("week").annotate(n=Count("id"))}
    closed = {row["week"].date(): row["n"] for row in mine.filter(closed_at__gte=since).annotate(week=TruncWeek("closed_at")).values("week").annotate(n=Count("id"))}
    start = (now - timedelta(weeks=weeks - 1)).date()
    start -= timedelta(days=start.weekday())
    trend = [(start + timedelta(weeks=i), filed.get(start + timedelta(weeks=i), 0), closed.get(start + timedelta(weeks=i), 0)) for i in range(weeks)]
    return {"rag": rag, "ageing": ageing, "categories": by_category, "trend": trend, "open": sum(rag.values())}


def complaints_per_agent(*, actor, limit: int = 50) -> list[dict]:
    """For the PGE: recruiting agents by how many cases name them (open and in all), most first."""
    if not policies.is_pge(actor):
        return []
    return list(
        Case.objects.filter(agent__isnull=False)
        .values("agent_id", "agent__number", "agent__organisation__name", "agent__status")
        .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN)))
        .order_by("-total", "agent__number")[:limit]
    )


def complaints_per_employer(*, actor, limit: int = 50) -> list[dict]:
    """For the PGE: foreign employers by how many cases name them, most first."""
    if not policies.is_pge(actor):
        return []
    return list(
        Case.objects.filter(employer__isnull=False)
        .values("employer_id", "employer__name", "employer__country")
        .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN)))
        .order_by("-total", "employer__name")[:limit]
    )

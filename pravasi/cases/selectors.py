"""Reads for case pages, scoped to the handling office (the PGE sees all), the filer, the partner or the insurer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from pravasi.accounts.models import Office, Organisation
from pravasi.accounts.roles import OfficeKind, OrganisationKind
from pravasi.policy.selectors import policy

from . import labels, policies
from .models import Case, CaseNote, CaseStatus

OPEN = [CaseStatus.OPEN, CaseStatus.IN_PROGRESS]
PERSONAL_FIELDS = ("filer_name", "filer_phone", "filer_email", "person_name", "person_passport", "where", "description", "resolution")
AGE_BUCKETS = [(0, 2), (3, 7), (8, 15), (16, 30), (31, None)]


def cases_for(*, actor) -> QuerySet[Case]:
    if policies.is_pge(actor):
        return Case.objects.select_related("office")
    return Case.objects.filter(office_id__in=policies.handling_offices(actor)).select_related("office")


def queue_for(*, actor, category: str = "", rag: str = "", now: datetime | None = None) -> QuerySet[Case]:
    """Open cases of the actor's offices, optionally of one category or one red-amber-green state:
    mortal remains first, then by priority and age."""
    qs = cases_for(actor=actor).filter(status__in=OPEN)
    if category:
        qs = qs.filter(category=category)
    if rag:
        qs = qs.filter(_rag_conditions(now or timezone.now())[rag])
    # The queue shows no personal data: leave the encrypted columns unread (and undecrypted).
    return qs.defer(*PERSONAL_FIELDS).order_by("priority", "filed_at")


def transfer_offices(*, exclude_id=None) -> QuerySet[Office]:
    """Where a case can be transferred: any Mission, PoE office or the PGE (the helpline takes no cases)."""
    offices = Office.objects.exclude(kind=OfficeKind.OWRC).order_by("kind", "name")
    return offices.exclude(id=exclude_id) if exclude_id else offices


def referral_partners() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER).order_by("name")


def cases_filed_by(*, actor) -> QuerySet[Case]:
    """The cases a signed-in person filed (shown on their profile)."""
    if not getattr(actor, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(filed_by=actor).select_related("office").order_by("-filed_at")


def case_for_code_holder(case_id) -> Case | None:
    """The one case a filer opened with a valid one-time code (the caller keeps that grant in the session)."""
    return Case.objects.select_related("office").filter(id=case_id).first()


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
    by_category = [(row["category"], labels.category_label(row["category"]), row["n"]) for row in open_cases.values("category").annotate(n=Count("id")).order_by("-n", "category")]
    since = now - timedelta(weeks=weeks)
    filed = {row["week"].date(): row["n"] for row in mine.filter(filed_at__gte=since).annotate(week=TruncWeek("filed_at")).values("week").annotate(n=Count("id"))}
    closed = {row["week"].date(): row["n"] for row in mine.filter(closed_at__gte=since).annotate(week=TruncWeek("closed_at")).values("week").annotate(n=Count("id"))}
    # Weeks are truncated in the local time zone by the database, so the first week is counted from the local date too.
    start = timezone.localtime(now - timedelta(weeks=weeks - 1)).date()
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

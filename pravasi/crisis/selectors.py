"""Reads about crises: the ones an official may see, the public list, the people in a crisis area, the legal
basis to contact them, and counts for the crisis dashboard."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from pravasi.core.errors import NotFound
from pravasi.messaging.models import DeliveryStatus, OutboxMessage
from pravasi.policy.selectors import policy_value_in_force
from pravasi.registry.models import ConsentPurpose, ConsentRecord, FamilyMember, Person, PersonStatus, Vulnerability

from . import geometry, policies
from .models import Alert, AlertStatus, AlertText, CheckIn, CheckInStatus, Crisis, CrisisStatus, HelpRequest, HelpStatus

LEGITIMATE_USE_POLICY = "CRISIS_LEGITIMATE_USE_KINDS"
CONSENT = "CONSENT"
LEGITIMATE_USE = "LEGITIMATE_USE"
TOP_REGIONS = 20


# --- crises ------------------------------------------------------------------------------------------


def crises_for(*, actor) -> QuerySet[Crisis]:
    """The PGE sees every crisis; a Mission the crises declared by it or touching one of its countries."""
    if policies.is_pge(actor):
        return Crisis.objects.select_related("office")
    offices = policies.mission_offices(actor)
    if not offices:
        return Crisis.objects.none()
    countries = policies.mission_countries(actor)
    # Overlap of two JSON lists has no portable lookup (SQLite has no JSON containment); crises number in
    # the dozens, so the overlap is worked out over their country lists alone.
    touching = [row["id"] for row in Crisis.objects.values("id", "countries") if countries & set(row["countries"] or [])]
    return Crisis.objects.filter(Q(office__in=offices) | Q(id__in=touching)).select_related("office")


def crisis_for(*, actor, crisis_id) -> Crisis:
    try:
        wanted = uuid.UUID(str(crisis_id))
    except ValueError:
        raise NotFound(_("No such crisis.")) from None
    crisis = crises_for(actor=actor).filter(id=wanted).first()
    if crisis is None:
        raise NotFound(_("No such crisis."))
    return crisis


def public_crises() -> QuerySet[Crisis]:
    """Active crises for the public page: the crisis's own public fields and the declaring office's name."""
    return (
        Crisis.objects.filter(status=CrisisStatus.ACTIVE)
        .select_related("office")
        .only(
            "id",
            "reference",
            "title",
            "kind",
            "phase",
            "status",
            "countries",
            "regions",
            "polygon",
            "circle_latitude",
            "circle_longitude",
            "circle_radius_km",
            "starts_at",
            "ends_at",
            "advisory",
            "helplines",
            "office__name",
            "office__phone",
            "office__email",
            "office__city",
        )
        .order_by("-starts_at")
    )


# --- the people in the area ------------------------------------------------------------------------


def _residents(crisis: Crisis) -> QuerySet[Person]:
    """Living abroad (which excludes returned and closed records), not merged into another record, in the
    crisis's countries and, when it names regions or cities, in one of them."""
    qs = Person.objects.filter(status=PersonStatus.ABROAD, merged_into__isnull=True, closed_at__isnull=True, residence_country__in=list(crisis.countries or []))
    if crisis.regions:
        named = Q()
        for region in crisis.regions:
            named |= Q(residence_region__iexact=region)
        qs = qs.filter(named)
    return qs


def has_shape(crisis: Crisis) -> bool:
    return bool(crisis.polygon) or crisis.circle_radius_km is not None


def affected_population(crisis: Crisis) -> QuerySet[Person]:
    """The persons in the crisis area.

    A polygon or a circle narrows the area only for the people whose location is on record. People
    without coordinates stay in: most registrations give a city, not a position, and leaving them out
    would drop people from alerts and evacuation lists for want of data rather than because they are
    safe. The geometry runs in Python over the candidates inside the shape's bounding box (found in SQL).
    """
    residents = _residents(crisis)
    if not has_shape(crisis):
        return residents
    if crisis.polygon:
        box = geometry.polygon_bounding_box(crisis.polygon)

        def inside(lat: float, lon: float) -> bool:
            return geometry.point_in_polygon(lat, lon, crisis.polygon)
    else:
        box = geometry.circle_bounding_box(crisis.circle_latitude, crisis.circle_longitude, crisis.circle_radius_km)

        def inside(lat: float, lon: float) -> bool:
            return geometry.point_in_circle(lat, lon, center_lat=crisis.circle_latitude, center_lon=crisis.circle_longitude, radius_km=crisis.circle_radius_km)

    min_lat, min_lon, max_lat, max_lon = box
    candidates = residents.filter(latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon).order_by().values_list("id", "latitude", "longitude")
    inside_ids = [pk for pk, lat, lon in candidates.iterator(chunk_size=5000) if inside(lat, lon)]
    unlocated = Q(latitude__isnull=True) | Q(longitude__isnull=True)
    return residents.filter(unlocated | Q(id__in=inside_ids))


def _basis_policy(crisis: Crisis):
    """The legitimate-use policy in force when the crisis began: a later change of the rule does not change
    the basis on which people were contacted."""
    return policy_value_in_force(LEGITIMATE_USE_POLICY, on=timezone.localtime(crisis.starts_at).date())


def is_legitimate_use(crisis: Crisis) -> bool:
    return crisis.kind in (_basis_policy(crisis).value or [])


def _consented() -> Subquery:
    """Whether the person's latest crisis-contact consent record is a 'given' (the latest one is in force)."""
    latest = ConsentRecord.objects.filter(person=OuterRef("pk"), purpose=ConsentPurpose.CRISIS_CONTACT).order_by("-at").values("given")[:1]
    return Subquery(latest)


def consenting(persons: QuerySet[Person]) -> QuerySet[Person]:
    return persons.alias(crisis_consent=_consented()).filter(crisis_consent=True)


def reachable(crisis: Crisis) -> QuerySet[Person]:
    """The affected people the government may contact: everyone when the crisis is of a kind the policy
    names as a legitimate use without consent (DPDP Act s.7: disaster, breakdown of public order,
    medical emergency), otherwise those whose crisis-contact consent is in force."""
    affected = affected_population(crisis)
    if is_legitimate_use(crisis):
        return affected
    return consenting(affected)


def legal_basis(crisis: Crisis) -> dict:
    """What allows contacting the people of this crisis, with the policy it rests on (shown on pages)."""
    row = _basis_policy(crisis)
    basis = LEGITIMATE_USE if crisis.kind in (row.value or []) else CONSENT
    return {
        "basis": basis,
        "policy": {"key": row.key, "source": row.source, "kinds": list(row.value or []), "valid_from": row.valid_from.isoformat()},
    }


def affected_counts(crisis: Crisis) -> dict:
    """Counts for the crisis dashboard, each an aggregate over the affected people (no one is listed)."""
    affected = affected_population(crisis).order_by()
    vulnerability_counts = {v.value: Count("id", filter=Q(**{v.field: True})) for v in Vulnerability}
    totals = affected.aggregate(total=Count("id"), **vulnerability_counts)
    total = totals.pop("total") or 0
    consented = consenting(affected).count()
    legitimate = is_legitimate_use(crisis)
    reached = total if legitimate else consented
    by_sex = {row["sex"]: row["n"] for row in affected.values("sex").annotate(n=Count("id")).order_by("sex")}
    family = FamilyMember.objects.filter(person__in=affected.values("id")).aggregate(persons=Count("person_id", distinct=True), members=Count("id"))
    regions = [(row["residence_region"], row["n"]) for row in affected.values("residence_region").annotate(n=Count("id")).order_by("-n", "residence_region")[:TOP_REGIONS]]
    return {
        "total": total,
        "reachable": reached,
        "by_basis": {CONSENT: consented, LEGITIMATE_USE: reached - consented if legitimate else 0},
        "basis": LEGITIMATE_USE if legitimate else CONSENT,
        "vulnerabilities": {key: value or 0 for key, value in totals.items()},
        "by_sex": by_sex,
        "family": {"persons_with_family": family["persons"] or 0, "family_members": family["members"] or 0},
        "regions": regions,
    }


def with_family_count(persons: QuerySet[Person]) -> QuerySet[Person]:
    """The persons with how many family members live with them abroad (for exports and evacuation lists)."""
    members = FamilyMember.objects.filter(person=OuterRef("pk")).order_by().values("person").annotate(n=Count("id")).values("n")[:1]
    return persons.annotate(family_count=Coalesce(Subquery(members), 0))


# --- public reads: crises and their published public alerts (no personal data) --------------------------


def _public_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(status=AlertStatus.PUBLISHED, public=True, published_at__isnull=False)


def public_crisis(reference: str) -> Crisis:
    crisis = Crisis.objects.select_related("office").filter(reference=reference).first()
    if crisis is None:
        raise NotFound(_("No such crisis."))
    return crisis


def public_crisis_page(reference: str) -> tuple[Crisis, list[Alert]]:
    """A crisis (active or ended) and its published public alerts, newest first, with their texts."""
    crisis = public_crisis(reference)
    return crisis, list(_public_alerts().filter(crisis=crisis).prefetch_related("texts").order_by("-sequence"))


def public_alert(reference: str, sequence: int) -> Alert:
    alert = _public_alerts().select_related("crisis", "crisis__office").prefetch_related("texts").filter(crisis__reference=reference, sequence=sequence).first()
    if alert is None:
        raise NotFound(_("No such published alert."))
    return alert


def feed_alerts(limit: int = 100) -> list[Alert]:
    """The newest published public alerts of every crisis, for the Atom index."""
    texts = Prefetch("texts", queryset=AlertText.objects.order_by("language"))
    return list(_public_alerts().select_related("crisis", "crisis__office").prefetch_related(texts).order_by("-published_at", "-sequence")[:limit])


def previous_public_alert(alert: Alert) -> Alert | None:
    """The alert an Update or Cancel refers to: the crisis's last published public alert before it."""
    return _public_alerts().filter(crisis_id=alert.crisis_id, sequence__lt=alert.sequence).order_by("-sequence").first()


# --- alerts and check-ins: what officials see ------------------------------------------------------------


def alert_batches(crisis: Crisis) -> list[str]:
    return [f"alert:{pk}" for pk in crisis.alerts.filter(status=AlertStatus.PUBLISHED, send_requested_at__isnull=False).values_list("id", flat=True)]


def reached_ids(crisis: Crisis) -> QuerySet:
    """The people at least one of the crisis's alerts was handed over to (a values queryset of ids)."""
    return OutboxMessage.objects.filter(batch__in=alert_batches(crisis), status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED], party__isnull=False).values("party")


def _latest(crisis: Crisis) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(crisis=crisis, is_latest=True)


def checkin_figures(crisis: Crisis) -> dict:
    """Reached, answered, safe, need help and not yet answered: in total and per region or city (the
    largest first). Counts only; nobody is listed."""
    people = reachable(crisis).order_by()
    reached = people.filter(id__in=reached_ids(crisis))
    latest = _latest(crisis).filter(person__in=people.values("id"))
    totals = {
        "people": people.count(),
        "reached": reached.count(),
        "answered": latest.count(),
        "safe": latest.filter(status=CheckInStatus.SAFE).count(),
        "help": latest.filter(status=CheckInStatus.HELP).count(),
    }
    totals["unanswered"] = totals["people"] - totals["answered"]
    regions: dict[str, dict[str, int]] = {}
    for row in people.values("residence_region").annotate(n=Count("id")).order_by("-n", "residence_region")[:TOP_REGIONS]:
        regions[row["residence_region"]] = {"people": row["n"], "reached": 0, "safe": 0, "help": 0}
    for row in reached.filter(residence_region__in=list(regions)).values("residence_region").annotate(n=Count("id")):
        regions[row["residence_region"]]["reached"] = row["n"]
    for row in latest.filter(person__residence_region__in=list(regions)).values("person__residence_region", "status").annotate(n=Count("id")):
        regions[row["person__residence_region"]]["safe" if row["status"] == CheckInStatus.SAFE else "help"] = row["n"]
    for figures in regions.values():
        figures["unanswered"] = figures["people"] - figures["safe"] - figures["help"]
    return {"totals": totals, "regions": regions}


def checkin_timeline(crisis: Crisis, *, hours: int = 48) -> list[dict]:
    """Answers per hour over the last `hours` (by what they said), with the running count of people who
    have answered, for the plot of how the accounting goes."""
    zone = timezone.get_current_timezone()
    since = timezone.localtime(timezone.now(), zone).replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    earlier = CheckIn.objects.filter(crisis=crisis, created_at__lt=since).values("person").distinct().count()
    firsts = CheckIn.objects.filter(crisis=crisis).values("person").annotate(first=Min("created_at")).filter(first__gte=since).values_list("first", flat=True)
    new_by_hour: dict = {}
    for first in firsts:
        bucket = timezone.localtime(first, zone).replace(minute=0, second=0, microsecond=0)
        new_by_hour[bucket] = new_by_hour.get(bucket, 0) + 1
    per_hour: dict = {}
    for row in CheckIn.objects.filter(crisis=crisis, created_at__gte=since).annotate(hour=TruncHour("created_at", tzinfo=zone)).values("hour", "status").annotate(n=Count("id")):
        per_hour.setdefault(timezone.localtime(row["hour"], zone), {})[row["status"]] = row["n"]
    rows, running = [], earlier
    for i in range(hours):
        hour = timezone.localtime(since + timedelta(hours=i), zone)
        running += new_by_hour.get(hour, 0)
        counts = per_hour.get(hour, {})
        rows.append({"hour": hour, "safe": counts.get(CheckInStatus.SAFE, 0), "help": counts.get(CheckInStatus.HELP, 0), "answered": running})
    return rows


def triage_queue(*, actor, crisis: Crisis, status: str = "") -> QuerySet[HelpRequest]:
    """The crisis's open requests for help, most urgent first; only for those who may see its people."""
    if not policies.may_see_people(actor, crisis):
        return HelpRequest.objects.none()
    qs = (
        HelpRequest.objects.filter(crisis=crisis)
        .select_related("person", "assigned_to")
        .only("id", "status", "needs", "family_member_ids", "priority", "created_at", "updated_at", "assigned_to__username", "person__residence_region", "person__id", "crisis_id")
    )
    if status in HelpStatus.values:
        return qs.filter(status=status).order_by("priority", "created_at")
    return qs.exclude(status=HelpStatus.RESOLVED).order_by("priority", "created_at")


def unaccounted(*, actor, crisis: Crisis) -> QuerySet[Person]:
    """The people of the crisis with no answer yet, to call: the vulnerable first, then by region and name."""
    if not policies.may_see_people(actor, crisis):
        return Person.objects.none()
    answered = _latest(crisis).values("person_id")
    return (
        with_family_count(reachable(crisis).exclude(id__in=answered))
        .annotate(vulnerable=Count("id", filter=Q(vuln_pregnancy=True) | Q(vuln_disability=True) | Q(vuln_chronic_illness=True) | Q(vuln_minor=True) | Q(vuln_elderly=True)))
        .order_by("-vulnerable", "residence_region", "family_name", "given_name", "id")
    )

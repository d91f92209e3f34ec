"""Reads for clearance pages and the API, already scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pravasi.accounts.roles import Role
from pravasi.core.errors import NotFound

from . import policies
from .models import ClearanceApplication, ClearanceStatus, Demand, DemandStatus, PBBYPolicy

NOTHING = Q(pk__in=[])


def _application_scope(actor) -> Q:
    if policies.is_pge(actor):
        return Q()
    scope = NOTHING
    poe = policies.poe_offices(actor)
    if poe:
        scope |= Q(office_id__in=poe)
    orgs = [m.organisation_id for m in policies._memberships(actor, Role.RA_STAFF, Role.PE_STAFF, Role.FE_STAFF)]
    if orgs:
        scope |= Q(applicant_id__in=orgs)
    if policies._memberships(actor, Role.EMIGRANT):
        scope |= Q(person__user_id=actor.id)
    return scope


def applications_for(*, actor) -> QuerySet[ClearanceApplication]:
    return ClearanceApplication.objects.filter(_application_scope(actor)).select_related("person", "office", "applicant", "demand", "position")


def application_for(*, actor, application_id) -> ClearanceApplication:
    found = applications_for(actor=actor).filter(id=application_id).first()
    if found is None:
        raise NotFound(_("No such application, or it is not yours to see."))
    return found


def queue_for(*, actor, status: str = ClearanceStatus.SUBMITTED, route: str = "", country: str = "") -> QuerySet[ClearanceApplication]:
    """The PoE office's work, oldest first (the index on office, status, submitted_at serves it)."""
    offices = policies.poe_offices(actor)
    if not offices:
        return ClearanceApplication.objects.none()
    qs = ClearanceApplication.objects.filter(office_id__in=offices, status=status if status in ClearanceStatus.values else ClearanceStatus.SUBMITTED)
    if route:
        qs = qs.filter(route=route)
    if country:
        qs = qs.filter(destination_country=country)
    return qs.select_related("person", "applicant").order_by("submitted_at", "id")


def demands_for(*, actor) -> QuerySet[Demand]:
    if policies.is_pge(actor):
        scope = Q()
    else:
        scope = NOTHING
        employers = [m.organisation_id for m in policies._memberships(actor, Role.FE_STAFF)]
        if employers:
            scope |= Q(employer_id__in=employers)
        missions = policies.mission_offices(actor)
        if missions:
            scope |= Q(mission_id__in=missions)
        agents = [m.organisation_id for m in policies._memberships(actor, Role.RA_STAFF)]
        if agents:
            scope |= Q(agents__organisation_id__in=agents, status=DemandStatus.OPEN)
    return Demand.objects.filter(scope).distinct().select_related("employer", "mission").prefetch_related("positions")


def demand_for(*, actor, demand_id) -> Demand:
    found = demands_for(actor=actor).filter(id=demand_id).first()
    if found is None:
        raise NotFound(_("No such demand, or it is not yours to see."))
    return found


def policies_for(*, actor) -> QuerySet[PBBYPolicy]:
    insurer = policies.insurer_of(actor)
    if insurer is None:
        return PBBYPolicy.objects.none()
    return PBBYPolicy.objects.filter(insurer=insurer).select_related("person")


def policy_by_number(number: str) -> PBBYPolicy | None:
    number = " ".join((number or "").split()).upper()
    if not number or len(number) > 40:
        return None
    return PBBYPolicy.objects.select_related("insurer").filter(number=number).first()


def clearance_by_number(number: str) -> ClearanceApplication | None:
    """For the public verification of an e-EC by its emigration number (QR code)."""
    number = " ".join((number or "").split()).upper()
    if not number or len(number) > 30:
        return None
    return ClearanceApplication.objects.select_related("person").filter(emigration_number=number).first()


def open_demand(*, reference: str) -> Demand | None:
    """An open demand by its reference, for an emigrant applying directly (the reference is on the job offer)."""
    reference = " ".join((reference or "").split()).upper()
    if not reference or len(reference) > 20:
        return None
    return Demand.objects.filter(reference=reference, status=DemandStatus.OPEN).prefetch_related("positions").first()


def volume_for_applicant(*, organisation_id) -> dict[str, int]:
    """How many clearance applications an agency or exporter filed, by status (shown on its certificate)."""
    from django.db.models import Count

    rows = ClearanceApplication.objects.filter(applicant_id=organisation_id).values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in ClearanceStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    counts["total"] = sum(counts[s] for s in ClearanceStatus.values)
    return counts

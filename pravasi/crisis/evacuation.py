"""Evacuation: plans and their transport assets (flights, ships, buses), manifests built from the people who
asked to leave (the vulnerable first, families kept together), boarding by boarding code (QR) or passport
number, departure and arrival, and the people who will need an emergency certificate to travel.

Audit summaries carry counts, seats and asset names, never a person's details.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pravasi.audit.services import audit_record, pii_access_record_many
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.validation import Collector
from pravasi.core.workflow import transition
from pravasi.registry.models import FamilyMember, Passport, Person
from pravasi.registry.mrz import normalise_passport_number
from pravasi.registry.selectors import passport_index

from . import checkins, policies, selectors
from .models import AssetKind, AssetStatus, BoardingStatus, CrisisStatus, EvacuationAsset, EvacuationPlan, HelpRequest, HelpStatus, ManifestEntry, Need
from .services import csv_cell
from .workflow import ASSET, BOARDING, MANAGER, RESPONDER

MAX_CAPACITY = 5000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a gate
CODE_LENGTH = 8
MANIFEST_PURPOSE = "crisis-manifest"


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _plan_for(actor, plan_id) -> EvacuationPlan:
    plan = EvacuationPlan.objects.select_related("crisis").filter(id=_uuid(plan_id), crisis__in=selectors.crises_for(actor=actor)).first()
    if plan is None or not policies.may_see_people(actor, plan.crisis):
        raise NotFound(_("No such evacuation plan."))
    return plan


def _asset_for(actor, asset_id) -> EvacuationAsset:
    asset = EvacuationAsset.objects.select_related("plan__crisis").filter(id=_uuid(asset_id), plan__crisis__in=selectors.crises_for(actor=actor)).first()
    if asset is None or not policies.may_see_people(actor, asset.plan.crisis):
        raise NotFound(_("No such transport."))
    return asset


def plan_for(*, actor, plan_id) -> EvacuationPlan:
    return _plan_for(actor, plan_id)


def asset_for(*, actor, asset_id) -> EvacuationAsset:
    return _asset_for(actor, asset_id)


def _require_manager(actor, crisis) -> None:
    if not policies.may_manage(actor, crisis):
        raise NotAllowed(_("Only the PGE, or a Mission holding every country of the area, organises the evacuation."))
    if crisis.status != CrisisStatus.ACTIVE:
        raise Conflict(_("This crisis has ended."))


# --- plans and assets ----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, crisis_id, data: dict[str, Any], source_ip: str | None = None) -> EvacuationPlan:
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    _require_manager(actor, crisis)
    c = Collector(data)
    c.text("title", required=True, max_length=150)
    c.text("notes", max_length=2000)
    cleaned = c.done()
    plan = EvacuationPlan.objects.create(crisis=crisis, created_by=actor, title=cleaned["title"], notes=cleaned.get("notes", ""))
    audit_record(actor=actor, action="crisis.evacuation_planned", target=plan, summary={"reference": crisis.reference}, source_ip=source_ip)
    return plan


def _moment(c: Collector, name: str) -> datetime | None:
    raw = c.raw(name)
    try:
        value = parse_datetime(raw) if raw else None
    except ValueError:  # well formed but impossible, like month 13
        value = None
    if value is None:
        c.fail(name, _("Give the date and time, for example 2026-03-04 14:30."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic
def asset_add(*, actor, plan_id, data: dict[str, Any], source_ip: str | None = None) -> EvacuationAsset:
    """Adds a flight, ship or bus to a plan: seats, departure point and time, destination."""
    plan = _plan_for(actor, plan_id)
    _require_manager(actor, plan.crisis)
    c = Collector(data)
    c.choice("kind", set(AssetKind.values), required=True, message=_("Choose the kind of transport."))
    c.text("name", required=True, max_length=80)
    c.text("departure_point", required=True, max_length=150)
    c.text("destination", required=True, max_length=150)
    raw_capacity = c.raw("capacity")
    if not re.fullmatch(r"[0-9]{1,5}", raw_capacity) or not 1 <= int(raw_capacity) <= MAX_CAPACITY:
        c.fail("capacity", _("Give the number of seats, from 1 to %(n)s.") % {"n": MAX_CAPACITY})
    else:
        c.cleaned["capacity"] = int(raw_capacity)
    departs_at = _moment(c, "departs_at")
    if departs_at is not None and departs_at < plan.crisis.starts_at:
        c.fail("departs_at", _("The departure cannot be before the crisis began."))
    cleaned = c.done()
    asset = EvacuationAsset.objects.create(plan=plan, departs_at=departs_at, **cleaned)
    audit_record(
        actor=actor, action="crisis.asset_added", target=asset, summary={"reference": plan.crisis.reference, "kind": asset.kind, "name": asset.name, "capacity": asset.capacity}, source_ip=source_ip
    )
    return asset


def seats_taken(asset: EvacuationAsset) -> int:
    return asset.entries.aggregate(n=Sum("seats"))["n"] or 0


# --- manifests -----------------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def needs_certificate(person: Person, *, on=None) -> bool:
    """No current passport valid on the day (or one reported lost in this crisis): the Mission issues an
    emergency certificate before the person can travel."""
    on = on or timezone.localdate()
    return not Passport.objects.filter(person=person, is_current=True, expiry_date__gte=on).exists()


def _family_ids(person: Person, wanted) -> list[str]:
    known = {str(pk) for pk in FamilyMember.objects.filter(person=person).values_list("id", flat=True)}
    chosen = sorted({str(f) for f in (wanted or [])})
    if any(f not in known for f in chosen):
        raise ValidationFailed.on("family", _("Choose family members from the person's record."))
    return chosen


def _add(*, actor, asset: EvacuationAsset, person: Person, family: list[str], priority: int, lost_documents: bool) -> ManifestEntry:
    seats = 1 + len(family)
    free = asset.capacity - seats_taken(asset)
    if seats > free:
        raise Conflict(_("Not enough seats: %(seats)s needed, %(free)s free. A family travels together; choose another transport.") % {"seats": seats, "free": free}, code="no_seats")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ManifestEntry.objects.create(
                    plan=asset.plan,
                    asset=asset,
                    person=person,
                    family_member_ids=family,
                    seats=seats,
                    priority=priority,
                    boarding_code=_new_code(),
                    needs_emergency_certificate=lost_documents or needs_certificate(person),
                    added_by=actor,
                )
        except IntegrityError:
            if ManifestEntry.objects.filter(plan=asset.plan, person=person).exists():
                raise Conflict(_("This person is already on a transport of this plan."), code="already_listed") from None
    raise Conflict(_("Could not issue a boarding code; try again."))


def _lock_open_asset(actor, asset_id) -> EvacuationAsset:
    asset = _asset_for(actor, asset_id)
    _require_manager(actor, asset.plan.crisis)
    # The asset's row is the lock that keeps two officials from filling the same seats.
    asset = EvacuationAsset.objects.select_for_update().select_related("plan__crisis").get(pk=asset.pk)
    if asset.status not in (AssetStatus.PLANNED, AssetStatus.BOARDING):
        raise Conflict(_("This transport has left; its manifest is closed."))
    return asset


@transaction.atomic
def manifest_add(*, actor, asset_id, person_id, family=(), source_ip: str | None = None) -> ManifestEntry:
    """Puts one person, with the family members travelling with them, on a transport."""
    asset = _lock_open_asset(actor, asset_id)
    person = selectors.affected_population(asset.plan.crisis).filter(id=_uuid(person_id)).first()
    if person is None:
        raise NotFound(_("This person is not among the people of this crisis."))
    request = HelpRequest.objects.filter(crisis=asset.plan.crisis, person=person).exclude(status=HelpStatus.RESOLVED).first()
    needs = request.needs if request else []
    entry = _add(actor=actor, asset=asset, person=person, family=_family_ids(person, family), priority=checkins.priority_for(person, needs), lost_documents=Need.DOCUMENTS_LOST in needs)
    audit_record(actor=actor, action="crisis.manifest_added", target=entry, summary={"reference": asset.plan.crisis.reference, "asset": asset.name, "seats": entry.seats}, source_ip=source_ip)
    return entry


@transaction.atomic
def manifest_remove(*, actor, entry_id, source_ip: str | None = None) -> None:
    entry = ManifestEntry.objects.select_related("asset__plan__crisis").filter(id=_uuid(entry_id)).first()
    if entry is None:
        raise NotFound(_("No such manifest entry."))
    asset = _lock_open_asset(actor, entry.asset_id)
    if entry.status != BoardingStatus.LISTED:
        raise Conflict(_("This person has boarded; they stay on the manifest."))
    audit_record(actor=actor, action="crisis.manifest_removed", target=entry, summary={"reference": asset.plan.crisis.reference, "asset": asset.name, "seats": entry.seats}, source_ip=source_ip)
    entry.delete()


def waiting_to_leave(crisis) -> list[HelpRequest]:
    """Open requests for help that ask for evacuation, whose person is on no transport of any plan yet, most
    urgent first."""
    # JSON containment differs between SQLite and PostgreSQL; the open requests of a crisis are few enough
    # to read, and the check is exact in Python.
    listed = set(ManifestEntry.objects.filter(plan__crisis=crisis).values_list("person_id", flat=True))
    requests = HelpRequest.objects.filter(crisis=crisis).exclude(status=HelpStatus.RESOLVED).select_related("person").order_by("priority", "created_at", "id")
    return [r for r in requests if Need.EVACUATION in (r.needs or []) and r.person_id not in listed]


@transaction.atomic
def manifest_build(*, actor, asset_id, source_ip: str | None = None) -> dict[str, int]:
    """Fills a transport's free seats from the people who asked to leave: the most urgent first (medical need
    or vulnerable, then the rest, each in the order they asked), each with the family they answered for. A
    family that does not fit is not split: the next one that fits goes instead, and the family waits for
    the next transport."""
    asset = _lock_open_asset(actor, asset_id)
    free = asset.capacity - seats_taken(asset)
    added = waited = seats = 0
    waiting = waiting_to_leave(asset.plan.crisis)
    known = {(str(person_id), str(pk)) for pk, person_id in FamilyMember.objects.filter(person_id__in=[r.person_id for r in waiting]).values_list("id", "person_id")}
    for request in waiting:
        family = [f for f in request.family_member_ids if (str(request.person_id), f) in known]
        needed = 1 + len(family)
        if needed > free:
            waited += 1
            continue
        _add(actor=actor, asset=asset, person=request.person, family=family, priority=request.priority, lost_documents=Need.DOCUMENTS_LOST in request.needs)
        free -= needed
        seats += needed
        added += 1
    audit_record(
        actor=actor,
        action="crisis.manifest_built",
        target=asset,
        summary={"reference": asset.plan.crisis.reference, "asset": asset.name, "parties": added, "seats": seats, "waiting": waited},
        source_ip=source_ip,
    )
    return {"parties": added, "seats": seats, "waiting": waited, "free": free}


# --- boarding, departure, arrival ----------------------------------------------------------------------


def _entry_by(asset: EvacuationAsset, code_or_passport: str) -> ManifestEntry:
    value = (code_or_passport or "").strip().upper().replace(" ", "").replace("-", "")
    if not value:
        raise ValidationFailed.on("code", _("Scan the boarding pass or type its code or the passport number."))
    entry = ManifestEntry.objects.select_related("person").filter(asset=asset, boarding_code=value).first()
    if entry is None:
        other = ManifestEntry.objects.filter(plan=asset.plan, boarding_code=value).select_related("asset").first()
        if other is not None:
            raise Conflict(_("This boarding pass is for %(asset)s, not this transport.") % {"asset": str(other.asset)}, code="other_asset")
        try:
            number = normalise_passport_number(value)
        except ValidationFailed:
            number = ""  # neither a boarding code on this plan nor a passport number
        if number:
            holders = Passport.objects.filter(number_index=passport_index(number)).values("person_id")
            entry = ManifestEntry.objects.select_related("person").filter(asset=asset, person_id__in=holders).first()
    if entry is None:
        raise NotFound(_("No one with this code or passport number is on this transport's manifest."))
    return entry


def board(*, actor, asset_id, code: str, source_ip: str | None = None) -> ManifestEntry:
    """Checks a traveller aboard by the code on their boarding pass (QR) or their passport number."""
    asset = _asset_for(actor, asset_id)
    if asset.status not in (AssetStatus.PLANNED, AssetStatus.BOARDING):
        raise Conflict(_("This transport has left."))
    entry = _entry_by(asset, code)
    if entry.status == BoardingStatus.BOARDED:
        raise Conflict(_("Already boarded at %(time)s.") % {"time": timezone.localtime(entry.boarded_at).strftime("%H:%M")}, code="already_boarded")

    def aboard(locked: ManifestEntry) -> None:
        locked.boarded_at = timezone.now()
        locked.boarded_by = actor

    return transition(
        obj=entry,
        workflow=BOARDING,
        target=BoardingStatus.BOARDED,
        actor=actor,
        capacities=lambda locked: {RESPONDER} if policies.may_see_people(actor, asset.plan.crisis) else set(),
        expected=BoardingStatus.LISTED,
        apply=aboard,
        summary={"reference": asset.plan.crisis.reference, "asset": asset.name, "seats": entry.seats},
        source_ip=source_ip,
    )


def asset_move(*, actor, asset_id, target: str, source_ip: str | None = None) -> EvacuationAsset:
    """Boarding opens, the transport departs, it arrives (and with it everyone who boarded)."""
    asset = _asset_for(actor, asset_id)
    if target not in AssetStatus.values:
        raise ValidationFailed.on("status", _("Unknown step."))
    now = timezone.now()

    def stamp(locked: EvacuationAsset) -> None:
        if target == AssetStatus.DEPARTED:
            locked.departed_at = now
        elif target == AssetStatus.ARRIVED:
            locked.arrived_at = now

    boarded = asset.entries.filter(status=BoardingStatus.BOARDED).aggregate(n=Sum("seats"))["n"] or 0
    return transition(
        obj=asset,
        workflow=ASSET,
        target=target,
        actor=actor,
        capacities=lambda locked: {MANAGER} if policies.may_manage(actor, asset.plan.crisis) else set(),
        apply=stamp,
        summary={"reference": asset.plan.crisis.reference, "asset": asset.name, "boarded_seats": boarded},
        source_ip=source_ip,
    )


# --- reads for the evacuation pages ----------------------------------------------------------------------


def asset_summary(asset: EvacuationAsset) -> dict[str, int]:
    rows = asset.entries.values("status").annotate(parties=Count("id"), seats=Sum("seats"))
    listed = sum(r["seats"] for r in rows)
    boarded = sum(r["seats"] for r in rows if r["status"] == BoardingStatus.BOARDED)
    return {
        "capacity": asset.capacity,
        "listed": listed,
        "free": asset.capacity - listed,
        "boarded": boarded,
        "arrived": boarded if asset.status == AssetStatus.ARRIVED else 0,
        "certificates": asset.entries.filter(needs_emergency_certificate=True).count(),
    }


def manifest(*, actor, asset_id, source_ip: str | None = None) -> tuple[EvacuationAsset, list[ManifestEntry]]:
    """The asset's manifest with each traveller's name and family; every person listed is logged as read."""
    asset = _asset_for(actor, asset_id)
    entries = list(asset.entries.select_related("person").order_by("priority", "created_at"))
    _log_reads(actor, [e.person_id for e in entries], source_ip)
    family = {str(m.id): m for m in FamilyMember.objects.filter(person_id__in=[e.person_id for e in entries])}
    for entry in entries:
        entry.family = [family[f] for f in entry.family_member_ids if f in family]
    return asset, entries


def certificates_needed(*, actor, crisis_id, source_ip: str | None = None) -> list[ManifestEntry]:
    """Everyone on a manifest of the crisis without a valid passport, for the consular team to issue emergency
    certificates before departure."""
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    if not policies.may_see_people(actor, crisis):
        raise NotFound(_("No such crisis."))
    entries = list(ManifestEntry.objects.filter(plan__crisis=crisis, needs_emergency_certificate=True).select_related("person", "asset").order_by("asset__departs_at", "priority", "created_at"))
    _log_reads(actor, [e.person_id for e in entries], source_ip)
    return entries


def _log_reads(actor, person_ids: list, source_ip: str | None) -> None:
    pii_access_record_many(actor=actor, person_ids=person_ids, purpose=MANIFEST_PURPOSE, source_ip=source_ip)


MANIFEST_COLUMNS = ["boarding_code", "name", "passport_number", "family_travelling", "seats", "priority", "emergency_certificate", "status"]


@transaction.atomic
def manifest_export(*, actor, asset_id, source_ip: str | None = None) -> tuple[str, str]:
    """The manifest as CSV for the carrier and the airport: for the declaring office and the PGE only; the
    export is audited with its count and each person's record access logged."""
    asset, entries = manifest(actor=actor, asset_id=asset_id, source_ip=source_ip)
    passports = {p.person_id: p.number for p in Passport.objects.filter(person_id__in=[e.person_id for e in entries], is_current=True)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_COLUMNS)
    for entry in entries:
        family = "; ".join(f"{m.name} ({m.relation})" for m in entry.family)
        writer.writerow(
            [
                entry.boarding_code,
                csv_cell(entry.person.full_name),
                passports.get(entry.person_id, ""),
                csv_cell(family),
                entry.seats,
                entry.priority,
                "yes" if entry.needs_emergency_certificate else "no",
                entry.status,
            ]
        )
    audit_record(actor=actor, action="crisis.manifest_exported", target=asset, summary={"reference": asset.plan.crisis.reference, "asset": asset.name, "count": len(entries)}, source_ip=source_ip)
    return f"{asset.plan.crisis.reference}-{asset.name}-manifest.csv".replace(" ", "_"), out.getvalue()


def passes_for(person: Person) -> QuerySet[ManifestEntry]:
    """A person's boarding passes in active crises (shown on their check-in page)."""
    return (
        ManifestEntry.objects.filter(person=person, plan__crisis__status=CrisisStatus.ACTIVE)
        .select_related("asset")
        .filter(Q(asset__status=AssetStatus.PLANNED) | Q(asset__status=AssetStatus.BOARDING))
    )


def open_assets(crisis) -> list[EvacuationAsset]:
    """The crisis's transport still taking people, with their free seats (`free`), the earliest first."""
    assets = list(EvacuationAsset.objects.filter(plan__crisis=crisis, status__in=[AssetStatus.PLANNED, AssetStatus.BOARDING]).annotate(taken=Sum("entries__seats")).order_by("departs_at", "name"))
    for asset in assets:
        asset.free = asset.capacity - (asset.taken or 0)
    return assets


def entry_of(crisis, person) -> ManifestEntry | None:
    """The person's place on a transport of the crisis, if they have one."""
    return ManifestEntry.objects.filter(plan__crisis=crisis, person=person).select_related("asset").first()

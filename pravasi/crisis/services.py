"""Every write on crises: declaring one, changing its phase, area or advice, ending it, and exporting the
contacts of the people its officials may reach.

Audit summaries name kinds, phases and countries, and counts of people, never a person's details.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pravasi.accounts.models import Membership, User
from pravasi.accounts.roles import OfficeKind
from pravasi.audit.services import audit_record, pii_access_record_many
from pravasi.core.contacts import normalise_phone
from pravasi.core.errors import Conflict, NotAllowed, ValidationFailed
from pravasi.core.geography import COUNTRIES
from pravasi.core.numbering import next_number
from pravasi.core.validation import CONTROL_RE, Collector
from pravasi.core.workflow import transition
from pravasi.messaging.services import message_to_users
from pravasi.registry.models import Vulnerability

from . import policies, selectors
from .models import AlertPhase, ChangeKind, Crisis, CrisisChange, CrisisKind, CrisisStatus
from .workflow import CRISIS, MANAGER

MAX_ADVISORY = 4000
MAX_REASON = 2000
MAX_REGIONS = 50
MAX_REGION_LENGTH = 100
MAX_HELPLINES = 10
MAX_POLYGON_POINTS = 5000
MAX_RADIUS_KM = 2000
EXPORT_PURPOSE = "crisis-export"
ANNOUNCE_PURPOSE = "crisis.change"


AREA_KEYS = ("countries", "regions")
SHAPE_KEYS = ("polygon", "circle", "circle_latitude", "circle_longitude", "circle_radius_km")


# --- cleaning ----------------------------------------------------------------------------------------


def _items(value: Any, separators: str) -> list:
    """A list as given, or a typed list split on the separators (one form field per list)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [part for part in re.split(separators, str(value)) if part.strip()]


def _clean_countries(c: Collector) -> None:
    codes: list[str] = []
    for raw in _items(c.data.get("countries"), r"[,;\s]+"):
        code = str(raw).strip().upper()
        if code == "IN":
            c.fail("countries", _("A crisis abroad cannot include India."))
        elif code not in COUNTRIES:
            c.fail("countries", _("“%(code)s” is not a country code; use ISO codes such as AE or SA.") % {"code": str(raw).strip()[:10]})
        elif code not in codes:
            codes.append(code)
    if not codes and "countries" not in c.errors:
        c.fail("countries", _("Choose at least one country."))
    if "countries" not in c.errors:
        c.cleaned["countries"] = codes


def _clean_regions(c: Collector) -> None:
    regions: list[str] = []
    seen: set[str] = set()
    for raw in _items(c.data.get("regions"), r"[\n;,]+"):
        name = re.sub(r"\s+", " ", str(raw)).strip()
        if not name:
            continue
        if CONTROL_RE.search(name) or ("<" in name and ">" in name):
            c.fail("regions", _("A region or city name contains characters that cannot be stored."))
        elif len(name) > MAX_REGION_LENGTH:
            c.fail("regions", _("Each region or city name has at most %(n)s characters.") % {"n": MAX_REGION_LENGTH})
        elif name.casefold() not in seen:
            seen.add(name.casefold())
            regions.append(name)
    if len(regions) > MAX_REGIONS:
        c.fail("regions", _("Name at most %(n)s regions or cities.") % {"n": MAX_REGIONS})
    if "regions" not in c.errors:
        c.cleaned["regions"] = regions


def _number(value: Any) -> float:
    """A finite number from a number or its text; ValueError otherwise (booleans are not numbers)."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    number = float(str(value).strip()) if isinstance(value, str) else float(value)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def _polygon_coordinates(value: Any) -> Any:
    """The coordinates from GeoJSON text, a Feature, a Polygon geometry, or the coordinates themselves."""
    if isinstance(value, str):
        value = json.loads(value)
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if isinstance(value, dict):
        if value.get("type") != "Polygon":
            raise ValueError("not a polygon")
        value = value.get("coordinates")
    return value


def _clean_polygon(value: Any) -> tuple[list | None, str]:
    """(rings, "") or (None, the message)."""
    bad_shape = _("Give the area as a GeoJSON Polygon: rings of [longitude, latitude] pairs.")
    try:
        rings = _polygon_coordinates(value)
    except (ValueError, TypeError):
        return None, bad_shape
    if not isinstance(rings, list) or not rings:
        return None, bad_shape
    cleaned: list[list[list[float]]] = []
    points = 0
    for ring in rings:
        if not isinstance(ring, list):
            return None, bad_shape
        positions = []
        for position in ring:
            if not isinstance(position, list | tuple) or len(position) < 2:
                return None, bad_shape
            try:
                lon, lat = _number(position[0]), _number(position[1])
            except (ValueError, TypeError):
                return None, bad_shape
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                return None, _("Coordinates are out of range: longitude from -180 to 180, latitude from -90 to 90.")
            positions.append([lon, lat])
        if len(positions) < 4:
            return None, _("Each ring of the polygon needs at least four points, the last the same as the first.")
        if positions[0] != positions[-1]:
            return None, _("Close each ring of the polygon: its last point must be the same as its first.")
        points += len(positions)
        cleaned.append(positions)
    if points > MAX_POLYGON_POINTS:
        return None, _("Simplify the polygon to at most %(n)s points.") % {"n": MAX_POLYGON_POINTS}
    return cleaned, ""


def _circle_parts(data: dict[str, Any]) -> dict[str, Any]:
    circle = data.get("circle")
    if isinstance(circle, dict):
        return {
            "circle_latitude": circle.get("latitude", circle.get("lat")),
            "circle_longitude": circle.get("longitude", circle.get("lon")),
            "circle_radius_km": circle.get("radius_km"),
        }
    return {key: data.get(key) for key in ("circle_latitude", "circle_longitude", "circle_radius_km")}


def _clean_shape(c: Collector) -> None:
    """A polygon or a circle, or neither (the whole countries or regions)."""
    polygon_value = c.data.get("polygon")
    has_polygon = polygon_value not in (None, "", [], {})
    parts = _circle_parts(c.data)
    has_circle = any(value not in (None, "") for value in parts.values())
    c.cleaned.update({"polygon": None, "circle_latitude": None, "circle_longitude": None, "circle_radius_km": None})
    if has_polygon and has_circle:
        c.fail("circle", _("Give a polygon or a circle, not both."))
        return
    if has_polygon:
        rings, message = _clean_polygon(polygon_value)
        if message:
            c.fail("polygon", message)
        else:
            c.cleaned["polygon"] = rings
    elif has_circle:
        limits = {
            "circle_latitude": (-90, 90, _("Give the centre's latitude, from -90 to 90.")),
            "circle_longitude": (-180, 180, _("Give the centre's longitude, from -180 to 180.")),
        }
        for key, (low, high, message) in limits.items():
            try:
                number = _number(parts[key])
            except (ValueError, TypeError):
                c.fail(key, message)
                continue
            if low <= number <= high:
                c.cleaned[key] = number
            else:
                c.fail(key, message)
        try:
            radius = _number(parts["circle_radius_km"])
        except (ValueError, TypeError):
            radius = 0.0
        if 0 < radius <= MAX_RADIUS_KM:
            c.cleaned["circle_radius_km"] = radius
        else:
            c.fail("circle_radius_km", _("Give a radius of more than 0 and at most %(n)s km.") % {"n": MAX_RADIUS_KM})


def _moment(value: Any) -> datetime | None:
    """A timezone-aware datetime from a datetime, a date (midnight, local time) or ISO text; None if unreadable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    else:
        text = str(value).strip()
        try:
            moment = parse_datetime(text) or datetime.combine(date.fromisoformat(text), time.min)
        except ValueError:
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _clean_dates(c: Collector) -> None:
    starts_raw, ends_raw = c.data.get("starts_at"), c.data.get("ends_at")
    starts_at = timezone.now() if starts_raw in (None, "") else _moment(starts_raw)
    if starts_at is None or not 2000 <= starts_at.year <= 2100:
        c.fail("starts_at", _("Enter the start as a date and time, for example 2026-03-01 08:00."))
    else:
        c.cleaned["starts_at"] = starts_at
    if ends_raw in (None, ""):
        c.cleaned["ends_at"] = None
        return
    ends_at = _moment(ends_raw)
    if ends_at is None or not 2000 <= ends_at.year <= 2100:
        c.fail("ends_at", _("Enter the expected end as a date and time, or leave it empty."))
    elif starts_at is not None and ends_at <= starts_at:
        c.fail("ends_at", _("The end must be after the start."))
    else:
        c.cleaned["ends_at"] = ends_at


def _clean_helplines(c: Collector) -> None:
    entries = c.data.get("helplines")
    if isinstance(entries, str):
        # Typed one a line: "Label: number".
        entries = [dict(zip(("label", "number"), (part.strip() for part in line.rsplit(":", 1)), strict=False)) for line in entries.splitlines() if line.strip()]
    entries = entries or []
    if not isinstance(entries, list | tuple):
        c.fail("helplines", _("Give each helpline as a label and a number."))
        return
    if len(entries) > MAX_HELPLINES:
        c.fail("helplines", _("List at most %(n)s helplines.") % {"n": MAX_HELPLINES})
        return
    helplines = []
    for entry in entries:
        if not isinstance(entry, dict):
            c.fail("helplines", _("Give each helpline as a label and a number."))
            return
        label = re.sub(r"\s+", " ", str(entry.get("label") or "")).strip()
        if not label or len(label) > 80 or CONTROL_RE.search(label) or ("<" in label and ">" in label):
            c.fail("helplines", _("Give each helpline a label of at most 80 characters, such as “Embassy 24x7”."))
            continue
        try:
            number = normalise_phone(str(entry.get("number") or ""), field="helplines")
        except ValidationFailed as exc:
            for message in exc.fields.get("helplines", [exc.message]):
                c.fail("helplines", f"{label}: {message}")
            continue
        helplines.append({"label": label, "number": number})
    if "helplines" not in c.errors:
        c.cleaned["helplines"] = helplines


def _clean_reason(reason: Any, *, missing: str) -> str:
    c = Collector({"reason": reason})
    if not c.raw("reason") and "reason" not in c.errors:
        c.fail("reason", missing)
    else:
        c.text("reason", required=True, max_length=MAX_REASON)
    return c.done()["reason"]


def _area(crisis: Crisis) -> dict[str, Any]:
    """The area as kept in a change record."""
    circle = None
    if crisis.circle_radius_km is not None:
        circle = {"latitude": crisis.circle_latitude, "longitude": crisis.circle_longitude, "radius_km": crisis.circle_radius_km}
    return {"countries": list(crisis.countries or []), "regions": list(crisis.regions or []), "polygon": crisis.polygon, "circle": circle}


def _shape_kind(crisis: Crisis) -> str:
    return "POLYGON" if crisis.polygon else ("CIRCLE" if crisis.circle_radius_km is not None else "")


# --- declaring, changing, ending ---------------------------------------------------------------------


@transaction.atomic
def crisis_declare(*, actor, data: dict[str, Any], source_ip: str | None = None) -> Crisis:
    """Declares a crisis in an area; the PGE for any country, a Mission for its own countries."""
    if not policies.may_declare_somewhere(actor):
        raise NotAllowed(_("Only the PGE and Missions declare crises."))
    c = Collector(data)
    c.text("title", required=True, max_length=150)
    c.choice("kind", set(CrisisKind.values), required=True, message=_("Choose what kind of crisis this is."))
    c.choice("phase", set(AlertPhase.values), required=True, message=_("Choose the alert phase."))
    _clean_countries(c)
    _clean_regions(c)
    _clean_shape(c)
    _clean_dates(c)
    c.text("advisory", required=True, max_length=MAX_ADVISORY)
    _clean_helplines(c)
    cleaned = c.done()
    office = policies.declaring_office(actor, cleaned["countries"])
    if office is None:
        raise NotAllowed(_("A Mission declares a crisis only in its own countries; ask the PGE for the others."))
    year = timezone.localdate().year
    crisis = Crisis.objects.create(
        reference=f"CR-{year}-{next_number(f'crisis.{year}'):04d}",
        status=CrisisStatus.ACTIVE,
        office=office,
        declared_by=actor,
        **cleaned,
    )
    audit_record(
        actor=actor,
        action="crisis.declared",
        target=crisis,
        summary={"reference": crisis.reference, "kind": crisis.kind, "phase": crisis.phase, "countries": crisis.countries, "office": office.code, "shape": _shape_kind(crisis)},
        source_ip=source_ip,
    )
    return crisis


def _lock_for_manager(actor, crisis_id) -> Crisis:
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    if not policies.may_manage(actor, crisis):
        raise NotAllowed(_("Only the PGE, or a Mission holding every country of the area, changes this crisis."))
    return Crisis.objects.select_for_update().get(pk=crisis.pk)


@transaction.atomic
def crisis_update(*, actor, crisis_id, data: dict[str, Any], reason: str = "", source_ip: str | None = None) -> Crisis:
    """Changes the phase, the area, the advice or the helplines of an active crisis. Only the keys present in
    `data` change; a polygon or circle given replaces the shape (an empty one removes it). A change of
    phase or area needs a reason, is kept with its before and after, and is announced to the declaring
    office and the PGE."""
    crisis = _lock_for_manager(actor, crisis_id)
    if crisis.status == CrisisStatus.ENDED:
        raise Conflict(_("This crisis has ended; declare a new one if the situation returns."))
    c = Collector(data)
    if "phase" in data:
        c.choice("phase", set(AlertPhase.values), required=True, message=_("Choose the alert phase."))
    if "countries" in data:
        _clean_countries(c)
    if "regions" in data:
        _clean_regions(c)
    if any(key in data for key in SHAPE_KEYS):
        _clean_shape(c)
    if "advisory" in data:
        c.text("advisory", required=True, max_length=MAX_ADVISORY)
    if "helplines" in data:
        _clean_helplines(c)
    cleaned = c.done()
    phase_before, area_before = crisis.phase, _area(crisis)
    public_before = (crisis.advisory, crisis.helplines)
    for field, value in cleaned.items():
        setattr(crisis, field, value)
    phase_changed = crisis.phase != phase_before
    area_changed = _area(crisis) != area_before
    public_changed = (crisis.advisory, crisis.helplines) != public_before
    if not (phase_changed or area_changed or public_changed):
        return crisis
    if area_changed and not policies.may_manage(actor, crisis, countries=area_before["countries"]):
        raise NotAllowed(_("A Mission changes the area only within its own countries; ask the PGE for the others."))
    change = None
    if phase_changed or area_changed:
        reason = _clean_reason(reason, missing=_("Say why the phase or the area changes."))
        change = CrisisChange.objects.create(
            crisis=crisis,
            kind=ChangeKind.PHASE_AND_AREA if phase_changed and area_changed else ChangeKind.PHASE if phase_changed else ChangeKind.AREA,
            changed_by=actor,
            phase_before=phase_before if phase_changed else "",
            phase_after=crisis.phase if phase_changed else "",
            area_before=area_before if area_changed else {},
            area_after=_area(crisis) if area_changed else {},
            reason=reason,
        )
    crisis.save()
    if phase_changed:
        audit_record(actor=actor, action="crisis.phase_changed", target=crisis, summary={"from": phase_before, "to": crisis.phase, "change": str(change.id)}, source_ip=source_ip)
    if area_changed:
        audit_record(
            actor=actor,
            action="crisis.area_changed",
            target=crisis,
            summary={
                "countries_before": area_before["countries"],
                "countries_after": crisis.countries,
                "regions": len(crisis.regions or []),
                "shape": _shape_kind(crisis),
                "change": str(change.id),
            },
            source_ip=source_ip,
        )
    if public_changed:
        audit_record(actor=actor, action="crisis.advice_changed", target=crisis, summary={"helplines": len(crisis.helplines or [])}, source_ip=source_ip)
    if change is not None:
        announced = change
        transaction.on_commit(lambda: _announce(crisis, announced))
    return crisis


@transaction.atomic
def crisis_end(*, actor, crisis_id, reason: str, source_ip: str | None = None) -> Crisis:
    """Ends a crisis now. The end is kept as a change whose phase and area after are empty."""
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    if not policies.may_manage(actor, crisis):
        raise NotAllowed(_("Only the PGE, or a Mission holding every country of the area, ends this crisis."))
    if crisis.status == CrisisStatus.ENDED:
        raise Conflict(_("This crisis has already ended."))
    reason = _clean_reason(reason, missing=_("Say why the crisis ends."))

    def close(locked: Crisis) -> None:
        # A crisis declared ahead of its start and called off before it may end no earlier than a moment
        # after its start (the table requires the end after the start).
        locked.ends_at = max(timezone.now(), locked.starts_at + timedelta(seconds=1))

    ended = transition(
        obj=crisis,
        workflow=CRISIS,
        target=CrisisStatus.ENDED,
        actor=actor,
        capacities=lambda locked: {MANAGER} if policies.may_manage(actor, locked) else set(),
        expected=CrisisStatus.ACTIVE,
        note=reason,
        apply=close,
        summary={"reference": crisis.reference, "phase": crisis.phase, "countries": crisis.countries},
        source_ip=source_ip,
    )
    change = CrisisChange.objects.create(crisis=ended, kind=ChangeKind.END, changed_by=actor, phase_before=ended.phase, phase_after="", area_before=_area(ended), area_after={}, reason=reason)
    transaction.on_commit(lambda: _announce(ended, change))
    return ended


def _officials_to_tell(crisis: Crisis):
    """The active officials of the declaring office and of the PGE."""
    members = Membership.objects.filter(is_active=True).filter(Q(office_id=crisis.office_id) | Q(office__kind=OfficeKind.PGE)).values("user_id")
    return User.objects.filter(id__in=members, is_active=True).order_by("id")


def _announce(crisis: Crisis, change: CrisisChange) -> None:
    def compose():
        subject = _("Pravasi: crisis %(reference)s changed") % {"reference": crisis.reference}
        lines = [_("Crisis %(reference)s, %(title)s (%(countries)s).") % {"reference": crisis.reference, "title": crisis.title, "countries": ", ".join(crisis.countries)}]
        if change.phase_before and not change.phase_after:
            subject = _("Pravasi: crisis %(reference)s ended") % {"reference": crisis.reference}
            lines.append(_("The crisis has ended."))
        if change.phase_after:
            lines.append(_("Phase: %(before)s → %(after)s.") % {"before": AlertPhase(change.phase_before).label, "after": AlertPhase(change.phase_after).label})
        if change.area_after:
            area = change.area_after
            where = ", ".join(area["countries"]) + (f" ({', '.join(area['regions'])})" if area["regions"] else "")
            lines.append(_("Area: %(where)s.") % {"where": where})
        lines.append(_("Reason: %(reason)s") % {"reason": change.reason})
        lines.append(_("Open the crisis in the workspace for the people in the area and the alerts."))
        return subject, "\n".join(str(line) for line in lines)

    message_to_users(users=_officials_to_tell(crisis), compose=compose, purpose=ANNOUNCE_PURPOSE, key=f"crisis-change:{change.id}")


# --- the contact export ------------------------------------------------------------------------------

EXPORT_COLUMNS = ["person_id", "name", "phone", "email", "preferred_language", "region_or_city", "vulnerabilities", "family_members"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """Free text that a spreadsheet would read as a formula is kept as text."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


EXPORT_CHUNK = 1000


def _csv_line(values: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def contacts_export(*, actor, crisis_id, source_ip: str | None = None) -> tuple[str, int, Iterator[str]]:
    """The people an official may contact in a crisis, as CSV lines to stream, for the declaring office and
    the PGE. The export is audited with its count when it starts; each chunk of people is logged as an
    access on each of them before its lines are handed out, so a download cut short has logged what it
    carried and nothing it did not. Streaming keeps a list of hundreds of thousands moving from the first
    line, with no file left behind."""
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    if not policies.may_see_people(actor, crisis):
        raise NotAllowed(_("Only the declaring office and the PGE export the people of a crisis."))
    people = selectors.with_family_count(selectors.reachable(crisis)).order_by("residence_region", "family_name", "given_name", "id")
    count = people.count()
    audit_record(actor=actor, action="crisis.contacts_exported", target=crisis, summary={"count": count}, source_ip=source_ip)

    def lines() -> Iterator[str]:
        yield _csv_line(EXPORT_COLUMNS)
        chunk: list = []
        for person in people.iterator(chunk_size=2000):
            chunk.append(person)
            if len(chunk) >= EXPORT_CHUNK:
                yield from _logged(chunk)
                chunk = []
        yield from _logged(chunk)

    def _logged(chunk: list) -> Iterator[str]:
        pii_access_record_many(actor=actor, person_ids=[person.id for person in chunk], purpose=EXPORT_PURPOSE, source_ip=source_ip)
        for person in chunk:
            yield _csv_line(
                [
                    str(person.id),
                    csv_cell(person.full_name),
                    person.mobile,  # E.164, checked on the way in; its leading + is not a formula
                    csv_cell(person.email),
                    person.preferred_language,
                    csv_cell(person.residence_region),
                    ";".join(v for v in Vulnerability.values if getattr(person, Vulnerability(v).field)),
                    person.family_count,
                ]
            )

    return f"{crisis.reference}-contacts-{timezone.localdate().isoformat()}.csv", count, lines()

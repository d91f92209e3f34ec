"""A crisis drill on synthetic data: the whole response run end to end with the services officials use, timed.

Declared → the people in the area counted → an alert sent to all of them (the fan-out runs on the Celery
workers when a broker is configured, inline otherwise) → the first message and 95 % of them handed to the
gateways → a share of the people answering through their personal links (safe, or help: some asking to
leave with their family) → an evacuation plan with enough flights, and the manifests built.

The area is the country abroad with the most people, narrowed to its largest regions until about a fifth
of the registry is inside (200,000 of 1,000,000).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from pravasi.accounts.models import Membership, Office
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.messaging.models import DeliveryStatus, OutboxMessage
from pravasi.registry.models import FamilyMember, Person, PersonStatus

from . import alerts, checkins, evacuation, selectors, services
from .models import Alert, CrisisKind, Need

DRILL_OFFICE = "DRILL-PGE"
DRILL_USER = "drill.pge"
SEATS_PER_FLIGHT = 180
TEXTS = {
    "en": ("DRILL: leave the area while flights run", "This is a drill. Fighting is spreading in the area.", "Tell us whether you are safe, and whether you want to leave."),
    "hi": ("अभ्यास: उड़ानें चलते हुए क्षेत्र छोड़ दें", "यह एक अभ्यास है। क्षेत्र में लड़ाई फैल रही है।", "हमें बताएँ कि आप सुरक्षित हैं या नहीं, और क्या आप निकलना चाहते हैं।"),
    "ml": ("പരിശീലനം: വിമാനങ്ങൾ ഉള്ളപ്പോൾ പ്രദേശം വിടുക", "ഇത് ഒരു പരിശീലനമാണ്. പ്രദേശത്ത് പോരാട്ടം വ്യാപിക്കുന്നു.", "നിങ്ങൾ സുരക്ഷിതരാണോ, പോകണോ എന്ന് ഞങ്ങളെ അറിയിക്കുക."),
}


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    marks: list[tuple[str, float, str]] = field(default_factory=list)
    say: Callable[[str], None] = print

    def mark(self, label: str, detail: str = "", *, at: float | None = None) -> None:
        elapsed = (at if at is not None else time.monotonic()) - self.started
        self.marks.append((label, elapsed, detail))
        self.say(f"{elapsed:9.1f} s  {label}{'  (' + detail + ')' if detail else ''}")


def drill_officer():
    office, _created = Office.objects.get_or_create(code=DRILL_OFFICE, defaults={"kind": OfficeKind.PGE, "name": "Protector General of Emigrants (drill)"})
    user, created = get_user_model().objects.get_or_create(username=DRILL_USER, defaults={"display_name": "Drill PGE officer", "is_active": True})
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, role=Role.PGE_OFFICER, office=office, defaults={"is_active": True})
    return user


def drill_area(share: float = 0.2) -> tuple[str, list[str], int]:
    """The country with the most people abroad, and its largest regions until `share` of the registry."""
    abroad = Person.objects.filter(status=PersonStatus.ABROAD, merged_into__isnull=True, closed_at__isnull=True)
    total = abroad.count()
    top = abroad.values("residence_country").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        raise RuntimeError("the registry is empty")
    country, target = top["residence_country"], int(total * share)
    regions, covered = [], 0
    for row in abroad.filter(residence_country=country).values("residence_region").annotate(n=Count("id")).order_by("-n", "residence_region"):
        if covered >= target:
            break
        regions.append(row["residence_region"])
        covered += row["n"]
    return country, regions, covered


def _moment_of(batch: str, rank: int):
    return OutboxMessage.objects.filter(batch=batch, sent_at__isnull=False).order_by("sent_at").values_list("sent_at", flat=True)[rank : rank + 1].first()


def _wait_for_sending(alert: Alert, timeline: Timeline, *, timeout: float, started_wall) -> dict:
    """Waits until every message is handed over (or failed), then marks when the first and 95 % were."""
    key = alerts.batch_key(alert)
    deadline = time.monotonic() + timeout
    while True:
        alert.refresh_from_db()
        progress = alerts.alert_progress(alert)
        if progress["finished"]:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"the alert was not handed over within {timeout:.0f} s: {progress}")
        time.sleep(1)
    planned = progress["written"]
    first = _moment_of(key, 0)
    p95 = _moment_of(key, max(0, int(planned * 0.95) - 1))
    for label, moment in (("first alert handed to the gateway", first), ("95 % of messages handed over", p95)):
        if moment is not None:
            timeline.mark(label, at=timeline.started + (moment - started_wall).total_seconds())
    handed = sum(channel["handed_over"] for channel in progress["channels"].values())
    span = (p95 - first).total_seconds() if first and p95 else 0
    rate = (int(planned * 0.95) / span) if span > 0 else float("inf")
    return {"messages": planned, "handed_over": handed, "failed": sum(c[DeliveryStatus.FAILED] for c in progress["channels"].values()), "rate_per_second": rate}


def _answers(alert: Alert, *, count: int, seed: int, timeline: Timeline) -> dict:
    """`count` people answer through their links: 55 % safe, 30 % asking to leave (with the family they
    live with), 15 % needing something else."""
    rng = random.Random(seed)
    reached = list(selectors.reached_ids(alert.crisis).order_by().values_list("party", flat=True).distinct()[: count * 3])
    rng.shuffle(reached)
    chosen = reached[:count]
    families: dict = {}
    for member_id, person_id in FamilyMember.objects.filter(person_id__in=chosen).values_list("id", "person_id"):
        families.setdefault(person_id, []).append(str(member_id))
    expires = checkins.link_expiry(alert)
    started = time.monotonic()
    asked_to_leave = 0
    for number, person_id in enumerate(chosen):
        roll = rng.random()
        if roll < 0.55:
            answer = {"status": "SAFE"}
        elif roll < 0.85:
            answer = {"status": "HELP", "needs": [Need.EVACUATION], "family": families.get(person_id, [])}
            asked_to_leave += 1
        else:
            answer = {"status": "HELP", "needs": [rng.choice([Need.FOOD, Need.MEDICAL, Need.SHELTER])]}
        token = checkins.checkin_token(alert_id=alert.id, person_id=person_id, expires_at=expires)
        checkins.checkin_submit(token=token, data={**answer, "submission": f"drill-{seed}-{number:012d}"})
    elapsed = time.monotonic() - started
    timeline.mark("check-ins processed", f"{len(chosen):,} answers, {len(chosen) / elapsed:,.0f}/s in one process" if elapsed else "")
    return {"answers": len(chosen), "asked_to_leave": asked_to_leave, "rate_per_second": len(chosen) / elapsed if elapsed else 0}


def _evacuate(officer, crisis, timeline: Timeline) -> dict:
    waiting = evacuation.waiting_to_leave(crisis)
    seats = sum(1 + len(request.family_member_ids) for request in waiting)
    plan = evacuation.plan_create(actor=officer, crisis_id=crisis.id, data={"title": "Drill evacuation"})
    flights = max(1, -(-seats // SEATS_PER_FLIGHT))
    departs = timezone.now() + timedelta(hours=12)
    built = {"parties": 0, "seats": 0}
    for n in range(flights):
        data = {
            "kind": "FLIGHT",
            "name": f"DRILL {n + 1:03d}",
            "capacity": str(SEATS_PER_FLIGHT),
            "departure_point": "International airport",
            "departs_at": (departs + timedelta(hours=n)).isoformat(),
            "destination": "Kochi",
        }
        asset = evacuation.asset_add(actor=officer, plan_id=plan.id, data=data)
        result = evacuation.manifest_build(actor=officer, asset_id=asset.id)
        built["parties"] += result["parties"]
        built["seats"] += result["seats"]
    timeline.mark("manifest ready", f"{built['parties']:,} parties, {built['seats']:,} seats on {flights} flights")
    return {"flights": flights, **built}


def drill_run(*, size: int, seed: int = 1, answers: int | None = None, timeout: float = 3600, say: Callable[[str], None] = print) -> dict:
    """Runs the drill and returns its figures; `say` receives the timeline as it happens."""
    if Person.objects.count() < size:
        say(f"Seeding the synthetic registry to {size:,} persons")
        call_command("seed_population", size=size, seed=seed)
    officer = drill_officer()
    country, regions, expected = drill_area()
    say(f"Area: {country}, {len(regions)} regions ({', '.join(regions[:5])}{'...' if len(regions) > 5 else ''}); about {expected:,} people")
    timeline = Timeline(say=say)
    started_wall = timezone.now()
    crisis = services.crisis_declare(
        actor=officer,
        data={
            "title": f"Drill {started_wall:%Y-%m-%d %H:%M}",
            "kind": CrisisKind.CONFLICT,
            "phase": "VOLUNTARY_RETURN",
            "countries": [country],
            "regions": regions,
            "starts_at": started_wall.isoformat(),
            "advisory": "This is a drill. Leave the area while regular flights still run; the Mission helps those who cannot.",
            "helplines": [{"label": "Drill helpline", "number": "+918000000000"}],
        },
    )
    timeline.mark("declared", crisis.reference)
    counted_at = time.monotonic()
    affected = selectors.reachable(crisis).count()
    count_seconds = time.monotonic() - counted_at
    timeline.mark("affected people counted", f"{affected:,} in {count_seconds:.2f} s")
    data = {"public": "on"}
    for language, (headline, description, instruction) in TEXTS.items():
        data.update({f"headline_{language}": headline, f"description_{language}": description, f"instruction_{language}": instruction})
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=data)
    alerts.alert_send(actor=officer, alert_id=alert.id)
    timeline.mark("alert sent", f"{alerts.alert_preview(alert)['totals']['people']:,} people")
    sending = _wait_for_sending(alert, timeline, timeout=timeout, started_wall=started_wall)
    say(f"           {sending['messages']:,} messages, {sending['handed_over']:,} handed over, {sending['failed']:,} failed; {sending['rate_per_second']:,.0f} messages/s up to 95 %")
    answered = _answers(alert, count=answers if answers is not None else max(1, affected // 10), seed=seed, timeline=timeline)
    evacuated = _evacuate(officer, crisis, timeline)
    return {"crisis": crisis.reference, "affected": affected, "count_seconds": count_seconds, "sending": sending, "answers": answered, "evacuation": evacuated, "timeline": timeline.marks}

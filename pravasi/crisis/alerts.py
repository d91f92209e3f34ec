"""Alerts to the people in a crisis area: writing one in several languages, the preview of who receives it
(by channel and language), sending it, and the fan-out that writes and hands over one message per person
and channel, with its progress.

The fan-out is resumable: it walks the recipients in id order, and each chunk's messages and the cursor
past them are committed together. A message's idempotency key names the alert, the person and the channel,
so a chunk written twice (a task redelivered after its worker died) adds nothing, and each message is handed
to its gateway by exactly one worker (messaging.services.batch_deliver).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pravasi.audit.services import audit_record
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.validation import Collector
from pravasi.core.workflow import transition
from pravasi.messaging import selectors as outbox
from pravasi.messaging.models import DeliveryStatus
from pravasi.messaging.services import BulkMessage, batch_deliver, batch_pending, messages_write_batch
from pravasi.policy.selectors import policy
from pravasi.registry.models import Person

from . import checkins, policies, selectors
from .models import Alert, AlertStatus, AlertText, CapMessageType, Crisis, CrisisStatus
from .workflow import ALERT, MANAGER

FALLBACK_LANGUAGE = "en"
LANGUAGES_POLICY = "CRISIS_ALERT_LANGUAGES"
PURPOSE = "crisis.alert"
MAX_HEADLINE = 160
MAX_DESCRIPTION = 2000
MAX_INSTRUCTION = 2000
FANOUT_CHUNK = 1000
DELIVER_BATCH = 200
CHANNELS = ("SMS", "EMAIL")
SWEEP_WINDOW = timedelta(days=7)
STALL_AFTER = timedelta(minutes=2)


def batch_key(alert: Alert) -> str:
    return f"alert:{alert.id}"


def alert_languages() -> list[str]:
    languages = list(policy(LANGUAGES_POLICY, default=[FALLBACK_LANGUAGE]))
    return languages if FALLBACK_LANGUAGE in languages else [FALLBACK_LANGUAGE, *languages]


def _alert_for(actor, alert_id) -> Alert:
    try:
        wanted = uuid.UUID(str(alert_id))
    except ValueError:
        raise NotFound(_("No such alert.")) from None
    alert = Alert.objects.select_related("crisis").filter(id=wanted, crisis__in=selectors.crises_for(actor=actor)).first()
    if alert is None:
        raise NotFound(_("No such alert."))
    return alert


def alert_for(*, actor, alert_id) -> Alert:
    """An alert of a crisis the actor sees (404 otherwise)."""
    return _alert_for(actor, alert_id)


# --- writing ------------------------------------------------------------------------------------------


def _clean_texts(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each language's headline, what is happening and what to do; English is required (it is what anyone
    whose language the alert lacks receives), the others are optional but whole when given."""
    c = Collector(data)
    texts: dict[str, dict[str, str]] = {}
    for language in alert_languages():
        names = {part: f"{part}_{language}" for part in ("headline", "description", "instruction")}
        required = language == FALLBACK_LANGUAGE
        given = any(str(data.get(name) or "").strip() for name in names.values())
        c.text(names["headline"], required=required or given, max_length=MAX_HEADLINE)
        c.text(names["description"], required=required or given, max_length=MAX_DESCRIPTION)
        c.text(names["instruction"], max_length=MAX_INSTRUCTION)
        if required or given:
            texts[language] = {part: c.cleaned.get(name, "") for part, name in names.items()}
    c.done()
    return texts


@transaction.atomic
def alert_draft(*, actor, crisis_id, data: dict[str, Any], source_ip: str | None = None) -> Alert:
    """Writes a draft alert on an active crisis, in English and any of the policy's other languages.
    Nothing is sent or published until `alert_send`."""
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    if not policies.may_manage(actor, crisis):
        raise NotAllowed(_("Only the PGE, or a Mission holding every country of the area, writes alerts for this crisis."))
    crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
    if crisis.status != CrisisStatus.ACTIVE:
        raise Conflict(_("This crisis has ended; no more alerts are sent for it."))
    texts = _clean_texts(data)
    public = str(data.get("public", "")).lower() in ("1", "true", "on", "yes")
    previous = crisis.alerts.aggregate(n=Max("sequence"))["n"] or 0
    released = crisis.alerts.filter(status=AlertStatus.PUBLISHED).exists()
    alert = Alert.objects.create(
        crisis=crisis,
        sequence=previous + 1,
        message_type=CapMessageType.UPDATE if released else CapMessageType.ALERT,
        phase=crisis.phase,
        public=public,
        status=AlertStatus.DRAFT,
        created_by=actor,
    )
    AlertText.objects.bulk_create([AlertText(alert=alert, language=language, **parts) for language, parts in texts.items()])
    audit_record(
        actor=actor, action="crisis.alert_drafted", target=alert, summary={"reference": crisis.reference, "sequence": alert.sequence, "languages": sorted(texts), "public": public}, source_ip=source_ip
    )
    return alert


@transaction.atomic
def alert_discard(*, actor, alert_id, source_ip: str | None = None) -> None:
    """Deletes a draft that will not be sent."""
    alert = _alert_for(actor, alert_id)
    if not policies.may_manage(actor, alert.crisis):
        raise NotAllowed(_("Only the PGE, or a Mission holding every country of the area, writes alerts for this crisis."))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.DRAFT:
        raise Conflict(_("This alert has been sent; it cannot be discarded."))
    audit_record(actor=actor, action="crisis.alert_discarded", target=alert, summary={"reference": alert.crisis.reference, "sequence": alert.sequence}, source_ip=source_ip)
    alert.texts.all().delete()
    alert.delete()


# --- who receives it -----------------------------------------------------------------------------------


def _recipients(crisis: Crisis):
    has_mobile = ~Q(mobile_index="")
    has_email = ~Q(email_index="")
    return selectors.reachable(crisis).order_by(), has_mobile, has_email


def alert_preview(alert: Alert) -> dict:
    """Who will receive the alert: people and messages by channel and by the language each gets (their own,
    or English, stated, when the alert has no text in it), and the people with no contact on record."""
    people, has_mobile, has_email = _recipients(alert.crisis)
    available = set(alert.texts.values_list("language", flat=True))
    rows = people.values("preferred_language").annotate(people=Count("id"), sms=Count("id", filter=has_mobile), email=Count("id", filter=has_email), none=Count("id", filter=~has_mobile & ~has_email))
    languages: dict[str, dict[str, Any]] = {}
    totals = {"people": 0, "SMS": 0, "EMAIL": 0, "no_contact": 0, "fallback_people": 0}
    for row in rows:
        wanted = row["preferred_language"] or FALLBACK_LANGUAGE
        fallback = wanted not in available
        entry = languages.setdefault(wanted, {"language": wanted, "receives": FALLBACK_LANGUAGE if fallback else wanted, "fallback": fallback, "people": 0, "SMS": 0, "EMAIL": 0})
        entry["people"] += row["people"]
        entry["SMS"] += row["sms"]
        entry["EMAIL"] += row["email"]
        totals["people"] += row["people"]
        totals["SMS"] += row["sms"]
        totals["EMAIL"] += row["email"]
        totals["no_contact"] += row["none"]
        if fallback:
            totals["fallback_people"] += row["people"]
    return {"totals": totals, "languages": sorted(languages.values(), key=lambda e: (-e["people"], e["language"])), "available": sorted(available)}


# --- sending -------------------------------------------------------------------------------------------


@transaction.atomic
def alert_send(*, actor, alert_id, source_ip: str | None = None) -> Alert:
    """Releases a draft: it is published (on the crisis page and as CAP when public) and sent to everyone the
    crisis may reach, by the fan-out task once this commits. Sending twice is refused."""
    alert = _alert_for(actor, alert_id)
    if alert.crisis.status != CrisisStatus.ACTIVE:
        raise Conflict(_("This crisis has ended; no more alerts are sent for it."))
    if not alert.texts.filter(language=FALLBACK_LANGUAGE).exists():
        raise ValidationFailed(_("The alert needs its English text before it is sent."))
    planned = alert_preview(alert)["totals"]
    now = timezone.now()

    def release(locked: Alert) -> None:
        locked.published_at = now
        locked.send_requested_at = now
        locked.sent_by = actor
        locked.recipients_planned = planned["SMS"] + planned["EMAIL"]

    sent = transition(
        obj=alert,
        workflow=ALERT,
        target=AlertStatus.PUBLISHED,
        actor=actor,
        capacities=lambda locked: {MANAGER} if policies.may_manage(actor, alert.crisis) else set(),
        expected=AlertStatus.DRAFT,
        apply=release,
        summary={"reference": alert.crisis.reference, "sequence": alert.sequence, "public": alert.public, "people": planned["people"], "messages": planned["SMS"] + planned["EMAIL"]},
        source_ip=source_ip,
    )
    from .tasks import fan_out_alert

    transaction.on_commit(lambda: fan_out_alert.delay(alert_id=str(sent.id)))
    return sent


def _texts(alert: Alert) -> dict[str, AlertText]:
    return {text.language: text for text in alert.texts.all()}


def _fallback_note() -> str:
    return _("This alert is not available in your language yet; here it is in English.")


def compose(alert: Alert, texts: dict[str, AlertText], person: Person, channel: str, *, link: str) -> tuple[str, str, str]:
    """The subject, body and language of one person's message: their language when the alert has it, else
    English with a line (in their language) saying so, and their own check-in `link`."""
    wanted = person.preferred_language or FALLBACK_LANGUAGE
    language = wanted if wanted in texts else FALLBACK_LANGUAGE
    text = texts[language]
    with translation.override(wanted):
        lines = [] if language == wanted else [_fallback_note()]
        if channel == "SMS":
            lines += [text.headline, _("Safe? Reply SAFE. Need help? Reply HELP."), _("Or answer here: %(link)s") % {"link": link}]
            return "", "\n".join(lines), language
        crisis = alert.crisis
        lines += [text.headline, "", text.description]
        if text.instruction:
            lines += ["", text.instruction]
        lines += ["", _("Tell us you are safe, or what help you need (no login, the link is only for you):"), link]
        lines += ["", _("You can also reply to our SMS with SAFE or HELP.")]
        if crisis.helplines:
            lines += ["", _("Helplines:")] + [f"{h.get('label', '')}: {h.get('number', '')}" for h in crisis.helplines]
        lines += ["", _("Advice and updates: %(url)s") % {"url": f"{settings.PRAVASI_PUBLIC_URL}/crisis/{crisis.reference}/"}]
        lines += ["", _("You receive this because you are registered with the Government of India as living in the affected area.")]
        subject = f"[{crisis.reference}] {text.headline}"
        return subject, "\n".join(lines), language


def _chunk_messages(alert: Alert, texts: dict[str, AlertText], persons) -> list[BulkMessage]:
    messages = []
    expires = checkins.link_expiry(alert)  # one policy read for the chunk, not one per message
    for person in persons:
        link = checkins.checkin_link(alert=alert, person_id=person.id, expires_at=expires)
        for channel, recipient in (("SMS", person.mobile), ("EMAIL", person.email)):
            if not recipient:
                continue
            subject, body, language = compose(alert, texts, person, channel, link=link)
            messages.append(
                BulkMessage(channel=channel, recipient=recipient, body=body, subject=subject, language=language, party=str(person.id), idempotency_key=f"alert:{alert.id}:{person.id}:{channel}")
            )
    return messages


def alert_fan_out(*, alert_id, chunk: int = FANOUT_CHUNK, deliver=None) -> dict[str, int]:
    """Writes the alert's messages chunk by chunk from where the last run stopped, asking `deliver(channel)`
    (the delivery task) to hand each written chunk over. Returns the messages written by this run."""
    alert = Alert.objects.select_related("crisis").get(id=alert_id)
    if alert.status != AlertStatus.PUBLISHED or alert.send_requested_at is None:
        return {"written": 0}
    written = 0
    if alert.fanout_done_at is None:
        texts = _texts(alert)
        people = selectors.reachable(alert.crisis).order_by("id")
        if alert.fanout_cursor is not None:
            people = people.filter(id__gt=alert.fanout_cursor)
        ids = list(people.values_list("id", flat=True))
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            persons = Person.objects.filter(id__in=part).only("id", "mobile", "email", "preferred_language").order_by("id")
            messages = _chunk_messages(alert, texts, persons)
            with transaction.atomic():
                Alert.objects.select_for_update().filter(pk=alert.pk).first()
                added = messages_write_batch(batch=batch_key(alert), purpose=PURPOSE, messages=messages)
                Alert.objects.filter(pk=alert.pk).update(fanout_cursor=part[-1], messages_written=F("messages_written") + added, updated_at=timezone.now())
            written += added
            if deliver is not None:
                for channel in sorted({m.channel for m in messages}):
                    deliver(channel)
        Alert.objects.filter(pk=alert.pk, fanout_done_at__isnull=True).update(fanout_done_at=timezone.now())
    if deliver is not None:
        for channel in CHANNELS:
            if batch_pending(batch=batch_key(alert), channel=channel):
                deliver(channel)
    return {"written": written}


def alert_deliver(*, alert_id, channel: str, limit: int = DELIVER_BATCH, rounds: int = 10) -> dict[str, int]:
    """Hands over up to `rounds` batches of the alert's queued messages on one channel."""
    key = f"alert:{alert_id}"
    totals = {"sent": 0, "failed": 0, "retry": 0}
    for _round in range(rounds):
        counts = batch_deliver(batch=key, channel=channel, limit=limit)
        for name, value in counts.items():
            totals[name] += value
        if not any(counts.values()):
            break
    return totals


# --- progress ------------------------------------------------------------------------------------------


def alert_progress(alert: Alert) -> dict:
    """How far the sending has got, per channel: queued, being handed over, sent, delivered, failed."""
    counts = outbox.batch_counts(batch_key(alert))
    channels = {}
    done = 0
    for channel in CHANNELS:
        row = {status: counts.get(channel, {}).get(status, 0) for status in DeliveryStatus.values}
        row["handed_over"] = row[DeliveryStatus.SENT] + row[DeliveryStatus.DELIVERED]
        channels[channel] = row
        done += row["handed_over"] + row[DeliveryStatus.FAILED]
    planned = max(alert.recipients_planned, alert.messages_written)
    return {
        "planned": planned,
        "written": alert.messages_written,
        "done": done,
        "percent": 100 if planned == 0 else min(100, round(100 * done / planned)),
        "finished": alert.fanout_done_at is not None and done >= alert.messages_written,
        "channels": channels,
    }


def alerts_stalled(*, quiet=STALL_AFTER) -> list[tuple[Alert, bool, list[str]]]:
    """Alerts sent in the last week whose fan-out has made no progress for `quiet` (its worker died), or
    with messages still to hand over: each with whether to restart the fan-out and the channels to hand over."""
    now = timezone.now()
    stalled = []
    for alert in Alert.objects.filter(status=AlertStatus.PUBLISHED, send_requested_at__gte=now - SWEEP_WINDOW):
        restart = alert.fanout_done_at is None and alert.updated_at < now - quiet
        channels = [channel for channel in CHANNELS if batch_pending(batch=batch_key(alert), channel=channel)]
        if restart or channels:
            stalled.append((alert, restart, channels))
    return stalled

"""Queueing and delivering outbox messages. Delivery is idempotent: a delivered message is never sent again."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pravasi.core import ratelimit

from .channels import DeliveryError, Outgoing, channel_for
from .models import DeliveryStatus, OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@transaction.atomic
def message_enqueue(*, channel: str, recipient: str, body: str, purpose: str, idempotency_key: str, subject: str = "", language: str = "en") -> OutboxMessage:
    """Writes the message in the caller's transaction; delivery is queued once it commits."""
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={"channel": channel, "recipient": recipient, "body": body, "subject": subject, "purpose": purpose, "language": language},
    )
    if created:
        from .tasks import deliver_message

        transaction.on_commit(lambda: deliver_message.delay(message_id=str(message.id)))
    return message


def message_deliver(*, message_id: str) -> str:
    """Hands one message to its channel. Safe to call twice: only a QUEUED message is sent.

    The row stays locked while the gateway is called, so two workers never send the same message.
    A failed attempt is committed before the error propagates, so retries are counted.
    """
    failure: DeliveryError | None = None
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(id=message_id).first()
        if message is None or message.status != DeliveryStatus.QUEUED:
            return message.status if message else "MISSING"
        message.attempts += 1
        gateway = channel_for(message.channel)
        try:
            ref = gateway.send(Outgoing(id=str(message.id), recipient=message.recipient, subject=message.subject, body=message.body))
        except DeliveryError as exc:
            failure = exc
            message.last_error = str(exc)[:300]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = DeliveryStatus.FAILED
            message.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            logger.warning("outbox message %s attempt %s failed: %s", message.id, message.attempts, type(exc).__name__)
        else:
            message.status = DeliveryStatus.SENT
            message.provider_ref = ref
            message.gateway = gateway.name
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "status", "provider_ref", "gateway", "sent_at", "updated_at"])
    if failure is not None and message.status != DeliveryStatus.FAILED:
        raise failure
    return message.status


@transaction.atomic
def message_mark_delivered(*, provider_ref: str, delivered: bool) -> int:
    """Applies a delivery report from a gateway. Only a SENT message moves, so a repeated report changes nothing."""
    status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.FAILED
    return OutboxMessage.objects.filter(provider_ref=provider_ref, status=DeliveryStatus.SENT).update(status=status, delivered_at=timezone.now() if delivered else None)


# --- bulk sends (an alert to everyone in an area) ---------------------------------------------------------


# A message claimed by a worker that died before recording the hand-over is handed over again after this
# long, under the same message id (the gateway's `dlr-id` / `id`), which the operator uses to drop a repeat.
def claim_lease() -> timedelta:
    return timedelta(seconds=settings.PRAVASI_SEND_CLAIM_LEASE_SECONDS)


@dataclass(frozen=True)
class BulkMessage:
    channel: str
    recipient: str
    body: str
    party: str
    idempotency_key: str
    subject: str = ""
    language: str = "en"


def messages_write_batch(*, batch: str, purpose: str, messages: Iterable[BulkMessage]) -> int:
    """Writes queued messages of a bulk send in one statement. A message whose idempotency key exists is
    skipped, so a batch written twice (a retried task) writes nothing the second time. Delivery is not
    queued here: the sender hands the batch over with `batch_deliver`, at the channel's rate."""
    rows = [
        OutboxMessage(
            channel=m.channel,
            recipient=m.recipient,
            body=m.body,
            subject=m.subject,
            purpose=purpose,
            language=m.language,
            idempotency_key=m.idempotency_key,
            batch=batch,
            party=m.party,
        )
        for m in messages
    ]
    before = OutboxMessage.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]).count() if rows else 0
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows) - before


def _claim(*, batch: str, channel: str, limit: int) -> list[OutboxMessage]:
    """Marks up to `limit` messages of the batch as being handed over, and commits that before any is sent:
    a second worker skips them, and a worker that dies leaves them claimed, not queued."""
    now = timezone.now()
    with transaction.atomic():
        stale = now - claim_lease()
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(batch=batch, channel=channel, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
            .exclude(status=DeliveryStatus.SENDING, claimed_at__gt=stale)
            # No ORDER BY: sorting every queued message of a large send to take 200 would cost more than the
            # hand-over itself; any 200 will do, the order of a bulk send is not promised.
            .order_by()
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids).update(status=DeliveryStatus.SENDING, claimed_at=now)
    return list(OutboxMessage.objects.filter(id__in=ids).order_by("created_at", "id"))


def _wait_for_rate(channel: str, count: int) -> None:
    """Holds the worker until the channel's per-second rate (shared by all workers through the cache) has
    room for `count` more messages."""
    per_second = int(settings.PRAVASI_SEND_RATE_PER_SECOND.get(channel, 0))
    if per_second <= 0:
        return
    for _ in range(count):
        while not ratelimit.allow(f"send:{channel}", limit=per_second, window_seconds=1):
            time.sleep(max(0.005, 1 - (time.time() % 1)))


def batch_deliver(*, batch: str, channel: str, limit: int = 200) -> dict[str, int]:
    """Hands up to `limit` messages of a bulk send to the channel's gateway and records each outcome.
    Safe to run twice and from several workers at once: every message is claimed by one of them."""
    messages = _claim(batch=batch, channel=channel, limit=limit)
    if not messages:
        return {"sent": 0, "failed": 0, "retry": 0}
    gateway = channel_for(channel)
    _wait_for_rate(channel, len(messages))
    outcomes = gateway.send_many([Outgoing(id=str(m.id), recipient=m.recipient, subject=m.subject, body=m.body) for m in messages])
    now = timezone.now()
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for message in messages:
        outcome = outcomes.get(str(message.id))
        message.attempts += 1
        if isinstance(outcome, str):
            message.status, message.provider_ref, message.gateway, message.sent_at, message.last_error = DeliveryStatus.SENT, outcome, gateway.name, now, ""
            counts["sent"] += 1
        else:
            message.last_error = str(outcome or "no answer from the gateway")[:300]
            message.status = DeliveryStatus.FAILED if message.attempts >= MAX_ATTEMPTS else DeliveryStatus.QUEUED
            counts["failed" if message.status == DeliveryStatus.FAILED else "retry"] += 1
    with transaction.atomic():
        # Only rows still claimed by this worker: one that ran past its lease (slow, not dead) must not undo a
        # later hand-over or a delivery report recorded meanwhile.
        claim = messages[0].claimed_at
        still_ours = set(OutboxMessage.objects.select_for_update().filter(id__in=[m.id for m in messages], status=DeliveryStatus.SENDING, claimed_at=claim).values_list("id", flat=True))
        ours = [m for m in messages if m.id in still_ours]
        sent = [m for m in ours if m.status == DeliveryStatus.SENT]
        # The messages handed over differ only in the operator's reference: one UPDATE for what they share.
        OutboxMessage.objects.filter(id__in=[m.id for m in sent]).update(status=DeliveryStatus.SENT, gateway=gateway.name, sent_at=now, last_error="", attempts=F("attempts") + 1)
        OutboxMessage.objects.bulk_update(sent, ["provider_ref"], batch_size=500)
        OutboxMessage.objects.bulk_update([m for m in ours if m.status != DeliveryStatus.SENT], ["attempts", "status", "last_error"], batch_size=500)
    if counts["failed"] or counts["retry"]:
        logger.warning("bulk send %s on %s: %s handed over, %s to retry, %s failed", batch, channel, counts["sent"], counts["retry"], counts["failed"])
    return counts


def batch_pending(*, batch: str, channel: str) -> int:
    """Messages of the batch still to hand over (queued, or claimed by a worker)."""
    return OutboxMessage.objects.filter(batch=batch, channel=channel, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).count()


def message_to_users(*, users, compose, purpose: str, key: str) -> None:
    """Queues a message to each user, by e-mail and by SMS where they have them, written in each user's
    language: `compose()` returns (subject, body) and runs with that language active. `key` names the
    event; the same event never queues the same message twice."""
    from django.utils import translation

    for user in users:
        language = user.preferred_language or "en"
        with translation.override(language):
            subject, body = compose()
        for channel, recipient in (("EMAIL", user.email), ("SMS", user.mobile)):
            if recipient:
                digest = hashlib.sha256(f"{key}:{user.id}:{channel}".encode()).hexdigest()
                message_enqueue(channel=channel, recipient=recipient, subject=str(subject), body=str(body), purpose=purpose, idempotency_key=f"users:{digest}", language=language)

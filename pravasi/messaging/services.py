"""Queueing and delivering outbox messages. Delivery is idempotent: a delivered message is never sent again."""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

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
    """Applies a delivery report from a gateway."""
    status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.FAILED
    return OutboxMessage.objects.filter(provider_ref=provider_ref, status=DeliveryStatus.SENT).update(status=status, delivered_at=timezone.now() if delivered else None)


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

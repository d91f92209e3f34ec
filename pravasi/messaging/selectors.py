"""Reads of the outbox (the administrator's message log)."""

from django.db.models import Count

from pravasi.accounts.policies import can_read_outbox
from pravasi.core.errors import NotAllowed

from .models import DeliveryStatus, OutboxMessage


def outbox_for(*, actor, limit: int = 200):
    if not can_read_outbox(actor):
        raise NotAllowed("Only administrators read the message log.")
    return OutboxMessage.objects.order_by("-created_at")[:limit]


def batch_counts(batch: str) -> dict[str, dict[str, int]]:
    """How far a bulk send has got: messages per channel and delivery status."""
    counts: dict[str, dict[str, int]] = {}
    for row in OutboxMessage.objects.filter(batch=batch).order_by().values("channel", "status").annotate(n=Count("id")):
        counts.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return counts


def parties_reached(batch: str):
    """The parties of a bulk send with at least one message handed over (a values queryset of UUIDs)."""
    return OutboxMessage.objects.filter(batch=batch, status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED], party__isnull=False).values("party")

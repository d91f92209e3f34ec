"""Reads of the outbox (the administrator's message log)."""

from pravasi.accounts.policies import can_read_outbox
from pravasi.core.errors import NotAllowed

from .models import OutboxMessage


def outbox_for(*, actor, limit: int = 200):
    if not can_read_outbox(actor):
        raise NotAllowed("Only administrators read the message log.")
    return OutboxMessage.objects.order_by("-created_at")[:limit]

"""Outbox messages: written in the same transaction as the change that causes them, delivered after commit."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pravasi.core.crypto import EncryptedTextField
from pravasi.core.models import BaseModel


class Channel(models.TextChoices):
    EMAIL = "EMAIL", _("E-mail")
    SMS = "SMS", _("SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Queued")
    SENDING = "SENDING", _("Being handed to the gateway")
    SENT = "SENT", _("Sent")
    DELIVERED = "DELIVERED", _("Delivered")
    FAILED = "FAILED", _("Failed")


class OutboxMessage(BaseModel):
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = EncryptedTextField()
    subject = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField()
    purpose = models.CharField(max_length=60)
    language = models.CharField(max_length=8, default="en")
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    provider_ref = models.CharField(max_length=120, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gateway = models.CharField(max_length=20, blank=True)
    # A bulk send (an alert's fan-out) names its messages with one batch key and the party each is for,
    # so its progress and who was reached are read from the outbox itself.
    batch = models.CharField(max_length=60, blank=True, default="")
    party = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker began handing it over")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["batch", "status"], name="outbox_batch_status", condition=~models.Q(batch="")),
            models.Index(fields=["party", "batch"], name="outbox_party_batch", condition=models.Q(party__isnull=False)),
            models.Index(fields=["provider_ref"], name="outbox_provider_ref", condition=~models.Q(provider_ref="")),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.purpose} {self.status}"


class InboundOutcome(models.TextChoices):
    HANDLED = "HANDLED", _("Handled")
    UNKNOWN_SENDER = "UNKNOWN_SENDER", _("Number not in the registry")
    NOT_UNDERSTOOD = "NOT_UNDERSTOOD", _("Not understood")
    NO_ACTIVE_ALERT = "NO_ACTIVE_ALERT", _("No alert to answer")


class InboundMessage(BaseModel):
    """An SMS received through a gateway's signed webhook. The gateway's own message id makes a replayed
    callback a no-op."""

    gateway = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=120)
    sender = EncryptedTextField()
    sender_index = models.CharField(max_length=40, blank=True, default="")
    text = EncryptedTextField()
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=InboundOutcome.choices, blank=True)
    handled_as = models.CharField(max_length=60, blank=True, help_text="What the text was taken for, e.g. crisis.checkin")

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["gateway", "provider_ref"], name="inbound_once_per_gateway_ref")]

    def __str__(self) -> str:
        return f"inbound {self.gateway} {self.outcome}"

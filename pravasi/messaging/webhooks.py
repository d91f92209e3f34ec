"""What SMS gateways call back: signed delivery reports and inbound SMS, and the signatures that prove them."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from pravasi.core.contacts import normalise_phone, phone_index
from pravasi.core.errors import NotAllowed, ValidationFailed

from .models import Channel, DeliveryStatus, InboundMessage, InboundOutcome, OutboxMessage

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Pravasi-Signature"
# A signed callback older (or further ahead) than this is refused, so a captured request cannot be replayed later.
REPLAY_WINDOW_SECONDS = 300
MAX_REF_LENGTH = 120
MAX_TEXT_LENGTH = 2000

# Kannel's delivery report types (the %d of a dlr-url). Buffered and submitted are steps on the way: they move nothing.
KANNEL_DELIVERED, KANNEL_FAILED, KANNEL_BUFFERED, KANNEL_SUBMITTED, KANNEL_REJECTED = 1, 2, 4, 8, 16
KANNEL_REPORT_STATUS = {KANNEL_DELIVERED: "DELIVERED", KANNEL_FAILED: "FAILED", KANNEL_REJECTED: "FAILED", KANNEL_BUFFERED: "", KANNEL_SUBMITTED: ""}


class BadSignature(NotAllowed):
    code = "bad_signature"


# --- signatures ---------------------------------------------------------------------------------------------


def _secret(secret: str | None = None) -> bytes:
    return (secret if secret is not None else settings.PRAVASI_GATEWAY_WEBHOOK_SECRET).encode()


def _mac(message: bytes, *, secret: str | None = None) -> str:
    return hmac.new(_secret(secret), message, hashlib.sha256).hexdigest()


def signature_header(body: bytes, *, at: int | None = None, secret: str | None = None) -> str:
    """The `X-Pravasi-Signature` value a gateway sends with `body`: `t=<unix seconds>,v1=<hex HMAC-SHA256>`."""
    at = int(time.time()) if at is None else int(at)
    return f"t={at},v1={_mac(f'{at}.'.encode() + body, secret=secret)}"


def signature_check(*, header: str | None, body: bytes, now: float | None = None) -> None:
    """Raises BadSignature unless `header` signs `body` with the webhook secret within the replay window."""
    if not header:
        raise BadSignature(_("The request is not signed: the %(header)s header is missing.") % {"header": SIGNATURE_HEADER})
    at: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t" and value.isdigit() and len(value) <= 12:
            at = int(value)
        elif key == "v1":
            candidates.append(value.strip().lower())
    if at is None or not candidates:
        raise BadSignature(_("The %(header)s header is malformed: it needs t=<unix seconds>,v1=<hex signature>.") % {"header": SIGNATURE_HEADER})
    now = time.time() if now is None else now
    if abs(now - at) > REPLAY_WINDOW_SECONDS:
        raise BadSignature(_("The signature has expired: its time is more than %(seconds)s seconds from ours.") % {"seconds": REPLAY_WINDOW_SECONDS})
    expected = _mac(f"{at}.".encode() + body)
    # Every candidate is compared (several v1 values let a gateway sign with the old and the new secret while it changes).
    if not any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in candidates):
        raise BadSignature(_("The signature does not match the request."))


def kannel_report_signature(message_id: str) -> str:
    return _mac(f"dlr:{message_id}".encode())


def kannel_report_check(*, message_id: str, signature: str) -> None:
    if not signature or not hmac.compare_digest(kannel_report_signature(message_id).encode(), signature.strip().lower().encode()):
        raise BadSignature(_("The delivery report's sig parameter does not match its id."))


def kannel_dlr_url(message_id: str) -> str:
    """The `dlr-url` handed to Kannel with a message; Kannel replaces %d with the report type."""
    query = urllib.parse.urlencode({"id": message_id, "sig": kannel_report_signature(message_id)})
    return f"{settings.PRAVASI_PUBLIC_URL}/api/v1/gateway/kannel/report/?{query}&status=%d"


def kannel_inbound_token() -> str:
    return _mac(b"kannel-inbound")


def kannel_inbound_check(token: str) -> None:
    if not token or not hmac.compare_digest(kannel_inbound_token().encode(), token.strip().lower().encode()):
        raise BadSignature(_("The token parameter is missing or wrong."))


def kannel_inbound_url() -> str:
    """The get-url an operator puts in Kannel's sms-service group (Kannel fills in %p, %a and %I)."""
    return f"{settings.PRAVASI_PUBLIC_URL}/api/v1/gateway/kannel/inbound/?from=%p&text=%a&id=%I&token={kannel_inbound_token()}"


def kannel_sms_service_config() -> str:
    """A Kannel sms-service group that forwards every inbound SMS here. `max-messages = 0` matters: Kannel
    would otherwise send our JSON answer back to the sender as an SMS; replies go through the outbox."""
    return "\n".join(
        [
            "group = sms-service",
            "keyword = default",
            f'get-url = "{kannel_inbound_url()}"',
            "max-messages = 0",
            "catch-all = true",
            "concatenation = true",
            "",
        ]
    )


# --- delivery reports ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportResult:
    matched: int  # outbox messages the id names
    changed: int  # of those, how many the report moved
    pending: int  # of those, how many are not yet recorded as sent (the gateway is asked to report again)


def report_fields(payload) -> tuple[str, str]:
    """Checks a JSON delivery report's shape and answers (id, status)."""
    if not isinstance(payload, dict):
        raise ValidationFailed(_("The report must be a JSON object with id and status."), fields={"non_field_errors": [_("Expected a JSON object.")]})
    fields: dict[str, list[str]] = {}
    ref, status = payload.get("id"), payload.get("status")
    if not isinstance(ref, str | int) or isinstance(ref, bool) or not str(ref).strip():
        fields["id"] = [_("Give the message id: the operator's reference or ours.")]
    elif len(str(ref)) > MAX_REF_LENGTH:
        fields["id"] = [_("The id is longer than %(n)s characters.") % {"n": MAX_REF_LENGTH}]
    if not isinstance(status, str) or not status.strip():
        fields["status"] = [_("Give the status, e.g. DELIVERED or FAILED.")]
    elif len(status) > 40:
        fields["status"] = [_("The status is longer than 40 characters.")]
    if fields:
        raise ValidationFailed(_("The delivery report needs correcting."), fields=fields)
    return str(ref).strip(), status.strip().upper()


def _messages_named(ref: str):
    """Outbox SMS named by the operator's reference or by our own message id (sent as dlr-id or id)."""
    match = Q(provider_ref=ref) & ~Q(provider_ref="")
    try:
        match |= Q(id=uuid.UUID(ref))
    except ValueError:
        pass
    return OutboxMessage.objects.filter(match, channel=Channel.SMS)


@transaction.atomic
def report_apply(*, ref: str, status: str) -> ReportResult:
    """Applies a delivery report. Only a SENT message moves (to DELIVERED or FAILED), so a repeated or late
    report changes nothing; any other status (buffered, submitted, accepted) is a step on the way."""
    messages = _messages_named(ref)
    states = list(messages.values_list("status", flat=True))
    # Queued or being handed over: the operator has it, but the worker has not recorded it as sent yet.
    pending = sum(1 for s in states if s in (DeliveryStatus.SENDING, DeliveryStatus.QUEUED))
    changed = 0
    if status in ("DELIVERED", "FAILED"):
        now = timezone.now()
        if status == "DELIVERED":
            changed = messages.filter(status=DeliveryStatus.SENT).update(status=DeliveryStatus.DELIVERED, delivered_at=now, updated_at=now)
        else:
            changed = messages.filter(status=DeliveryStatus.SENT).update(status=DeliveryStatus.FAILED, last_error="The gateway reported the message undelivered.", updated_at=now)
    # A report can overtake the worker that handed the message over; the gateway is asked to retry it then.
    waiting = pending if status in ("DELIVERED", "FAILED") and not changed else 0
    return ReportResult(matched=len(states), changed=changed, pending=waiting)


def kannel_report_fields(*, message_id: str, status: str) -> tuple[str, str]:
    """Checks a Kannel dlr-url call and answers (our message id, DELIVERED, FAILED or "")."""
    fields: dict[str, list[str]] = {}
    if not message_id or len(message_id) > MAX_REF_LENGTH:
        fields["id"] = [_("Give the message id.")]
    code = int(status) if status.strip().isdigit() and len(status.strip()) <= 3 else None
    if code is None or code not in KANNEL_REPORT_STATUS:
        fields["status"] = [_("The status must be one of Kannel's report types: 1, 2, 4, 8 or 16.")]
    if fields:
        raise ValidationFailed(_("The delivery report needs correcting."), fields=fields)
    return message_id, KANNEL_REPORT_STATUS[code]


# --- inbound SMS --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundFields:
    provider_ref: str
    sender: str
    text: str
    received_at: datetime | None


def inbound_fields(payload) -> InboundFields:
    """Checks an inbound SMS webhook's shape: {"id", "from", "text", "received_at" (optional, ISO 8601)}."""
    if not isinstance(payload, dict):
        raise ValidationFailed(_("The inbound message must be a JSON object with id, from and text."), fields={"non_field_errors": [_("Expected a JSON object.")]})
    return inbound_check(provider_ref=payload.get("id"), sender=payload.get("from"), text=payload.get("text"), received_at=payload.get("received_at"))


def inbound_check(*, provider_ref, sender, text, received_at=None) -> InboundFields:
    fields: dict[str, list[str]] = {}
    if isinstance(provider_ref, int) and not isinstance(provider_ref, bool):
        provider_ref = str(provider_ref)
    if not isinstance(provider_ref, str) or not provider_ref.strip():
        fields["id"] = [_("Give the operator's id of the message.")]
    elif len(provider_ref.strip()) > MAX_REF_LENGTH:
        fields["id"] = [_("The id is longer than %(n)s characters.") % {"n": MAX_REF_LENGTH}]
    if not isinstance(sender, str) or not sender.strip():
        fields["from"] = [_("Give the sender's number.")]
    elif len(sender) > 32:
        fields["from"] = [_("This is too long to be a phone number.")]
    if not isinstance(text, str):
        fields["text"] = [_("Give the text of the message.")]
    elif len(text) > MAX_TEXT_LENGTH:
        fields["text"] = [_("The text is longer than %(n)s characters.") % {"n": MAX_TEXT_LENGTH}]
    at = None
    if received_at not in (None, ""):
        at = parse_datetime(received_at) if isinstance(received_at, str) else None
        if at is None:
            fields["received_at"] = [_("Give the time in ISO 8601, e.g. 2026-11-26T10:15:00+04:00.")]
        elif timezone.is_naive(at):
            at = at.replace(tzinfo=UTC)
    if fields:
        raise ValidationFailed(_("The inbound message needs correcting."), fields=fields)
    return InboundFields(provider_ref=provider_ref.strip(), sender=sender.strip(), text=text, received_at=at)


def _sender_e164(raw: str) -> str | None:
    """The sender in E.164, or None for a number we cannot read (a short code, an alphanumeric sender).
    Operators often drop the "+" of an international number, so all digits are tried with one too."""
    for candidate in (raw, f"+{raw}" if raw.isdigit() else ""):
        if not candidate:
            continue
        try:
            return normalise_phone(candidate, field="from")
        except ValidationFailed:
            continue
    return None


def _answer_field(answer, name: str, default=""):
    if isinstance(answer, dict):
        return answer.get(name, default)
    return getattr(answer, name, default)


_missing_handlers: set[str] = set()


def inbound_handlers() -> list:
    """The configured handlers that can be imported; a missing one is skipped (its app may not be deployed yet)."""
    handlers = []
    for path in getattr(settings, "PRAVASI_INBOUND_SMS_HANDLERS", []):
        try:
            handlers.append((path, import_string(path)))
        except ImportError:
            if path not in _missing_handlers:  # once per process, not once per message of a busy day
                _missing_handlers.add(path)
                logger.warning("inbound SMS handler %s cannot be imported; skipped", path)
    return handlers


def inbound_receive(*, gateway: str, provider_ref: str, sender: str, text: str, received_at: datetime | None = None) -> InboundMessage:
    """Stores an inbound SMS once per (gateway, operator id) and lets the first handler that claims it act on it.

    A replayed callback is a no-op answering the first outcome. Each handler runs in a savepoint, so one that
    fails leaves nothing behind and the next is asked; the whole receipt commits or rolls back as one, so a
    gateway that retries after an error finds nothing half-done."""
    with transaction.atomic():
        existing = InboundMessage.objects.filter(gateway=gateway, provider_ref=provider_ref).first()
        if existing is not None:
            existing.replayed = True
            return existing
        e164 = _sender_e164(sender)
        inbound = InboundMessage(
            gateway=gateway,
            provider_ref=provider_ref,
            sender=e164 or sender,
            sender_index=phone_index(e164) if e164 else "",
            text=text,
            received_at=received_at or timezone.now(),
        )
        try:
            with transaction.atomic():
                inbound.save(force_insert=True)
        except IntegrityError:
            # The same callback arriving twice at once: the other request stored it first.
            existing = InboundMessage.objects.filter(gateway=gateway, provider_ref=provider_ref).first()
            if existing is None:
                raise
            existing.replayed = True
            return existing
        if e164 is None:
            inbound.outcome = InboundOutcome.UNKNOWN_SENDER
        else:
            inbound.outcome, inbound.handled_as, reply = _dispatch(inbound, e164)
            if reply:
                from .services import message_enqueue

                message_enqueue(channel=Channel.SMS, recipient=e164, body=reply, purpose="inbound.reply", idempotency_key=f"inbound-reply:{inbound.id}")
        inbound.save(update_fields=["outcome", "handled_as", "updated_at"])
    logger.info("inbound SMS on %s: %s %s", gateway, inbound.outcome, inbound.handled_as or "-")
    inbound.replayed = False
    return inbound


def _dispatch(inbound: InboundMessage, e164: str) -> tuple[str, str, str]:
    for path, handler in inbound_handlers():
        try:
            with transaction.atomic():
                answer = handler(sender=e164, sender_index=inbound.sender_index, text=inbound.text, message_key=f"inbound:{inbound.id}")
                if answer is None:
                    continue
                outcome = InboundOutcome(_answer_field(answer, "outcome"))
                handled_as = str(_answer_field(answer, "handled_as") or "")[:60]
                reply = str(_answer_field(answer, "reply") or "")
        except Exception as exc:
            # Only the exception's type: its text may quote the message or the number.
            logger.warning("inbound SMS handler %s failed (%s); the next handler is asked", path, type(exc).__name__)
            continue
        return outcome, handled_as, reply
    return InboundOutcome.NOT_UNDERSTOOD, "", ""

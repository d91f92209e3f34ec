"""Delivery channels. A gateway takes one message and returns the provider's reference or raises."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage


class DeliveryError(Exception):
    pass


@dataclass
class Outgoing:
    id: str
    recipient: str
    subject: str
    body: str


class LogChannel:
    """The embedded default: the message stays in the outbox, readable by administrators."""

    name = "log"

    def send(self, message: Outgoing) -> str:
        return f"log-{message.id}"


class SmtpEmailChannel:
    name = "smtp"

    def send(self, message: Outgoing) -> str:
        email = EmailMessage(subject=message.subject, body=message.body, to=[message.recipient], headers={"X-Pravasi-Message": message.id})
        try:
            sent = email.send(fail_silently=False)
        except Exception as exc:  # network and protocol errors
            raise DeliveryError(type(exc).__name__) from exc
        if sent != 1:
            raise DeliveryError("SMTP server did not accept the message")
        return f"smtp-{message.id}"


class KannelSmsGateway:
    """Kannel-style `GET /cgi-bin/sendsms?username&password&to&text&from&dlr-url`."""

    name = "kannel"

    def send(self, message: Outgoing) -> str:
        query = urllib.parse.urlencode(
            {
                "username": settings.PRAVASI_SMS_GATEWAY_USER,
                "password": settings.PRAVASI_SMS_GATEWAY_PASSWORD,
                "to": message.recipient,
                "from": settings.PRAVASI_SMS_SENDER,
                "text": message.body,
                "charset": "UTF-8",
                "coding": "2",
                "dlr-mask": "31",
                "dlr-id": message.id,
            }
        )
        try:
            with urllib.request.urlopen(f"{gateway_url()}?{query}", timeout=10) as response:  # noqa: S310 (scheme checked)
                if response.status not in (200, 202):
                    raise DeliveryError(f"gateway answered {response.status}")
        except DeliveryError:
            raise
        except Exception as exc:
            raise DeliveryError(type(exc).__name__) from exc
        return f"kannel-{message.id}"


class JsonWebhookSmsGateway:
    """A generic JSON webhook: POST {id, to, from, text}; answers {"id": "<provider ref>"}."""

    name = "json"

    def send(self, message: Outgoing) -> str:
        payload = json.dumps({"id": message.id, "to": message.recipient, "from": settings.PRAVASI_SMS_SENDER, "text": message.body}).encode()
        request = urllib.request.Request(gateway_url(), data=payload, headers={"Content-Type": "application/json"}, method="POST")  # noqa: S310 (scheme checked)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (scheme checked)
                body = json.loads(response.read() or b"{}")
        except Exception as exc:
            raise DeliveryError(type(exc).__name__) from exc
        return str(body.get("id") or f"json-{message.id}")


def gateway_url() -> str:
    url = settings.PRAVASI_SMS_GATEWAY_URL
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("PRAVASI_SMS_GATEWAY_URL must be an http(s) URL")
    return url


SMS_GATEWAYS = {"log": LogChannel, "kannel": KannelSmsGateway, "json": JsonWebhookSmsGateway}
EMAIL_CHANNELS = {"log": LogChannel, "smtp": SmtpEmailChannel}


def channel_for(kind: str):
    if kind == "EMAIL":
        return EMAIL_CHANNELS[settings.PRAVASI_EMAIL_CHANNEL]()
    return SMS_GATEWAYS[settings.PRAVASI_SMS_GATEWAY]()

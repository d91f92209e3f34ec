"""Delivery channels. A gateway takes one message and returns the provider's reference or raises."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .webhooks import kannel_dlr_url


class DeliveryError(Exception):
    pass


@dataclass
class Outgoing:
    id: str
    recipient: str
    subject: str
    body: str


class Channel:
    """Base of every channel. `send_many` hands over several messages and answers, per message id, the
    provider's reference or the DeliveryError that stopped it; a gateway with a bulk interface overrides it."""

    name = ""

    def send(self, message: Outgoing) -> str:
        raise NotImplementedError

    def send_many(self, messages: list[Outgoing]) -> dict[str, str | DeliveryError]:
        outcomes: dict[str, str | DeliveryError] = {}
        for message in messages:
            try:
                outcomes[message.id] = self.send(message)
            except DeliveryError as exc:
                outcomes[message.id] = exc
        return outcomes


class LogChannel(Channel):
    """The embedded default: the message stays in the outbox, readable by administrators."""

    name = "log"

    def send(self, message: Outgoing) -> str:
        return f"log-{message.id}"


class SmtpEmailChannel(Channel):
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

    def send_many(self, messages: list[Outgoing]) -> dict[str, str | DeliveryError]:
        """One SMTP session for the whole batch; a message the server refuses fails alone."""
        outcomes: dict[str, str | DeliveryError] = {}
        try:
            connection = get_connection(fail_silently=False)
            connection.open()
        except Exception as exc:
            return {m.id: DeliveryError(type(exc).__name__) for m in messages}
        try:
            for message in messages:
                email = EmailMessage(subject=message.subject, body=message.body, to=[message.recipient], headers={"X-Pravasi-Message": message.id}, connection=connection)
                try:
                    outcomes[message.id] = f"smtp-{message.id}" if email.send(fail_silently=False) == 1 else DeliveryError("SMTP server did not accept the message")
                except Exception as exc:
                    outcomes[message.id] = DeliveryError(type(exc).__name__)
        finally:
            try:
                connection.close()
            except Exception:  # noqa: S110 (the messages are handed over; a failed QUIT changes nothing)
                pass
        return outcomes


class GatewayConnection:
    """One keep-alive HTTP connection to the SMS gateway for a whole batch, instead of a connection per message.

    A request that fails on a reused connection (the gateway closed it while idle) is sent once more on a new
    one; that is safe because the gateway drops a repeat of our message id. After a second network failure the
    gateway is taken as unreachable and the rest of the batch is not attempted, so a dead gateway costs one
    timeout per batch, not one per message."""

    def __init__(self, url: str, *, timeout: float = 10):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DeliveryError("PRAVASI_SMS_GATEWAY_URL must be an http(s) URL")
        self.path = parts.path or "/"
        self.query = parts.query
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.connection = factory(parts.hostname, parts.port, timeout=timeout)
        self.used = False
        self.unreachable: DeliveryError | None = None

    def request(self, method: str, target: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.unreachable is not None:
            raise DeliveryError(str(self.unreachable))
        headers = {"User-Agent": "Pravasi", "Accept": "application/json", **(headers or {})}
        for attempt in (1, 2):
            reused = self.used
            try:
                self.connection.request(method, target, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError) as exc:
                self.connection.close()
                self.used = False
                if attempt == 1 and (reused or isinstance(exc, ConnectionError | http.client.RemoteDisconnected)):
                    continue
                self.unreachable = DeliveryError(f"gateway unreachable ({type(exc).__name__})")
                raise self.unreachable from exc
            self.used = True
            if response.will_close:
                self.connection.close()
                self.used = False
            return response.status, data
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _send_each(messages: list[Outgoing], send_one) -> dict[str, str | DeliveryError]:
    outcomes: dict[str, str | DeliveryError] = {}
    for message in messages:
        try:
            outcomes[message.id] = send_one(message)
        except DeliveryError as exc:
            outcomes[message.id] = exc
    return outcomes


class KannelSmsGateway(Channel):
    """Kannel-style `GET /cgi-bin/sendsms?username&password&to&text&from&dlr-mask&dlr-id&dlr-url`. Kannel
    cannot sign its callbacks, so the dlr-url carries an HMAC of our message id that the report must echo."""

    name = "kannel"

    def send(self, message: Outgoing) -> str:
        outcome = self.send_many([message])[message.id]
        if isinstance(outcome, DeliveryError):
            raise outcome
        return outcome

    def send_many(self, messages: list[Outgoing]) -> dict[str, str | DeliveryError]:
        try:
            gateway = GatewayConnection(gateway_url())
        except DeliveryError as exc:
            return {m.id: exc for m in messages}
        with gateway:

            def send_one(message: Outgoing) -> str:
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
                        "dlr-url": kannel_dlr_url(message.id),
                    }
                )
                status, _body = gateway.request("GET", f"{gateway.path}?{gateway.query + '&' if gateway.query else ''}{query}")
                if status not in (200, 202):
                    raise DeliveryError(f"gateway answered {status}")
                return f"kannel-{message.id}"

            return _send_each(messages, send_one)


class JsonWebhookSmsGateway(Channel):
    """A generic JSON webhook: POST {id, to, from, text}, answered {"id": "<provider ref>"}; or, when
    PRAVASI_SMS_GATEWAY_BATCH is on, POST {"messages": [...]} once, answered {"ids": {"<our id>": "<ref>"}}."""

    name = "json"

    def send(self, message: Outgoing) -> str:
        outcome = self.send_many([message])[message.id]
        if isinstance(outcome, DeliveryError):
            raise outcome
        return outcome

    @staticmethod
    def _item(message: Outgoing) -> dict[str, str]:
        return {"id": message.id, "to": message.recipient, "from": settings.PRAVASI_SMS_SENDER, "text": message.body}

    @staticmethod
    def _answer(status: int, body: bytes) -> dict:
        if not 200 <= status < 300:
            raise DeliveryError(f"gateway answered {status}")
        try:
            answer = json.loads(body or b"{}")
        except ValueError as exc:
            raise DeliveryError("gateway answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise DeliveryError("gateway answer is not a JSON object")
        return answer

    def send_many(self, messages: list[Outgoing]) -> dict[str, str | DeliveryError]:
        if not messages:
            return {}
        headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            gateway = GatewayConnection(gateway_url())
        except DeliveryError as exc:
            return {m.id: exc for m in messages}
        with gateway:
            target = f"{gateway.path}?{gateway.query}" if gateway.query else gateway.path
            if getattr(settings, "PRAVASI_SMS_GATEWAY_BATCH", False):
                try:
                    status, body = gateway.request("POST", target, body=json.dumps({"messages": [self._item(m) for m in messages]}).encode(), headers=headers)
                    refs = self._answer(status, body).get("ids")
                    if not isinstance(refs, dict):
                        raise DeliveryError("gateway answer has no ids")
                except DeliveryError as exc:
                    return {m.id: exc for m in messages}
                return {m.id: str(refs[m.id]) if refs.get(m.id) else DeliveryError("gateway did not accept the message") for m in messages}

            def send_one(message: Outgoing) -> str:
                status, body = gateway.request("POST", target, body=json.dumps(self._item(message)).encode(), headers=headers)
                return str(self._answer(status, body).get("id") or f"json-{message.id}")

            return _send_each(messages, send_one)


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

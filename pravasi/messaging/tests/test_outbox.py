"""The outbox: one delivery per message even when retried, real HTTP to a local SMS gateway."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from pravasi.messaging.models import DeliveryStatus, OutboxMessage
from pravasi.messaging.services import message_deliver, message_enqueue, message_mark_delivered

pytestmark = pytest.mark.django_db


class Gateway:
    """A local operator gateway speaking both the Kannel sendsms and the JSON webhook interfaces."""

    def __init__(self, fail_first: int = 0):
        self.received: list[dict] = []
        self.fail_first = fail_first
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, payload):
                if gateway.fail_first > 0:
                    gateway.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                gateway.received.append(payload)
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"op-{len(gateway.received)}"}).encode())

            def do_GET(self):
                self._answer({k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()})

            def do_POST(self):
                self._answer(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def enqueue(key="k1"):
    return message_enqueue(channel="SMS", recipient="+971501234567", body="नमस्ते: your code is 123456", purpose="test", idempotency_key=key)


def test_same_idempotency_key_makes_one_message():
    assert enqueue().id == enqueue().id
    assert OutboxMessage.objects.count() == 1


def test_log_channel_keeps_the_message_readable():
    message = enqueue()
    assert message_deliver(message_id=message.id) == DeliveryStatus.SENT
    message.refresh_from_db()
    assert message.gateway == "log" and message.body.startswith("नमस्ते")


@pytest.mark.parametrize("kind", ["json", "kannel"])
def test_gateway_over_http_delivers_once_even_when_retried(settings, kind):
    with Gateway() as gateway:
        settings.PRAVASI_SMS_GATEWAY = kind
        settings.PRAVASI_SMS_GATEWAY_URL = gateway.url + ("/cgi-bin/sendsms" if kind == "kannel" else "/send")
        message = enqueue()
        message_deliver(message_id=message.id)
        message_deliver(message_id=message.id)  # a retried task
    assert len(gateway.received) == 1
    sent = gateway.received[0]
    assert (sent.get("to"), sent.get("text")) == ("+971501234567", "नमस्ते: your code is 123456")
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT and message.attempts == 1
    if kind == "json":
        assert message.provider_ref == "op-1"
        assert message_mark_delivered(provider_ref="op-1", delivered=True) == 1
        message.refresh_from_db()
        assert message.status == DeliveryStatus.DELIVERED


def test_gateway_failure_is_retried_then_succeeds(settings):
    from pravasi.messaging.channels import DeliveryError

    with Gateway(fail_first=1) as gateway:
        settings.PRAVASI_SMS_GATEWAY = "json"
        settings.PRAVASI_SMS_GATEWAY_URL = gateway.url
        message = enqueue()
        with pytest.raises(DeliveryError):
            message_deliver(message_id=message.id)
        message.refresh_from_db()
        assert message.status == DeliveryStatus.QUEUED and message.attempts == 1
        assert message_deliver(message_id=message.id) == DeliveryStatus.SENT
    assert len(gateway.received) == 1


def test_bodies_and_recipients_are_encrypted_at_rest():
    from django.db import connection

    enqueue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, body FROM messaging_outboxmessage")
        recipient, body = cursor.fetchone()
    assert "+971" not in recipient and "123456" not in body

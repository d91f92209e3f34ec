"""Round trips over real sockets: e-mail through an SMTP server on loopback, SMS through the local gateway
process and back through the site's webhooks (delivery reports, an inbound reply)."""

import email
import email.policy
import json
import os
import select
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from pravasi.messaging.channels import Outgoing, channel_for
from pravasi.messaging.models import DeliveryStatus, InboundMessage, InboundOutcome, OutboxMessage
from pravasi.messaging.services import BulkMessage, batch_deliver, messages_write_batch

ROOT = Path(__file__).resolve().parents[3]
THIS = "pravasi.messaging.tests.test_roundtrip"
TEXTS = [
    "नमस्ते: कृपया सुरक्षित स्थान पर जाएँ।",
    "നമസ്കാരം: സുരക്ഷിത സ്ഥലത്തേക്ക് മാറുക.",
    "Reply SAFE if you are safe.",
    "मलयालम और हिन्दी: സുരക്ഷിതം / सुरक्षित",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float = 8.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# --- e-mail ---------------------------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts, with the client's address of its session."""

    def __init__(self):
        self.messages: list[tuple[tuple, email.message.EmailMessage, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.peer, email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = "127.0.0.1", controller.port, False, ""
    settings.PRAVASI_EMAIL_CHANNEL = "smtp"
    yield mailbox
    controller.stop()


@pytest.mark.django_db
def test_a_batch_of_emails_goes_through_one_smtp_session(smtp_server):
    written = messages_write_batch(
        batch="mail-1",
        purpose="crisis.alert",
        messages=[
            BulkMessage(channel="EMAIL", recipient=f"person{n}@example.org", subject=f"चेतावनी {n}: അറിയിപ്പ്", body=text, party=str(uuid.uuid4()), idempotency_key=f"mail-1:{n}")
            for n, text in enumerate(TEXTS)
        ],
    )
    assert written == len(TEXTS)
    assert batch_deliver(batch="mail-1", channel="EMAIL") == {"sent": len(TEXTS), "failed": 0, "retry": 0}
    assert batch_deliver(batch="mail-1", channel="EMAIL") == {"sent": 0, "failed": 0, "retry": 0}  # a retried task sends nothing
    received = wait_for(lambda: len(smtp_server.messages) >= len(TEXTS) and smtp_server.messages, timeout=5)
    assert len(received) == len(TEXTS)
    assert len({peer for peer, _message, _to in received}) == 1, "one SMTP session for the batch"
    by_id = {message["X-Pravasi-Message"]: (message, to) for _peer, message, to in received}
    rows = list(OutboxMessage.objects.filter(batch="mail-1"))
    assert set(by_id) == {str(row.id) for row in rows}
    for row in rows:
        message, to = by_id[str(row.id)]
        assert to == [row.recipient]
        # A long encoded subject is folded onto a continuation line: the unfolded value starts with its space.
        assert message["Subject"].strip() == row.subject
        assert message.get_content().rstrip("\r\n") == row.body  # SMTP carries CRLF line ends
        assert row.status == DeliveryStatus.SENT and row.attempts == 1 and row.gateway == "smtp"


# --- SMS through the local gateway process ------------------------------------------------------------------


class GatewayProcess:
    """`manage.py sms_gateway` in its own process, reporting to the live server. Reports are held until the
    batch is handed over, and the test waits on the gateway, not the database, while they arrive: with SQLite
    the live server shares the test's connection, which two threads must not use at once."""

    def __init__(self, tmp_path: Path, *, report_to: str, secret: str, extra: tuple[str, ...] = ()):
        self.log = tmp_path / "gateway.jsonl"
        env = {**os.environ, "PRAVASI_GATEWAY_WEBHOOK_SECRET": secret, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, str(ROOT / "manage.py"), "sms_gateway", "--port", "0", "--log", str(self.log), "--report-to", report_to, "--report-delay-ms", "0", "--hold-reports", *extra]
        self.errors = tmp_path / "gateway.err"
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        self.url = self._address()

    def _address(self) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], 15)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            self.stop()
            raise AssertionError(f"the gateway did not start: {line!r} {self.errors.read_text()}")
        return line.removeprefix("listening on ").strip()

    def logged(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()] if self.log.exists() else []

    def request(self, method: str, path: str, payload=None) -> dict:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def gateway_process(tmp_path, live_server, settings):
    settings.PRAVASI_PUBLIC_URL = live_server.url
    process = GatewayProcess(tmp_path, report_to=live_server.url, secret=settings.PRAVASI_GATEWAY_WEBHOOK_SECRET)
    yield process
    process.stop()


def write_sms_batch(batch: str) -> list[OutboxMessage]:
    messages_write_batch(
        batch=batch,
        purpose="crisis.alert",
        messages=[BulkMessage(channel="SMS", recipient=f"+97150123456{n}", body=text, party=str(uuid.uuid4()), idempotency_key=f"{batch}:{n}") for n, text in enumerate(TEXTS)],
    )
    return list(OutboxMessage.objects.filter(batch=batch).order_by("created_at", "id"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["json", "json-batch", "kannel"])
def test_sms_batch_through_the_gateway_process_comes_back_delivered(settings, gateway_process, kind):
    settings.PRAVASI_SMS_GATEWAY = "kannel" if kind == "kannel" else "json"
    settings.PRAVASI_SMS_GATEWAY_BATCH = kind == "json-batch"
    settings.PRAVASI_SMS_GATEWAY_URL = gateway_process.url + ("/cgi-bin/sendsms" if kind == "kannel" else "/")
    rows = write_sms_batch(f"sms-{kind}")

    assert batch_deliver(batch=f"sms-{kind}", channel="SMS") == {"sent": len(rows), "failed": 0, "retry": 0}

    logged = gateway_process.logged()
    assert sorted(line["id"] for line in logged) == sorted(str(row.id) for row in rows), "each message reached the operator once"
    by_id = {line["id"]: line for line in logged}
    for row in rows:
        assert (by_id[str(row.id)]["to"], by_id[str(row.id)]["text"]) == (row.recipient, row.body)

    # Handed over again (as after a worker died before recording it), under the same ids: the operator drops them.
    again = channel_for("SMS").send_many([Outgoing(id=str(r.id), recipient=r.recipient, subject="", body=r.body) for r in rows])
    assert all(isinstance(ref, str) for ref in again.values())
    if kind != "kannel":
        sent = {str(r.id): r.provider_ref for r in OutboxMessage.objects.filter(batch=f"sms-{kind}")}
        assert again == sent, "the operator answers a repeat with its first reference"
    # One keep-alive connection per batch (the first, the repeat), and this question.
    assert gateway_process.request("GET", "/status")["connections"] == 3

    # Now the operator reports: Kannel "submitted" (changes nothing) then "delivered"; JSON "delivered".
    gateway_process.request("POST", "/reports/release")
    expected = len(rows) * (2 if kind == "kannel" else 1)
    status = wait_for(lambda: (s := gateway_process.request("GET", "/status")) and not s["reports_pending"] and s)
    assert status["reports_sent"] == expected and status["reports_failed"] == 0 and status["repeats"] == len(rows), status
    assert set(OutboxMessage.objects.filter(batch=f"sms-{kind}").values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert len(gateway_process.logged()) == len(rows)


def claims_safe(*, sender, sender_index, text, message_key):
    if text.strip().upper() == "SAFE":
        return {"outcome": "HANDLED", "handled_as": "test.safe", "reply": "Thank you."}
    return None


@pytest.mark.django_db(transaction=True)
def test_a_reply_injected_at_the_gateway_reaches_the_site(settings, gateway_process):
    settings.PRAVASI_INBOUND_SMS_HANDLERS = ["pravasi.crisis.checkins.inbound_sms_not_here", f"{THIS}.claims_safe"]
    answer = gateway_process.request("POST", "/inject", {"from": "+971501234567", "text": "SAFE"})
    assert answer["status"] == 200, answer
    inbound = wait_for(lambda: InboundMessage.objects.filter(provider_ref=answer["id"]).first())
    assert inbound is not None
    assert (inbound.gateway, inbound.sender, inbound.text, inbound.outcome, inbound.handled_as) == ("json", "+971501234567", "SAFE", InboundOutcome.HANDLED, "test.safe")
    reply = OutboxMessage.objects.get(purpose="inbound.reply")
    assert (reply.recipient, reply.body) == ("+971501234567", "Thank you.")


@pytest.mark.parametrize("kind", ["json", "json-batch", "kannel"])
def test_gateway_errors_fail_each_message_alone(settings, tmp_path, kind):
    from pravasi.messaging.channels import DeliveryError
    from pravasi.messaging.localgateway import LocalGateway

    settings.PRAVASI_SMS_GATEWAY = "kannel" if kind == "kannel" else "json"
    settings.PRAVASI_SMS_GATEWAY_BATCH = kind == "json-batch"
    messages = [Outgoing(id=str(uuid.uuid4()), recipient=f"+97150123456{n}", subject="", body=text) for n, text in enumerate(TEXTS)]
    with LocalGateway(log=tmp_path / "gateway.jsonl", fail_first=1) as gateway:
        settings.PRAVASI_SMS_GATEWAY_URL = gateway.url + ("/cgi-bin/sendsms" if kind == "kannel" else "/")
        outcomes = channel_for("SMS").send_many(messages)
        if kind == "json-batch":  # one request for the batch: refused whole
            assert all(isinstance(o, DeliveryError) and "503" in str(o) for o in outcomes.values())
        else:
            assert isinstance(outcomes[messages[0].id], DeliveryError) and "503" in str(outcomes[messages[0].id])
            assert all(isinstance(outcomes[m.id], str) for m in messages[1:])
        assert gateway.status()["received"] == (0 if kind == "json-batch" else len(messages) - 1)

    # Nobody listening: the batch fails at once, without a timeout per message.
    settings.PRAVASI_SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/"
    started = time.monotonic()
    outcomes = channel_for("SMS").send_many(messages)
    assert all(isinstance(o, DeliveryError) and "unreachable" in str(o) for o in outcomes.values())
    assert time.monotonic() - started < 2

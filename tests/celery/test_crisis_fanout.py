"""An alert's fan-out through a real worker and a local operator gateway process: the worker is killed while it
hands a batch over, a new one finishes the job, and every person receives the alert exactly once."""

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from pravasi.crisis import alerts, services
from pravasi.crisis.tests.factories import crisis_data, mission_official, pge_official, register
from pravasi.messaging.models import DeliveryStatus, OutboxMessage

from .conftest import ROOT, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
PEOPLE = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gateway(tmp_path):
    log = tmp_path / "gateway.jsonl"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sms_gateway", "--port", str(port), "--log", str(log), "--delay-ms", "25"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert "listening on" in process.stdout.readline()
    yield f"http://127.0.0.1:{port}/", log
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []


def test_a_worker_killed_mid_batch_sends_nobody_the_alert_twice(worker, gateway):
    url, log = gateway
    env = {"PRAVASI_SMS_GATEWAY": "json", "PRAVASI_SMS_GATEWAY_URL": url, "PRAVASI_SEND_CLAIM_LEASE_SECONDS": "3", "PRAVASI_EMAIL_CHANNEL": "log"}
    registrar = pge_official()
    officer = mission_official(["AE"])
    crisis = services.crisis_declare(actor=officer, data=crisis_data(regions=["Dubai"]))
    people = [register(registrar, mobile=f"+97155{i:07d}", email="") for i in range(PEOPLE)]

    first = worker(**env)
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data={"headline_en": "Floods: stay indoors", "description_en": "Roads are flooded."})
    alerts.alert_send(actor=officer, alert_id=alert.id)  # the fan-out is queued once this commits
    assert wait_for(lambda: len(lines(log)) >= 30, timeout=90), "the worker handed nothing to the gateway"
    first.send_signal(signal.SIGKILL)
    first.wait()
    handed_before = len(lines(log))
    assert handed_before < PEOPLE, "the fan-out finished before the worker could be killed"

    worker(**env)
    key = alerts.batch_key(alert)
    done = [DeliveryStatus.SENT, DeliveryStatus.DELIVERED]
    assert wait_for(lambda: OutboxMessage.objects.filter(batch=key, status__in=done).count() == PEOPLE, timeout=180)

    received = lines(log)
    assert len(received) == PEOPLE
    assert len({entry["id"] for entry in received}) == PEOPLE
    assert sorted(entry["to"] for entry in received) == sorted(p.mobile for p in people)
    assert OutboxMessage.objects.filter(batch=key).count() == PEOPLE  # one message per person and channel
    # A repeat reaches the gateway only for messages in flight when the worker died (handed over, not yet
    # recorded): they go again under the same message id, which the operator drops.
    with urllib.request.urlopen(f"{url}status", timeout=5) as answer:  # noqa: S310 (loopback test gateway)
        status = json.loads(answer.read())
    assert status["repeats"] <= alerts.DELIVER_BATCH
    alert.refresh_from_db()
    assert alert.fanout_done_at is not None and alert.messages_written == PEOPLE

"""Tasks through a real Celery worker and the local Redis broker (run by .ci/run).

The worker is a separate process on the test database; a worker killed mid-import loses no
acknowledged row and the redelivered task finishes the job without importing anyone twice.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from config.celery import app as celery_app
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.messaging.models import DeliveryStatus, OutboxMessage
from pravasi.messaging.services import message_enqueue
from pravasi.registry.importer import IMPORT_COLUMNS, import_job_create
from pravasi.registry.models import ImportJob, ImportRow, Person

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def broker_url() -> str:
    url = os.environ.get("CELERY_TEST_BROKER_URL", "")
    if not url:
        pytest.fail("CELERY_TEST_BROKER_URL must point at a Redis broker for these tests (see .ci/run)")
    return url


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.fail("run these tests on PostgreSQL (DATABASE_URL) so the worker process shares the database")
    settings.MEDIA_ROOT = tmp_path
    url = broker_url()
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    subprocess.run([sys.executable, "-m", "celery", "-A", "config", "purge", "-f"], cwd=ROOT, env={**os.environ, "CELERY_BROKER_URL": url}, capture_output=True, check=False)
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": database_url(),
        "PRAVASI_PRIVATE_MEDIA": str(tmp_path),
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    celery_app.conf.update(task_always_eager=True)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_outbox_message_is_delivered_by_the_worker(worker):
    worker()
    message = message_enqueue(channel="SMS", recipient="+971501234567", body="Your code is 123456", purpose="test", idempotency_key="worker-1")
    assert wait_for(lambda: OutboxMessage.objects.get(id=message.id).status == DeliveryStatus.SENT)


def test_import_survives_a_worker_killed_mid_task(worker):
    office = office_for(OfficeKind.MISSION, countries=["AE"])
    officer = user_with_role(Role.MISSION_OFFICER, office=office)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(IMPORT_COLUMNS)
    for i in range(400):
        writer.writerow(
            [
                f"Worker{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}",
                "Kumar",
                "M",
                f"19{60 + i % 40}-0{1 + i % 9}-1{i % 9}",
                "IN-KL",
                "",
                "AE",
                "Dubai",
                "",
                f"w{i}@example.org",
                f"K{7000000 + i}",
                "2018-01-01",
                "2028-01-01",
                "",
                "",
                "",
                "yes",
            ]
        )
    first = worker()
    job = import_job_create(actor=officer, office=office, uploaded_file=SimpleUploadedFile("drive.csv", buffer.getvalue().encode()))
    assert wait_for(lambda: ImportRow.objects.filter(job=job).count() >= 20)
    first.send_signal(signal.SIGKILL)
    first.wait()
    acknowledged = ImportRow.objects.filter(job=job).count()
    assert acknowledged < 400, "the import finished before the worker could be stopped"
    worker()
    assert wait_for(lambda: ImportJob.objects.get(id=job.id).status == ImportJob.Status.DONE, timeout=120)
    assert ImportRow.objects.filter(job=job).count() == 400
    assert Person.objects.count() == 400
    assert ImportRow.objects.filter(job=job, outcome=ImportRow.Outcome.ERROR).count() == 0

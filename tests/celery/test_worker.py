"""Tasks through a real Celery worker and the local Redis broker (run by .ci/run).

The worker is a separate process on the test database; a worker killed mid-import loses no
acknowledged row and the redelivered task finishes the job without importing anyone twice.
"""

import csv
import io
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.messaging.models import DeliveryStatus, OutboxMessage
from pravasi.messaging.services import message_enqueue
from pravasi.registry.importer import IMPORT_COLUMNS, import_job_create
from pravasi.registry.models import ImportJob, ImportRow, Person

from .conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


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

"""Import pages (upload, progress, per-row report, template) and the administrator's message log."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from pravasi.accounts.models import Membership
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import login_verified, office_for, user_with_role
from pravasi.messaging.models import Channel
from pravasi.messaging.services import message_enqueue
from pravasi.registry.importer import IMPORT_COLUMNS
from pravasi.registry.models import ImportJob, ImportRow, Person

pytestmark = pytest.mark.django_db
IMPORTS = reverse("workspace:imports")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sheet(rows: list[dict[str, str]], columns=IMPORT_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


GOOD = {
    "given_name": "Reshma",
    "family_name": "Nair",
    "sex": "F",
    "date_of_birth": "1994-07-21",
    "state_of_origin": "IN-KL",
    "residence_country": "AE",
    "residence_region": "Sharjah",
    "email": "reshma@example.org",
}
BAD = {"given_name": "Manoj", "family_name": "Patil", "sex": "M", "date_of_birth": "2090-01-01", "state_of_origin": "IN-KL", "residence_country": "AE", "mobile": "not a phone"}


def test_template_has_the_import_columns(official_client):
    client, _user = official_client(Role.MISSION_OFFICER)
    response = client.get(reverse("workspace:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == IMPORT_COLUMNS


def test_upload_with_good_and_bad_rows_shows_a_report(official_client, django_capture_on_commit_callbacks):
    client, user = official_client(Role.MISSION_OFFICER)
    upload = SimpleUploadedFile("drive.csv", sheet([GOOD, BAD]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORTS, {"office": str(user.memberships.get().office_id), "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:import_detail", args=[job.id])
    assert job.status == ImportJob.Status.DONE

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["running"] is False
    body = page.content.decode()
    assert "<progress" in body and 'value="100"' in body
    assert "hx-trigger" not in body
    outcomes = {row.row_number: row.outcome for row in page.context["rows"]}
    assert outcomes == {2: ImportRow.Outcome.IMPORTED, 3: ImportRow.Outcome.ERROR}
    assert "date_of_birth" in body and "cannot be in the future" in body
    assert Person.objects.filter(given_name="Reshma").exists()
    assert not Person.objects.filter(given_name="Manoj").exists()

    listing = client.get(IMPORTS)
    assert [j.id for j in listing.context["jobs"]] == [job.id]
    assert "drive.csv" in listing.content.decode()


def test_xlsx_upload_is_accepted(official_client, django_capture_on_commit_callbacks):
    client, _user = official_client(Role.POE_OFFICER)
    book = Workbook()
    book.active.append(IMPORT_COLUMNS)
    book.active.append([GOOD.get(c, "") for c in IMPORT_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("drive.xlsx", buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORTS, {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.file_format == "xlsx" and job.imported_rows == 1


def test_running_job_polls_a_small_partial(official_client):
    client, _user = official_client(Role.MISSION_OFFICER)
    # Without running the on-commit callbacks, the job stays queued.
    response = client.post(IMPORTS, {"file": SimpleUploadedFile("drive.csv", sheet([GOOD]), content_type="text/csv")})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    page = client.get(response["Location"]).content.decode()
    progress_url = reverse("workspace:import_progress", args=[job.id])
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 2s"' in page
    assert "Refresh to see progress" in page

    partial = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<progress" in partial.content.decode() and "<html" not in partial.content.decode()
    assert "HX-Refresh" not in partial

    ImportJob.objects.filter(id=job.id).update(status=ImportJob.Status.DONE, processed_rows=1)
    done = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("drive.csv", sheet([GOOD], columns=["given_name", "surname"]), "do not match the template"),
        ("drive.pdf", b"%PDF-1.4", "Upload a CSV"),
        ("drive.csv", b"", "The submitted file is empty."),
    ],
)
def test_bad_files_are_refused_on_the_field(official_client, name, content, message):
    client, _user = official_client(Role.MISSION_OFFICER)
    response = client.post(IMPORTS, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors["file"])
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_too_large_file_is_refused(official_client, settings):
    settings.PRAVASI_IMPORT_MAX_BYTES = 1024 * 1024
    client, _user = official_client(Role.MISSION_OFFICER)
    big = sheet([GOOD]) + b"\n" * (1024 * 1024)
    response = client.post(IMPORTS, {"file": SimpleUploadedFile("drive.csv", big)})
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_import_jobs_of_another_office_are_not_found(official_client, django_capture_on_commit_callbacks):
    client, _user = official_client(Role.MISSION_OFFICER)
    client.post(IMPORTS, {"file": SimpleUploadedFile("drive.csv", sheet([GOOD]))})
    job = ImportJob.objects.get()
    other, _other_user = official_client(Role.MISSION_OFFICER)
    assert other.get(reverse("workspace:import_detail", args=[job.id])).status_code == 404
    assert other.get(reverse("workspace:import_progress", args=[job.id])).status_code == 404


def test_message_log_shows_messages_to_the_administrator(official_client):
    message_enqueue(channel=Channel.SMS, recipient="+971501234567", body="Your Pravasi code is 482913.", purpose="SIGNUP_CODE", idempotency_key="test-1")
    client, _user = official_client(Role.ADMINISTRATOR)
    response = client.get(reverse("workspace:outbox"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ["SMS", "SIGNUP_CODE", "+971501234567", "Your Pravasi code is 482913.", "Queued"]:
        assert text in body, text


def test_official_of_two_offices_chooses_one(django_capture_on_commit_callbacks, client):
    user = user_with_role(Role.MISSION_OFFICER)
    poe = office_for(OfficeKind.POE, states=["IN-KL"])
    Membership.objects.create(user=user, role=Role.POE_OFFICER, office=poe)
    login_verified(client, user)
    page = client.get(IMPORTS).content.decode()
    assert 'name="office"' in page and poe.name in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(IMPORTS, {"office": str(poe.id), "file": SimpleUploadedFile("drive.csv", sheet([GOOD]))})
    assert ImportJob.objects.get().office_id == poe.id

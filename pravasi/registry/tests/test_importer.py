"""Bulk import: mixed good and bad rows, wrong files, re-runs and resumption."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for
from pravasi.core.errors import NotAllowed, ValidationFailed
from pravasi.registry.importer import IMPORT_COLUMNS, import_job_create, import_job_run
from pravasi.registry.models import ConsentRecord, DuplicateFlag, ImportJob, ImportRow, Passport, Person

pytestmark = pytest.mark.django_db

GOOD = ["Ravi", "Kumar", "M", "1988-02-17", "IN-KL", "Kollam", "AE", "Dubai", "+971501234567", "", "J8369854", "2018-04-01", "2028-03-31", "no", "7112", "MIDDLE", "yes"]
ROWS = [
    GOOD,
    ["Mary", "Thomas", "F", "1992-07-01", "IN-KL", "", "AE", "Sharjah", "", "mary@example.org", "", "", "", "", "", "", "no"],
    ["", "NoName", "M", "1990-01-01", "IN-KL", "", "AE", "", "", "", "", "", "", "", "", "", ""],  # missing given name
    ["Anil", "Das", "M", "2990-01-01", "IN-KL", "", "AE", "", "+97150", "", "", "", "", "", "", "", ""],  # future birth, bad phone
    ["Bad", "Passport", "M", "1980-01-01", "IN-KL", "", "AE", "", "", "", "J83698540", "2018-04-01", "2028-03-31", "", "", "", ""],
    ["Abdul", "Rahman", "M", "1979-03-03", "IN-KL", "", "SA", "Riyadh", "", "", "", "", "", "", "", "", ""],  # outside a UAE mission
    ["Robert'); DROP TABLE registry_person;--", "X", "M", "1980-01-01", "IN-KL", "", "AE", "", "", "", "", "", "", "", "", "", ""],
    ["Muhammad", "Kumar", "M", "1988-02-17", "IN-KL", "", "AE", "", "", "", "", "", "", "", "", "", ""],  # likely duplicate of Ravi? no: different name
    ["Rawi", "Kumar", "M", "1988-02-17", "IN-KL", "", "AE", "", "", "", "", "", "", "", "", "", ""],  # likely duplicate of Ravi Kumar
]


def csv_bytes(rows, header=IMPORT_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def mission_officer(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = office_for(OfficeKind.MISSION, countries=["AE"])
    return make_user(Role.MISSION_OFFICER, office=office), office


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Creates a job and lets its queued task run, as the eager worker does after commit."""

    def create(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(**kwargs)
        job.refresh_from_db()
        return job

    return create


def outcomes(job):
    return {r.row_number: r.outcome for r in ImportRow.objects.filter(job=job)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mixed_rows_good_imported_bad_untouched(mission_officer, run, fmt):
    officer, office = mission_officer
    content = csv_bytes(ROWS) if fmt == "csv" else xlsx_bytes(ROWS)
    job = run(actor=officer, office=office, uploaded_file=SimpleUploadedFile(f"drive.{fmt}", content))
    assert job.status == ImportJob.Status.DONE  # eager Celery in tests: ran on commit
    got = outcomes(job)
    assert got[2] == ImportRow.Outcome.IMPORTED
    assert got[3] == ImportRow.Outcome.IMPORTED
    for bad in (4, 5, 6, 7, 8):
        assert got[bad] == ImportRow.Outcome.ERROR, bad
    assert got[10] == ImportRow.Outcome.FLAGGED
    rows = {r.row_number: r.messages for r in ImportRow.objects.filter(job=job)}
    assert "given_name" in rows[4]
    assert {"date_of_birth", "mobile"} <= set(rows[5])
    assert "passport_number" in rows[6]
    assert "residence_country" in rows[7]
    assert Person.objects.filter(family_name="Passport").count() == 0
    assert Passport.objects.count() == 1
    assert ConsentRecord.objects.filter(method=ConsentRecord.Method.IMPORT).count() == 1
    assert DuplicateFlag.objects.count() >= 1
    assert (job.imported_rows, job.error_rows) == (4, 5)
    assert job.percent == 100


def test_rerun_same_file_adds_no_one(mission_officer, run):
    officer, office = mission_officer
    content = csv_bytes(ROWS)
    run(actor=officer, office=office, uploaded_file=SimpleUploadedFile("drive.csv", content))
    people = Person.objects.count()
    assert people == 4
    again = run(actor=officer, office=office, uploaded_file=SimpleUploadedFile("drive.csv", content))
    assert Person.objects.count() == people
    got = outcomes(again)
    assert got[2] == got[3] == ImportRow.Outcome.ALREADY_REGISTERED


def test_resume_after_a_crash_skips_recorded_rows(mission_officer, django_capture_on_commit_callbacks):
    officer, office = mission_officer
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(actor=officer, office=office, uploaded_file=SimpleUploadedFile("drive.csv", csv_bytes(ROWS[:3])))
    # Simulate a worker that died after acknowledging the first row.
    from pravasi.registry.importer import _import_row, read_rows

    first = next(iter(read_rows(__import__("pathlib").Path(job.stored_path), "csv")))
    _import_row(job, 2, first)
    import_job_run(job_id=job.id)
    import_job_run(job_id=job.id)  # a retry after completion changes nothing
    assert Person.objects.count() == 2
    assert ImportRow.objects.filter(job=job).count() == 3


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("drive.csv", csv_bytes([GOOD], header=["name", "dob"]), "columns"),
        ("drive.csv", b"given_name,sex\nRavi,M\n", "missing columns"),
        ("drive.xlsx", b"given_name,sex,date_of_birth,residence_country\n", "not an Excel workbook"),
        ("drive.csv", b"PK\x03\x04garbage", "not a text file"),
        ("drive.pdf", b"%PDF-1.4", "CSV"),
        ("drive.csv", ",".join(IMPORT_COLUMNS).encode() + b"\n", "no rows"),
        ("drive.csv", b"", "empty"),
        ("drive.csv", "given_name\n".encode("utf-16"), "not a text file"),
    ],
)
def test_bad_files_are_refused_with_a_message(mission_officer, name, content, message):
    officer, office = mission_officer
    with pytest.raises(ValidationFailed) as err:
        import_job_create(actor=officer, office=office, uploaded_file=SimpleUploadedFile(name, content))
    assert message in err.value.fields["file"][0]
    assert not ImportJob.objects.exists() and not Person.objects.exists()


def test_file_too_large(mission_officer, settings):
    officer, office = mission_officer
    settings.PRAVASI_IMPORT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as err:
        import_job_create(actor=officer, office=office, uploaded_file=SimpleUploadedFile("drive.csv", csv_bytes([GOOD] * 40)))
    assert "larger" in err.value.fields["file"][0]


def test_only_officials_import(make_user, mission_officer):
    _officer, office = mission_officer
    for role in (Role.EMIGRANT, Role.RA_STAFF, Role.OWRC_AGENT, Role.PGE_OFFICER):
        with pytest.raises(NotAllowed):
            import_job_create(actor=make_user(role), office=office, uploaded_file=SimpleUploadedFile("drive.csv", csv_bytes([GOOD])))

"""Bulk import of persons from a registration drive's sheet (CSV or XLSX).

Each row is imported in its own transaction together with its report line, so a crash loses nothing
that was acknowledged, and running the job again resumes after the last recorded row. A file that
is imported again adds no one twice: rows already imported by the office are recognised by a keyed
fingerprint, and a known passport number is never registered a second time.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pravasi.accounts.models import Office
from pravasi.accounts.roles import OfficeKind
from pravasi.audit.services import audit_record
from pravasi.core.crypto import blind_index
from pravasi.core.errors import DomainError, NotAllowed, ValidationFailed
from pravasi.policy.selectors import policy

from . import policies
from .models import ConsentPurpose, ConsentRecord, ImportJob, ImportRow, Passport
from .mrz import normalise_passport_number
from .selectors import passport_index
from .services import passport_record, person_register

IMPORT_COLUMNS = [
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "state_of_origin",
    "district_of_origin",
    "residence_country",
    "residence_region",
    "mobile",
    "email",
    "passport_number",
    "passport_issue_date",
    "passport_expiry_date",
    "passport_is_ecr",
    "occupation_isco",
    "education",
    "consent_crisis_contact",
]
REQUIRED_COLUMNS = {"given_name", "sex", "date_of_birth", "residence_country"}
PASSPORT_FIELDS = {"passport_number": "passport_number", "passport_issue_date": "issue_date", "passport_expiry_date": "expiry_date", "passport_is_ecr": "is_ecr"}
YES = {"yes", "y", "true", "1", "हाँ", "ha", "haan"}


def _detect_format(name: str, head: bytes) -> str:
    suffix = Path(name or "").suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise ValidationFailed.on("file", _("This file is named .xlsx but is not an Excel workbook."))
        return "xlsx"
    if suffix == ".csv":
        if head.startswith(b"PK\x03\x04") or b"\x00" in head:
            raise ValidationFailed.on("file", _("This file is named .csv but is not a text file."))
        return "csv"
    raise ValidationFailed.on("file", _("Upload a CSV (.csv) or Excel (.xlsx) file."))


def read_rows(path: Path, file_format: str) -> Iterator[dict[str, str]]:
    """Yields each data row as {column: text}; the header must use IMPORT_COLUMNS names."""
    header, rows = _open_table(path, file_format)
    for raw in rows:
        values = ["" if v is None else str(v).strip() for v in raw]
        if not any(values):
            yield {}
            continue
        yield dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))


def _open_table(path: Path, file_format: str):
    if file_format == "csv":
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        return [h.strip().lower() for h in header], reader
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, ())
    return [str(h or "").strip().lower() for h in header], (_xlsx_values(r) for r in rows)


def _xlsx_values(row) -> list[str]:
    out = []
    for value in row:
        if hasattr(value, "date") and callable(value.date):
            value = value.date().isoformat()
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out.append("" if value is None else str(value))
    return out


def _check_header(path: Path, file_format: str) -> int:
    try:
        header, rows = _open_table(path, file_format)
        count = sum(1 for _row in rows)
    except UnicodeDecodeError as exc:
        raise ValidationFailed.on("file", _("The CSV file must be saved as UTF-8 text.")) from exc
    except Exception as exc:  # a damaged workbook or CSV
        raise ValidationFailed.on("file", _("The file could not be read: it may be damaged.")) from exc
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("missing columns: %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(cols)s") % {"cols": ", ".join(unknown)})
        raise ValidationFailed.on("file", _("The columns do not match the template (%(detail)s). Download the template and copy your data into it.") % {"detail": "; ".join(parts)})
    limit = int(policy("IMPORT_MAX_ROWS", default=20000))
    if count > limit:
        raise ValidationFailed.on("file", _("This file has %(count)s rows; split it into files of at most %(limit)s rows.") % {"count": count, "limit": limit})
    if count == 0:
        raise ValidationFailed.on("file", _("The file has a header but no rows."))
    return count


def import_job_create(*, actor, office: Office, uploaded_file, source_ip: str | None = None) -> ImportJob:
    """Checks and stores the file outside the web root, then queues the import."""
    if not policies.can_import(actor) or office is None:
        raise NotAllowed(_("Only Mission and PoE officials import registration sheets."))
    if uploaded_file is None:
        raise ValidationFailed.on("file", _("Choose a file to upload."))
    limit = settings.PRAVASI_IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationFailed.on("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if uploaded_file.size == 0:
        raise ValidationFailed.on("file", _("The file is empty."))
    content = uploaded_file.read()
    file_format = _detect_format(uploaded_file.name, content[:8])
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.{file_format}"
    path.write_bytes(content)
    total = _check_header(path, file_format)
    with transaction.atomic():
        job = ImportJob.objects.create(
            office=office,
            uploaded_by=actor,
            filename=Path(uploaded_file.name).name[:200],
            file_format=file_format,
            sha256=digest,
            stored_path=str(path),
            total_rows=total,
        )
        audit_record(actor=actor, action="registry.import_started", target=job, summary={"rows": total, "format": file_format, "office": office.code}, source_ip=source_ip)
        from .tasks import run_import

        transaction.on_commit(lambda: run_import.delay(job_id=str(job.id)))
    return job


def _fingerprint(office: Office, row: dict[str, str]) -> str:
    identity = "|".join((row.get(k) or "").strip().lower() for k in ("given_name", "family_name", "sex", "date_of_birth", "residence_country", "mobile", "email"))
    return blind_index(f"import:{office.id}", identity)


def _check_jurisdiction(office: Office, row: dict[str, str]) -> None:
    if office.kind == OfficeKind.MISSION and (row.get("residence_country") or "").upper() not in office.countries:
        raise ValidationFailed.on("residence_country", _("This person does not live in a country of your Mission's jurisdiction."))
    if office.kind == OfficeKind.POE and (row.get("state_of_origin") or "").upper() not in office.states:
        raise ValidationFailed.on("state_of_origin", _("This person's state of origin is outside your office's jurisdiction."))


def _known_passport(row: dict[str, str]) -> Passport | None:
    raw = row.get("passport_number") or ""
    if not raw:
        return None
    try:
        number = normalise_passport_number(raw)
    except ValidationFailed:
        return None
    return Passport.objects.filter(number_index=passport_index(number)).first()


def _import_row(job: ImportJob, number: int, row: dict[str, str]) -> None:
    """One row, one transaction: the person, their passport and the report line commit together."""
    fingerprint = _fingerprint(job.office, row)
    try:
        with transaction.atomic():
            known = _known_passport(row)
            earlier = ImportRow.objects.filter(fingerprint=fingerprint, job__office=job.office, outcome__in=[ImportRow.Outcome.IMPORTED, ImportRow.Outcome.FLAGGED]).first()
            if known is not None or earlier is not None:
                person_id = known.person_id if known is not None else earlier.person_id
                ImportRow.objects.create(job=job, row_number=number, outcome=ImportRow.Outcome.ALREADY_REGISTERED, person_id=person_id, fingerprint=fingerprint)
                return
            _check_jurisdiction(job.office, row)
            consents = [ConsentPurpose.CRISIS_CONTACT] if (row.get("consent_crisis_contact") or "").strip().lower() in YES else []
            data = {k: v for k, v in row.items() if k not in PASSPORT_FIELDS and k != "consent_crisis_contact"}
            person = person_register(actor=job.uploaded_by, data=data, office=job.office, consents=consents, method=ConsentRecord.Method.IMPORT)
            if row.get("passport_number"):
                passport_record(actor=job.uploaded_by, person=person, data={target: row.get(source, "") for source, target in PASSPORT_FIELDS.items()})
            from .models import DuplicateFlag

            flagged = (
                DuplicateFlag.objects.filter(status=DuplicateFlag.Status.OPEN).filter(person_a=person).exists()
                or DuplicateFlag.objects.filter(status=DuplicateFlag.Status.OPEN, person_b=person).exists()
            )
            ImportRow.objects.create(job=job, row_number=number, outcome=ImportRow.Outcome.FLAGGED if flagged else ImportRow.Outcome.IMPORTED, person=person, fingerprint=fingerprint)
    except DomainError as exc:
        columns = {target: source for source, target in PASSPORT_FIELDS.items()}
        messages = {columns.get(field, field): msgs for field, msgs in exc.fields.items()} or {"row": [exc.message]}
        ImportRow.objects.create(job=job, row_number=number, outcome=ImportRow.Outcome.ERROR, messages=messages, fingerprint=fingerprint)


def import_job_run(*, job_id) -> ImportJob:
    """Processes every row not yet recorded; safe to call again after a crash or a retry."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(id=job_id)
        if job.status == ImportJob.Status.DONE:
            return job
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status", "updated_at"])
    done = set(ImportRow.objects.filter(job=job).values_list("row_number", flat=True))
    try:
        for number, row in enumerate(read_rows(Path(job.stored_path), job.file_format), start=2):
            if number in done:
                continue
            if not row:
                ImportRow.objects.create(job=job, row_number=number, outcome=ImportRow.Outcome.ERROR, messages={"row": [_("This row is empty.")]})
            else:
                _import_row(job, number, row)
            ImportJob.objects.filter(id=job.id).update(processed_rows=ImportRow.objects.filter(job=job).count())
    except (OSError, ValueError) as exc:
        ImportJob.objects.filter(id=job.id).update(status=ImportJob.Status.FAILED, message=str(_("The stored file could not be read again: %(error)s") % {"error": type(exc).__name__}))
        return ImportJob.objects.get(id=job.id)
    return _finish(job)


def _finish(job: ImportJob) -> ImportJob:
    rows = ImportRow.objects.filter(job=job)
    counts = {outcome: rows.filter(outcome=outcome).count() for outcome in ImportRow.Outcome.values}
    ImportJob.objects.filter(id=job.id).update(
        status=ImportJob.Status.DONE,
        processed_rows=rows.count(),
        imported_rows=counts[ImportRow.Outcome.IMPORTED] + counts[ImportRow.Outcome.FLAGGED],
        duplicate_rows=counts[ImportRow.Outcome.FLAGGED] + counts[ImportRow.Outcome.ALREADY_REGISTERED],
        error_rows=counts[ImportRow.Outcome.ERROR],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    audit_record(actor=job.uploaded_by, action="registry.import_finished", target=job, summary={"imported": job.imported_rows, "duplicates": job.duplicate_rows, "errors": job.error_rows})
    return job


def import_template_csv() -> str:
    """The header row only: an example row left in a sheet would register a person who does not exist."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(IMPORT_COLUMNS)
    return buffer.getvalue()

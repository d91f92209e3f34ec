"""Uploaded documents: checked by content (not by name), stored outside the web root by content hash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import NotFound, ValidationFailed

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def sniff(data: bytes) -> str | None:
    for kind, heads in SIGNATURES.items():
        if any(data.startswith(h) for h in heads):
            return kind
    return None


def check_upload(uploaded, *, field: str, allowed: list[str], max_bytes: int) -> CheckedUpload:
    """Reads and checks one uploaded file; raises ValidationFailed naming the field and the problem."""
    name = os.path.basename(getattr(uploaded, "name", "") or "")[:200]
    size = getattr(uploaded, "size", None) or 0
    allowed_labels = ", ".join(LABELS[k] for k in allowed)
    if size > max_bytes:
        raise ValidationFailed.on(field, _("This file is %(size)s MB; the limit is %(limit)s MB.") % {"size": f"{size / 1048576:.1f}", "limit": f"{max_bytes / 1048576:.0f}"})
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationFailed.on(field, _("This file is larger than %(limit)s MB.") % {"limit": f"{max_bytes / 1048576:.0f}"})
    if not data:
        raise ValidationFailed.on(field, _("This file is empty."))
    claimed = EXTENSIONS.get(Path(name).suffix.lower())
    if claimed is None or claimed not in allowed:
        raise ValidationFailed.on(field, _("Upload a %(types)s file.") % {"types": allowed_labels})
    actual = sniff(data)
    if actual != claimed:
        raise ValidationFailed.on(
            field,
            _("The file's name ends in %(ext)s but its content is not a %(type)s. Upload the document itself, not a renamed file.")
            % {"ext": Path(name).suffix.lower(), "type": LABELS[claimed]},
        )
    return CheckedUpload(name=name, kind=actual, content_type=CONTENT_TYPES[actual], size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "documents"


def store(upload: CheckedUpload) -> str:
    """Writes the bytes once per content (the hash is the name) and returns the storage name."""
    storage_name = f"{upload.sha256[:2]}/{upload.sha256}"
    path = _root() / storage_name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(upload.data)
        os.replace(tmp, path)
    return storage_name


def stored_file_fields(upload: CheckedUpload, *, actor) -> dict:
    """Stores the bytes and returns the StoredFile fields of a record that points at them."""
    return {
        "original_name": upload.name,
        "content_type": upload.content_type,
        "size": upload.size,
        "sha256": upload.sha256,
        "storage_name": store(upload),
        "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }


def read_stored(storage_name: str) -> bytes:
    path = (_root() / storage_name).resolve()
    if _root().resolve() not in path.parents or not path.is_file():
        # A record whose file is gone (restored database without its files) is reported, not a crash.
        raise NotFound(_("This document's file is missing from storage; an administrator must restore it from the backup."))
    return path.read_bytes()

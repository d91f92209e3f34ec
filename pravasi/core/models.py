"""Abstract base model shared by every domain app."""

import uuid

from django.db import models


class BaseModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StatusChange(models.Model):
    """One move of an object along its workflow: the timeline applicants and officials read.

    `note` is shown to the applicant; `internal_note` only to officials.
    """

    id = models.BigAutoField(primary_key=True)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    workflow = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    capacity = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="status_change_target")]

    def __str__(self) -> str:
        return f"{self.target_type} {self.from_status or '-'} → {self.to_status}"


class Counter(models.Model):
    """A named sequence for human-readable numbers (certificate numbers, references)."""

    name = models.CharField(max_length=60, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class StoredFile(BaseModel):
    """An uploaded document whose bytes live under MEDIA_ROOT by content hash (see core/uploads.py)."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

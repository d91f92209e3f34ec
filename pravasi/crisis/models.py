"""Crisis records: the crisis and its area and phase (with every change kept), and alerts with their text per language."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pravasi.accounts.models import Office, User
from pravasi.core.models import BaseModel


class CrisisKind(models.TextChoices):
    CONFLICT = "CONFLICT", _("Conflict")
    NATURAL_DISASTER = "NATURAL_DISASTER", _("Natural disaster")
    EPIDEMIC = "EPIDEMIC", _("Epidemic")
    OTHER = "OTHER", _("Other")


class AlertPhase(models.TextChoices):
    """The MICIC alert phases, from the least to the most severe."""

    PRECAUTIONARY = "PRECAUTIONARY", _("Precautionary")
    RESTRICTION = "RESTRICTION", _("Restriction")
    VOLUNTARY_RETURN = "VOLUNTARY_RETURN", _("Voluntary return")
    MANDATORY_RETURN = "MANDATORY_RETURN", _("Mandatory return")


class CrisisStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    ENDED = "ENDED", _("Ended")


class Crisis(BaseModel):
    """A conflict, disaster or epidemic in an area abroad. The area is one or more countries, optionally
    narrowed to named regions or cities, and optionally to a polygon or a circle (for the people whose
    location is on record)."""

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=16, choices=CrisisKind.choices)
    phase = models.CharField(max_length=16, choices=AlertPhase.choices)
    status = models.CharField(max_length=8, choices=CrisisStatus.choices, default=CrisisStatus.ACTIVE)
    countries = models.JSONField(default=list, help_text="ISO 3166-1 alpha-2 codes")
    regions = models.JSONField(default=list, blank=True, help_text="Region or city names; empty: the whole countries")
    polygon = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon coordinates: [[[lon, lat], ...]]")
    circle_latitude = models.FloatField(null=True, blank=True)
    circle_longitude = models.FloatField(null=True, blank=True)
    circle_radius_km = models.FloatField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    advisory = models.TextField(help_text="What people in the area should do (public)")
    helplines = models.JSONField(default=list, blank=True, help_text='[{"label": "...", "number": "+..."}] (public)')
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="crises", help_text="The declaring office")
    declared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")), name="crisis_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(circle_latitude__isnull=True, circle_longitude__isnull=True, circle_radius_km__isnull=True))
                | Q(circle_latitude__gte=-90, circle_latitude__lte=90, circle_longitude__gte=-180, circle_longitude__lte=180, circle_radius_km__gt=0),
                name="crisis_circle_whole_and_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ChangeKind(models.TextChoices):
    PHASE = "PHASE", _("Phase changed")
    AREA = "AREA", _("Area changed")
    PHASE_AND_AREA = "PHASE_AND_AREA", _("Phase and area changed")
    END = "END", _("Crisis ended")


class CrisisChange(BaseModel):
    """A change of a crisis's phase or area (or its end), as it was before and after, with the reason."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    phase_before = models.CharField(max_length=16, choices=AlertPhase.choices, blank=True)
    phase_after = models.CharField(max_length=16, choices=AlertPhase.choices, blank=True)
    area_before = models.JSONField(default=dict, blank=True)
    area_after = models.JSONField(default=dict, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"change of {self.crisis}"


class AlertStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PUBLISHED = "PUBLISHED", _("Published")


class CapMessageType(models.TextChoices):
    """CAP 1.2 msgType: the first alert of a crisis, later updates, a cancellation."""

    ALERT = "Alert", "Alert"
    UPDATE = "Update", "Update"
    CANCEL = "Cancel", "Cancel"


class Alert(BaseModel):
    """An alert about a crisis, in several languages; a public alert is also a CAP 1.2 document."""

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="alerts")
    sequence = models.PositiveIntegerField(help_text="1, 2, 3... within the crisis")
    message_type = models.CharField(max_length=8, choices=CapMessageType.choices, default=CapMessageType.ALERT)
    phase = models.CharField(max_length=16, choices=AlertPhase.choices, help_text="The crisis's phase when the alert was written")
    public = models.BooleanField(default=True, help_text="Published on the crisis page and as CAP")
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["crisis", "sequence"]
        constraints = [models.UniqueConstraint(fields=["crisis", "sequence"], name="alert_sequence_per_crisis")]

    def __str__(self) -> str:
        return f"{self.crisis.reference}/{self.sequence}"


class AlertText(BaseModel):
    """The alert in one language: a headline, what is happening, and what to do."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8)
    headline = models.CharField(max_length=160)
    description = models.TextField()
    instruction = models.TextField(blank=True)

    class Meta:
        ordering = ["language"]
        constraints = [models.UniqueConstraint(fields=["alert", "language"], name="alert_text_once_per_language")]

    def __str__(self) -> str:
        return f"{self.alert} ({self.language})"

"""Crisis records: the crisis and its area and phase (with every change kept), and alerts with their text per language."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pravasi.accounts.models import Office, User
from pravasi.core.crypto import EncryptedTextField
from pravasi.core.models import BaseModel
from pravasi.registry.models import Person


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
    # Sending to the people in the area: requested once, fanned out by tasks; the progress is read from the
    # outbox (the messages carry the alert's batch key).
    send_requested_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipients_planned = models.PositiveIntegerField(default=0, help_text="Messages the fan-out will write")
    messages_written = models.PositiveIntegerField(default=0)
    fanout_cursor = models.UUIDField(null=True, blank=True, help_text="The last person written, to resume from")
    fanout_done_at = models.DateTimeField(null=True, blank=True)

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


class CheckInStatus(models.TextChoices):
    SAFE = "SAFE", _("Safe")
    HELP = "HELP", _("Needs help")


class Need(models.TextChoices):
    MEDICAL = "MEDICAL", _("Medical care")
    FOOD = "FOOD", _("Food and water")
    SHELTER = "SHELTER", _("Shelter")
    EVACUATION = "EVACUATION", _("Evacuation")
    DOCUMENTS_LOST = "DOCUMENTS_LOST", _("Passport or documents lost")


class CheckInChannel(models.TextChoices):
    LINK = "LINK", _("Check-in link")
    SMS = "SMS", _("SMS reply")
    STAFF = "STAFF", _("Recorded by an official")


class CheckIn(BaseModel):
    """One answer from a person in a crisis area: safe, or needs help (with what). The latest answer counts;
    earlier ones stay as the history. `submission_key` makes a resubmitted form or a replayed SMS a no-op."""

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="checkins")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.PROTECT, related_name="checkins")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="crisis_checkins")
    status = models.CharField(max_length=4, choices=CheckInStatus.choices)
    needs = models.JSONField(default=list, blank=True)
    family_member_ids = models.JSONField(default=list, blank=True, help_text="Accompanying family answered for")
    note = EncryptedTextField(blank=True, default="")
    channel = models.CharField(max_length=6, choices=CheckInChannel.choices)
    submission_key = models.CharField(max_length=120, unique=True)
    is_latest = models.BooleanField(default=True, help_text="The person's answer that counts in this crisis")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["crisis", "person"], condition=Q(is_latest=True), name="checkin_one_latest_per_person")]
        indexes = [
            models.Index(fields=["crisis", "is_latest", "status"], name="checkin_crisis_latest"),
            models.Index(fields=["crisis", "created_at"], name="checkin_crisis_time"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.crisis.reference} {self.status}"


class HelpStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    ASSIGNED = "ASSIGNED", _("Assigned")
    RESOLVED = "RESOLVED", _("Resolved")


class HelpRequest(BaseModel):
    """A person in a crisis who asked for help: the triage queue's row. One open request per person and
    crisis; a later check-in updates its needs, a SAFE answer does not close it (an official does)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="help_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="crisis_help_requests")
    status = models.CharField(max_length=8, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    needs = models.JSONField(default=list)
    family_member_ids = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(default=2, help_text="0 first: medical or vulnerable, then evacuation, then the rest")
    last_checkin = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "person"], condition=~Q(status="RESOLVED"), name="help_request_one_open_per_person"),
        ]
        indexes = [models.Index(fields=["crisis", "status", "priority", "created_at"], name="help_request_queue")]

    def __str__(self) -> str:
        return f"help {self.crisis.reference} {self.status}"


class HelpNote(BaseModel):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note on {self.request}"


# --- evacuation --------------------------------------------------------------------------------------------


class EvacuationPlan(BaseModel):
    """An evacuation of a crisis's people: one or more transport assets and who goes on each."""

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="evacuation_plans")
    title = models.CharField(max_length=150)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.crisis.reference} {self.title}"


class AssetKind(models.TextChoices):
    FLIGHT = "FLIGHT", _("Flight")
    SHIP = "SHIP", _("Ship")
    BUS = "BUS", _("Bus")
    OTHER = "OTHER", _("Other transport")


class AssetStatus(models.TextChoices):
    PLANNED = "PLANNED", _("Planned")
    BOARDING = "BOARDING", _("Boarding")
    DEPARTED = "DEPARTED", _("Departed")
    ARRIVED = "ARRIVED", _("Arrived")


class EvacuationAsset(BaseModel):
    """A flight, ship or bus: its seats, where and when it leaves, and where it goes."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(max_length=8, choices=AssetKind.choices)
    name = models.CharField(max_length=80, help_text="Flight number, ship or bus name")
    capacity = models.PositiveIntegerField()
    departure_point = models.CharField(max_length=150)
    departs_at = models.DateTimeField()
    destination = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=AssetStatus.choices, default=AssetStatus.PLANNED)
    departed_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["departs_at", "name"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gt=0) & Q(capacity__lte=5000), name="asset_capacity_range")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class BoardingStatus(models.TextChoices):
    LISTED = "LISTED", _("Listed")
    BOARDED = "BOARDED", _("Boarded")


class ManifestEntry(BaseModel):
    """A person and the family travelling with them on one asset; they take 1 + family seats together. A person
    is on at most one asset of a plan. Those boarded have arrived when their asset has."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.PROTECT, related_name="entries")
    asset = models.ForeignKey(EvacuationAsset, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="manifest_entries")
    family_member_ids = models.JSONField(default=list, blank=True)
    seats = models.PositiveSmallIntegerField()
    priority = models.PositiveSmallIntegerField(default=2)
    boarding_code = models.CharField(max_length=16, unique=True, help_text="On the boarding pass, as text and QR code")
    needs_emergency_certificate = models.BooleanField(default=False, help_text="No valid passport on record, or reported lost")
    status = models.CharField(max_length=8, choices=BoardingStatus.choices, default=BoardingStatus.LISTED)
    boarded_at = models.DateTimeField(null=True, blank=True)
    boarded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["priority", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="manifest_person_once_per_plan"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="manifest_at_least_one_seat"),
        ]
        indexes = [models.Index(fields=["asset", "status"], name="manifest_asset_status")]

    def __str__(self) -> str:
        return f"manifest {self.asset} {self.status}"

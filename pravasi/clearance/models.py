"""Clearance records: demands and their positions, emigration clearance applications with their
documents, PBBY insurance policies, and the log of exit checks."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pravasi.accounts.models import ApiClient, Office, Organisation, User
from pravasi.core.models import BaseModel, StoredFile
from pravasi.licensing.models import Licence
from pravasi.registry.models import Person


class DemandStatus(models.TextChoices):
    PENDING_VERIFICATION = "PENDING_VERIFICATION", _("Waiting for the Mission to verify it")
    OPEN = "OPEN", _("Open for recruitment")
    REJECTED = "REJECTED", _("Rejected by the Mission")
    CLOSED = "CLOSED", _("Closed")


class Demand(BaseModel):
    """A foreign employer's job order, naming the recruiting agents it authorises."""

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=24, choices=DemandStatus.choices)
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="demands")
    mission = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="demands")
    country = models.CharField(max_length=2)
    worksite = models.CharField(max_length=300)
    contract_months = models.PositiveSmallIntegerField()
    food = models.BooleanField(default=False)
    housing = models.BooleanField(default=False)
    transport = models.BooleanField(default=False)
    women_guarantee_lodged = models.BooleanField(default=False, help_text="The employer's bank guarantee for women workers is lodged with the Mission")
    agents = models.ManyToManyField(Licence, blank=True, related_name="demands", help_text="Recruiting agents authorised to recruit against it")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    verification_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["mission", "status"], name="demand_mission_queue")]
        constraints = [models.CheckConstraint(condition=Q(contract_months__gte=1, contract_months__lte=120), name="demand_contract_months_sane")]

    def __str__(self) -> str:
        return self.reference


class DemandPosition(BaseModel):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="positions")
    occupation = models.CharField(max_length=4, help_text="ISCO-08")
    title = models.CharField(max_length=120)
    count = models.PositiveIntegerField()
    filled = models.PositiveIntegerField(default=0)
    monthly_wage = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # Granted clearances consume positions; the database refuses to over-fill one.
            models.CheckConstraint(condition=Q(filled__lte=F("count")), name="position_never_overfilled"),
            models.CheckConstraint(condition=Q(count__gte=1), name="position_count_positive"),
            models.CheckConstraint(condition=Q(monthly_wage__gt=0), name="position_wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ×{self.count}"

    @property
    def open_count(self) -> int:
        return self.count - self.filled


class ClearanceStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("Submitted: with the Protector of Emigrants")
    DEFICIENCY = "DEFICIENCY", _("Deficiency notice: waiting for the applicant")
    GRANTED = "GRANTED", _("Clearance granted")
    REFUSED = "REFUSED", _("Refused")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


class Route(models.TextChoices):
    RA = "RA", _("Through a recruiting agent")
    DIRECT = "DIRECT", _("Directly by the employer or the emigrant")
    PROJECT_EXPORTER = "PROJECT_EXPORTER", _("By a project exporter for its own project")


class ClearanceApplication(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=12, choices=ClearanceStatus.choices, default=ClearanceStatus.SUBMITTED)
    route = models.CharField(max_length=20, choices=Route.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="clearance_applications")
    passport_index = models.CharField(max_length=40, help_text="Blind index of the passport the clearance is for")
    passport_ecr = models.BooleanField()
    passport_expiry_date = models.DateField()
    applicant = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="clearance_applications", help_text="Empty when the emigrant applies")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="clearance_applications")
    demand = models.ForeignKey(Demand, null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    position = models.ForeignKey(DemandPosition, null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    employer = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    employer_name = models.CharField(max_length=200)
    destination_country = models.CharField(max_length=2)
    occupation = models.CharField(max_length=4)
    monthly_wage = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    contract_months = models.PositiveSmallIntegerField()
    departure_date = models.DateField()
    service_charge_inr = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    service_charge_receipt = models.CharField(max_length=40, blank=True)
    pbby_policy = models.ForeignKey("PBBYPolicy", null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    libya_life_policy = models.CharField(max_length=40, blank=True)
    # The latest evaluation, as shown to the applicant and the official.
    ec_required = models.BooleanField(default=True)
    eligible = models.BooleanField(default=False)
    outcomes = models.JSONField(default=list)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # The decision
    emigration_number = models.CharField(max_length=30, null=True, blank=True, unique=True)
    valid_to_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["office", "status", "submitted_at"], name="clearance_queue"),
            models.Index(fields=["passport_index", "status"], name="clearance_exit_check"),
            models.Index(fields=["applicant", "submitted_at"], name="clearance_applicant_day"),
            models.Index(fields=["person", "-submitted_at"], name="clearance_person"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(contract_months__gte=1, contract_months__lte=120), name="clearance_contract_months_sane"),
            models.CheckConstraint(condition=Q(status="GRANTED", emigration_number__isnull=False) | ~Q(status="GRANTED"), name="clearance_granted_has_number"),
        ]

    def __str__(self) -> str:
        return self.reference


class ClearanceDocumentKind(models.TextChoices):
    DEMAND_LETTER = "DEMAND_LETTER", _("Demand letter")
    CONTRACT = "CONTRACT", _("Employment contract")
    VISA = "VISA", _("Visa")
    PASSPORT = "PASSPORT", _("Passport pages")
    PHOTO = "PHOTO", _("Photograph")
    PBBY = "PBBY", _("PBBY insurance policy")
    LIFE_POLICY = "LIFE_POLICY", _("Life insurance policy (Libya)")
    SERVICE_CHARGE_RECEIPT = "SERVICE_CHARGE_RECEIPT", _("Service charge receipt")
    ANSWER = "ANSWER", _("Answer to a deficiency notice")
    OTHER = "OTHER", _("Other")


class ClearanceDocument(StoredFile):
    application = models.ForeignKey(ClearanceApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=ClearanceDocumentKind.choices)

    class Meta(StoredFile.Meta):
        pass


class PolicyStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("In force")
    CANCELLED = "CANCELLED", _("Cancelled")


class PBBYPolicy(BaseModel):
    """A Pravasi Bharatiya Bima Yojana policy issued by a registered insurer."""

    number = models.CharField(max_length=40, unique=True)
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pbby_policies")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pbby_policies")
    passport_index = models.CharField(max_length=40)
    period_years = models.PositiveSmallIntegerField()
    premium_inr = models.DecimalField(max_digits=8, decimal_places=2)
    valid_from_date = models.DateField()
    valid_to_date = models.DateField()
    status = models.CharField(max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.ACTIVE)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_by_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-valid_from_date"]
        indexes = [models.Index(fields=["passport_index", "status"], name="pbby_passport")]
        constraints = [models.CheckConstraint(condition=Q(valid_to_date__gt=F("valid_from_date")), name="pbby_validity_adds_up")]

    def __str__(self) -> str:
        return self.number


class ExitCheck(models.Model):
    """One question from the Bureau of Immigration at the border, and the answer given."""

    id = models.BigAutoField(primary_key=True)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    passport_index = models.CharField(max_length=40)
    cleared = models.BooleanField()
    application = models.ForeignKey(ClearanceApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    source_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="exit_check_at")]

    def __str__(self) -> str:
        return f"exit check {self.at:%Y-%m-%d %H:%M} {'cleared' if self.cleared else 'not cleared'}"

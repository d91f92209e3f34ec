"""Case records: grievances and eventualities (one model), their notes, access codes for the filer, and referrals."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pravasi.accounts.models import Office, Organisation, User
from pravasi.core.crypto import EncryptedTextField
from pravasi.core.models import BaseModel, StoredFile
from pravasi.licensing.models import Licence
from pravasi.registry.models import Person


class CaseKind(models.TextChoices):
    GRIEVANCE = "GRIEVANCE", _("Grievance")
    EVENTUALITY = "EVENTUALITY", _("Eventuality")


class EventualityKind(models.TextChoices):
    DEATH = "DEATH", _("Death")
    INJURY = "INJURY", _("Injury")
    MISSING = "MISSING", _("Missing")
    DETAINED = "DETAINED", _("Detained")
    STRANDED = "STRANDED", _("Stranded")
    ILLNESS = "ILLNESS", _("Illness")


class CaseStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    IN_PROGRESS = "IN_PROGRESS", _("Being handled")
    CLOSED = "CLOSED", _("Closed")


class Channel(models.TextChoices):
    WEB = "WEB", _("Public website")
    PROFILE = "PROFILE", _("From the filer's profile")
    HELPLINE = "HELPLINE", _("Helpline call")


class Case(BaseModel):
    tracking_number = models.CharField(max_length=16, unique=True)
    kind = models.CharField(max_length=12, choices=CaseKind.choices)
    category = models.CharField(max_length=24)
    eventuality = models.CharField(max_length=10, choices=EventualityKind.choices, blank=True)
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    priority = models.PositiveSmallIntegerField(help_text="0 first (mortal remains)")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cases")
    country = models.CharField(max_length=2, help_text="Where the person is")
    escalation_level = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(help_text="When the current level's deadline passes")
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The filer (personal data, encrypted)
    filer_name = EncryptedTextField()
    filer_relation = models.CharField(max_length=40, blank=True, help_text="SELF when the person files")
    filer_phone = EncryptedTextField(blank=True, default="")
    filer_email = EncryptedTextField(blank=True, default="")
    # The person the case is about (personal data, encrypted); matched to the registry where possible
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    person_name = EncryptedTextField()
    person_passport = EncryptedTextField(blank=True, default="")
    where = EncryptedTextField(blank=True, default="")
    happened_date = models.DateField(null=True, blank=True)
    description = EncryptedTextField()
    agent = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    employer = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    # The Mission's verification of a reported eventuality
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Closure
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = EncryptedTextField(blank=True, default="")
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["priority", "filed_at"]
        # The queues read open cases in (priority, filed_at) order, for an office or for all, by category
        # or not: one partial index per shape stops each page after its rows (bench/cases.py).
        indexes = [
            models.Index(fields=["office", "priority", "filed_at"], condition=Q(status__in=["OPEN", "IN_PROGRESS"]), name="case_open_office_queue"),
            models.Index(fields=["office", "category", "priority", "filed_at"], condition=Q(status__in=["OPEN", "IN_PROGRESS"]), name="case_open_office_category"),
            models.Index(fields=["priority", "filed_at"], condition=Q(status__in=["OPEN", "IN_PROGRESS"]), name="case_open_queue"),
            models.Index(fields=["category", "priority", "filed_at"], condition=Q(status__in=["OPEN", "IN_PROGRESS"]), name="case_open_category_queue"),
            models.Index(fields=["status", "due_at"], name="case_escalation_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5), name="case_satisfaction_1_to_5"),
            models.CheckConstraint(condition=Q(escalation_level__lte=2), name="case_escalation_within_levels"),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class NoteKind(models.TextChoices):
    NOTE = "NOTE", _("Note")
    MESSAGE = "MESSAGE", _("Message to the filer")
    FILER = "FILER", _("Information from the filer")
    FAMILY = "FAMILY", _("Family informed")
    SYSTEM = "SYSTEM", _("Recorded by the system")


class CaseNote(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=8, choices=NoteKind.choices, default=NoteKind.NOTE)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=150)
    text = EncryptedTextField()
    shared = models.BooleanField(default=False, help_text="Shown to the filer")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note on {self.case}"


class CaseDocument(StoredFile):
    """An attachment to a case, from the filer or from an official."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    from_filer = models.BooleanField(default=True)


class AssistanceKind(models.TextChoices):
    REMAINS_REPATRIATION = "REMAINS_REPATRIATION", _("Repatriation of mortal remains")
    LOCAL_CREMATION = "LOCAL_CREMATION", _("Local burial or cremation")
    WELFARE_FUND = "WELFARE_FUND", _("Indian Community Welfare Fund support")
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    REPATRIATION = "REPATRIATION", _("Repatriation of the person (ticket, emergency certificate)")
    SHELTER = "SHELTER", _("Shelter or boarding")
    MEDICAL = "MEDICAL", _("Medical care")


class CaseAssistance(BaseModel):
    """Assistance the Mission gave on a case: what, when, and what it cost the welfare fund."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(max_length=24, choices=AssistanceKind.choices)
    provided_date = models.DateField()
    amount_inr = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    detail = EncryptedTextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["provided_date", "created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_inr__isnull=True) | Q(amount_inr__gte=0), name="assistance_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case}"


class ClaimKind(models.TextChoices):
    DEATH = "DEATH", _("Death")
    PERMANENT_DISABILITY = "PERMANENT_DISABILITY", _("Permanent disability")
    HOSPITALISATION = "HOSPITALISATION", _("Hospitalisation")


class ClaimStatus(models.TextChoices):
    STARTED = "STARTED", _("Started with the insurer")
    SETTLED = "SETTLED", _("Settled")
    REJECTED = "REJECTED", _("Rejected by the insurer")


class PBBYClaim(BaseModel):
    """A claim on the person's Pravasi Bharatiya Bima Yojana policy, started by the handling office."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    policy = models.ForeignKey("clearance.PBBYPolicy", on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=22, choices=ClaimKind.choices)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.STARTED)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    insurer_note = models.TextField(blank=True)
    amount_inr = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "policy", "kind"], name="pbby_claim_once_per_case")]

    def __str__(self) -> str:
        return f"PBBY claim on {self.policy}"


class CaseAccessCode(BaseModel):
    """A one-time code sent to the filer's contact to open the case's status page (only its hash is kept)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.case}"


class ReferralBasis(models.TextChoices):
    CONSENT = "CONSENT", _("The person consented to sharing with this partner")
    VITAL_INTEREST = "VITAL_INTEREST", _("Vital interest (recorded override)")


class ReferralStatus(models.TextChoices):
    SENT = "SENT", _("Sent to the partner")
    ACCEPTED = "ACCEPTED", _("Accepted by the partner")
    DONE = "DONE", _("Done")
    DECLINED = "DECLINED", _("Declined by the partner")


class Referral(BaseModel):
    """A case referred to a partner organisation: only with the person's consent to share with that
    partner, or with a recorded vital-interest override; what was shared is recorded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    basis = models.CharField(max_length=16, choices=ReferralBasis.choices)
    override_reason = models.TextField(blank=True)
    shared_fields = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    partner_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(basis="CONSENT") | ~Q(override_reason=""), name="referral_override_has_reason"),
            models.UniqueConstraint(fields=["case", "partner"], name="referral_once_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.partner}"

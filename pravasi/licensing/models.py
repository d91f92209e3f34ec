"""Licensing records: applications, licences (certificates and registrations), orders, appeals,
branches, bank guarantees, documents, the blacklist and the notified illegal agents."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pravasi.accounts.models import Office, Organisation, User
from pravasi.core.models import BaseModel, StoredFile


class ApplicationKind(models.TextChoices):
    RC_NEW = "RC_NEW", _("Registration certificate for a recruiting agent")
    RC_RENEWAL = "RC_RENEWAL", _("Renewal of a registration certificate")
    FE_REGISTRATION = "FE_REGISTRATION", _("Foreign employer registration")
    PE_ACCREDITATION = "PE_ACCREDITATION", _("Project exporter accreditation")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("Submitted")
    SCRUTINY = "SCRUTINY", _("Under scrutiny")
    DEFICIENCY = "DEFICIENCY", _("Deficiency notice: waiting for the applicant")
    FORWARDED = "FORWARDED", _("Forwarded for decision")
    GRANTED = "GRANTED", _("Granted")
    REFUSED = "REFUSED", _("Refused")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.SCRUTINY, ApplicationStatus.DEFICIENCY, ApplicationStatus.FORWARDED)


class LicenceKind(models.TextChoices):
    RC = "RC", _("Recruiting agent registration certificate")
    FE = "FE", _("Foreign employer registration")
    PE = "PE", _("Project exporter accreditation")
    INSURER = "INSURER", _("Insurer registration")


class LicenceStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    SUSPENDED = "SUSPENDED", _("Suspended")
    CANCELLED = "CANCELLED", _("Cancelled")
    EXPIRED = "EXPIRED", _("Expired")


class LegalForm(models.TextChoices):
    PROPRIETORSHIP = "PROPRIETORSHIP", _("Sole proprietorship")
    PARTNERSHIP = "PARTNERSHIP", _("Partnership firm")
    LLP = "LLP", _("Limited liability partnership")
    COMPANY = "COMPANY", _("Company")
    STATE_AGENCY = "STATE_AGENCY", _("State government agency")


class EmployerType(models.TextChoices):
    COMPANY = "COMPANY", _("Company or institution")
    INDIVIDUAL = "INDIVIDUAL", _("Individual (domestic) employer")


class SecurityTrack(models.TextChoices):
    FULL = "FULL", _("Bank guarantee of the full amount")
    PER_100 = "PER_100", _("Bank guarantee per 100 workers")


class PoliceReport(models.TextChoices):
    PENDING = "PENDING", _("Awaited")
    CLEAR = "CLEAR", _("Clear")
    ADVERSE = "ADVERSE", _("Adverse")


class Application(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=ApplicationKind.choices)
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licensing_applications")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="licensing_applications", help_text="The office that scrutinises it")
    licence = models.ForeignKey("Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    # The business as it applies
    legal_form = models.CharField(max_length=20, choices=LegalForm.choices, blank=True)
    company_registration = models.CharField(max_length=60, blank=True, help_text="CIN, LLPIN or firm registration number")
    premises_address = models.TextField(blank=True)
    premises_state = models.CharField(max_length=6, blank=True, help_text="ISO 3166-2:IN")
    premises_city = models.CharField(max_length=100, blank=True)
    premises_pin = models.CharField(max_length=6, blank=True)
    security_track = models.CharField(max_length=10, choices=SecurityTrack.choices, blank=True)
    expected_workers = models.PositiveIntegerField(null=True, blank=True)
    fee_amount_inr = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    fee_reference = models.CharField(max_length=40, blank=True)
    fee_paid_date = models.DateField(null=True, blank=True)
    # Foreign employers
    employer_type = models.CharField(max_length=12, choices=EmployerType.choices, blank=True)
    employer_address = models.TextField(blank=True)
    undertakings_accepted_at = models.DateTimeField(null=True, blank=True)
    # Project exporters
    project_description = models.TextField(blank=True)
    # Scrutiny
    checklist = models.JSONField(default=dict, blank=True)
    inspection_report = models.TextField(blank=True)
    police_report = models.CharField(max_length=10, choices=PoliceReport.choices, default=PoliceReport.PENDING)
    site_visit_report = models.TextField(blank=True)
    # Renewal
    late_cause = models.TextField(blank=True)
    late_cause_accepted = models.BooleanField(null=True, blank=True)
    # Decision
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["office", "status", "submitted_at"], name="licensing_app_queue"),
            models.Index(fields=["organisation", "-submitted_at"], name="licensing_app_org"),
        ]
        constraints = [
            # One open renewal per certificate; a second click on "apply" cannot file two.
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(kind="RC_RENEWAL", status__in=["SUBMITTED", "SCRUTINY", "DEFICIENCY", "FORWARDED"]),
                name="licensing_one_open_renewal",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Director(BaseModel):
    class Capacity(models.TextChoices):
        DIRECTOR = "DIRECTOR", _("Director")
        PARTNER = "PARTNER", _("Partner")
        PROPRIETOR = "PROPRIETOR", _("Proprietor")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="directors")
    name = models.CharField(max_length=150)
    capacity = models.CharField(max_length=12, choices=Capacity.choices)
    din = models.CharField(max_length=12, blank=True, help_text="Director identification number")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class Licence(BaseModel):
    kind = models.CharField(max_length=10, choices=LicenceKind.choices)
    number = models.CharField(max_length=60, unique=True)
    status = models.CharField(max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licences")
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="licences", help_text="PoE office (RC) or Mission (FE) with jurisdiction")
    valid_from_date = models.DateField()
    valid_to_date = models.DateField(null=True, blank=True, help_text="Empty: valid until cancelled")
    premises_address = models.TextField(blank=True)
    premises_state = models.CharField(max_length=6, blank=True)
    premises_city = models.CharField(max_length=100, blank=True)
    is_state_run = models.BooleanField(default=False, help_text="A state government recruiting agency")
    employer_type = models.CharField(max_length=12, choices=EmployerType.choices, blank=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        indexes = [
            models.Index(fields=["kind", "status", "premises_state"], name="licence_public_list"),
            models.Index(fields=["status", "valid_to_date"], name="licence_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="licence_one_per_organisation"),
            models.CheckConstraint(condition=Q(valid_to_date__isnull=True) | Q(valid_to_date__gt=models.F("valid_from_date")), name="licence_validity_adds_up"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderKind(models.TextChoices):
    SUSPENSION = "SUSPENSION", _("Suspension pending inquiry")
    CANCELLATION = "CANCELLATION", _("Cancellation")
    REVOCATION = "REVOCATION", _("Suspension lifted")


class LicenceOrder(BaseModel):
    """An order on a licence (suspension, cancellation, lifting a suspension), with its ground and text."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=14, choices=OrderKind.choices)
    ground = models.CharField(max_length=12, blank=True)
    ground_label = models.CharField(max_length=300, blank=True)
    order_text = models.TextField()
    ordered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField()
    appeal_by_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-ordered_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.licence}"


class AppealStatus(models.TextChoices):
    FILED = "FILED", _("Filed")
    ALLOWED = "ALLOWED", _("Allowed")
    DISMISSED = "DISMISSED", _("Dismissed")


class Appeal(BaseModel):
    """An appeal against an order on a licence or against the refusal of an application."""

    order = models.OneToOneField(LicenceOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="appeal")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="appeals")
    status = models.CharField(max_length=10, choices=AppealStatus.choices, default=AppealStatus.FILED)
    grounds = models.TextField()
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    decision_text = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(condition=Q(order__isnull=False, application__isnull=True) | Q(order__isnull=True, application__isnull=False), name="appeal_against_one_thing"),
            models.UniqueConstraint(fields=["application"], condition=Q(application__isnull=False), name="appeal_one_per_refusal"),
        ]

    def __str__(self) -> str:
        return f"Appeal · {self.organisation}"


class BranchStatus(models.TextChoices):
    PENDING = "PENDING", _("Awaiting approval")
    APPROVED = "APPROVED", _("Approved")
    REFUSED = "REFUSED", _("Refused")
    CLOSED = "CLOSED", _("Closed")


class Branch(BaseModel):
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="branches")
    status = models.CharField(max_length=10, choices=BranchStatus.choices, default=BranchStatus.PENDING)
    address = models.TextField()
    state = models.CharField(max_length=6)
    city = models.CharField(max_length=100)
    decision_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.city} · {self.licence}"


class BankGuarantee(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bank_guarantees")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_guarantees")
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_guarantees")
    track = models.CharField(max_length=10, choices=SecurityTrack.choices)
    bank_code = models.CharField(max_length=4)
    bank_name = models.CharField(max_length=100)
    number = models.CharField(max_length=40)
    amount_inr = models.DecimalField(max_digits=14, decimal_places=2)
    valid_from_date = models.DateField()
    valid_to_date = models.DateField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_to_date"]
        constraints = [
            models.UniqueConstraint(fields=["bank_code", "number"], name="bank_guarantee_unique_number"),
            models.CheckConstraint(condition=Q(valid_to_date__gt=models.F("valid_from_date")), name="bank_guarantee_validity_adds_up"),
            models.CheckConstraint(condition=Q(amount_inr__gt=0), name="bank_guarantee_amount_positive"),
        ]
        indexes = [models.Index(fields=["valid_to_date"], name="bank_guarantee_expiry")]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.number}"


class DocumentKind(models.TextChoices):
    INCORPORATION = "INCORPORATION", _("Certificate of incorporation or registration")
    PREMISES = "PREMISES", _("Proof of office premises")
    BANK_GUARANTEE = "BANK_GUARANTEE", _("Bank guarantee")
    FEE_RECEIPT = "FEE_RECEIPT", _("Fee receipt")
    IDENTITY = "IDENTITY", _("Identity and address proof of directors or partners")
    EMPLOYER_LICENCE = "EMPLOYER_LICENCE", _("Employer's commercial licence or identity")
    PROJECT = "PROJECT", _("Project contract")
    SITE_VISIT = "SITE_VISIT", _("Inspection or site-visit report")
    ANSWER = "ANSWER", _("Answer to a deficiency notice")
    OTHER = "OTHER", _("Other")


class Document(StoredFile):
    """A document of a licensing application (the bytes live outside the web root)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licensing_documents")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    internal = models.BooleanField(default=False, help_text="Officials' own upload (inspection report): not shown to the applicant")

    class Meta(StoredFile.Meta):
        pass


class BlacklistEntry(BaseModel):
    """A foreign employer or agency in the prior approval category: demands from it need prior approval."""

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=100, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="blacklistings")
    reasons = models.TextField()
    listed_date = models.DateField()
    listed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    delisted_date = models.DateField(null=True, blank=True)
    delisting_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["-listed_date", "name"]
        indexes = [models.Index(fields=["delisted_date", "country"], name="blacklist_public")]
        constraints = [
            models.CheckConstraint(condition=Q(delisted_date__isnull=True) | Q(delisted_date__gte=models.F("listed_date")), name="blacklist_dates_add_up"),
        ]

    def __str__(self) -> str:
        return self.name


class IllegalAgent(BaseModel):
    """An unregistered agent notified by the PGE so that the public can avoid them."""

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    state = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=100, blank=True)
    notified_date = models.DateField()
    notification_reference = models.CharField(max_length=60, blank=True)
    notified_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    withdrawn_date = models.DateField(null=True, blank=True)
    withdrawal_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["-notified_date", "name"]

    def __str__(self) -> str:
        return self.name


class Reminder(BaseModel):
    """A reminder sent; unique so that a retried task never sends the same one twice."""

    subject_type = models.CharField(max_length=30)
    subject_id = models.UUIDField()
    due_date = models.DateField()
    days_before = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id", "due_date", "days_before"], name="reminder_once")]

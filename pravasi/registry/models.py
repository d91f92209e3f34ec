"""Persons in the registry and what belongs to them: passports, residence, contacts, family, consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pravasi.core.crypto import EncryptedTextField
from pravasi.core.models import BaseModel


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / prefer to self-describe")


class PersonStatus(models.TextChoices):
    PRE_DEPARTURE = "PRE_DEPARTURE", _("Preparing to leave India")
    ABROAD = "ABROAD", _("Living abroad")
    RETURNED = "RETURNED", _("Returned to India")
    CLOSED = "CLOSED", _("Account closed")


class MessagingApp(models.TextChoices):
    NONE = "", _("None")
    WHATSAPP = "WHATSAPP", "WhatsApp"
    TELEGRAM = "TELEGRAM", "Telegram"
    SIGNAL = "SIGNAL", "Signal"
    IMO = "IMO", "imo"


class Vulnerability(models.TextChoices):
    """Each value names a boolean field `vuln_<value lower>` on Person."""

    PREGNANCY = "PREGNANCY", _("Pregnancy")
    DISABILITY = "DISABILITY", _("Disability")
    CHRONIC_ILLNESS = "CHRONIC_ILLNESS", _("Chronic illness")
    MINOR = "MINOR", _("Minor (under 18)")
    ELDERLY = "ELDERLY", _("Elderly")
    LANGUAGE = "LANGUAGE", _("Needs language support")

    @property
    def field(self) -> str:
        return f"vuln_{self.value.lower()}"


class Person(BaseModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    status = models.CharField(max_length=16, choices=PersonStatus.choices, default=PersonStatus.ABROAD)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    state_of_origin = models.CharField(_("state of origin"), max_length=6, blank=True, help_text="ISO 3166-2:IN")
    district_of_origin = models.CharField(_("district of origin"), max_length=80, blank=True)
    education = models.CharField(_("education"), max_length=20, blank=True)
    occupation_isco = models.CharField(_("occupation (ISCO-08)"), max_length=4, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    # Current residence abroad; earlier ones are in ResidenceHistory.
    residence_country = models.CharField(_("country of residence"), max_length=2, blank=True)
    residence_region = models.CharField(_("region or city"), max_length=100, blank=True)
    residence_address = EncryptedTextField(_("address"), blank=True, default="")
    residence_since_date = models.DateField(_("living there since"), null=True, blank=True)
    residence_until_date = models.DateField(_("expected to stay until"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Contacts: encrypted, with blind indexes for exact lookup.
    mobile = EncryptedTextField(_("mobile (E.164)"), blank=True, default="")
    mobile_index = models.CharField(max_length=40, blank=True, default="")
    email = EncryptedTextField(_("e-mail"), blank=True, default="")
    email_index = models.CharField(max_length=40, blank=True, default="")
    messaging_app = models.CharField(_("messaging app"), max_length=10, choices=MessagingApp.choices, blank=True, default="")
    messaging_handle = EncryptedTextField(_("messaging app number or name"), blank=True, default="")
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="en")
    visa_expiry_date = models.DateField(_("visa or permit expiry"), null=True, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    vuln_pregnancy = models.BooleanField(_("pregnancy"), default=False)
    vuln_disability = models.BooleanField(_("disability"), default=False)
    vuln_chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    vuln_minor = models.BooleanField(_("minor"), default=False)
    vuln_elderly = models.BooleanField(_("elderly"), default=False)
    vuln_language = models.BooleanField(_("needs language support"), default=False)
    needs_note = EncryptedTextField(_("needs, in your words"), blank=True, default="")
    registration_step = models.PositiveSmallIntegerField(default=1)
    registration_completed_at = models.DateTimeField(null=True, blank=True)
    registered_by_office = models.ForeignKey("accounts.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from")
    returned_date = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["residence_country", "residence_region"], name="person_residence"),
            models.Index(fields=["state_of_origin", "family_name"], name="person_origin"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(fields=["mobile_index"], name="person_mobile_idx"),
            models.Index(fields=["email_index"], name="person_email_idx"),
            models.Index(fields=["family_name", "given_name"], name="person_name_order"),
            # A Mission's list (country, often with state of origin) comes straight off this index in order.
            models.Index(fields=["residence_country", "state_of_origin", "family_name", "given_name", "id"], name="person_place_name"),
        ]
        constraints = [
            models.CheckConstraint(
                name="person_residence_dates_ordered",
                condition=Q(residence_until_date__isnull=True) | Q(residence_since_date__isnull=True) | Q(residence_until_date__gte=F("residence_since_date")),
            ),
            models.CheckConstraint(name="person_not_merged_into_self", condition=~Q(merged_into=F("id"))),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def vulnerabilities(self) -> list[str]:
        return [v.value for v in Vulnerability if getattr(self, v.field)]


class Passport(BaseModel):
    """A passport. The same number never belongs to two persons (unique blind index)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="passports")
    number = EncryptedTextField(_("passport number"))
    number_index = models.CharField(max_length=40)
    issue_date = models.DateField(_("date of issue"))
    expiry_date = models.DateField(_("date of expiry"))
    place_of_issue = models.CharField(_("place of issue"), max_length=80, blank=True)
    is_ecr = models.BooleanField(_("ECR (emigration check required)"), default=False)
    mrz_verified = models.BooleanField(default=False)
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="passport_expiry_after_issue", condition=Q(expiry_date__gt=F("issue_date"))),
            # The same passport never makes a second person (a constraint, not unique=True, to avoid an unused LIKE index).
            models.UniqueConstraint(fields=["number_index"], name="passport_number_unique"),
            models.UniqueConstraint(fields=["person"], condition=Q(is_current=True), name="passport_one_current_per_person"),
        ]

    def __str__(self) -> str:
        return f"Passport of {self.person_id}"


class ResidenceHistory(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residence_history")
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=100, blank=True)
    since_date = models.DateField(null=True, blank=True)
    until_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=20, default="MOVED")

    class Meta:
        ordering = ["-until_date"]


class EmergencyContact(BaseModel):
    class Where(models.TextChoices):
        INDIA = "INDIA", _("In India")
        ABROAD = "ABROAD", _("Abroad")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emergency_contacts")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=60)
    where = models.CharField(_("where"), max_length=6, choices=Where.choices)
    country = models.CharField(max_length=2, blank=True)
    phone = EncryptedTextField(_("phone (E.164)"))
    email = EncryptedTextField(_("e-mail"), blank=True, default="")

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class FamilyMember(BaseModel):
    """A family member living with the person abroad (kept together in evacuations)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_members")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=60)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    is_indian_citizen = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


def sort_name_of(family_name: str, given_name: str) -> str:
    """The order results are listed in (family name, then given name), kept beside each name key."""
    return f"{family_name} {given_name}".strip().lower()[:120]


class NameToken(models.Model):
    """Folded name keys for transliteration-tolerant search.

    A b-tree on (key, sort_name, person) gives the persons holding a key already in list order, so a
    search walks one key's entries in order and stops at the first page of matches.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    key = models.CharField(max_length=24)
    sort_name = models.CharField(max_length=120, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "person"], name="name_token_unique")]
        indexes = [models.Index(fields=["key", "sort_name", "person"], name="name_token_ordered")]

    def __str__(self) -> str:
        return self.key


class NameKey(models.Model):
    """Every distinct folded key (thousands, not millions): fuzzy matching scans these, not persons."""

    key = models.CharField(max_length=24, primary_key=True)

    def __str__(self) -> str:
        return self.key


class ConsentPurpose(models.TextChoices):
    CRISIS_CONTACT = "CRISIS_CONTACT", _("Contact me in a crisis (alerts, safety check-ins, evacuation)")
    SERVICE_NOTIFICATIONS = "SERVICE_NOTIFICATIONS", _("Send me service notifications")
    STATISTICS = "STATISTICS", _("Use my data in anonymous statistics")
    PARTNER_SHARING = "PARTNER_SHARING", _("Share my data with a named partner under an agreement")


class PrivacyNotice(BaseModel):
    version = models.CharField(max_length=20, unique=True)
    published_date = models.DateField()
    text_en = models.TextField()
    text_hi = models.TextField()
    controller = models.CharField(max_length=200, default="Protector General of Emigrants, Ministry of External Affairs")
    grievance_contact = models.CharField(max_length=200, default="pge@mea.gov.in")

    class Meta:
        ordering = ["-published_date"]

    def __str__(self) -> str:
        return f"Privacy notice {self.version}"


class ConsentRecord(BaseModel):
    """One event in a person's consent history (given or withdrawn); the latest per purpose is in force."""

    class Method(models.TextChoices):
        WEB = "WEB", _("Website")
        API = "API", _("API")
        STAFF = "STAFF", _("Recorded by an official")
        IMPORT = "IMPORT", _("Registration drive")

    # Lookups go through the consent_latest index (person, purpose, -at); the other FKs are never searched.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", db_index=False)
    purpose = models.CharField(max_length=24, choices=ConsentPurpose.choices)
    partner = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    agreement_reference = models.CharField(max_length=80, blank=True)
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="+", db_index=False)
    given = models.BooleanField()
    at = models.DateTimeField()
    method = models.CharField(max_length=8, choices=Method.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    language = models.CharField(max_length=8, default="en")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "purpose", "-at"], name="consent_latest")]
        constraints = [
            models.CheckConstraint(
                name="consent_partner_only_for_sharing",
                condition=Q(purpose="PARTNER_SHARING", partner__isnull=False) | (~Q(purpose="PARTNER_SHARING") & Q(partner__isnull=True)),
            )
        ]


class DuplicateFlag(BaseModel):
    """A likely match between two persons, for an official to merge or dismiss."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Open")
        MERGED = "MERGED", _("Merged")
        DISMISSED = "DISMISSED", _("Not the same person")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(name="duplicate_pair_ordered", condition=Q(person_a__lt=F("person_b"))),
        ]


class MergeRecord(BaseModel):
    """What a merge moved from one person to the other, so it can be reversed."""

    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey(DuplicateFlag, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges")
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")


class ImportJob(BaseModel):
    """A bulk import (CSV or XLSX) by a Mission or PoE; rows are processed by a task and can resume."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Queued")
        RUNNING = "RUNNING", _("Running")
        DONE = "DONE", _("Finished")
        FAILED = "FAILED", _("Could not be read")

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4)
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=300)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else (100 if self.status == self.Status.DONE else 0)


class ImportRow(models.Model):
    class Outcome(models.TextChoices):
        IMPORTED = "IMPORTED", _("Imported")
        ALREADY_REGISTERED = "ALREADY", _("Already registered (passport known)")
        FLAGGED = "FLAGGED", _("Imported, flagged as a possible duplicate")
        ERROR = "ERROR", _("Not imported: errors")

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    messages = models.JSONField(default=dict)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    fingerprint = models.CharField(max_length=40, blank=True, help_text="keyed hash of the row's identity, so a re-run file adds no one twice")

    class Meta:
        ordering = ["row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="import_row_unique")]
        indexes = [models.Index(fields=["fingerprint"], name="import_row_fingerprint")]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.outcome}"

"""User accounts, offices (with jurisdiction), organisations and memberships."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pravasi.core.crypto import EncryptedTextField
from pravasi.core.models import BaseModel

from .roles import OFFICE_ROLES, ORGANISATION_ROLES, OfficeKind, OrganisationKind, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. E-mail and mobile are stored encrypted and found through blind indexes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = models.CharField(_("username"), max_length=150, unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    email = EncryptedTextField(blank=True, default="")
    email_index = models.CharField(max_length=40, null=True, blank=True, unique=True)
    mobile = EncryptedTextField(blank=True, default="")
    mobile_index = models.CharField(max_length=40, null=True, blank=True, unique=True)
    contact_confirmed_at = models.DateTimeField(null=True, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May open the Django admin (still needs 2FA).")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        return self.display_name or self.username


class Office(BaseModel):
    """A government office. PoE offices hold Indian states; Missions hold host countries."""

    kind = models.CharField(max_length=10, choices=OfficeKind.choices)
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    states = models.JSONField(default=list, blank=True, help_text="ISO 3166-2:IN codes (PoE)")
    countries = models.JSONField(default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes (Mission)")
    city = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Organisation(BaseModel):
    kind = models.CharField(max_length=10, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, default="IN")
    registration_number = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's role, in an office (staff), in an organisation (partner), or on their own."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_body_matches_role",
                condition=(
                    Q(role__in=[r.value for r in OFFICE_ROLES], office__isnull=False, organisation__isnull=True)
                    | Q(role__in=[r.value for r in ORGANISATION_ROLES], organisation__isnull=False, office__isnull=True)
                    | Q(role__in=[Role.EMIGRANT.value, Role.ADMINISTRATOR.value], office__isnull=True, organisation__isnull=True)
                ),
            ),
            models.UniqueConstraint(fields=["user", "role", "office"], condition=Q(office__isnull=False), name="membership_unique_office"),
            models.UniqueConstraint(fields=["user", "role", "organisation"], condition=Q(organisation__isnull=False), name="membership_unique_organisation"),
            models.UniqueConstraint(fields=["user", "role"], condition=Q(office__isnull=True, organisation__isnull=True), name="membership_unique_personal"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ConfirmationCode(BaseModel):
    """A one-time code sent to confirm a mobile number or e-mail (only its hash is kept)."""

    class Purpose(models.TextChoices):
        SIGNUP = "SIGNUP", _("Confirm sign-up")
        LOGIN = "LOGIN", _("Sign in")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="confirmation_codes")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    channel = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"], name="confirm_code_lookup")]


class ApiClient(BaseModel):
    """A machine client (the Bureau of Immigration's exit check, an insurer's system) with scoped API keys.

    Only a hash of the secret is kept; the key is shown once when it is made.
    """

    class Scope(models.TextChoices):
        EXIT_CHECK = "exit_check", _("Exit check (Bureau of Immigration)")
        PBBY = "pbby", _("Issue and validate PBBY policies")

    name = models.CharField(max_length=120)
    scopes = models.JSONField(default=list)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="api_clients")
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # DRF treats request.user as a user; a machine client is authenticated but never staff.
    is_authenticated = True
    is_staff = False
    is_superuser = False

    def get_username(self) -> str:
        return f"client:{self.name}"

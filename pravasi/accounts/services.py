"""Account changes: sign-up with a confirmed contact, staff users, two-factor enrolment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.audit.services import audit_record
from pravasi.core.contacts import email_index, looks_like_email, normalise_email, normalise_phone, phone_index
from pravasi.core.errors import Conflict, RateLimited, ValidationFailed
from pravasi.messaging.services import message_enqueue
from pravasi.policy.selectors import policy

from .models import ConfirmationCode, Membership, Office, Organisation, User
from .roles import OFFICE_ROLES, ORGANISATION_ROLES, Role

RECOVERY_CODE_COUNT = 10


def _code_hash(user_id, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def parse_contact(identifier: str, *, field: str = "contact") -> tuple[str, str]:
    """Returns ("EMAIL" | "SMS", normalised value) for what a person typed."""
    text = (identifier or "").strip()
    if not text:
        raise ValidationFailed.on(field, _("Enter your mobile number or e-mail address."))
    if looks_like_email(text):
        return "EMAIL", normalise_email(text, field=field)
    return "SMS", normalise_phone(text, field=field)


@transaction.atomic
def emigrant_signup(*, contact: str, password: str, display_name: str = "", language: str = "en", source_ip: str | None = None) -> User:
    """Creates an unconfirmed emigrant account and sends a one-time code to the contact."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    channel, value = parse_contact(contact)
    index = email_index(value) if channel == "EMAIL" else phone_index(value)
    lookup = {"email_index": index} if channel == "EMAIL" else {"mobile_index": index}
    existing = User.objects.filter(**lookup).first()
    if existing is not None and existing.contact_confirmed_at:
        raise Conflict(_("An account already uses this contact. Sign in, or reset your password."), fields={"contact": [_("An account already uses this contact.")]})
    if existing is not None:
        existing.delete()  # an abandoned, never-confirmed sign-up; the new one replaces it
    user = User(username=f"e-{secrets.token_hex(6)}", display_name=display_name.strip()[:150], preferred_language=language, is_active=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("Choose a stronger password."), fields={"password": list(exc.messages)}) from exc
    user.set_password(password)
    if channel == "EMAIL":
        user.email, user.email_index = value, index
    else:
        user.mobile, user.mobile_index = value, index
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict(_("An account already uses this contact."), fields={"contact": [_("An account already uses this contact.")]}) from exc
    Membership.objects.create(user=user, role=Role.EMIGRANT)
    audit_record(actor=None, action="accounts.emigrant_signed_up", target=user, summary={"channel": channel}, source_ip=source_ip)
    confirmation_code_send(user=user, purpose=ConfirmationCode.Purpose.SIGNUP)
    return user


@transaction.atomic
def confirmation_code_send(*, user: User, purpose: str) -> ConfirmationCode:
    rules = policy("CONFIRMATION_CODE", default={"digits": 6, "valid_minutes": 10, "max_attempts": 5})
    recent = ConfirmationCode.objects.filter(user=user, purpose=purpose, created_at__gte=timezone.now() - timedelta(minutes=1)).count()
    if recent >= 3:
        raise RateLimited(_("Too many codes asked for. Wait a minute and try again."))
    digits = int(rules["digits"])
    code = f"{secrets.randbelow(10**digits):0{digits}d}"
    channel = "EMAIL" if user.email and not user.mobile else "SMS"
    record = ConfirmationCode.objects.create(
        user=user,
        purpose=purpose,
        channel=channel,
        code_hash=_code_hash(user.id, code),
        expires_at=timezone.now() + timedelta(minutes=int(rules["valid_minutes"])),
    )
    text = _("Your Pravasi code is %(code)s. It expires in %(minutes)s minutes. Never share it.") % {"code": code, "minutes": rules["valid_minutes"]}
    message_enqueue(
        channel=channel,
        recipient=user.email if channel == "EMAIL" else user.mobile,
        subject=_("Your Pravasi confirmation code"),
        body=text,
        purpose=f"accounts.{purpose.lower()}_code",
        idempotency_key=f"code:{record.id}",
        language=user.preferred_language,
    )
    return record


def confirmation_code_verify(*, user: User, purpose: str, code: str, source_ip: str | None = None) -> User:
    """Checks a code. A wrong code still counts as an attempt, so it is committed before the error."""
    rules = policy("CONFIRMATION_CODE", default={"digits": 6, "valid_minutes": 10, "max_attempts": 5})
    wrong = ValidationFailed.on("code", _("That code is wrong or has expired. Ask for a new one."))
    with transaction.atomic():
        record = ConfirmationCode.objects.select_for_update().filter(user=user, purpose=purpose, used_at__isnull=True).order_by("-created_at").first()
        if record is None or record.expires_at < timezone.now() or record.attempts >= int(rules["max_attempts"]):
            raise wrong
        cleaned = (code or "").strip().replace(" ", "")
        matches = hmac.compare_digest(record.code_hash, _code_hash(user.id, cleaned))
        if not matches:
            ConfirmationCode.objects.filter(pk=record.pk).update(attempts=record.attempts + 1)
        else:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at", "updated_at"])
            if purpose == ConfirmationCode.Purpose.SIGNUP and not user.contact_confirmed_at:
                user.contact_confirmed_at = timezone.now()
                user.save(update_fields=["contact_confirmed_at"])
                audit_record(actor=user, action="accounts.contact_confirmed", target=user, source_ip=source_ip)
    if not matches:
        raise wrong
    return user


@transaction.atomic
def restricted_user_create(*, actor, username: str, password: str, role: str, display_name: str = "", office: Office | None = None, organisation: Organisation | None = None, email: str = "") -> User:
    """Creates a staff or partner user with one membership; they enrol TOTP on first sign-in."""
    if role in OFFICE_ROLES and (office is None or office.kind != OFFICE_ROLES[role]):
        raise ValidationFailed.on("office", _("This role needs an office of the matching kind."))
    if role in ORGANISATION_ROLES and (organisation is None or organisation.kind != ORGANISATION_ROLES[role]):
        raise ValidationFailed.on("organisation", _("This role needs an organisation of the matching kind."))
    user = User(username=username, display_name=display_name, is_staff=role == Role.ADMINISTRATOR)
    user.set_password(password)
    if email:
        user.email = normalise_email(email)
        user.email_index = email_index(user.email)
    user.contact_confirmed_at = timezone.now()
    user.save()
    Membership.objects.create(user=user, role=role, office=office if role in OFFICE_ROLES else None, organisation=organisation if role in ORGANISATION_ROLES else None)
    audit_record(actor=actor, action="accounts.restricted_user_created", target=user, summary={"role": role, "office": office.code if office else None})
    return user


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device; it counts only after the user proves it with a code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device_id: int, token: str, source_ip: str | None = None) -> list[str]:
    """Confirms the device with a code from the app; returns fresh recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, id=device_id, confirmed=False).first()
    if device is None:
        raise ValidationFailed.on("otp_token", _("Start the set-up again: this enrolment is no longer open."))
    if not device.verify_token((token or "").strip()):
        raise ValidationFailed.on("otp_token", _("That code does not match. Check the time on your phone and try the newest code."))
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(id=device.id).delete()
    codes = recovery_codes_regenerate(user=user)
    audit_record(actor=user, action="accounts.totp_enrolled", target=user, source_ip=source_ip)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def partner_applicant_create(*, organisation: Organisation, role: str, display_name: str, email: str, mobile: str, password: str, language: str = "en", source_ip: str | None = None) -> User:
    """The contact person of an organisation applying on the public website. They sign in with the
    e-mail address and enrol two-factor authentication before the partner workspace opens."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    errors: dict[str, list[str]] = {}
    try:
        email = normalise_email(email, field="contact_email")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        mobile = normalise_phone(mobile, field="contact_mobile")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not errors:
        if User.objects.filter(email_index=email_index(email)).exists():
            errors["contact_email"] = [_("An account already uses this e-mail address. Sign in and apply from the workspace.")]
        if User.objects.filter(mobile_index=phone_index(mobile)).exists():
            errors["contact_mobile"] = [_("An account already uses this mobile number.")]
    user = User(username=f"p-{secrets.token_hex(6)}", display_name=display_name.strip()[:150], preferred_language=language)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    user.set_password(password)
    user.email, user.email_index = email, email_index(email)
    user.mobile, user.mobile_index = mobile, phone_index(mobile)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict(_("An account already uses this contact."), fields={"contact_email": [_("An account already uses this contact.")]}) from exc
    Membership.objects.create(user=user, role=role, organisation=organisation)
    audit_record(actor=None, action="accounts.partner_applicant_created", target=user, summary={"role": role, "organisation": str(organisation.id)}, source_ip=source_ip)
    return user

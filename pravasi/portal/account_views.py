"""Signing in and out, two-factor verification and enrolment, emigrant sign-up and contact confirmation."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.accounts.models import ConfirmationCode
from pravasi.accounts.selectors import is_restricted_user
from pravasi.accounts.services import (
    confirmation_code_send,
    confirmation_code_verify,
    emigrant_signup,
    has_confirmed_totp,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from pravasi.audit.services import audit_record
from pravasi.core.errors import DomainError
from pravasi.core.forms import apply_domain_error
from pravasi.core.qr import qr_data_uri
from pravasi.core.requests import source_ip

from .forms import ConfirmCodeForm, OtpTokenForm, SignInForm, SignUpForm

PENDING_SIGNUP_KEY = "pravasi_pending_signup"


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _after_login(request, user) -> str:
    if is_restricted_user(user):
        return _next_url(request, reverse("workspace:home"))
    return _next_url(request, reverse("portal:profile"))


def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.GET.get("expired"):
        messages.info(request, _("You were signed out after a period of inactivity."))
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The sign-in details do not match an account. After several failed tries, sign-in is paused for a while."))
        elif not user.contact_confirmed_at and not is_restricted_user(user):
            request.session[PENDING_SIGNUP_KEY] = str(user.id)
            confirmation_code_send(user=user, purpose=ConfirmationCode.Purpose.SIGNUP)
            messages.info(request, _("Confirm your contact first: we have sent you a new code."))
            return redirect("accounts:confirm")
        else:
            login(request, user, backend="pravasi.accounts.backends.IdentifierBackend")
            audit_record(actor=user, action="accounts.signed_in", target=user, source_ip=source_ip(request))
            if is_restricted_user(user):
                return redirect(f"{reverse('accounts:two_factor')}?next={_after_login(request, user)}")
            return redirect(_after_login(request, user))
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="accounts.signed_out", target=request.user, source_ip=source_ip(request))
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:home")


def two_factor(request):
    """Asks for a TOTP or recovery code; sends a user without a device to enrolment."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect(_after_login(request, request.user))
    if not has_confirmed_totp(request.user):
        return redirect(f"{reverse('accounts:enrol')}?next={_next_url(request, '')}")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"].strip().replace(" ", "")
        device = None
        throttled = False
        for candidate in devices_for_user(request.user, confirmed=True):
            verify_is_allowed, _info = candidate.verify_is_allowed()
            if not verify_is_allowed:
                throttled = throttled or type(candidate).__name__ == "TOTPDevice"
            if verify_is_allowed and candidate.verify_token(token):
                device = candidate
                break
        if device is None:
            audit_record(actor=request.user, action="accounts.two_factor_failed", target=request.user, source_ip=source_ip(request))
            if throttled:
                form.add_error("otp_token", _("Too many wrong codes: wait a few seconds, then enter the newest code. Each failure doubles the wait."))
            else:
                form.add_error("otp_token", _("That code is not right. Use the newest code from your app; repeated failures pause sign-in for a while."))
        else:
            otp_login(request, device)
            audit_record(actor=request.user, action="accounts.two_factor_passed", target=request.user, summary={"method": type(device).__name__}, source_ip=source_ip(request))
            return redirect(_after_login(request, request.user))
    return render(request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")})


def enrol(request):
    """TOTP enrolment: a QR code and the key in text, then a code to prove it, then recovery codes once."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if has_confirmed_totp(request.user) and not request.user.is_verified():
        return redirect("accounts:two_factor")
    form = OtpTokenForm(request.POST or None)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-id").first()
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = totp_enrolment_confirm(user=request.user, device_id=device.id, token=form.cleaned_data["otp_token"], source_ip=source_ip(request))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _after_login(request, request.user)})
    if device is None or request.method == "GET":
        device = totp_enrolment_start(user=request.user)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(request, "accounts/enrol.html", {"form": form, "qr": qr_data_uri(device.config_url), "secret": secret, "next": request.GET.get("next", "")})


def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = emigrant_signup(
                contact=form.cleaned_data["contact"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                language=get_language() or "en",
                source_ip=source_ip(request),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session[PENDING_SIGNUP_KEY] = str(user.id)
            return redirect("accounts:confirm")
    return render(request, "accounts/sign_up.html", {"form": form})


def confirm(request):
    from pravasi.accounts.models import User

    user_id = request.session.get(PENDING_SIGNUP_KEY)
    user = User.objects.filter(id=user_id, contact_confirmed_at__isnull=True).first() if user_id else None
    if user is None:
        messages.info(request, _("Start by creating an account."))
        return redirect("accounts:signup")
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        try:
            confirmation_code_send(user=user, purpose=ConfirmationCode.Purpose.SIGNUP)
            messages.info(request, _("We have sent a new code."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:confirm")
    if request.method == "POST" and form.is_valid():
        try:
            confirmation_code_verify(user=user, purpose=ConfirmationCode.Purpose.SIGNUP, code=form.cleaned_data["code"], source_ip=source_ip(request))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            del request.session[PENDING_SIGNUP_KEY]
            login(request, user, backend="pravasi.accounts.backends.IdentifierBackend")
            messages.success(request, _("Your contact is confirmed. Now tell us a little about yourself."))
            return redirect("portal:register")
    channel = _("e-mail") if user.email and not user.mobile else _("SMS")
    return render(request, "accounts/confirm.html", {"form": form, "channel": channel})

"""Forms of the public website. They check shape; the domain services check meaning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.core.forms import StyledForm


class SignInForm(StyledForm):
    username = forms.CharField(label=_("Mobile number, e-mail or username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), max_length=200, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OtpTokenForm(StyledForm):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SignUpForm(StyledForm):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    contact = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=120,
        help_text=_("We send a one-time code to confirm it. Mobile numbers: include the country code, e.g. +971 50 123 4567."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(label=_("Choose a password"), max_length=200, help_text=_("At least 10 characters."), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class ConfirmCodeForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=10, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))

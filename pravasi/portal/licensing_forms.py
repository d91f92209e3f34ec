"""Forms of the public licensing pages: applications from agents, employers and exporters, and the public searches.

The application forms check shape only. licensing.services.application_submit judges every value and
answers with one message per field, keyed by the same names as the fields here, so those messages
land next to the right input.
"""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.core.forms import StyledForm, style_form
from pravasi.licensing.models import Director, EmployerType, LegalForm, LicenceStatus, SecurityTrack
from pravasi.licensing.validation import banks
from pravasi.policy.selectors import policy

from .forms import RawChoice, RawText, date_input

ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg"
DIRECTOR_ROWS = 3
ACCOUNT_FIELDS = ("contact_name", "contact_email", "contact_mobile", "password")
DEFAULT_UPLOAD_LIMIT = 5 * 1024 * 1024


def upload_limit_mb() -> int:
    rules = policy("DOCUMENT_UPLOAD", default={"max_bytes": DEFAULT_UPLOAD_LIMIT})
    return int(rules.get("max_bytes", DEFAULT_UPLOAD_LIMIT)) // (1024 * 1024)


def exit_permission_days() -> int:
    return int(policy("FE_INDIVIDUAL_UNDERTAKINGS", default={"exit_permission_days": 7}).get("exit_permission_days", 7))


class RawFile(forms.FileField):
    """An uploaded document handed to the service as it came; its checks (type by content, size, a
    missing required document) give the message, so `required` here only marks the label."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ACCEPTED_FILES}

    def validate(self, value):
        pass


def _choose(first, choices) -> list[tuple[str, str]]:
    return [("", first), *choices]


def state_choices() -> list[tuple[str, str]]:
    return _choose(_("Choose the state or union territory"), geography.state_choices())


def employer_country_choices() -> list[tuple[str, str]]:
    return _choose(_("Choose the country"), geography.country_choices(exclude=("IN",)))


def bank_choices() -> list[tuple[str, str]]:
    return _choose(_("Choose the bank"), sorted(banks().items(), key=lambda item: item[1]))


def text_input(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs=attrs)


class ApplicationForm(StyledForm):
    """Shared by the three applications: the contact person's account, and handing values to the service."""

    contact_name = RawText(label=_("Your name"), required=True, help_text=_("The person who will follow the application."), widget=text_input(autocomplete="name"))
    contact_email = RawText(label=_("E-mail address"), required=True, help_text=_("You will sign in with this address."), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_mobile = RawText(
        label=_("Mobile number"),
        required=True,
        help_text=_("With the country code, for example +91 94470 12345."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    password = RawText(
        label=_("Choose a password"),
        required=True,
        help_text=_("At least 10 characters. You will type it again if the form comes back with corrections."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, account_needed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_needed = account_needed
        if not account_needed:
            for name in ACCOUNT_FIELDS:
                del self.fields[name]
        limit = upload_limit_mb()
        for field in self.fields.values():
            if isinstance(field, RawFile):
                field.help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {"mb": limit}
        style_form(self)

    def file_names(self) -> list[str]:
        return [name for name, field in self.fields.items() if isinstance(field, RawFile)]

    def data_for_service(self) -> dict:
        files = set(self.file_names())
        return {name: value for name, value in self.cleaned_data.items() if name not in files and value is not None}

    def files_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.file_names() if self.cleaned_data.get(name)}

    def directors(self) -> list[dict]:
        """The director rows as bound fields, for the template."""
        return [
            {"number": i, "name": self[f"director_{i}_name"], "capacity": self[f"director_{i}_capacity"], "din": self[f"director_{i}_din"]}
            for i in range(1, DIRECTOR_ROWS + 1)
            if f"director_{i}_name" in self.fields
        ]


def _director_fields() -> dict:
    fields = {}
    for i in range(1, DIRECTOR_ROWS + 1):
        # Numbered labels, so that the error summary says which person a message is about.
        fields[f"director_{i}_name"] = RawText(label=format_lazy(_("Person {n}: full name"), n=i), required=i == 1, widget=text_input(autocomplete="off"))
        fields[f"director_{i}_capacity"] = RawChoice(label=format_lazy(_("Person {n}: capacity"), n=i), required=i == 1, choices=_choose(_("Choose"), Director.Capacity.choices))
        fields[f"director_{i}_din"] = RawText(
            label=format_lazy(_("Person {n}: director identification number (DIN)"), n=i),
            help_text=_("Eight digits; for directors of a company."),
            widget=text_input(inputmode="numeric", autocomplete="off"),
        )
    return fields


class BusinessFields(ApplicationForm):
    """The business as registered in India and its office premises (agents and exporters)."""

    organisation_name = RawText(label=_("Name of the business"), required=True, help_text=_("As in the certificate of incorporation or registration."), widget=text_input(autocomplete="organization"))
    legal_form = RawChoice(label=_("Legal form"), required=True, choices=_choose(_("Choose"), LegalForm.choices))
    company_registration = RawText(label=_("Registration number"), required=True, help_text=_("CIN, LLPIN or firm registration number."), widget=text_input(autocomplete="off"))
    premises_address = RawText(label=_("Office address"), required=True, widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}))
    premises_state = RawChoice(label=_("State or union territory"), required=True, choices=state_choices)
    premises_city = RawText(label=_("City or town"), required=True, widget=text_input(autocomplete="address-level2"))
    premises_pin = RawText(label=_("PIN code"), required=True, help_text=_("Six digits, like 695001."), widget=text_input(autocomplete="postal-code", inputmode="numeric"))


# Rows director_1_* to director_3_*: declared in a loop, so built as a class here.
DirectorFields = type(forms.Form)("DirectorFields", (forms.Form,), {"__module__": __name__, **_director_fields()})


def _order(*groups) -> list[str]:
    return [name for group in groups for name in group]


COMPANY = ("organisation_name", "legal_form", "company_registration")
DIRECTORS = tuple(f"director_{i}_{part}" for i in range(1, DIRECTOR_ROWS + 1) for part in ("name", "capacity", "din"))
PREMISES = ("premises_address", "premises_state", "premises_city", "premises_pin")


class RecruitingAgentForm(BusinessFields, DirectorFields):
    # The order of the page, which the error summary follows.
    field_order = _order(
        COMPANY,
        DIRECTORS,
        PREMISES,
        ("security_track", "expected_workers", "bank_code", "bank_guarantee_number", "bank_guarantee_amount", "bank_guarantee_valid_from", "bank_guarantee_valid_to"),
        ("fee_amount", "fee_reference", "fee_paid_date"),
        ("document_incorporation", "document_premises", "document_identity", "document_bank_guarantee", "document_fee_receipt"),
        ACCOUNT_FIELDS,
    )
    security_track = RawChoice(label=_("How the security is lodged"), required=True, choices=SecurityTrack.choices, widget=forms.RadioSelect)
    expected_workers = RawText(
        label=_("Workers you expect to recruit"),
        help_text=_("Needed for a guarantee per 100 workers: the amount depends on it."),
        widget=text_input(inputmode="numeric", autocomplete="off"),
    )
    bank_code = RawChoice(label=_("Bank that issued the guarantee"), required=True, choices=bank_choices, help_text=_("Only scheduled commercial banks are accepted."))
    bank_guarantee_number = RawText(label=_("Guarantee number"), required=True, help_text=_("As printed on the guarantee."), widget=text_input(autocomplete="off"))
    bank_guarantee_amount = RawText(label=_("Amount in rupees"), required=True, widget=text_input(inputmode="decimal", autocomplete="off"))
    bank_guarantee_valid_from = RawText(label=_("Valid from"), required=True, widget=date_input())
    bank_guarantee_valid_to = RawText(label=_("Valid until"), required=True, widget=date_input())
    fee_amount = RawText(label=_("Fee paid, in rupees"), required=True, widget=text_input(inputmode="decimal", autocomplete="off"))
    fee_reference = RawText(label=_("Challan or transaction reference"), required=True, widget=text_input(autocomplete="off"))
    fee_paid_date = RawText(label=_("Date paid"), required=True, widget=date_input())
    document_incorporation = RawFile(required=True, label=_("Certificate of incorporation or registration"))
    document_premises = RawFile(required=True, label=_("Proof of office premises"))
    document_identity = RawFile(required=True, label=_("Identity and address proof of the directors or partners"))
    document_bank_guarantee = RawFile(required=True, label=_("The bank guarantee"))
    document_fee_receipt = RawFile(required=True, label=_("Fee receipt"))


class ProjectExporterForm(BusinessFields, DirectorFields):
    field_order = _order(COMPANY, DIRECTORS, PREMISES, ("project_description", "document_incorporation", "document_project"), ACCOUNT_FIELDS)
    project_description = RawText(
        label=_("The project abroad"), required=True, help_text=_("Client, country, kind of work, duration and how many workers it needs."), widget=forms.Textarea(attrs={"rows": 5})
    )
    document_incorporation = RawFile(required=True, label=_("Certificate of incorporation or registration"))
    document_project = RawFile(required=True, label=_("Project contract"))


class ForeignEmployerForm(ApplicationForm):
    field_order = _order(
        ("organisation_name", "employer_type", "country", "employer_address", "company_registration", "undertakings", "document_employer_licence"),
        ACCOUNT_FIELDS,
    )
    organisation_name = RawText(
        label=_("Name of the employer"), required=True, help_text=_("The company or institution, or the full name of an individual employer."), widget=text_input(autocomplete="organization")
    )
    employer_type = RawChoice(label=_("Kind of employer"), required=True, choices=EmployerType.choices, widget=forms.RadioSelect)
    country = RawChoice(label=_("Country where the employer is"), required=True, choices=employer_country_choices)
    employer_address = RawText(label=_("Address of the employer"), required=True, widget=forms.Textarea(attrs={"rows": 3}))
    company_registration = RawText(label=_("Commercial registration or licence number"), help_text=_("For a company or institution."), widget=text_input(autocomplete="off"))
    undertakings = forms.BooleanField(
        label=_("I accept these undertakings. An individual (domestic) employer must accept them to register; a company or institution may leave this unticked."), required=False
    )
    document_employer_licence = RawFile(required=True, label=_("Commercial licence, or the identity document of an individual employer"))


# --- public searches -----------------------------------------------------------------------------------


class VerifyForm(StyledForm):
    number = forms.CharField(
        label=_("Certificate or registration number"),
        max_length=60,
        help_text=_("As printed on the certificate, for example B-00042/KL/2026."),
        error_messages={"required": _("Enter the number printed on the certificate."), "max_length": _("A certificate number has at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


def status_choices() -> list[tuple[str, str]]:
    return _choose(_("Any status"), LicenceStatus.choices)


def any_state_choices() -> list[tuple[str, str]]:
    return _choose(_("Any state"), geography.state_choices())


def any_country_choices() -> list[tuple[str, str]]:
    return _choose(_("Any country"), geography.country_choices(exclude=("IN",)))


SEARCH_TEXT = {"max_length": 200, "required": False}


class AgentSearchForm(StyledForm):
    name = forms.CharField(label=_("Name of the agent"), widget=forms.TextInput(attrs={"type": "search"}), **SEARCH_TEXT)
    number = forms.CharField(label=_("Certificate number"), widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}), **{**SEARCH_TEXT, "max_length": 60})
    state = forms.ChoiceField(label=_("State"), required=False, choices=any_state_choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=status_choices)


class BlacklistSearchForm(StyledForm):
    name = forms.CharField(label=_("Name of the employer or agency"), widget=forms.TextInput(attrs={"type": "search"}), **SEARCH_TEXT)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=any_country_choices)


class IllegalAgentSearchForm(StyledForm):
    name = forms.CharField(label=_("Name"), widget=forms.TextInput(attrs={"type": "search"}), **SEARCH_TEXT)
    state = forms.ChoiceField(label=_("State"), required=False, choices=any_state_choices)

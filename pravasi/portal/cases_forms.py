"""Forms of the public case pages: filing a grievance, reporting what happened to an emigrant, checking a
case with a one-time code, and what the filer may do on an opened case.

The filing forms check shape only. cases.services.case_file judges every value and answers with one
message per field, keyed by the same names as the fields here, so those messages land next to the
right input.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.cases import services
from pravasi.cases.labels import category_choices
from pravasi.cases.models import EventualityKind
from pravasi.core import geography
from pravasi.core.errors import DomainError
from pravasi.core.forms import StyledForm, apply_domain_error
from pravasi.policy.selectors import policy

from .forms import RawChoice, RawText, date_input

SELF = "SELF"
OTHER = "OTHER"
ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"

EVENTUALITY_LABELS = {
    EventualityKind.DEATH: _("Has died"),
    EventualityKind.INJURY: _("Is injured"),
    EventualityKind.MISSING: _("Is missing"),
    EventualityKind.DETAINED: _("Is detained or in jail"),
    EventualityKind.STRANDED: _("Is stranded"),
    EventualityKind.ILLNESS: _("Is seriously ill"),
}


def country_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the country")), *geography.country_choices(exclude=("IN",))]


def attachment_rules() -> dict:
    rules = policy("CASE_ATTACHMENTS")
    return {"max_files": int(rules["max_files"]), "max_mb": int(rules["max_bytes"]) // (1024 * 1024)}


RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Up to a few files in one input; the service checks their number, type (by content) and size."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "multiple": True, "accept": ACCEPTED_FILES}

    def clean(self, value):
        return [f for f in (value or []) if f]


def _tel(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", **attrs})


class CaseForm(StyledForm):
    """The fields a grievance and a report share: the filer's contact (mobile first), the place, the story."""

    filer_name = RawText(label=_("Your name"), required=True, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    filer_phone = RawText(
        label=_("Your mobile number"),
        help_text=_("With the country code, for example +91 98470 12345 or +971 50 123 4567. We send the case number and updates here."),
        widget=_tel(),
    )
    filer_email = RawText(
        label=_("Your e-mail (if you have one)"),
        help_text=_("Give a mobile number or an e-mail, or both."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    person_passport = RawText(
        label=_("Their passport number (if you know it)"),
        help_text=_("It helps the office find the person faster."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    country = RawChoice(label=_("Country where the person is"), required=True, choices=country_choices)
    where = RawText(label=_("City or place"), help_text=_("For example a city, a labour camp, a hospital or a prison."), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    happened_date = RawText(label=_("When did it happen?"), help_text=_("The date, or your best guess."), widget=date_input())
    description = RawText(
        label=_("What happened?"),
        required=True,
        max_length=None,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField(label=_("Documents or photos (optional)"))

    # The service's generic "required" message, said plainly for the fields a person may miss.
    clearer = {
        "filer_name": _("Enter your name."),
        "person_name": _("Enter the name of the person this is about."),
        "filer_relation": _("Say how you are related to the person, for example Father, Wife, Brother or Friend."),
        "description": _("Describe what happened, in a few sentences."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = _("In your own words, in any language: what happened, and what help is needed. At least 20 characters, at most %(n)s.") % {"n": services.MAX_TEXT}
        rules = attachment_rules()
        self.fields["attachments"].help_text = _("Up to %(n)s files: PDF, PNG or JPEG, at most %(mb)s MB each. A contract, a pay slip or a photo helps.") % {
            "n": rules["max_files"],
            "mb": rules["max_mb"],
        }

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "attachments" and value is not None}

    def apply_error(self, error: DomainError) -> None:
        required = str(_("This is required."))
        for field, messages in error.fields.items():
            if field in self.clearer:
                error.fields[field] = [str(self.clearer[field]) if m == required else m for m in messages]
        apply_domain_error(self, error)


class GrievanceForm(CaseForm):
    field_order = [
        "filer_name",
        "filer_phone",
        "filer_email",
        "filing_for",
        "person_name",
        "filer_relation",
        "person_passport",
        "country",
        "category",
        "agent_number",
        "employer_number",
        "where",
        "happened_date",
        "description",
        "attachments",
    ]
    filing_for = forms.ChoiceField(
        label=_("Who is the grievance about?"),
        choices=[(SELF, _("Me")), (OTHER, _("Someone else (I file on their behalf)"))],
        initial=SELF,
        widget=RADIO,
        error_messages={"required": _("Say whether the grievance is about you or someone else."), "invalid_choice": _("Say whether the grievance is about you or someone else.")},
    )
    filer_relation = RawText(label=_("Your relation to them"), help_text=_("Only when you file for someone else. For example Father, Wife, Brother or Friend."))
    person_name = RawText(label=_("Their name"), help_text=_("Only when you file for someone else, as in their passport."), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    category = RawChoice(label=_("What is it about?"), required=True, choices=category_choices, widget=RADIO)
    agent_number = RawText(
        label=_("Recruiting agent's certificate number (if any)"),
        help_text=_("As printed on the agent's certificate, for example B-00042/KL/2026. Leave empty if you do not know it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    employer_number = RawText(
        label=_("Foreign employer's registration number (if any)"),
        help_text=_("Leave empty if you do not know it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_passport"].label = _("Passport number (if you know it)")
        self.fields["country"].label = _("Country where you are, or where the person is")

    def for_self(self) -> bool:
        return self.cleaned_data.get("filing_for") == SELF

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data.pop("filing_for", None)
        if self.for_self():
            # Filing for oneself: the filer is the person, so the name is asked once.
            data["filer_relation"] = SELF
            data["person_name"] = data.get("filer_name", "")
        return data

    def apply_error(self, error: DomainError) -> None:
        if self.for_self():
            # The same name was checked twice; its message already stands next to "Your name".
            error.fields.pop("person_name", None)
            error.fields.pop("filer_relation", None)
        super().apply_error(error)


class EventualityForm(CaseForm):
    field_order = [
        "eventuality",
        "person_name",
        "person_passport",
        "country",
        "where",
        "happened_date",
        "description",
        "filer_name",
        "filer_relation",
        "filer_phone",
        "filer_email",
        "attachments",
    ]
    eventuality = RawChoice(label=_("What happened to the person?"), required=True, choices=lambda: list(EVENTUALITY_LABELS.items()), widget=RADIO)
    person_name = RawText(label=_("Name of the person"), required=True, help_text=_("As in their passport, if you know it."), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    filer_relation = RawText(label=_("Your relation to the person"), required=True, help_text=_("For example Brother, Wife, Friend, Colleague or Employer."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = _("Tell us more")


# --- checking a case ----------------------------------------------------------------------------------


def _tracking_number_field() -> forms.CharField:
    return forms.CharField(
        label=_("Case number"),
        max_length=20,
        help_text=_("The 12-digit number you got when you filed, like 1234-5678-9012."),
        error_messages={"required": _("Enter the case number."), "max_length": _("A case number has 12 digits, like 1234-5678-9012.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )


class CodeRequestForm(StyledForm):
    tracking_number = _tracking_number_field()
    contact = forms.CharField(
        label=_("Mobile number or e-mail you gave when filing"),
        max_length=120,
        help_text=_("We send a one-time code there."),
        error_messages={"required": _("Enter the mobile number or e-mail you gave when filing.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )


class CodeOpenForm(StyledForm):
    tracking_number = _tracking_number_field()
    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        help_text=_("The 6-digit code in the SMS or e-mail."),
        error_messages={"required": _("Enter the code from the SMS or e-mail.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


# --- on an opened case --------------------------------------------------------------------------------


class AddInformationForm(StyledForm):
    text = RawText(label=_("What do you want to add?"), required=True, max_length=None, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = AttachmentsField(label=_("Documents or photos (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = attachment_rules()
        self.fields["attachments"].help_text = _("Up to %(n)s files: PDF, PNG or JPEG, at most %(mb)s MB each.") % {"n": rules["max_files"], "mb": rules["max_mb"]}


class ReopenForm(StyledForm):
    reason = RawText(label=_("Why should the case be reopened?"), required=True, max_length=None, widget=forms.Textarea(attrs={"rows": 3}))


RATINGS = [
    ("5", _("5 – fully satisfied")),
    ("4", _("4 – satisfied")),
    ("3", _("3 – partly satisfied")),
    ("2", _("2 – not really satisfied")),
    ("1", _("1 – not satisfied")),
]


class RateForm(StyledForm):
    rating = RawChoice(label=_("How satisfied are you with how the case was handled?"), required=True, choices=RATINGS, widget=RADIO)

    def rating_value(self) -> int:
        value = str(self.cleaned_data.get("rating") or "").strip()
        # Anything but a plain number goes to the service as 0, which it refuses with its own message.
        return int(value) if value.isdigit() and len(value) < 3 else 0

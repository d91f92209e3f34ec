"""Workspace forms around cases for the helpline, partner organisations and insurers: the helpline agent's
phone-first case form, the partner's status update on a referral and the insurer's decision on a PBBY claim.

Forms check shape only: the case services judge content and raise ValidationFailed with field names that
are the field names here (`filer_phone`, `category`, `amount_inr`...), so the agent reads the service's
own message on the field it is about.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.cases.labels import category_label
from pravasi.cases.models import CaseKind, ClaimStatus, EventualityKind, ReferralStatus
from pravasi.cases.services import MAX_TEXT, categories
from pravasi.core.forms import StyledForm

from .clearance_forms import RawChoice, RawText, ServiceForm
from .licensing_forms import DATE, _text, country_choices


def category_choices() -> list[tuple[str, str]]:
    # MORTAL_REMAINS is a report of a death (an eventuality), not a grievance the caller chooses.
    codes = [code for code in categories() if code != "MORTAL_REMAINS"]
    return [("", _("Choose what the grievance is about…")), *[(code, category_label(code)) for code in codes]]


def eventuality_choices() -> list[tuple[str, str]]:
    return [("", _("Choose what happened…")), *EventualityKind.choices]


def _tel(label, *, help_text=""):
    return RawText(label=label, max_length=32, help_text=help_text, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}))


def _upper(label, *, max_length: int = 40, help_text=""):
    return RawText(label=label, max_length=max_length, help_text=help_text, widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}))


class HelplineCaseForm(ServiceForm):
    """What the agent asks a caller, in the order of the call: how to reach them back first, in case the line drops."""

    filer_phone = _tel(_("Caller's mobile number"), help_text=_("Ask for it first, in case the line drops. With the country code, e.g. +91 98470 12345 or +971 50 123 4567."))
    filer_name = RawText(label=_("Caller's name"), required=True, max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    filer_relation = RawText(
        label=_("Caller's relation to the person"),
        required=True,
        max_length=40,
        help_text=_("For example: self, father, wife, brother, friend."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    filer_email = RawText(
        label=_("Caller's e-mail address (optional)"),
        max_length=254,
        help_text=_("Needed only when the caller has no mobile number."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = RawChoice(label=_("The call is about"), required=True, choices=CaseKind.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    category = RawChoice(label=_("What the grievance is about"), choices=category_choices, help_text=_("For a grievance."))
    eventuality = RawChoice(label=_("What happened"), choices=eventuality_choices, help_text=_("For a report of a death, injury, detention or another eventuality."))
    person_name = RawText(label=_("Name of the person the case is about"), required=True, max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    person_passport = _upper(_("Person's passport number (optional)"), max_length=20, help_text=_("One letter and seven digits, if the caller has it."))
    country = RawChoice(label=_("Country where the person is"), required=True, choices=country_choices)
    where = RawText(label=_("Where in that country"), max_length=300, help_text=_("City, area, employer's camp, hospital or prison."), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    happened_date = RawText(label=_("When it happened"), max_length=10, help_text=_("Leave empty if the caller does not know."), widget=forms.DateInput(attrs=DATE))
    description = RawText(
        label=_("What the caller says happened"),
        required=True,
        max_length=MAX_TEXT,
        help_text=_("In a few sentences (at least 20 characters). The handling office reads this."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    agent_number = _upper(_("Recruiting agent's certificate number (optional)"), help_text=_("As printed on the agent's registration certificate."))
    employer_number = _upper(_("Foreign employer's registration number (optional)"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"kind": CaseKind.GRIEVANCE})
        super().__init__(*args, **kwargs)

    def section(self, names) -> list:
        return [self[name] for name in names]

    def caller_fields(self) -> list:
        return self.section(("filer_phone", "filer_name", "filer_relation", "filer_email"))

    def subject_fields(self) -> list:
        return self.section(("kind", "category", "eventuality"))

    def person_fields(self) -> list:
        return self.section(("person_name", "person_passport", "country", "where", "happened_date", "description"))

    def party_fields(self) -> list:
        return self.section(("agent_number", "employer_number"))

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data.pop("kind", None)
        return data

    def error_summary(self) -> list[dict]:
        """Each message with the field it is about, in the order of the form, for the summary at the top."""
        rows = [{"label": "", "message": str(m), "anchor": ""} for m in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.errors:
                bound = self[name]
                anchor = f"{bound.auto_id}_0" if isinstance(field.widget, forms.RadioSelect) else bound.auto_id
                rows += [{"label": field.label, "message": str(m), "anchor": anchor} for m in self.errors[name]]
        return rows


class ReferralUpdateForm(StyledForm):
    """The partner's answer on a referral; which moves are open from the current status is the workflow's to say."""

    target = forms.ChoiceField(
        label=_("New status"),
        choices=[(s, ReferralStatus(s).label) for s in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DONE)],
        error_messages={"required": _("Choose the new status."), "invalid_choice": _("Choose one of the listed statuses.")},
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = _text(
        _("Note for the handling office"), required=False, rows=3, max_length=MAX_TEXT, help_text=_("What you did or why you decline. The Mission reads this; do not repeat personal details.")
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        if targets:
            self.fields["target"].choices = [(s, ReferralStatus(s).label) for s in targets]


class ClaimDecideForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ClaimStatus.SETTLED, _("Settled")), (ClaimStatus.REJECTED, _("Rejected"))],
        error_messages={"required": _("Choose settled or rejected."), "invalid_choice": _("Choose settled or rejected.")},
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    amount_inr = RawText(label=_("Amount paid (Rs)"), max_length=20, help_text=_("Required when the claim is settled."), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = RawText(
        label=_("Note for the handling office"),
        required=True,
        max_length=MAX_TEXT,
        help_text=_("The reference of the payment, or the reason for the rejection."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

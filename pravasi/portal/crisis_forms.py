"""The check-in form a person reaches from the personal link in an alert."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.core.forms import StyledForm
from pravasi.crisis.models import CheckInStatus, Need


class CheckInForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Are you safe?"),
        choices=[(CheckInStatus.SAFE, _("I am safe")), (CheckInStatus.HELP, _("I need help"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Say whether you are safe or need help.")},
    )
    needs = forms.MultipleChoiceField(label=_("If you need help, what do you need?"), choices=Need.choices, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), required=False)
    family = forms.MultipleChoiceField(label=_("Family with you"), help_text=_("Tick those your answer is also for."), choices=[], widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), required=False)
    note = forms.CharField(
        label=_("Anything else we should know"),
        help_text=_("For example where you are now, or how many people are with you. At most 500 characters."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
    )
    submission = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, family=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [(str(member.id), f"{member.name} ({member.relation})") for member in family]
        if not self.is_bound:
            self.initial["submission"] = secrets.token_urlsafe(18)

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {"status": data["status"], "needs": data["needs"], "family": data["family"], "note": data["note"], "submission": data["submission"]}

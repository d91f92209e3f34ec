"""Workspace forms for the response to a crisis: writing an alert in each language, the triage queue's
filter, the actions on a request for help, and an answer recorded from a phone call.

Forms check shape only: the crisis services judge content and raise ValidationFailed with field names
that are the field names here (`headline_en`, `text`, `resolution`, `status`, `needs`...), so the
official reads the service's own message next to the field.
"""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.core.forms import StyledForm, style_form
from pravasi.crisis import alerts
from pravasi.crisis.models import CheckInStatus, HelpStatus, Need

from .cases_forms import RawMultipleChoice
from .clearance_forms import RawChoice, RawText
from .licensing_forms import DecisionForm
from .templatetags.workspace_display import language_label

# Generous bounds on what the form takes: the services name their own limits in their messages.
SLACK = 1000
PARTS = ("headline", "description", "instruction")


class AlertForm(StyledForm):
    """One headline, description and instruction per language of the policy, and whether it is public."""

    public = forms.BooleanField(
        label=_("Public: publish it on the crisis page and as a CAP alert"),
        required=False,
        initial=True,
        help_text=_("Left unticked, the alert goes only to the people in the area, by SMS and e-mail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = alerts.alert_languages()
        fields = {}
        for language in self.languages:
            required = language == alerts.FALLBACK_LANGUAGE
            name = language_label(language)
            fields[f"headline_{language}"] = RawText(
                label=_("Headline (%(language)s)") % {"language": name},
                required=required,
                max_length=alerts.MAX_HEADLINE + SLACK,
                help_text=_("At most %(n)s characters; it opens the SMS.") % {"n": alerts.MAX_HEADLINE},
                widget=forms.TextInput(attrs={"lang": language}),
            )
            fields[f"description_{language}"] = RawText(
                label=_("What is happening (%(language)s)") % {"language": name},
                required=required,
                max_length=alerts.MAX_DESCRIPTION + SLACK,
                widget=forms.Textarea(attrs={"rows": 4, "lang": language}),
            )
            fields[f"instruction_{language}"] = RawText(
                label=_("What to do (%(language)s)") % {"language": name},
                max_length=alerts.MAX_INSTRUCTION + SLACK,
                widget=forms.Textarea(attrs={"rows": 3, "lang": language}),
                help_text=_("Optional."),
            )
        self.fields = {**fields, "public": self.fields["public"]}
        style_form(self)

    def fieldsets(self) -> list[dict]:
        """The fields grouped by language, English first (it is what anyone without their language receives)."""
        groups = []
        for language in self.languages:
            groups.append(
                {
                    "language": language,
                    "name": language_label(language),
                    "required": language == alerts.FALLBACK_LANGUAGE,
                    "fields": [self[f"{part}_{language}"] for part in PARTS],
                }
            )
        return groups

    def data_for_service(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "public"}
        data["public"] = "on" if self.cleaned_data.get("public") else ""
        return data


def status_choices() -> list[tuple[str, str]]:
    return [("", _("Open and being handled")), *HelpStatus.choices]


class TriageFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=status_choices)


class TakeForm(DecisionForm):
    pass


class NoteForm(StyledForm):
    text = RawText(label=_("Note"), max_length=2000 + SLACK, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Only officials read it. Kept on the request."))


class ResolveForm(DecisionForm):
    resolution = RawText(
        label=_("How the request was resolved"),
        max_length=2000 + SLACK,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: taken to hospital, food delivered, on the evacuation flight."),
    )


class AnswerForm(StyledForm):
    """What a person said on the phone. `submission` is drawn with the form, so sending it twice records
    one answer."""

    status = RawChoice(label=_("The person is"), choices=CheckInStatus.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    needs = RawMultipleChoice(label=_("Help needed"), choices=Need.choices, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    note = RawText(label=_("What they said (optional)"), max_length=500 + SLACK)
    submission = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self._point_descriptions()

    def _point_descriptions(self) -> None:
        # Each row of the call list has its own form, told apart by auto_id: the fields' descriptions follow it.
        for name, field in self.fields.items():
            if "aria-describedby" in field.widget.attrs:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_desc"

    def full_clean(self):
        super().full_clean()
        self._point_descriptions()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._point_descriptions()

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {"status": data.get("status") or "", "needs": list(data.get("needs") or []), "note": data.get("note") or "", "submission": data.get("submission") or ""}

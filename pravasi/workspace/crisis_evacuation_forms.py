"""Workspace forms for evacuations: a plan, a transport (flight, ship, bus), a step of a transport, the
family travelling with a person put on a manifest, and the boarding desk's one field.

Forms check shape only: the evacuation services judge content and raise ValidationFailed with the keys they
read (`title`, `kind`, `capacity`, `departs_at`, `family`, `code`...), which are the field names here, so
the official reads the service's own message next to the field it is about.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from pravasi.core.forms import StyledForm
from pravasi.crisis.evacuation import MAX_CAPACITY
from pravasi.crisis.models import AssetKind

from .cases_forms import RawMultipleChoice
from .clearance_forms import RawChoice, RawText

TEXT_MAX = 4000


def _line(label, *, help_text="", **attrs):
    return RawText(label=label, max_length=400, help_text=help_text, widget=forms.TextInput(attrs=attrs))


def kind_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the kind of transport…")), *AssetKind.choices]


class PlanForm(StyledForm):
    title = _line(_("Name of the plan"), help_text=_("For example: Operation Jal, evacuation from Dubai."))
    notes = RawText(label=_("Notes"), max_length=TEXT_MAX, help_text=_("Optional: what officials need to know about the plan."), widget=forms.Textarea(attrs={"rows": 2}))


class AssetForm(StyledForm):
    kind = RawChoice(label=_("Kind of transport"), choices=kind_choices)
    name = _line(_("Flight number, ship or bus name"), help_text=_("As the carrier names it, for example AI 1902."))
    capacity = RawText(label=_("Seats"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    departure_point = _line(_("Departure point"), help_text=_("Airport and terminal, port or pick-up point."))
    departs_at = RawText(label=_("Departs at"), max_length=40, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    destination = _line(_("Destination"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].help_text = _("From 1 to %(n)s.") % {"n": MAX_CAPACITY}
        self.fields["departs_at"].help_text = _("Local time of the office's time zone (%(zone)s).") % {"zone": timezone.get_current_timezone_name()}

    # Two shapes the service would not survive: digits that int() cannot read (superscripts) and a
    # well-formed date that is not a date (13th month). The service's own words are used for both.
    def clean_capacity(self) -> str:
        value = self.cleaned_data.get("capacity", "").strip()
        if value and not value.isdecimal():
            raise forms.ValidationError(_("Give the number of seats, from 1 to %(n)s.") % {"n": MAX_CAPACITY})
        return value

    def clean_departs_at(self) -> str:
        value = self.cleaned_data.get("departs_at", "").strip()
        try:
            parse_datetime(value)
        except ValueError:
            raise forms.ValidationError(_("Give the date and time, for example 2026-03-04 14:30.")) from None
        return value


class StepForm(StyledForm):
    """The next step of a transport; the service refuses a step that does not follow the current one."""

    target = RawText(max_length=20, widget=forms.HiddenInput)


class FamilyForm(StyledForm):
    """The family members travelling with the person; each takes a seat beside them."""

    family = RawMultipleChoice(
        label=_("Family members travelling with them"),
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Ticked: those the person answered for when they asked for help. Each takes a seat; a family is not split across transports."),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [(str(m.id), f"{m.name} ({m.relation})") for m in members]


class BoardForm(StyledForm):
    """One big field for the boarding desk: a scanner or a phone types the code from the pass's QR code."""

    code = RawText(
        label=_("Boarding code or passport number"),
        max_length=200,
        help_text=_("Scan the boarding pass, or type its code or the traveller's passport number, then press Enter."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "enterkeyhint": "go",
                "class": "form-control-lg font-monospace",
            }
        ),
    )

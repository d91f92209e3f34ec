"""Workspace forms for crises: declaring one, changing its phase or area, and ending it.

Forms check shape only: the crisis services judge content and raise ValidationFailed with the keys they
read from `data` (`countries`, `polygon`, `circle_radius_km`, `ends_at`, `helplines`...), which are the
field names here, so the official reads the service's own message next to the field it is about. Two
keys name a group of fields rather than one: `circle` (a polygon and a circle given together) and
`helplines` (the helpline rows); their messages are shown on the group's fieldset.
"""

from __future__ import annotations

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.core.errors import DomainError
from pravasi.core.forms import StyledForm, style_form
from pravasi.crisis.models import AlertPhase, CrisisKind

from .cases_forms import RawMultipleChoice
from .clearance_forms import RawChoice, RawText

HELPLINE_ROWS = 3
TEXT_MAX = 6000
AREA_FIELDS = ("countries", "regions", "polygon", "circle_latitude", "circle_longitude", "circle_radius_km")
# Service keys that are about a group of fields, shown on that group's fieldset.
GROUPS = {"circle": "shape", "helplines": "helplines"}
DATETIME = {"type": "datetime-local"}


def country_choices(codes=None) -> list[tuple[str, str]]:
    """Every country but India (a crisis is abroad), or only the given ones, by name."""
    choices = geography.country_choices(exclude=("IN",))
    if codes is None:
        return choices
    wanted = set(codes)
    return [(code, name) for code, name in choices if code in wanted]


def _decimal(label, *, help_text=""):
    return RawText(label=label, max_length=40, help_text=help_text, widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))


def _moment(label, *, required: bool = False, help_text=""):
    return RawText(label=label, required=required, max_length=40, help_text=help_text, widget=forms.DateTimeInput(attrs=DATETIME))


def _long_text(label, *, rows: int = 3, required: bool = False, help_text="", monospace: bool = False):
    attrs = {"rows": rows}
    if monospace:
        attrs.update({"class": "font-monospace", "spellcheck": "false"})
    return RawText(label=label, required=required, max_length=TEXT_MAX, help_text=help_text, widget=forms.Textarea(attrs=attrs))


def _area_fields() -> dict:
    return {
        "countries": RawMultipleChoice(
            label=_("Countries"),
            choices=[],
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text=_("Choose one or more. With the keyboard: Shift and the arrow keys; with a mouse: Ctrl (Cmd on a Mac) and click."),
        ),
        "regions": _long_text(
            _("Regions or cities"),
            rows=3,
            help_text=_("Optional, one a line. Leave empty for the whole countries; names are matched with the region or city people registered."),
        ),
        "polygon": _long_text(
            _("Polygon (GeoJSON)"),
            rows=4,
            monospace=True,
            help_text=_(
                'Optional. A GeoJSON Polygon, for example {"type": "Polygon", "coordinates": [[[54.9, 24.9], [55.8, 24.9], [55.8, 25.6], [54.9, 24.9]]]} '
                "(longitude first). People whose location is on record outside it are left out; people without one stay in."
            ),
        ),
        "circle_latitude": _decimal(_("Centre: latitude"), help_text=_("From -90 to 90, for example 25.2048.")),
        "circle_longitude": _decimal(_("Centre: longitude"), help_text=_("From -180 to 180, for example 55.2708.")),
        "circle_radius_km": _decimal(_("Radius (km)"), help_text=_("More than 0 and at most 2000.")),
    }


class CrisisForm(StyledForm):
    """The shared plumbing: the service's messages put on fields or on a group's fieldset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_errors: dict[str, list[str]] = {}

    def apply_service_error(self, error: DomainError) -> None:
        placed = False
        for field, messages in error.fields.items():
            for message in messages:
                if field in self.fields:
                    self.add_error(field, message)
                elif field in GROUPS:
                    self.group_errors.setdefault(GROUPS[field], []).append(message)
                else:
                    self.add_error(None, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)

    @property
    def has_problems(self) -> bool:
        return bool(self.errors or self.group_errors)

    @property
    def shape_errors(self) -> list[str]:
        return self.group_errors.get("shape", [])

    @property
    def helpline_errors(self) -> list[str]:
        return self.group_errors.get("helplines", [])

    def _fields(self, names) -> list:
        return [self[name] for name in names]

    def area_fields(self) -> list:
        return self._fields(("countries", "regions"))

    def shape_fields(self) -> list:
        return self._fields(("polygon",))

    def circle_fields(self) -> list:
        return self._fields(("circle_latitude", "circle_longitude", "circle_radius_km"))

    def _area_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) or "" for name in AREA_FIELDS}
        data["countries"] = list(self.cleaned_data.get("countries") or [])
        return data


def _time_zone_help(text) -> str:
    return f"{text} " + str(_("Times are in %(zone)s.") % {"zone": timezone.get_current_timezone_name()})


class DeclareForm(CrisisForm):
    title = RawText(label=_("Title"), required=True, max_length=400, help_text=_("Short and public, for example “Floods in the northern emirates”."))
    kind = RawChoice(label=_("Kind of crisis"), required=True, choices=[("", _("Choose…")), *CrisisKind.choices])
    phase = RawChoice(
        label=_("Alert phase"),
        required=True,
        choices=[("", _("Choose…")), *AlertPhase.choices],
        help_text=_("From the least to the most severe: precautionary, restriction, voluntary return, mandatory return."),
    )
    starts_at = _moment(_("Start"))
    ends_at = _moment(_("Expected end"))
    advisory = _long_text(_("Advisory"), rows=5, required=True, help_text=_("What people in the area should do. Public: it is shown on the crisis page."))

    GENERAL = ("title", "kind", "phase")
    DATES = ("starts_at", "ends_at")

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _area_fields().items():
            self.fields[name] = field
        self.fields["countries"].required = True
        self.fields["countries"].choices = country_choices(countries)
        self.fields["starts_at"].help_text = _time_zone_help(_("Leave empty to start now."))
        self.fields["ends_at"].help_text = _time_zone_help(_("Optional; after the start."))
        for i in range(1, HELPLINE_ROWS + 1):
            self.fields[f"helpline_{i}_label"] = RawText(label=_("Label"), max_length=200, help_text=_("For example “Embassy 24x7”."))
            self.fields[f"helpline_{i}_number"] = RawText(
                label=_("Number"), max_length=60, help_text=_("With the country code."), widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"})
            )
        # The order the page shows them in: the groups are drawn from these lists.
        self.order_fields([*self.GENERAL, *AREA_FIELDS, *self.DATES, "advisory"])
        style_form(self)

    def general_fields(self) -> list:
        return self._fields(self.GENERAL)

    def date_fields(self) -> list:
        return self._fields(self.DATES)

    def advisory_field(self):
        return self["advisory"]

    def helpline_rows(self) -> list[dict]:
        return [{"number": i, "fields": [self[f"helpline_{i}_label"], self[f"helpline_{i}_number"]]} for i in range(1, HELPLINE_ROWS + 1)]

    def data_for_service(self) -> dict:
        data = {name: self.cleaned_data.get(name) or "" for name in (*self.GENERAL, *self.DATES, "advisory")}
        data.update(self._area_data())
        helplines = []
        for i in range(1, HELPLINE_ROWS + 1):
            label = (self.cleaned_data.get(f"helpline_{i}_label") or "").strip()
            number = (self.cleaned_data.get(f"helpline_{i}_number") or "").strip()
            if label or number:
                helplines.append({"label": label, "number": number})
        data["helplines"] = helplines
        return data


def _area_initial(crisis) -> dict:
    def number(value) -> str:
        return "" if value is None else str(value)

    return {
        "phase": crisis.phase,
        "countries": list(crisis.countries or []),
        "regions": "\n".join(crisis.regions or []),
        "polygon": json.dumps({"type": "Polygon", "coordinates": crisis.polygon}) if crisis.polygon else "",
        "circle_latitude": number(crisis.circle_latitude),
        "circle_longitude": number(crisis.circle_longitude),
        "circle_radius_km": number(crisis.circle_radius_km),
    }


class ChangeForm(CrisisForm):
    """The phase and the area of an active crisis, with the reason. Every area field is sent each time:
    the service keeps what is unchanged and records only what moved."""

    phase = RawChoice(label=_("Alert phase"), required=True, choices=AlertPhase.choices)
    reason = _long_text(_("Reason for the change"), rows=3, help_text=_("Kept with the change and sent to the declaring office and the PGE."))

    def __init__(self, *args, crisis=None, countries=None, **kwargs):
        if crisis is not None:
            kwargs.setdefault("initial", _area_initial(crisis))
        super().__init__(*args, **kwargs)
        for name, field in _area_fields().items():
            self.fields[name] = field
        self.fields["countries"].choices = country_choices(countries)
        self.order_fields(["phase", *AREA_FIELDS, "reason"])
        style_form(self)

    def offer(self, countries) -> None:
        self.fields["countries"].choices = country_choices(countries)

    def data_for_service(self) -> dict:
        return {"phase": self.cleaned_data.get("phase") or "", **self._area_data()}


class EndForm(CrisisForm):
    reason = _long_text(_("Reason for ending the crisis"), rows=3, help_text=_("Kept with the end and sent to the declaring office and the PGE."))

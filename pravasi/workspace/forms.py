"""Workspace forms: registry search, duplicate decisions, merge reversal and import upload.

Forms check shape only (lengths, identifiers); the domain services and selectors judge content
and raise ValidationFailed with the field-level message the page shows.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.core.contacts import normalise_phone
from pravasi.core.errors import ValidationFailed
from pravasi.core.forms import StyledForm
from pravasi.registry.models import Vulnerability
from pravasi.registry.mrz import normalise_passport_number

EXACT_FIELDS = ("passport_number", "mobile")


def state_choices() -> list[tuple[str, str]]:
    return [("", _("Any state")), *geography.state_choices()]


def country_choices() -> list[tuple[str, str]]:
    return [("", _("Any country")), *geography.country_choices(exclude=("IN",))]


class RegistrySearchForm(StyledForm):
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Spelling variants are found too (Mohammed / Muhammad, Sree / Sri)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    passport_number = forms.CharField(
        label=_("Passport number (exact)"),
        required=False,
        max_length=20,
        help_text=_("One letter and seven digits, like J8369854."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number (exact)"),
        required=False,
        max_length=32,
        help_text=_("With the country code, like +971 50 123 4567."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    country = forms.ChoiceField(label=_("Country of residence"), required=False, choices=country_choices)
    region = forms.CharField(label=_("Region or city"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State of origin"), required=False, choices=state_choices)
    vulnerability = forms.ChoiceField(label=_("Vulnerability or need"), required=False, choices=[("", _("Any"))] + list(Vulnerability.choices))

    def __init__(self, *args, exact_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.exact_only = exact_only
        if exact_only:
            for name in list(self.fields):
                if name not in EXACT_FIELDS:
                    del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        # The search itself stops at the first bad identifier; checking both here shows every message at once.
        for name, normalise in (("passport_number", normalise_passport_number), ("mobile", normalise_phone)):
            value = (cleaned.get(name) or "").strip()
            if value:
                try:
                    normalise(value)
                except ValidationFailed as exc:
                    for message in exc.fields.get(name, [exc.message]):
                        self.add_error(name, message)
        if self.exact_only and not any((cleaned.get(f) or "").strip() for f in EXACT_FIELDS):
            raise forms.ValidationError(_("Enter the caller's passport number or mobile number."))
        return cleaned

    def search_values(self) -> dict[str, str]:
        return {name: (self.cleaned_data.get(name) or "").strip() for name in self.fields}


class DuplicateMergeForm(forms.Form):
    flag_id = forms.UUIDField()
    survivor_id = forms.UUIDField()


class DuplicateDismissForm(forms.Form):
    flag_id = forms.UUIDField()


class MergeRevertForm(forms.Form):
    merge_id = forms.UUIDField()


class ImportUploadForm(StyledForm):
    office = forms.ChoiceField(label=_("Import for office"))
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offices = {str(o.id): o for o in offices}
        self.fields["office"].choices = [(key, office.name) for key, office in self.offices.items()]
        if len(self.offices) == 1:
            # One office: nothing to choose, so the field is neither shown nor required.
            del self.fields["office"]
        limit_mb = max(1, settings.PRAVASI_IMPORT_MAX_BYTES // (1024 * 1024))
        self.fields["file"].help_text = _("Up to %(mb)s MB, with the columns of the template; the first row holds the column names.") % {"mb": limit_mb}

    def office_obj(self):
        if "office" not in self.fields:
            return next(iter(self.offices.values()), None)
        return self.offices[self.cleaned_data["office"]]

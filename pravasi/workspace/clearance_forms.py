"""Workspace forms for emigration clearance: demands, applications and their decision, the PoE queue and
PBBY insurance policies.

Forms check shape only: the clearance services judge content and raise ValidationFailed with field
names that are the field names here (`position_1_currency`, `passport_number`, `document_visa`...).
Values the services judge are passed through as typed, so the person reads the service's own message
rather than a generic one. Decision forms carry the status the user saw (`expected`).
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pravasi.clearance.models import ClearanceDocumentKind, ClearanceStatus, DemandStatus, Route
from pravasi.clearance.services import MAX_POSITIONS, PERSON_FIELDS
from pravasi.core.forms import StyledForm, style_form
from pravasi.policy.selectors import policy
from pravasi.registry.models import Sex

from .licensing_forms import DATE, DecisionForm, _file, _text, country_choices, state_choices

# The rows the demand form offers; the service accepts up to MAX_POSITIONS.
POSITION_ROWS = min(5, MAX_POSITIONS)
POSITION_FIELDS = ("occupation", "title", "count", "monthly_wage", "currency")
RAW_MAX = 2000
MAX_BULK = 200

# Common ISCO-08 occupations of emigrant workers; the services accept any four-digit code.
OCCUPATIONS = [
    ("2221", _("Nurse (professional)")),
    ("3221", _("Nursing associate")),
    ("9111", _("Domestic worker")),
    ("9313", _("Construction labourer")),
    ("8322", _("Driver (car, taxi, van)")),
    ("5120", _("Cook")),
    ("7411", _("Electrician")),
    ("7126", _("Plumber")),
    ("7112", _("Mason")),
    ("7115", _("Carpenter")),
    ("7212", _("Welder")),
    ("9329", _("Labourer (manufacturing)")),
    ("5131", _("Waiter")),
    ("5223", _("Salesperson")),
    ("5414", _("Security guard")),
]
OCCUPATION_LABELS = dict(OCCUPATIONS)


def occupation_label(code: str) -> str:
    label = OCCUPATION_LABELS.get(code)
    return f"{code} · {label}" if label else code


def occupation_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the occupation…")), *[(code, f"{label} ({code})") for code, label in OCCUPATIONS]]


def currency_choices() -> list[tuple[str, str]]:
    # The currencies an exchange rate is on record for: the wage can then be compared with the minimum.
    return [("", _("Choose…")), *[(code, code) for code in sorted(policy("EXCHANGE_RATES_USD") or {})]]


def sex_choices() -> list[tuple[str, str]]:
    return [("", _("Choose…")), *Sex.choices]


class RawText(forms.CharField):
    """Text handed to a service as typed; emptiness and meaning are judged there, with its own message."""

    def __init__(self, *, required: bool = False, **kwargs):
        kwargs.setdefault("max_length", RAW_MAX)
        super().__init__(required=required, **kwargs)

    def validate(self, value):
        pass


class RawChoice(forms.ChoiceField):
    """A list to choose from; an unknown or missing value is judged by the service."""

    def __init__(self, *, required: bool = False, **kwargs):
        super().__init__(required=required, **kwargs)

    def validate(self, value):
        pass


def _date(label, *, required: bool = False, help_text=""):
    return RawText(label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs=DATE))


def _number(label, *, required: bool = False, help_text="", decimal: bool = False):
    return RawText(label=label, required=required, help_text=help_text, widget=forms.TextInput(attrs={"inputmode": "decimal" if decimal else "numeric"}))


class ServiceForm(StyledForm):
    """`data_for_service` is what the service receives: the typed values, files left out."""

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None and not name.startswith("document_")}

    def uploaded_documents(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name.startswith("document_") and value}


# --- demands -----------------------------------------------------------------------------------------


class DemandForm(ServiceForm):
    worksite = RawText(label=_("Worksite"), required=True, help_text=_("Where the work is done: city and area."))
    contract_months = _number(_("Contract period (months)"), required=True)
    food = forms.BooleanField(label=_("Food provided by the employer"), required=False)
    housing = forms.BooleanField(label=_("Housing provided by the employer"), required=False)
    transport = forms.BooleanField(label=_("Transport to work provided by the employer"), required=False)
    agents = RawText(
        label=_("Recruiting agents authorised"),
        help_text=_("Their registration certificate numbers, separated by commas. Only these agents may recruit against the demand."),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )

    GENERAL = ("worksite", "contract_months", "food", "housing", "transport", "agents")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, POSITION_ROWS + 1):
            p = f"position_{i}_"
            self.fields[p + "occupation"] = RawChoice(label=_("Occupation (ISCO-08)"), choices=occupation_choices, required=i == 1)
            self.fields[p + "title"] = RawText(label=_("Job title"), required=i == 1, max_length=200)
            self.fields[p + "count"] = _number(_("Number of workers"), required=i == 1)
            self.fields[p + "monthly_wage"] = _number(_("Monthly wage"), required=i == 1, decimal=True)
            self.fields[p + "currency"] = RawChoice(label=_("Currency"), choices=currency_choices, required=i == 1)
        style_form(self)

    def general_fields(self) -> list:
        return [self[name] for name in self.GENERAL]

    def position_rows(self) -> list[dict]:
        rows = []
        for i in range(1, POSITION_ROWS + 1):
            fields = [self[f"position_{i}_{f}"] for f in POSITION_FIELDS]
            rows.append({"number": i, "fields": fields, "has_errors": any(f.errors for f in fields)})
        return rows


DEMAND_DECISIONS = [("approve", _("Verified: open it for recruitment")), ("reject", _("Reject it"))]


class DemandVerifyForm(DecisionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DEMAND_DECISIONS, widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = _text(_("Note to the employer"), required=False, rows=3, help_text=_("Required to reject: the employer reads it."))
    women_guarantee_lodged = forms.BooleanField(label=_("The employer's bank guarantee for women workers is lodged with the Mission"), required=False)


class DemandCloseForm(StyledForm):
    pass


class DemandFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *DemandStatus.choices])


# --- applications: the applicant -------------------------------------------------------------------

ECR_CHOICES = [("yes", _("Yes, ECR")), ("no", _("No, ECNR"))]


def _worker_fields() -> dict:
    return {
        "given_name": RawText(label=_("Given name"), required=True),
        "family_name": RawText(label=_("Family name"), help_text=_("Leave empty if the worker has only one name.")),
        "sex": RawChoice(label=_("Sex"), required=True, choices=sex_choices),
        "date_of_birth": _date(_("Date of birth"), required=True, help_text=_("As in the passport.")),
        "state_of_origin": RawChoice(label=_("State of origin in India"), required=True, choices=state_choices),
        "mobile": RawText(label=_("Worker's mobile number"), help_text=_("With the country code, e.g. +91 94470 12345."), widget=forms.TextInput(attrs={"inputmode": "tel", "type": "tel"})),
    }


def _passport_fields() -> dict:
    return {
        "passport_number": RawText(
            label=_("Passport number"),
            required=True,
            help_text=_("One letter and seven digits, as printed at the top right of the photo page."),
            widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        ),
        "issue_date": _date(_("Date of issue"), required=True),
        "expiry_date": _date(_("Date of expiry"), required=True),
        "place_of_issue": RawText(label=_("Place of issue")),
        "is_ecr": forms.ChoiceField(label=_("Does the passport say 'Emigration Check Required' (ECR)?"), choices=ECR_CHOICES, widget=forms.RadioSelect(attrs={"class": "form-check-input"})),
    }


WORKER_FIELDS = tuple(PERSON_FIELDS)
PASSPORT_FIELDS = ("passport_number", "issue_date", "expiry_date", "place_of_issue", "is_ecr")


class DemandLookupForm(StyledForm):
    """Step one for an agent: the demand the worker is recruited against."""

    demand_reference = forms.CharField(
        label=_("Demand reference"),
        max_length=20,
        help_text=_("As given by the foreign employer, e.g. DM-2025-000123. The demand must name your agency."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_demand_reference(self) -> str:
        return " ".join(self.cleaned_data["demand_reference"].split()).upper()


class ApplicationForm(ServiceForm):
    """The application for emigration clearance. An agent's names the demand and a position of it; a
    project exporter's states the work itself."""

    DOCUMENTS = {
        Route.RA: [
            ClearanceDocumentKind.CONTRACT,
            ClearanceDocumentKind.VISA,
            ClearanceDocumentKind.PASSPORT,
            ClearanceDocumentKind.PHOTO,
            ClearanceDocumentKind.DEMAND_LETTER,
            ClearanceDocumentKind.SERVICE_CHARGE_RECEIPT,
        ],
        Route.PROJECT_EXPORTER: [ClearanceDocumentKind.CONTRACT, ClearanceDocumentKind.VISA, ClearanceDocumentKind.PASSPORT, ClearanceDocumentKind.PHOTO],
    }

    def __init__(self, *args, route: str, positions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.route = route
        fields: dict = {}
        if route == Route.RA:
            fields["demand_reference"] = RawText(label=_("Demand reference"), required=True, widget=forms.HiddenInput)
            fields["position"] = RawChoice(
                label=_("Position in the demand"),
                required=True,
                choices=[(str(p.id), position_label(p)) for p in positions],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        fields.update(_worker_fields())
        fields.update(_passport_fields())
        if route == Route.PROJECT_EXPORTER:
            fields["destination_country"] = RawChoice(label=_("Country of the project"), required=True, choices=country_choices)
            fields["employer_name"] = RawText(label=_("Employer abroad"), help_text=_("Leave empty if the worker is employed by your company itself."))
            fields["occupation"] = RawChoice(label=_("Occupation (ISCO-08)"), required=True, choices=occupation_choices)
            fields["monthly_wage"] = _number(_("Monthly wage"), required=True, decimal=True)
            fields["currency"] = RawChoice(label=_("Currency of the wage"), required=True, choices=currency_choices)
            fields["contract_months"] = _number(_("Contract period (months)"), required=True)
        fields["departure_date"] = _date(_("Planned departure date"), required=True)
        if route == Route.RA:
            fields["service_charge_inr"] = _number(_("Service charge collected from the worker (Rs)"), required=True, decimal=True, help_text=_("The amount on the receipt given to the worker."))
            fields["service_charge_receipt"] = RawText(label=_("Service charge receipt number"), required=True)
        fields["pbby_policy_number"] = RawText(
            label=_("PBBY insurance policy number"),
            help_text=_("Pravasi Bharatiya Bima Yojana policy from a registered insurer, covering the contract period."),
            widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        )
        fields["libya_life_policy"] = RawText(label=_("Extra life insurance policy (Libya only)"), help_text=_("Only matters for employment in Libya: leave empty for any other country."))
        for kind in self.DOCUMENTS[route]:
            fields[f"document_{kind.lower()}"] = _file(ClearanceDocumentKind(kind).label)
        self.fields.update(fields)
        style_form(self)

    def section(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    def worker_fields(self) -> list:
        return self.section(WORKER_FIELDS)

    def passport_fields(self) -> list:
        return self.section(PASSPORT_FIELDS)

    def work_fields(self) -> list:
        return self.section(("position", "destination_country", "employer_name", "occupation", "monthly_wage", "currency", "contract_months", "departure_date", "service_charge_inr", "service_charge_receipt"))

    def insurance_fields(self) -> list:
        return self.section(("pbby_policy_number", "libya_life_policy"))

    def document_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("document_")]


def position_label(position) -> str:
    return _("%(title)s · %(occupation)s · %(wage)s %(currency)s a month · %(open)s of %(count)s open") % {
        "title": position.title,
        "occupation": occupation_label(position.occupation),
        "wage": position.monthly_wage,
        "currency": position.currency,
        "open": position.open_count,
        "count": position.count,
    }


class AnswerForm(ServiceForm):
    note = _text(_("Your answer to the deficiency notice"), rows=4)
    pbby_policy_number = RawText(label=_("New PBBY policy number (if the notice asks for one)"), widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}))
    departure_date = _date(_("New departure date (if it changed)"))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None and application.destination_country == "LY":
            self.fields["libya_life_policy"] = RawText(label=_("Extra life insurance policy (Libya)"))
        kinds = [ClearanceDocumentKind.ANSWER, ClearanceDocumentKind.CONTRACT, ClearanceDocumentKind.VISA, ClearanceDocumentKind.PASSPORT, ClearanceDocumentKind.PHOTO, ClearanceDocumentKind.PBBY]
        if application is not None and application.destination_country == "LY":
            kinds.append(ClearanceDocumentKind.LIFE_POLICY)
        kinds.append(ClearanceDocumentKind.OTHER)
        for kind in kinds:
            self.fields[f"document_{kind.lower()}"] = _file(ClearanceDocumentKind(kind).label)
        style_form(self)

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data.pop("note", None)
        return {k: v for k, v in data.items() if v}


class WithdrawForm(StyledForm):
    pass


# --- applications: the Protector of Emigrants -------------------------------------------------------


class GrantForm(DecisionForm):
    pass


class DeficiencyForm(DecisionForm):
    note = _text(_("What the applicant must correct or send"), rows=4, help_text=_("The applicant reads this in the notice and on the timeline."))


class RefuseForm(DecisionForm):
    reasons = _text(_("Reasons for the refusal"), rows=4, help_text=_("At least 15 characters; the applicant reads them."))


def route_choices() -> list[tuple[str, str]]:
    return [("", _("Any route")), *Route.choices]


class QueueFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[(s.value, s.label) for s in (ClearanceStatus.SUBMITTED, ClearanceStatus.DEFICIENCY)])
    route = forms.ChoiceField(label=_("Route"), required=False, choices=route_choices)
    country = forms.ChoiceField(label=_("Destination"), required=False, choices=lambda: [("", _("Any country")), *country_choices()[1:]])


class ApplicationFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *ClearanceStatus.choices])


class UUIDListField(forms.Field):
    """The `ids` checkboxes of the queue: a list of application ids."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Select at least one application."), "invalid": _("The selection is not valid; reload the page and select again.")}

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        if len(value) > MAX_BULK:
            raise ValidationError(_("Select at most %(n)s applications at once.") % {"n": MAX_BULK})
        try:
            return list(dict.fromkeys(uuid.UUID(str(v)) for v in value))
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class BulkGrantForm(forms.Form):
    ids = UUIDListField()


# --- PBBY insurance ------------------------------------------------------------------------------------


def period_choices() -> list[tuple[str, str]]:
    premiums = policy("PBBY")["premium_inr"]
    return [("", _("Choose…"))] + [
        (str(years), _("%(years)s years · premium Rs %(premium)s") % {"years": years, "premium": premiums.get(str(years), "?")}) for years in (int(p) for p in policy("PBBY_PERIOD_YEARS"))
    ]


class PolicyIssueForm(ServiceForm):
    period_years = RawChoice(label=_("Period of cover"), required=True, choices=period_choices)
    valid_from_date = _date(_("In force from"), required=True, help_text=_("Not more than 30 days ago."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = dict(self.fields)
        self.fields = {**_worker_fields(), **_passport_fields(), **own}
        style_form(self)

    def worker_fields(self) -> list:
        return [self[name] for name in WORKER_FIELDS]

    def passport_fields(self) -> list:
        return [self[name] for name in PASSPORT_FIELDS]

    def cover_fields(self) -> list:
        return [self["period_years"], self["valid_from_date"]]


class PolicyCancelForm(StyledForm):
    reason = _text(_("Reason for the cancellation"), rows=2)


class PolicyValidateForm(StyledForm):
    number = forms.CharField(label=_("Policy number"), max_length=60, widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}))


"""Workspace forms for licensing: scrutiny and decisions, the holder's requests, orders, appeals and the
registries officials keep.

Forms check shape only; the licensing services judge content and raise ValidationFailed with field
names that match the fields here. Decision forms carry the status the user saw (`expected`), so that
a decision taken on a stale page is refused instead of overwriting someone else's.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.core.forms import StyledForm, style_form
from pravasi.licensing.models import OPEN_APPLICATION_STATUSES, DocumentKind, LicenceKind, LicenceStatus, PoliceReport, SecurityTrack
from pravasi.licensing.services import CHECKLIST, grounds
from pravasi.licensing.validation import REQUIRED_DOCUMENTS, banks

DATE = {"type": "date"}
FILE_TYPES = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
FILE_HELP = _("PDF, PNG or JPEG, up to 5 MB.")


def _text(label, *, required=True, rows=3, max_length=4000, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


def _file(label, *, required=False):
    return forms.FileField(label=label, required=required, help_text=FILE_HELP, widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}))


def document_field_name(kind: str) -> str:
    return f"document_{kind.lower()}"


class DecisionForm(StyledForm):
    """A form whose service takes `expected=`: the status shown when the page was drawn."""

    expected = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def expected_status(self) -> str | None:
        return self.cleaned_data.get("expected") or None


# --- applications: officials --------------------------------------------------------------------


class TakeUpForm(DecisionForm):
    pass


class ScrutinyForm(StyledForm):
    inspection_report = _text(_("Premises inspection report"), required=False, rows=4, help_text=_("What the inspecting officer found at the premises."))
    police_report = forms.ChoiceField(label=_("Police character report"), choices=PoliceReport.choices)
    site_visit_report = _text(_("Site-visit report"), required=False, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checks = {f"check_{key}": forms.BooleanField(label=label, required=False) for key, label in CHECKLIST.items()}
        self.fields = {**checks, **self.fields}
        self.order_fields(list(checks) + ["inspection_report", "police_report", "site_visit_report"])

    @classmethod
    def initial_for(cls, application) -> dict:
        initial = {f"check_{key}": bool((application.checklist or {}).get(key)) for key in CHECKLIST}
        initial.update(inspection_report=application.inspection_report, police_report=application.police_report, site_visit_report=application.site_visit_report)
        return initial

    @staticmethod
    def checklist_labels() -> list[tuple[str, str]]:
        return [(key, label) for key, label in CHECKLIST.items()]

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key in CHECKLIST}


class DeficiencyForm(DecisionForm):
    note = _text(_("What the applicant must correct or send"), rows=4, help_text=_("The applicant reads this in the notice and on the timeline."))


class ForwardForm(DecisionForm):
    note = _text(_("Note for the PGE (internal)"), required=False, rows=3, help_text=_("Only officials read this note."))


class SendBackForm(DecisionForm):
    note = _text(_("What the PoE office should look at again (internal)"), rows=3)


class GrantForm(DecisionForm):
    note = _text(_("Note to the applicant"), required=False, rows=2)
    is_state_run = forms.BooleanField(label=_("A state government recruiting agency"), required=False)
    late_cause_accepted = forms.BooleanField(label=_("The cause of the late renewal request is accepted"), required=False)

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is None or application.kind != "RC_NEW":
            del self.fields["is_state_run"]
        if application is None or not (application.kind == "RC_RENEWAL" and application.late_cause):
            del self.fields["late_cause_accepted"]


class RefuseForm(DecisionForm):
    reasons = _text(_("Reasons for the refusal"), rows=4, help_text=_("The applicant reads them and may appeal within 30 days."))


# --- applications: the applicant ----------------------------------------------------------------


class AnswerForm(StyledForm):
    note = _text(_("Your answer to the deficiency notice"), rows=4)

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = list(REQUIRED_DOCUMENTS.get(application.kind if application else "", [])) + [DocumentKind.ANSWER, DocumentKind.OTHER]
        for kind in kinds:
            self.fields[document_field_name(kind)] = _file(DocumentKind(kind).label)

    def uploaded_documents(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name.startswith("document_") and value}


class DocumentAddForm(StyledForm):
    kind = forms.ChoiceField(label=_("What the document is"), choices=[("", _("Choose…")), *DocumentKind.choices])
    file = _file(_("File"), required=True)


class WithdrawForm(StyledForm):
    pass


class AppealForm(StyledForm):
    grounds = _text(_("Grounds of the appeal"), rows=5, max_length=8000, help_text=_("At least 20 characters: the facts and why the decision should change."))


# --- licences: the holder -------------------------------------------------------------------------


def bank_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the bank…")), *sorted(banks().items(), key=lambda item: item[1])]


def state_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the state…")), *geography.state_choices()]


class GuaranteeFields(StyledForm):
    security_track = forms.ChoiceField(label=_("Security"), choices=[("", _("Choose…")), *SecurityTrack.choices], required=False)
    expected_workers = forms.IntegerField(label=_("Workers you expect to recruit"), required=False, min_value=1, help_text=_("Needed for a guarantee per 100 workers."))
    bank_code = forms.ChoiceField(label=_("Bank"), required=False)
    bank_guarantee_number = forms.CharField(label=_("Guarantee number"), required=False, max_length=40)
    bank_guarantee_amount = forms.DecimalField(label=_("Amount (Rs)"), required=False, min_value=1, max_digits=14, decimal_places=2)
    bank_guarantee_valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs=DATE))
    bank_guarantee_valid_to = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_code"].choices = bank_choices()

    def guarantee_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in GuaranteeFields.base_fields if self.cleaned_data.get(name) not in (None, "")}


class GuaranteeForm(GuaranteeFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("security_track", "bank_code", "bank_guarantee_number", "bank_guarantee_amount", "bank_guarantee_valid_from", "bank_guarantee_valid_to"):
            self.fields[name].required = True
        style_form(self)


class RenewalForm(GuaranteeFields):
    fee_amount = forms.DecimalField(label=_("Fee paid (Rs)"), min_value=1, max_digits=12, decimal_places=2)
    fee_reference = forms.CharField(label=_("Fee challan or transaction reference"), max_length=40)
    fee_paid_date = forms.DateField(label=_("Date the fee was paid"), widget=forms.DateInput(attrs=DATE))
    document_fee_receipt = _file(_("Fee receipt"), required=True)
    document_bank_guarantee = _file(_("New bank guarantee (if you lodge one)"))
    late_cause = _text(_("Cause of delay (only if you apply less than three months before expiry)"), required=False, rows=3, max_length=2000)

    field_order = ["fee_amount", "fee_reference", "fee_paid_date", "document_fee_receipt", "security_track", "expected_workers", "bank_code", "bank_guarantee_number", "bank_guarantee_amount", "bank_guarantee_valid_from", "bank_guarantee_valid_to", "document_bank_guarantee", "late_cause"]

    def data_for_service(self) -> dict:
        data = self.guarantee_data()
        for name in ("fee_amount", "fee_reference", "fee_paid_date", "late_cause"):
            if self.cleaned_data.get(name) not in (None, ""):
                data[name] = self.cleaned_data[name]
        return data

    def uploaded_documents(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name.startswith("document_") and value}


class BranchForm(StyledForm):
    address = _text(_("Branch address"), rows=2, max_length=400)
    state = forms.ChoiceField(label=_("State"), choices=state_choices)
    city = forms.CharField(label=_("City"), max_length=100)


# --- licences: officials --------------------------------------------------------------------------


def ground_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the ground…")), *grounds().items()]


class OrderForm(DecisionForm):
    ground = forms.ChoiceField(label=_("Ground (Emigration Act 1983, section 14)"), choices=ground_choices)
    order_text = _text(_("Text of the order"), rows=5, max_length=8000, help_text=_("At least 20 characters, stating the facts found. The holder reads it and may appeal."))


class LiftForm(DecisionForm):
    order_text = _text(_("Text of the order lifting the suspension"), rows=4, max_length=8000)


# --- appeals, branches ----------------------------------------------------------------------------

YES_NO = [("yes", _("Allowed: the order or refusal is set aside")), ("no", _("Dismissed"))]


class AppealDecideForm(DecisionForm):
    allowed = forms.ChoiceField(label=_("Decision"), choices=YES_NO, widget=forms.RadioSelect)
    decision_text = _text(_("Decision and reasons"), rows=4, max_length=8000)


class BranchDecideForm(DecisionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect)
    reasons = _text(_("Reasons (required to refuse)"), required=False, rows=2)


# --- registries kept by officials -----------------------------------------------------------------


def country_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the country…")), *geography.country_choices(exclude=("IN",))]


class BlacklistAddForm(StyledForm):
    name = forms.CharField(label=_("Employer or agency"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    reasons = _text(_("Reasons for listing"), rows=3)
    listed_date = forms.DateField(label=_("Listed on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, countries: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if countries is not None:
            # A Mission lists employers of its own host countries only.
            self.fields["country"].choices = [("", _("Choose the country…")), *sorted(((c, geography.country_name(c)) for c in countries), key=lambda item: item[1])]


class BlacklistRemoveForm(StyledForm):
    reasons = _text(_("Reasons for removing from the list"), rows=2)
    delisted_date = forms.DateField(label=_("Removed on"), required=False, widget=forms.DateInput(attrs=DATE), help_text=_("Leave empty for today."))


class IllegalAgentForm(StyledForm):
    name = forms.CharField(label=_("Name of the agent"), max_length=200)
    address = _text(_("Address"), required=False, rows=2, max_length=400)
    state = forms.ChoiceField(label=_("State"), required=False, choices=lambda: [("", _("Not known")), *geography.state_choices()])
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    notified_date = forms.DateField(label=_("Notified on"), widget=forms.DateInput(attrs=DATE))
    notification_reference = forms.CharField(label=_("Notification reference"), required=False, max_length=60)


class IllegalAgentWithdrawForm(StyledForm):
    reasons = _text(_("Reasons for withdrawing the notice"), rows=2)


class InsurerForm(StyledForm):
    name = forms.CharField(label=_("Insurer"), max_length=200)
    irda_registration = forms.CharField(label=_("IRDAI registration number"), max_length=60)


# --- filters --------------------------------------------------------------------------------------


class QueueFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=lambda: [("", _("All open")), *[(s.value, s.label) for s in OPEN_APPLICATION_STATUSES]])


class LicenceFilterForm(StyledForm):
    q = forms.CharField(label=_("Number or holder"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *LicenceKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *LicenceStatus.choices])


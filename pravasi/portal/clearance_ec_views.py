"""The emigrant's own emigration clearances on the public website, the e-EC download, and the public
verification of an e-EC by its emigration number (the page its QR code opens)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pravasi.clearance import certificate, eligibility, selectors, services
from pravasi.clearance.models import ClearanceDocumentKind, ClearanceStatus, Route
from pravasi.core import geography, ratelimit
from pravasi.core.errors import DomainError
from pravasi.core.forms import StyledForm, apply_domain_error, style_form
from pravasi.core.requests import source_ip

from .views import emigrant_required

STATUS_BADGES = {
    ClearanceStatus.SUBMITTED: "text-bg-primary",
    ClearanceStatus.DEFICIENCY: "text-bg-warning",
    ClearanceStatus.GRANTED: "text-bg-success",
    ClearanceStatus.REFUSED: "text-bg-danger",
    ClearanceStatus.WITHDRAWN: "text-bg-secondary",
}
# How each check of the eligibility engine came out, as the emigrant reads it.
OUTCOMES = {
    True: (_("Met"), "text-bg-success"),
    False: (_("Not met"), "text-bg-danger"),
    None: (_("Not checked yet"), "text-bg-secondary"),
}
NOT_APPLICABLE = (_("Does not apply"), "text-bg-light border")
# The engine stores its outcomes in English (services.evaluate_application); this is its wording for a rule that does not apply.
NOT_APPLICABLE_MESSAGE = "Does not apply."
RULE_TITLES = {rule.code: rule.title for rule in eligibility.RULES}


class ClearanceVerifyForm(StyledForm):
    number = forms.CharField(
        label=_("Emigration number"),
        max_length=30,
        help_text=_("As printed on the e-EC, for example EC/2026/00000001."),
        error_messages={"required": _("Enter the emigration number printed on the e-EC."), "max_length": _("An emigration number has at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


def _outcomes(application) -> list[dict]:
    rows = []
    for outcome in application.outcomes or []:
        if not isinstance(outcome, dict) or not outcome.get("message"):
            continue
        applies = outcome["message"].strip() != NOT_APPLICABLE_MESSAGE
        label, badge = OUTCOMES.get(outcome.get("passed"), OUTCOMES[None]) if applies else NOT_APPLICABLE
        rows.append({"label": label, "badge": badge, "rule": RULE_TITLES.get(outcome.get("rule"), ""), "message": outcome["message"] if applies else ""})
    return rows


def _application_row(application, today) -> dict:
    status = ClearanceStatus(application.status)
    return {
        "application": application,
        "status_label": status.label,
        "status_badge": STATUS_BADGES[status],
        "route_label": Route(application.route).label if application.route in Route.values else "",
        "country": geography.country_name(application.destination_country),
        "outcomes": _outcomes(application),
        "failed": sum(1 for o in application.outcomes or [] if isinstance(o, dict) and o.get("passed") is False),
        "granted": status == ClearanceStatus.GRANTED,
        "valid": certificate.is_valid_today(application, today),
    }


@never_cache
@require_GET
@emigrant_required
def my_clearances(request, person):
    today = timezone.localdate()
    rows = [_application_row(a, today) for a in selectors.applications_for(actor=request.user).order_by("-submitted_at")]
    return render(request, "portal/clearance/my_applications.html", {"person": person, "rows": rows})


def _file_name(number: str) -> str:
    return "e-EC-" + re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-") + ".pdf"


@require_GET
def ec_pdf(request, application_id):
    """The emigrant, the applicant agency's users and the officials who see the application download it;
    for anyone else the application does not exist."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    try:
        application, data = certificate.ec_download(actor=request.user, application_id=application_id, source_ip=source_ip(request))
    except DomainError as exc:
        return render(request, "core/domain_error.html", {"error": exc}, status=exc.status)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, _file_name(application.emigration_number))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _public_view(application, today) -> dict:
    """Only what a checker needs: never the full name, the passport number or anything else personal."""
    passport = certificate.passport_of(application)
    valid = certificate.is_valid_today(application, today)
    return {
        "number": application.emigration_number,
        "valid": valid,
        "expired": application.status == ClearanceStatus.GRANTED and not valid,
        "country": geography.country_name(application.destination_country),
        "employer": application.employer_name,
        "valid_to_date": application.valid_to_date,
        "office": application.office.name,
        "holder_initials": certificate.initials(application.person.given_name, application.person.family_name),
        "passport_masked": certificate.masked_passport(passport.number) if passport else "",
    }


VERIFY_LIMIT = (30, 600)  # lookups per address per ten minutes: enough for a checker, too few to walk the numbers


@require_GET
def verify_clearance(request):
    form = ClearanceVerifyForm(request.GET if "number" in request.GET else None)
    found, code = None, 200
    if form.is_bound and not ratelimit.allow(f"verify-ec:{source_ip(request)}", limit=VERIFY_LIMIT[0], window_seconds=VERIFY_LIMIT[1]):
        form.is_valid()
        form.add_error(None, _("Too many checks from this connection. Wait ten minutes and try again."))
        return render(request, "portal/clearance/verify.html", {"form": form, "clearance": None, "searched": False}, status=429)
    if form.is_bound:
        if form.is_valid():
            application = selectors.clearance_by_number(form.cleaned_data["number"])
            if application is None or not application.emigration_number:
                code = 404
            else:
                found = _public_view(application, timezone.localdate())
        else:
            code = 400
    context = {"form": form, "clearance": found, "searched": form.is_bound and form.is_valid()}
    return render(request, "portal/clearance/verify.html", context, status=code)


# --- applying directly ---------------------------------------------------------------------------------

DIRECT_DOCUMENTS = ("contract", "visa", "passport", "photo", "demand_letter")
FILE_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class DirectApplicationForm(StyledForm):
    """An emigrant employed directly applies against the employer's demand; the passport comes from the profile."""

    demand_reference = forms.CharField(label=_("Demand reference"), max_length=20, help_text=_("From your employer's job offer, like DM-2026-000001."))
    position = forms.ChoiceField(label=_("Your job in the demand"), required=False, widget=forms.RadioSelect)
    departure_date = forms.DateField(label=_("Planned departure date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pbby_policy_number = forms.CharField(label=_("PBBY insurance policy number"), required=False, max_length=40, help_text=_("Pravasi Bharatiya Bima Yojana policy from a registered insurer, covering your contract."))

    def __init__(self, *args, positions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [(str(p.id), f"{p.title} · {p.monthly_wage} {p.currency}") for p in positions]
        for kind in DIRECT_DOCUMENTS:
            label = dict(ClearanceDocumentKind.choices)[kind.upper()]
            self.fields[f"document_{kind}"] = forms.FileField(label=label, required=False, help_text=_("PDF, PNG or JPEG, up to 5 MB."), widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}))
        style_form(self)


@emigrant_required
def clearance_apply(request, person):
    """Step one finds the open demand by its reference; step two (the same page) files the application."""
    reference = (request.POST.get("demand_reference") or request.GET.get("demand_reference") or "").strip().upper()
    demand = selectors.open_demand(reference=reference) if reference else None
    positions = list(demand.positions.all()) if demand else []
    posted = request.method == "POST"
    form = DirectApplicationForm(request.POST if posted else None, request.FILES if posted else None, positions=positions, initial={"demand_reference": reference})
    status = 200
    if reference and demand is None:
        form = DirectApplicationForm({"demand_reference": reference})
        form.is_valid()
        form.add_error("demand_reference", _("No open demand has this reference. Check it with your employer."))
        status = 400
    elif posted and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, route=Route.DIRECT, data=form.cleaned_data | {"position": form.cleaned_data.get("position") or ""}, files=request.FILES, source_ip=source_ip(request))
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = 400
        else:
            messages.success(request, _("Your application %(ref)s was sent to the Protector of Emigrants.") % {"ref": application.reference})
            return redirect("portal:my_clearances")
    elif posted:
        status = 400
    context = {"form": form, "demand": demand, "person": person, "passport": person.passports.filter(is_current=True).first()}
    return render(request, "portal/clearance/apply.html", context, status=status)

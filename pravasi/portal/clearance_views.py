"""The public page "Do I need emigration clearance?": the eligibility engine answering a person's plan.

A GET form: the answers carry no personal identifiers, the result can be bookmarked or shared, and
nothing is stored.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from pravasi.clearance.eligibility import evaluate, rulebook_for
from pravasi.clearance.validation import facts_from_question
from pravasi.core.errors import ValidationFailed
from pravasi.core.forms import apply_domain_error

from .clearance_forms import EligibilityForm, page_errors

# What each rule checks, as a person would ask it.
RULE_TITLES = {
    "EC_REQUIRED": _("Is emigration clearance required?"),
    "WOMEN_MIN_AGE": _("Women with ECR passports going to ECR countries must be above the minimum age on the day they leave (nurses excepted)"),
    "WOMEN_STATE_RA": _("Such women may be recruited only through a state government's recruiting agency"),
    "WOMEN_DIRECT_GUARANTEE": _("An employer recruiting such women directly lodges a bank guarantee with the Indian Mission"),
    "MINIMUM_WAGE": _("The wage is at least the minimum referral wage for the country"),
    "PASSPORT_VALIDITY": _("The passport is valid long enough after departure"),
    "PBBY_POLICY": _("Insurance under the Pravasi Bharatiya Bima Yojana (PBBY) covers the whole contract"),
    "LIBYA_LIFE_POLICY": _("Extra life insurance for work in Libya"),
    "EMPLOYER_REGISTERED": _("The employer is registered and not in the prior approval category"),
    "RA_CERTIFICATE_ACTIVE": _("The recruiting agent's certificate is active"),
    "DEMAND_POSITIONS": _("The employer's demand still has open positions"),
    "SERVICE_CHARGE_CAP": _("The agent's service charge is within the limit"),
}
PASSED = {"label": _("Passed"), "badge": "text-bg-success", "mark": "✓"}
NOT_PASSED = {"label": _("Not passed"), "badge": "text-bg-danger", "mark": "✗"}
LATER = {"label": _("Checked in the full application"), "badge": "text-bg-secondary", "mark": "…"}
NOT_APPLICABLE = {"label": _("Not applicable"), "badge": "text-bg-light border", "mark": "–"}
REQUIRED = {"label": _("Required"), "badge": "text-bg-warning", "mark": "!"}
NOT_REQUIRED = {"label": _("Not required"), "badge": "text-bg-success", "mark": "✓"}


def _state(outcome, ec_required: bool) -> dict:
    if outcome.rule == "EC_REQUIRED":
        return REQUIRED if ec_required else NOT_REQUIRED
    if outcome.passed is None:
        return LATER if ec_required else NOT_APPLICABLE
    return PASSED if outcome.passed else NOT_PASSED


def _rows(result) -> list[dict]:
    return [{"outcome": o, "title": RULE_TITLES.get(o.rule, o.rule), "state": _state(o, result.ec_required)} for o in result.outcomes]


def _asked(request, form_class) -> bool:
    return any(name in request.GET for name in form_class.base_fields)


@require_GET
def clearance_check(request):
    form = EligibilityForm(request.GET if _asked(request, EligibilityForm) else None)
    result, status = None, 200
    if form.is_bound and form.is_valid():
        try:
            facts = facts_from_question(form.question())
        except ValidationFailed as exc:
            apply_domain_error(form, ValidationFailed(exc.message, fields=page_errors(exc.fields)))
            status = 400
        else:
            result = evaluate(facts, rulebook_for(timezone.localdate()))
    elif form.is_bound:
        status = 400
    context = {"form": form, "result": result, "rows": _rows(result) if result else []}
    return render(request, "portal/clearance/eligibility.html", context, status=status)

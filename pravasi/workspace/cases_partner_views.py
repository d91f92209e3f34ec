"""Workspace pages around cases for those outside the handling office: the OWRC helpline agent's case form,
the partner organisation's referred cases and the insurer's PBBY claims.

Each page shows only what its reader needs. The helpline agent files for a caller and then sees the tracking
number alone, never the case. A partner sees a referred case's tracking number, category and basis, and of
its details only those the Mission chose to share. An insurer sees its policyholder's name and the policy.
Records come through the case services scoped to the user (404 otherwise); every write is a POST that
calls one case service. A ValidationFailed puts its messages on the form (400), a Conflict (the status
moved meanwhile) becomes a warning, NotAllowed and NotFound reach the error middleware.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pravasi.cases import policies, services
from pravasi.cases.labels import category_label, shareable_label
from pravasi.cases.models import Channel, ClaimStatus, ReferralStatus
from pravasi.cases.workflow import REFERRAL
from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.core.forms import apply_domain_error
from pravasi.core.geography import country_name
from pravasi.core.requests import source_ip

from .access import workspace_page
from .cases_partner_forms import ClaimDecideForm, HelplineCaseForm, ReferralUpdateForm
from .licensing_views import _error_anchor, _orphans, _paged, _render, _submit

# Only the tracking number, the office and which channels the confirmation goes to: never the caller's details.
FILED_KEY = "cases_helpline_filed"


# --- the helpline -------------------------------------------------------------------------------------


def spoken_groups(tracking_number: str) -> list[str]:
    """The tracking number in groups of four digits, the way the agent reads it out."""
    digits = "".join(ch for ch in tracking_number if ch.isdigit())
    return [digits[i : i + 4] for i in range(0, len(digits), 4)]


def _helpline_page(request, form, *, status: int = 200):
    summary = form.error_summary() if form.is_bound else []
    return _render(request, "workspace/cases/helpline.html", {"form": form, "summary": summary}, status=status)


@workspace_page("cases_helpline")
def helpline(request):
    if request.method == "POST":
        form = HelplineCaseForm(request.POST)
        if form.is_valid():
            data = form.data_for_service()
            try:
                case = services.case_file(actor=request.user, kind=form.cleaned_data["kind"], data=data, channel=Channel.HELPLINE, source_ip=source_ip(request))
            except (ValidationFailed, Conflict) as exc:
                apply_domain_error(form, exc)
            else:
                request.session[FILED_KEY] = {"number": case.tracking_number, "office": case.office.name, "sms": bool(case.filer_phone), "email": bool(case.filer_email)}
                return redirect(reverse("workspace:cases_helpline") + "?filed=1")
        return _helpline_page(request, form, status=400)
    if request.GET.get("filed"):
        filed = request.session.get(FILED_KEY)
        if filed:
            context = {"filed": filed, "groups": spoken_groups(filed["number"])}
            return _render(request, "workspace/cases/helpline_filed.html", context)
    # A fresh form is the next call: the last number is no longer needed.
    request.session.pop(FILED_KEY, None)
    return _helpline_page(request, HelplineCaseForm())


# --- referred cases, for the partner organisation -----------------------------------------------------


def _shared_rows(shared: list[tuple[str, str]]) -> list[dict]:
    rows = []
    for field, value in shared:
        if field == "country":
            value = country_name(value) if value else ""
        rows.append({"field": field, "label": shareable_label(field), "value": value})
    return rows


@workspace_page("cases_referrals")
def referrals(request):
    page = _paged(request, services.referrals_for_partner(actor=request.user).order_by("-created_at", "id"))
    rows = [
        {
            "referral": r,
            "category": category_label(r.case.category),
            # The country is one of the details the Mission chooses to share or not.
            "country": country_name(r.case.country) if "country" in (r.shared_fields or []) else "",
        }
        for r in page
    ]
    return _render(request, "workspace/cases/referrals.html", {"page": page, "rows": rows})


def _referral_page(request, referral_id, *, form=None, status: int = 200):
    referral, shared = services.referral_view(actor=request.user, referral_id=referral_id, source_ip=source_ip(request))
    targets = REFERRAL.targets(referral.status, policies.referral_capacities(request.user, referral))
    if form is None and targets:
        form = ReferralUpdateForm(prefix="update", targets=targets)
    elif form is not None and targets:
        form.fields["target"].choices = ReferralUpdateForm(targets=targets).fields["target"].choices
    context = {
        "referral": referral,
        "case": referral.case,
        "category": category_label(referral.case.category),
        "shared": _shared_rows(shared),
        "form": form,
        "error_anchor": "update" if form is not None and form.errors else "",
        "closed": referral.status in (ReferralStatus.DONE, ReferralStatus.DECLINED),
    }
    return _render(request, "workspace/cases/referral_detail.html", context, status=status)


@workspace_page("cases_referrals")
def referral_detail(request, referral_id):
    if request.method != "POST":
        return _referral_page(request, referral_id)
    # Every status is offered to the service, which refuses a move the workflow does not open from here
    # (someone else answered first, or the page was stale) with a message saying so.
    form = ReferralUpdateForm(request.POST, prefix="update")
    return _submit(
        request,
        form,
        lambda: services.referral_update(actor=request.user, referral_id=referral_id, target=form.cleaned_data["target"], note=form.cleaned_data["note"], source_ip=source_ip(request)),
        success=lambda updated: _("The referral is now “%(status)s”; the handling office can see it.") % {"status": updated.get_status_display()},
        done=reverse("workspace:cases_referral", args=[referral_id]),
        page=lambda f: _referral_page(request, referral_id, form=f, status=400),
    )


# --- PBBY claims, for the insurer ---------------------------------------------------------------------


def _claim_key(claim_id) -> str:
    return f"claim-{claim_id}"


def _claims_page(request, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    claims_qs = services.claims_for_insurer(actor=request.user).select_related("case__office", "policy__person").order_by("-created_at", "id")
    page = _paged(request, claims_qs)
    rows = []
    for claim in page:
        key = _claim_key(claim.id)
        form = bound.get(key)
        if form is None and claim.status == ClaimStatus.STARTED:
            form = ClaimDecideForm(prefix=f"c{claim.id.hex}")
        rows.append({"claim": claim, "form": form, "anchor": key})
    context = {"page": page, "rows": rows, "error_anchor": _error_anchor(bound), "orphan_errors": _orphans(bound, rows)}
    return _render(request, "workspace/cases/claims.html", context, status=status)


@workspace_page("cases_claims")
def claims(request):
    return _claims_page(request)


@require_POST
@workspace_page("cases_claims")
def claim_decide(request, claim_id):
    claim = services.claims_for_insurer(actor=request.user).filter(id=claim_id).first()
    if claim is None:
        raise NotFound(_("No such claim for your company."))
    form = ClaimDecideForm(request.POST, prefix=f"c{claim.id.hex}")
    return _submit(
        request,
        form,
        lambda: services.pbby_claim_decide(
            actor=request.user,
            claim_id=claim.id,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            amount_inr=form.cleaned_data["amount_inr"] or None,
            source_ip=source_ip(request),
        ),
        success=lambda decided: (
            _("The claim on policy %(number)s is settled for Rs %(amount)s; the handling office is told.") % {"number": decided.policy.number, "amount": decided.amount_inr}
            if decided.status == ClaimStatus.SETTLED
            else _("The claim on policy %(number)s is rejected; the handling office is told.") % {"number": decided.policy.number}
        ),
        done=reverse("workspace:cases_claims"),
        page=lambda f: _claims_page(request, bound={_claim_key(claim.id): f}, status=400),
    )

"""Workspace pages for emigration clearance: employers' demands and the Mission's verification, the
agent's or exporter's applications, the Protector of Emigrants' queue and decisions, and the insurer's
PBBY policies.

Every record comes through a clearance selector scoped to the user (404 otherwise); every write is a
POST that calls one clearance service. A ValidationFailed puts its messages on the form (400), a
Conflict (someone acted first) becomes a warning, NotAllowed and NotFound reach the error middleware.
An official who opens an application sees a person's record: each showing writes a PII access entry.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pravasi.accounts.roles import Role
from pravasi.audit.services import pii_access_record
from pravasi.clearance import eligibility, policies, selectors, services
from pravasi.clearance.models import ClearanceStatus, DemandStatus, PolicyStatus, Route
from pravasi.clearance.workflow import APPLICANT, APPLICATION, DEMAND, EMPLOYER, INSURER, PROTECTOR, VERIFIER
from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.core.uploads import CONTENT_TYPES
from pravasi.core.workflow import SYSTEM
from pravasi.policy.selectors import policy

from .access import workspace_page
from .clearance_forms import (
    AnswerForm,
    ApplicationFilterForm,
    ApplicationForm,
    BulkGrantForm,
    DeficiencyForm,
    DemandCloseForm,
    DemandFilterForm,
    DemandForm,
    DemandLookupForm,
    DemandVerifyForm,
    GrantForm,
    PolicyCancelForm,
    PolicyIssueForm,
    PolicyValidateForm,
    QueueFilterForm,
    RefuseForm,
    WithdrawForm,
    occupation_label,
)
from .licensing_views import _error_anchor, _orphans, _paged, _render, _submit
from .timeline import timeline_rows

CAPACITY_LABELS = {
    APPLICANT: gettext_lazy("applicant"),
    PROTECTOR: gettext_lazy("Protector of Emigrants"),
    EMPLOYER: gettext_lazy("employer"),
    VERIFIER: gettext_lazy("Mission"),
    INSURER: gettext_lazy("insurer"),
    SYSTEM: gettext_lazy("automatic"),
}
RULE_TITLES = {rule.code: rule.title for rule in eligibility.RULES}
SERVICE_STATES = {
    "green": ("text-bg-success", gettext_lazy("On time")),
    "amber": ("text-bg-warning", gettext_lazy("Due soon")),
    "red": ("text-bg-danger", gettext_lazy("Overdue")),
}
POLICY_REASONS = {
    "unknown": gettext_lazy("No PBBY policy has this number."),
    "cancelled": gettext_lazy("The policy was cancelled."),
    "insurer_not_registered": gettext_lazy("The insurer's registration is not active."),
    "not_in_force": gettext_lazy("The policy is not in force today: outside its period of cover."),
}


def _today():
    return timezone.localdate()


def _timeline(obj, workflow, *, official: bool) -> list[dict]:
    return timeline_rows(obj, workflow, official=official, capacity_labels=CAPACITY_LABELS)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- demands -------------------------------------------------------------------------------------------


def _demand_rows(demands) -> list[dict]:
    rows = []
    for demand in demands:
        positions = list(demand.positions.all())
        rows.append({"demand": demand, "filled": sum(p.filled for p in positions), "count": sum(p.count for p in positions)})
    return rows


def _demands_page(request, *, form=None, status: int = 200):
    can_raise = policies.can_raise_demand(request.user)
    filters = DemandFilterForm(request.GET or None)
    found = selectors.demands_for(actor=request.user)
    chosen = filters.cleaned_data.get("status", "") if filters.is_bound and filters.is_valid() else ""
    if chosen:
        found = found.filter(status=chosen)
    page = _paged(request, found.order_by("-raised_at"))
    context = {
        "filters": filters,
        "page": page,
        "rows": _demand_rows(page),
        "filter_query": urlencode({"status": chosen}) if chosen else "",
        "form": (form or DemandForm(prefix="demand")) if can_raise else None,
        "error_anchor": "demand" if form is not None and form.errors else "",
        "employer": can_raise,
    }
    return _render(request, "workspace/clearance/demands.html", context, status=status)


@workspace_page("demands")
def demands(request):
    if request.method != "POST":
        return _demands_page(request)
    form = DemandForm(request.POST, prefix="demand")
    return _submit(
        request,
        form,
        lambda: services.demand_raise(actor=request.user, data=form.data_for_service(), source_ip=source_ip(request)),
        success=lambda demand: (
            _("Demand %(reference)s was raised. The Mission verifies it before agents may recruit against it.") % {"reference": demand.reference}
            if demand.status == DemandStatus.PENDING_VERIFICATION
            else _("Demand %(reference)s was raised and is open for recruitment.") % {"reference": demand.reference}
        ),
        done=reverse("workspace:clearance_demands"),
        page=lambda f: _demands_page(request, form=f, status=400),
    )


def _demand_page(request, demand, *, bound: dict | None = None, status: int = 200):
    user = request.user
    caps = policies.demand_capacities(user, demand)
    targets = set(DEMAND.targets(demand.status, caps))
    actions: dict = {}
    if demand.status == DemandStatus.PENDING_VERIFICATION and VERIFIER in caps and DemandStatus.OPEN in targets:
        actions["verify"] = DemandVerifyForm(prefix="verify", initial={"expected": demand.status, "women_guarantee_lodged": demand.women_guarantee_lodged})
    if DemandStatus.CLOSED in targets:
        actions["close"] = DemandCloseForm(prefix="close")
    actions.update(bound or {})
    official = VERIFIER in caps or policies.is_pge(user)
    context = {
        "demand": demand,
        "official": official,
        "actions": actions,
        "error_anchor": _error_anchor(bound),
        "positions": [{"position": p, "occupation": occupation_label(p.occupation)} for p in demand.positions.all()],
        "agents": demand.agents.select_related("organisation").order_by("number"),
        "timeline": _timeline(demand, DEMAND, official=official),
    }
    return _render(request, "workspace/clearance/demand_detail.html", context, status=status)


@workspace_page("demands")
def demand_detail(request, demand_id):
    return _demand_page(request, selectors.demand_for(actor=request.user, demand_id=demand_id))


def _demand_action(request, demand_id, *, key: str, form_class, call: Callable, success):
    demand = selectors.demand_for(actor=request.user, demand_id=demand_id)
    form = form_class(request.POST, prefix=key)
    return _submit(
        request,
        form,
        lambda: call(demand, form),
        success=success,
        done=reverse("workspace:clearance_demand", args=[demand.id]),
        page=lambda f: _demand_page(request, demand, bound={key: f}, status=400),
    )


@require_POST
@workspace_page("demands")
def demand_verify(request, demand_id):
    return _demand_action(
        request,
        demand_id,
        key="verify",
        form_class=DemandVerifyForm,
        call=lambda demand, form: services.demand_verify(
            actor=request.user,
            demand_id=demand.id,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            women_guarantee_lodged=form.cleaned_data["women_guarantee_lodged"],
            expected=form.expected_status(),
            source_ip=source_ip(request),
        ),
        success=lambda demand: _("The demand was verified and is open for recruitment.") if demand.status == DemandStatus.OPEN else _("The demand was rejected; the employer has been told why."),
    )


@require_POST
@workspace_page("demands")
def demand_close(request, demand_id):
    return _demand_action(
        request,
        demand_id,
        key="close",
        form_class=DemandCloseForm,
        call=lambda demand, form: services.demand_close(actor=request.user, demand_id=demand.id, source_ip=source_ip(request)),
        success=_("The demand was closed: no further applications can be filed against it."),
    )


# --- applications: lists and the new application ----------------------------------------------------


@workspace_page("clearance_applications")
def applications(request):
    form = ApplicationFilterForm(request.GET or None)
    found = selectors.applications_for(actor=request.user)
    chosen = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    if chosen:
        found = found.filter(status=chosen)
    page = _paged(request, found.order_by("-submitted_at", "id"))
    context = {"form": form, "page": page, "filter_query": urlencode({"status": chosen}) if chosen else ""}
    return _render(request, "workspace/clearance/applications.html", context)


def _route_for(user) -> str:
    """An agent applies against a demand; a project exporter for its own project."""
    return Route.RA if policies.organisation_of(user, Role.RA_STAFF) is not None else Route.PROJECT_EXPORTER


def _open_demand(user, reference: str):
    return selectors.demands_for(actor=user).filter(reference=reference, status=DemandStatus.OPEN).first()


@workspace_page("clearance_apply")
def application_new(request):
    user = request.user
    route = _route_for(user)
    posted = request.method == "POST"
    context: dict = {"route": route, "daily_limit": ""}
    demand, positions = None, []
    if route == Route.RA:
        reference = (request.POST if posted else request.GET).get("demand_reference", "")
        lookup = DemandLookupForm({"demand_reference": reference} if reference else None)
        if not posted:
            if not lookup.is_bound:
                return _render(request, "workspace/clearance/application_new.html", {**context, "lookup": lookup, "step": 1})
            if lookup.is_valid():
                demand = _open_demand(user, lookup.cleaned_data["demand_reference"])
                if demand is None:
                    lookup.add_error("demand_reference", _("No open demand with this reference names your agency. Check the reference with the employer."))
            if demand is None:
                return _render(request, "workspace/clearance/application_new.html", {**context, "lookup": lookup, "step": 1})
        elif lookup.is_valid():
            # The demand may have closed since step one: the service then says so on the form.
            demand = _open_demand(user, lookup.cleaned_data["demand_reference"])
        positions = list(demand.positions.all()) if demand else []
    initial = {"demand_reference": demand.reference} if demand else {}
    form = ApplicationForm(request.POST if posted else None, request.FILES if posted else None, route=route, positions=positions, initial=initial)
    if posted and form.is_valid():
        try:
            application = services.application_submit(actor=user, route=route, data=form.data_for_service(), files=form.uploaded_documents(), source_ip=source_ip(request))
        except ValidationFailed as exc:
            if exc.code == "daily_limit":
                # Not a fault in the form: nothing on it can be corrected today.
                context["daily_limit"] = exc.message
            else:
                apply_domain_error(form, exc)
        except Conflict as exc:
            apply_domain_error(form, exc)
        else:
            if application.eligible:
                messages.success(request, _("Application %(reference)s was submitted to the Protector of Emigrants.") % {"reference": application.reference})
            else:
                messages.warning(request, _("Application %(reference)s was submitted, but it is not eligible yet: see the checks below.") % {"reference": application.reference})
            return redirect("workspace:clearance_application", application.id)
    context.update({"form": form, "demand": demand, "step": 2, "error_anchor": "application" if form.errors else ""})
    return _render(request, "workspace/clearance/application_new.html", context, status=400 if posted else 200)


# --- applications: the detail page and its actions ----------------------------------------------------


def _outcome_rows(application) -> list[dict]:
    rows = []
    for outcome in application.outcomes or []:
        passed = outcome.get("passed")
        title = RULE_TITLES.get(outcome.get("rule"), outcome.get("rule", ""))
        rows.append(
            {
                "title": _(title) if title else "",
                "state": "passed" if passed is True else "failed" if passed is False else "unknown",
                "message": outcome.get("message", ""),
                "policy": outcome.get("policy", ""),
            }
        )
    return rows


def _ec_pdf_url(application) -> str | None:
    if application.status != ClearanceStatus.GRANTED:
        return None
    try:
        return reverse("portal:ec_pdf", args=[application.id])
    except NoReverseMatch:
        return None


def _application_page(request, application, *, bound: dict | None = None, status: int = 200):
    user = request.user
    caps = policies.application_capacities(user, application)
    targets = set(APPLICATION.targets(application.status, caps))
    seen = {"expected": application.status}
    C = ClearanceStatus
    actions: dict = {}
    if PROTECTOR in caps:
        if C.GRANTED in targets:
            actions["grant"] = GrantForm(prefix="grant", initial=seen)
        if C.DEFICIENCY in targets:
            actions["deficiency"] = DeficiencyForm(prefix="deficiency", initial=seen)
        if C.REFUSED in targets:
            actions["refuse"] = RefuseForm(prefix="refuse", initial=seen)
    if APPLICANT in caps:
        if application.status == C.DEFICIENCY and C.SUBMITTED in targets:
            actions["answer"] = AnswerForm(prefix="answer", application=application)
        if C.WITHDRAWN in targets:
            actions["withdraw"] = WithdrawForm(prefix="withdraw")
    actions.update(bound or {})
    official = APPLICANT not in caps
    if official:
        # An official is shown the emigrant's personal data: every showing is logged.
        pii_access_record(actor=user, person_id=application.person_id, purpose="VIEW", source_ip=source_ip(request))
    context = {
        "application": application,
        "person": application.person,
        "official": official,
        "actions": actions,
        "error_anchor": _error_anchor(bound),
        "outcomes": _outcome_rows(application),
        "occupation": occupation_label(application.occupation),
        "documents": application.documents.order_by("created_at"),
        "timeline": _timeline(application, APPLICATION, official=official),
        "ec_pdf_url": _ec_pdf_url(application),
        "show_demand_link": request.workspace_access.demands,
    }
    return _render(request, "workspace/clearance/application_detail.html", context, status=status)


@workspace_page("clearance")
def application_detail(request, application_id):
    return _application_page(request, selectors.application_for(actor=request.user, application_id=application_id))


def _application_action(request, application_id, *, key: str, form_class, call: Callable, success, with_application: bool = False):
    application = selectors.application_for(actor=request.user, application_id=application_id)
    extra = {"application": application} if with_application else {}
    form = form_class(request.POST, request.FILES, prefix=key, **extra)
    return _submit(
        request,
        form,
        lambda: call(application, form),
        success=success,
        done=reverse("workspace:clearance_application", args=[application.id]),
        page=lambda f: _application_page(request, application, bound={key: f}, status=400),
    )


@require_POST
@workspace_page("clearance_queue")
def application_grant(request, application_id):
    return _application_action(
        request,
        application_id,
        key="grant",
        form_class=GrantForm,
        call=lambda app, form: services.application_grant(actor=request.user, application_id=app.id, expected=form.expected_status(), source_ip=source_ip(request)),
        success=lambda app: _("Clearance granted: emigration number %(number)s.") % {"number": app.emigration_number},
    )


@require_POST
@workspace_page("clearance_queue")
def application_deficiency(request, application_id):
    return _application_action(
        request,
        application_id,
        key="deficiency",
        form_class=DeficiencyForm,
        call=lambda app, form: services.application_deficiency(actor=request.user, application_id=app.id, note=form.cleaned_data["note"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("The deficiency notice was sent to the applicant."),
    )


@require_POST
@workspace_page("clearance_queue")
def application_refuse(request, application_id):
    return _application_action(
        request,
        application_id,
        key="refuse",
        form_class=RefuseForm,
        call=lambda app, form: services.application_refuse(actor=request.user, application_id=app.id, reasons=form.cleaned_data["reasons"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("The application was refused; the applicant has been told the reasons."),
    )


@require_POST
@workspace_page("clearance_apply")
def application_answer(request, application_id):
    return _application_action(
        request,
        application_id,
        key="answer",
        form_class=AnswerForm,
        with_application=True,
        call=lambda app, form: services.application_answer(
            actor=request.user, application_id=app.id, note=form.cleaned_data["note"], data=form.data_for_service(), files=form.uploaded_documents(), source_ip=source_ip(request)
        ),
        success=_("Your answer was sent; the application is with the Protector of Emigrants again."),
    )


@require_POST
@workspace_page("clearance_apply")
def application_withdraw(request, application_id):
    return _application_action(
        request,
        application_id,
        key="withdraw",
        form_class=WithdrawForm,
        call=lambda app, form: services.application_withdraw(actor=request.user, application_id=app.id, source_ip=source_ip(request)),
        success=_("The application was withdrawn."),
    )


@workspace_page("clearance")
def document_download(request, document_id):
    document, data = services.document_bytes(actor=request.user, document_id=document_id, source_ip=source_ip(request))
    content_type = document.content_type if document.content_type in CONTENT_TYPES.values() else "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name or "document")
    return _no_store(response)


# --- the Protector of Emigrants' queue ---------------------------------------------------------------


def _service_state(age: int, level: int) -> str:
    """Green under half the service level, amber up to it, red beyond."""
    if age * 2 < level:
        return "green"
    return "amber" if age <= level else "red"


def _queue_page(request, *, bulk_form=None, results: list[dict] | None = None, status: int = 200):
    form = QueueFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
    chosen = filters.get("status") or ClearanceStatus.SUBMITTED
    page = _paged(request, selectors.queue_for(actor=request.user, status=chosen, route=filters.get("route", ""), country=filters.get("country", "")))
    today = _today()
    level = int(policy("EC_SERVICE_LEVEL_DAYS"))
    rows = []
    for application in page:
        age = (today - timezone.localdate(application.submitted_at)).days
        state = _service_state(age, level)
        rows.append({"application": application, "age": age, "state": state, "badge": SERVICE_STATES[state][0], "state_label": SERVICE_STATES[state][1]})
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filter_query": urlencode(filters),
        "level": level,
        "selectable": chosen == ClearanceStatus.SUBMITTED,
        "bulk_form": bulk_form,
        "results": results,
    }
    return _render(request, "workspace/clearance/queue.html", context, status=status)


@workspace_page("clearance_queue")
def queue(request):
    return _queue_page(request)


@require_POST
@workspace_page("clearance_queue")
def queue_grant(request):
    form = BulkGrantForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, bulk_form=form, status=400)
    ids = form.cleaned_data["ids"]
    outcome = services.applications_grant_many(actor=request.user, application_ids=ids, source_ip=source_ip(request))
    known = {str(a.id): a for a in selectors.applications_for(actor=request.user).filter(id__in=ids)}
    results = []
    for application_id, answer in outcome.items():
        failed = answer.startswith("! ")
        results.append({"application": known.get(application_id), "id": application_id, "granted": not failed, "number": "" if failed else answer, "message": answer[2:] if failed else ""})
    return _queue_page(request, results=results)


# --- PBBY insurance policies ------------------------------------------------------------------------------


def _pbby_page(request, *, issue_form=None, validate_form=None, validation: dict | None = None, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    page = _paged(request, selectors.policies_for(actor=request.user))
    today = _today()
    rows = []
    for pbby in page:
        key = f"policy-{pbby.id}"
        form = bound.get(key)
        if form is None and pbby.status == PolicyStatus.ACTIVE:
            form = PolicyCancelForm(prefix=f"p{pbby.id.hex}")
        in_force = pbby.status == PolicyStatus.ACTIVE and pbby.valid_from_date <= today <= pbby.valid_to_date
        rows.append({"policy": pbby, "form": form, "anchor": key, "in_force": in_force, "ended": pbby.valid_to_date < today})
    if validation is not None:
        validation = {**validation, "reason_text": POLICY_REASONS.get(validation.get("reason", ""), "")}
    context = {
        "page": page,
        "rows": rows,
        "issue_form": issue_form or PolicyIssueForm(prefix="issue"),
        "validate_form": validate_form or PolicyValidateForm(prefix="validate"),
        "validation": validation,
        "error_anchor": "issue" if issue_form is not None and issue_form.errors else _error_anchor(bound),
        "orphan_errors": _orphans(bound, rows),
    }
    return _render(request, "workspace/clearance/pbby.html", context, status=status)


@workspace_page("pbby")
def pbby(request):
    if request.method != "POST":
        return _pbby_page(request)
    form = PolicyIssueForm(request.POST, prefix="issue")
    return _submit(
        request,
        form,
        lambda: services.pbby_issue(actor=request.user, data=form.data_for_service(), source_ip=source_ip(request)),
        success=lambda issued: _("Policy %(number)s was issued: premium Rs %(premium)s, in force until %(date)s.") % {"number": issued.number, "premium": issued.premium_inr, "date": issued.valid_to_date.isoformat()},
        done=reverse("workspace:clearance_pbby"),
        page=lambda f: _pbby_page(request, issue_form=f, status=400),
    )


@require_GET
@workspace_page("pbby")
def pbby_validate(request):
    form = PolicyValidateForm(request.GET or None, prefix="validate")
    validation = services.pbby_validate(number=form.cleaned_data["number"]) if form.is_bound and form.is_valid() else None
    return _pbby_page(request, validate_form=form, validation=validation, status=200 if validation is not None or not form.is_bound else 400)


@require_POST
@workspace_page("pbby")
def pbby_cancel(request, policy_id):
    found = selectors.policies_for(actor=request.user).filter(id=policy_id).first()
    if found is None:
        raise NotFound(_("No such policy among yours."))
    form = PolicyCancelForm(request.POST, prefix=f"p{found.id.hex}")
    return _submit(
        request,
        form,
        lambda: services.pbby_cancel(actor=request.user, number=found.number, reason=form.cleaned_data["reason"], source_ip=source_ip(request)),
        success=lambda cancelled: _("Policy %(number)s was cancelled.") % {"number": cancelled.number},
        done=reverse("workspace:clearance_pbby"),
        page=lambda f: _pbby_page(request, bound={f"policy-{found.id}": f}, status=400),
    )

"""Workspace pages for licensing: the partner's applications and certificates, the officials' queue,
scrutiny and decisions, orders, appeals, branches, the prior approval list, illegal agents and insurers.

Every record comes through a licensing selector scoped to the user (404 otherwise); every write is a
POST that calls one licensing service. A ValidationFailed puts its messages on the form (400), a
Conflict (someone acted first) becomes a warning, NotAllowed and NotFound reach the error middleware.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import offices_of
from pravasi.cases import selectors as case_selectors
from pravasi.clearance import selectors as clearance_selectors
from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.core.uploads import CONTENT_TYPES
from pravasi.core.workflow import SYSTEM
from pravasi.licensing import policies, selectors, services
from pravasi.licensing.certificate import certificate_pdf
from pravasi.licensing.models import (
    OPEN_APPLICATION_STATUSES,
    AppealStatus,
    ApplicationKind,
    ApplicationStatus,
    LicenceKind,
    LicenceStatus,
    OrderKind,
)
from pravasi.licensing.workflow import APPELLATE, APPLICANT, DECIDER, LICENCE, REGISTRAR, SCRUTINISER, application_workflow
from pravasi.policy.selectors import policy

from .access import workspace_page
from .licensing_forms import (
    AnswerForm,
    AppealDecideForm,
    AppealForm,
    BlacklistAddForm,
    BlacklistRemoveForm,
    BranchDecideForm,
    BranchForm,
    DeficiencyForm,
    DocumentAddForm,
    ForwardForm,
    GrantForm,
    GuaranteeForm,
    IllegalAgentForm,
    IllegalAgentWithdrawForm,
    InsurerForm,
    LicenceFilterForm,
    LiftForm,
    OrderForm,
    QueueFilterForm,
    RefuseForm,
    RenewalForm,
    ScrutinyForm,
    SendBackForm,
    TakeUpForm,
    WithdrawForm,
)
from .timeline import timeline_rows

PAGE_SIZE = 50
CAPACITY_LABELS = {
    APPLICANT: gettext_lazy("applicant"),
    SCRUTINISER: gettext_lazy("scrutiny"),
    DECIDER: gettext_lazy("decision"),
    REGISTRAR: gettext_lazy("registrar"),
    APPELLATE: gettext_lazy("appellate authority"),
    SYSTEM: gettext_lazy("automatic"),
}


def _today():
    return timezone.localdate()


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("access", request.workspace_access)
    return render(request, template, context, status=status)


def _renamed(error: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    """The same error with the service's field names mapped onto the form's."""
    return ValidationFailed(error.message, fields={names.get(k, k): v for k, v in error.fields.items()}, code=error.code)


def _submit(request, form, call: Callable, *, success, done: str, page: Callable, rename: dict[str, str] | None = None):
    """Validates the form, makes the one service call, and answers: redirect with a message on success
    or conflict, the page again with the form's messages (400) on bad input."""
    if form.is_valid():
        try:
            result = call()
        except ValidationFailed as exc:
            apply_domain_error(form, _renamed(exc, rename) if rename else exc)
        except Conflict as exc:
            messages.warning(request, exc.message)
            return redirect(done)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(done)
    return page(form)


def _paged(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _timeline(request, obj, workflow) -> list[dict]:
    return timeline_rows(obj, workflow, official=request.workspace_access.licensing_official, capacity_labels=CAPACITY_LABELS)


def _error_anchor(bound: dict | None) -> str:
    if not bound:
        return ""
    return next(iter(bound))


# --- partner home ----------------------------------------------------------------------------------


@workspace_page("licensing")
def licensing_home(request):
    access = request.workspace_access
    if not access.licensing_partner:
        return redirect("workspace:licensing_queue")
    organisations = [o.id for o in policies.organisations_of(request.user)]
    context = {
        "applications": selectors.applications_for(actor=request.user).filter(organisation_id__in=organisations),
        "licences": selectors.licences_for(actor=request.user).filter(organisation_id__in=organisations),
        "today": _today(),
    }
    return _render(request, "workspace/licensing/home.html", context)


# --- applications ----------------------------------------------------------------------------------


def _appeal_last_day(application):
    if application.status != ApplicationStatus.REFUSED or application.decided_at is None:
        return None
    return timezone.localdate(application.decided_at) + timedelta(days=int(policy("APPEAL_WINDOW_DAYS")))


def _application_page(request, application, *, bound: dict | None = None, status: int = 200):
    user = request.user
    caps = policies.application_capacities(user, application)
    flow = application_workflow(application)
    targets = set(flow.targets(application.status, caps))
    current = application.status
    seen = {"expected": current}
    A = ApplicationStatus
    actions: dict = {}
    if current == A.SUBMITTED and A.SCRUTINY in targets and SCRUTINISER in caps:
        actions["take_up"] = TakeUpForm(prefix="takeup", initial=seen)
    if current == A.SCRUTINY and SCRUTINISER in caps:
        actions["scrutiny"] = ScrutinyForm(prefix="scrutiny", initial=ScrutinyForm.initial_for(application))
    if current == A.SCRUTINY and A.DEFICIENCY in targets:
        actions["deficiency"] = DeficiencyForm(prefix="deficiency", initial=seen)
    if current == A.SCRUTINY and A.FORWARDED in targets:
        actions["forward"] = ForwardForm(prefix="forward", initial=seen)
    if current == A.FORWARDED and A.SCRUTINY in targets and DECIDER in caps:
        actions["send_back"] = SendBackForm(prefix="sendback", initial=seen)
    if A.GRANTED in targets:
        actions["grant"] = GrantForm(prefix="grant", initial=seen, application=application)
    if A.REFUSED in targets:
        actions["refuse"] = RefuseForm(prefix="refuse", initial=seen)
    if current == A.DEFICIENCY and A.SCRUTINY in targets and APPLICANT in caps:
        actions["answer"] = AnswerForm(prefix="answer", application=application)
    if A.WITHDRAWN in targets and APPLICANT in caps:
        actions["withdraw"] = WithdrawForm(prefix="withdraw")
    if current in OPEN_APPLICATION_STATUSES and caps & {APPLICANT, SCRUTINISER, DECIDER}:
        actions["document"] = DocumentAddForm(prefix="document")
    appeals = list(application.appeals.all())
    appeal_last_day = _appeal_last_day(application)
    if APPLICANT in caps and appeal_last_day and _today() <= appeal_last_day and not appeals:
        actions["appeal"] = AppealForm(prefix="appeal")
    actions.update(bound or {})
    official = request.workspace_access.licensing_official
    checklist = [(label, bool((application.checklist or {}).get(key))) for key, label in ScrutinyForm.checklist_labels()]
    context = {
        "application": application,
        "official": official,
        "actions": actions,
        "error_anchor": _error_anchor(bound),
        "directors": application.directors.all(),
        "guarantees": application.bank_guarantees.all(),
        "documents": [d for d in application.documents.all() if policies.can_read_document(user, d)],
        "timeline": _timeline(request, application, flow),
        "appeals": appeals,
        "appeal_last_day": appeal_last_day,
        "checklist": checklist,
        "is_rc": application.kind in (ApplicationKind.RC_NEW, ApplicationKind.RC_RENEWAL),
    }
    return _render(request, "workspace/licensing/application_detail.html", context, status=status)


@workspace_page("licensing")
def application_detail(request, application_id):
    application = selectors.application_for(actor=request.user, application_id=application_id)
    return _application_page(request, application)


def _application_action(request, application_id, *, key: str, form_class, call: Callable, success, prefix: str | None = None, with_application: bool = False):
    application = selectors.application_for(actor=request.user, application_id=application_id)
    extra = {"application": application} if with_application else {}
    form = form_class(request.POST, request.FILES, prefix=prefix or key.replace("_", ""), **extra)
    return _submit(
        request,
        form,
        lambda: call(application, form),
        success=success,
        done=reverse("workspace:licensing_application", args=[application.id]),
        page=lambda f: _application_page(request, application, bound={key: f}, status=400),
    )


@require_POST
@workspace_page("licensing")
def application_take_up(request, application_id):
    return _application_action(
        request,
        application_id,
        key="take_up",
        form_class=TakeUpForm,
        call=lambda app, form: services.application_take_up(actor=request.user, application_id=app.id, expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("Taken up for scrutiny."),
    )


@require_POST
@workspace_page("licensing")
def application_scrutiny(request, application_id):
    return _application_action(
        request,
        application_id,
        key="scrutiny",
        form_class=ScrutinyForm,
        call=lambda app, form: services.application_scrutiny_record(
            actor=request.user,
            application_id=app.id,
            checklist=form.checklist(),
            inspection_report=form.cleaned_data["inspection_report"],
            police_report=form.cleaned_data["police_report"],
            site_visit_report=form.cleaned_data["site_visit_report"],
            source_ip=source_ip(request),
        ),
        success=_("The findings were recorded."),
    )


@require_POST
@workspace_page("licensing")
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
@workspace_page("licensing")
def application_forward(request, application_id):
    return _application_action(
        request,
        application_id,
        key="forward",
        form_class=ForwardForm,
        call=lambda app, form: services.application_forward(actor=request.user, application_id=app.id, note=form.cleaned_data["note"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("Forwarded to the Protector General of Emigrants for decision."),
    )


@require_POST
@workspace_page("licensing")
def application_send_back(request, application_id):
    return _application_action(
        request,
        application_id,
        key="send_back",
        form_class=SendBackForm,
        call=lambda app, form: services.application_send_back(actor=request.user, application_id=app.id, note=form.cleaned_data["note"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("Sent back to the PoE office for further scrutiny."),
    )


@require_POST
@workspace_page("licensing")
def application_grant(request, application_id):
    return _application_action(
        request,
        application_id,
        key="grant",
        form_class=GrantForm,
        with_application=True,
        call=lambda app, form: services.application_grant(
            actor=request.user,
            application_id=app.id,
            note=form.cleaned_data["note"],
            expected=form.expected_status(),
            is_state_run=bool(form.cleaned_data.get("is_state_run")),
            late_cause_accepted=form.cleaned_data.get("late_cause_accepted") or None,
            source_ip=source_ip(request),
        ),
        success=lambda moved: _("Granted. %(number)s is in force.") % {"number": moved.licence.number},
    )


@require_POST
@workspace_page("licensing")
def application_refuse(request, application_id):
    return _application_action(
        request,
        application_id,
        key="refuse",
        form_class=RefuseForm,
        call=lambda app, form: services.application_refuse(actor=request.user, application_id=app.id, reasons=form.cleaned_data["reasons"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("The application was refused; the applicant has been told and may appeal."),
    )


@require_POST
@workspace_page("licensing")
def application_answer(request, application_id):
    return _application_action(
        request,
        application_id,
        key="answer",
        form_class=AnswerForm,
        with_application=True,
        call=lambda app, form: services.application_answer(actor=request.user, application_id=app.id, note=form.cleaned_data["note"], files=form.uploaded_documents(), source_ip=source_ip(request)),
        success=_("Your answer was sent; the application is under scrutiny again."),
    )


@require_POST
@workspace_page("licensing")
def application_withdraw(request, application_id):
    return _application_action(
        request,
        application_id,
        key="withdraw",
        form_class=WithdrawForm,
        call=lambda app, form: services.application_withdraw(actor=request.user, application_id=app.id, source_ip=source_ip(request)),
        success=_("The application was withdrawn."),
    )


@require_POST
@workspace_page("licensing")
def application_document_add(request, application_id):
    return _application_action(
        request,
        application_id,
        key="document",
        form_class=DocumentAddForm,
        call=lambda app, form: services.document_add(actor=request.user, application_id=app.id, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"], source_ip=source_ip(request)),
        success=_("The document was added."),
    )


@require_POST
@workspace_page("licensing")
def application_appeal(request, application_id):
    return _application_action(
        request,
        application_id,
        key="appeal",
        form_class=AppealForm,
        call=lambda app, form: services.appeal_file(actor=request.user, grounds_text=form.cleaned_data["grounds"], application_id=app.id, source_ip=source_ip(request)),
        success=_("Your appeal was filed. The appellate authority's decision will appear here."),
    )


# --- documents and the certificate --------------------------------------------------------------


@workspace_page("licensing")
def document_download(request, document_id):
    document, data = services.document_bytes(actor=request.user, document_id=document_id, source_ip=source_ip(request))
    content_type = document.content_type if document.content_type in CONTENT_TYPES.values() else "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name or "document")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _file_name(number: str) -> str:
    return "certificate-" + re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-") + ".pdf"


@workspace_page("licensing")
def licence_certificate(request, licence_id):
    licence = selectors.licence_for(actor=request.user, licence_id=licence_id)
    response = HttpResponse(certificate_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, _file_name(licence.number))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the officials' queue and licence list ----------------------------------------------------------


@workspace_page("licensing_official")
def queue(request):
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    page = _paged(request, selectors.queue_for(actor=request.user, status=status))
    today = _today()
    rows = [(application, (today - timezone.localdate(application.submitted_at)).days) for application in page]
    context = {"form": form, "page": page, "rows": rows, "filter_query": urlencode({"status": status}) if status else ""}
    return _render(request, "workspace/licensing/queue.html", context)


@workspace_page("licensing_official")
def licences(request):
    form = LicenceFilterForm(request.GET or None)
    found = selectors.licences_for(actor=request.user)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        if filters.get("kind"):
            found = found.filter(kind=filters["kind"])
        if filters.get("status"):
            found = found.filter(status=filters["status"])
        if filters.get("q"):
            q = filters["q"].strip()
            found = found.filter(Q(number__icontains=selectors.normalise_number(q)) | Q(organisation__name__icontains=q))
    page = _paged(request, found.order_by("number"))
    context = {"form": form, "page": page, "filter_query": urlencode(filters), "today": _today()}
    return _render(request, "workspace/licensing/licences.html", context)


# --- licences ------------------------------------------------------------------------------------------


def _guarantee_rows(licence) -> list[dict]:
    today = _today()
    warn_days = max(int(d) for d in policy("LICENCE_REMINDER_DAYS"))
    rows = []
    for guarantee in licence.bank_guarantees.all():
        active = guarantee.released_at is None
        rows.append(
            {
                "guarantee": guarantee,
                "ended": active and guarantee.valid_to_date < today,
                "ends_soon": active and today <= guarantee.valid_to_date <= today + timedelta(days=warn_days),
                "days_left": (guarantee.valid_to_date - today).days,
            }
        )
    return rows


def _licence_page(request, licence, *, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    caps = policies.licence_capacities(user, licence)
    registrar_targets = set(LICENCE.targets(licence.status, caps & {REGISTRAR}))
    seen = {"expected": licence.status}
    L = LicenceStatus
    actions: dict = {}
    if L.SUSPENDED in registrar_targets:
        actions["suspend"] = OrderForm(prefix="suspend", initial=seen)
    if L.CANCELLED in registrar_targets:
        actions["cancel"] = OrderForm(prefix="cancel", initial=seen)
    if licence.status == L.SUSPENDED and L.ACTIVE in registrar_targets:
        actions["lift"] = LiftForm(prefix="lift", initial=seen)
    holder = APPLICANT in caps
    is_rc = licence.kind == LicenceKind.RC
    applications = list(selectors.applications_for(actor=user).filter(licence=licence))
    open_renewal = next((a for a in applications if a.kind == ApplicationKind.RC_RENEWAL and a.status in OPEN_APPLICATION_STATUSES), None)
    if holder and is_rc and licence.status == L.ACTIVE and open_renewal is None:
        actions["renew"] = RenewalForm(prefix="renew")
    if holder and is_rc and licence.status == L.ACTIVE:
        actions["branch"] = BranchForm(prefix="branch")
    if holder and is_rc and licence.status not in (L.CANCELLED, L.EXPIRED):
        actions["guarantee"] = GuaranteeForm(prefix="guarantee")
    actions.update({k: v for k, v in bound.items() if not k.startswith("order-")})
    today = _today()
    orders = []
    for order in licence.orders.select_related("appeal"):
        appeal = getattr(order, "appeal", None)
        key = f"order-{order.id}"
        form = bound.get(key)
        if form is None and holder and appeal is None and order.kind != OrderKind.REVOCATION and order.appeal_by_date and today <= order.appeal_by_date:
            form = AppealForm(prefix=f"o{order.id.hex}")
        orders.append({"order": order, "appeal": appeal, "form": form, "anchor": key})
    window = services.renewal_window(licence) if is_rc and licence.valid_to_date else None
    context = {
        "licence": licence,
        "official": request.workspace_access.licensing_official,
        "holder": holder,
        "actions": actions,
        "error_anchor": _error_anchor(bound),
        "orders": orders,
        "branches": licence.branches.all(),
        "guarantees": _guarantee_rows(licence),
        "applications": applications,
        "open_renewal": open_renewal,
        "renewal_opens": window[0] if window else None,
        "renewal_due": window[1] if window else None,
        "timeline": _timeline(request, licence, LICENCE),
        "today": today,
        "clearance_volume": clearance_selectors.volume_for_applicant(organisation_id=licence.organisation_id) if licence.kind in (LicenceKind.RC, LicenceKind.PE) else None,
        "complaints": case_selectors.complaints_against_agent(licence_id=licence.id) if licence.kind == LicenceKind.RC else None,
    }
    return _render(request, "workspace/licensing/licence_detail.html", context, status=status)


@workspace_page("licensing")
def licence_detail(request, licence_id):
    licence = selectors.licence_for(actor=request.user, licence_id=licence_id)
    return _licence_page(request, licence)


def _licence_action(request, licence_id, *, key: str, form_class, call: Callable, success, prefix: str | None = None):
    licence = selectors.licence_for(actor=request.user, licence_id=licence_id)
    form = form_class(request.POST, request.FILES, prefix=prefix or key)
    return _submit(
        request,
        form,
        lambda: call(licence, form),
        success=success,
        done=reverse("workspace:licensing_licence", args=[licence.id]),
        page=lambda f: _licence_page(request, licence, bound={key: f}, status=400),
    )


@require_POST
@workspace_page("licensing")
def licence_renew(request, licence_id):
    return _licence_action(
        request,
        licence_id,
        key="renew",
        form_class=RenewalForm,
        call=lambda licence, form: services.renewal_apply(actor=request.user, licence_id=licence.id, data=form.data_for_service(), files=form.uploaded_documents(), source_ip=source_ip(request)),
        success=lambda application: _("Your renewal request %(reference)s was submitted.") % {"reference": application.reference},
    )


@require_POST
@workspace_page("licensing")
def licence_branch_apply(request, licence_id):
    return _licence_action(
        request,
        licence_id,
        key="branch",
        form_class=BranchForm,
        call=lambda licence, form: services.branch_apply(actor=request.user, licence_id=licence.id, data=form.cleaned_data, source_ip=source_ip(request)),
        success=_("The branch was submitted for approval."),
    )


@require_POST
@workspace_page("licensing")
def licence_guarantee_lodge(request, licence_id):
    return _licence_action(
        request,
        licence_id,
        key="guarantee",
        form_class=GuaranteeForm,
        call=lambda licence, form: services.bank_guarantee_lodge(actor=request.user, licence_id=licence.id, data=form.guarantee_data(), source_ip=source_ip(request)),
        success=_("The bank guarantee was lodged."),
    )


@require_POST
@workspace_page("licensing")
def licence_suspend(request, licence_id):
    return _licence_action(
        request,
        licence_id,
        key="suspend",
        form_class=OrderForm,
        call=lambda licence, form: services.licence_suspend(
            actor=request.user, licence_id=licence.id, ground=form.cleaned_data["ground"], order_text=form.cleaned_data["order_text"], expected=form.expected_status(), source_ip=source_ip(request)
        ),
        success=_("The suspension order was made; the holder has been told."),
    )


@require_POST
@workspace_page("licensing")
def licence_cancel(request, licence_id):
    return _licence_action(
        request,
        licence_id,
        key="cancel",
        form_class=OrderForm,
        call=lambda licence, form: services.licence_cancel(
            actor=request.user, licence_id=licence.id, ground=form.cleaned_data["ground"], order_text=form.cleaned_data["order_text"], expected=form.expected_status(), source_ip=source_ip(request)
        ),
        success=_("The cancellation order was made; the holder has been told."),
    )


@require_POST
@workspace_page("licensing")
def licence_suspension_lift(request, licence_id):
    return _licence_action(
        request,
        licence_id,
        key="lift",
        form_class=LiftForm,
        call=lambda licence, form: services.licence_suspension_lift(actor=request.user, licence_id=licence.id, order_text=form.cleaned_data["order_text"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("The suspension was lifted; the certificate is in force again."),
    )


@require_POST
@workspace_page("licensing")
def order_appeal(request, licence_id, order_id):
    licence = selectors.licence_for(actor=request.user, licence_id=licence_id)
    order = licence.orders.filter(id=order_id).first()
    if order is None:
        raise NotFound(_("No such order on this certificate."))
    return _licence_action(
        request,
        licence.id,
        key=f"order-{order.id}",
        prefix=f"o{order.id.hex}",
        form_class=AppealForm,
        call=lambda licence, form: services.appeal_file(actor=request.user, grounds_text=form.cleaned_data["grounds"], order_id=order.id, source_ip=source_ip(request)),
        success=_("Your appeal was filed. The appellate authority's decision will appear here."),
    )


# --- appeals and branches --------------------------------------------------------------------------


def _appeals_page(request, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    page = _paged(request, selectors.appeals_for(actor=request.user))
    rows = []
    for appeal in page:
        key = f"appeal-{appeal.id}"
        form = bound.get(key)
        if form is None and appeal.status == AppealStatus.FILED and APPELLATE in policies.appeal_capacities(request.user, appeal):
            form = AppealDecideForm(prefix=f"a{appeal.id.hex}", initial={"expected": appeal.status})
        rows.append({"appeal": appeal, "form": form, "anchor": key})
    context = {"page": page, "rows": rows, "error_anchor": _error_anchor(bound), "orphan_errors": _orphans(bound, rows)}
    return _render(request, "workspace/licensing/appeals.html", context, status=status)


def _orphans(bound: dict, rows: list[dict]) -> list[str]:
    """Messages of a bound form whose row is no longer listed (decided meanwhile), shown at the top."""
    shown = {row["anchor"] for row in rows}
    return [str(m) for key, form in bound.items() if key not in shown for errors in form.errors.values() for m in errors]


@workspace_page("licensing")
def appeals(request):
    return _appeals_page(request)


@require_POST
@workspace_page("licensing_pge")
def appeal_decide(request, appeal_id):
    form = AppealDecideForm(request.POST, prefix=f"a{appeal_id.hex}")
    return _submit(
        request,
        form,
        lambda: services.appeal_decide(
            actor=request.user, appeal_id=appeal_id, allowed=form.cleaned_data["allowed"] == "yes", decision_text=form.cleaned_data["decision_text"], expected=form.expected_status(), source_ip=source_ip(request)
        ),
        success=lambda appeal: _("The appeal was allowed.") if appeal.status == AppealStatus.ALLOWED else _("The appeal was dismissed."),
        done=reverse("workspace:licensing_appeals"),
        page=lambda f: _appeals_page(request, bound={f"appeal-{appeal_id}": f}, status=400),
    )


def _branches_page(request, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    rows = []
    for branch in selectors.branches_pending(actor=request.user).order_by("created_at"):
        key = f"branch-{branch.id}"
        form = bound.get(key) or BranchDecideForm(prefix=f"b{branch.id.hex}", initial={"expected": branch.status})
        rows.append({"branch": branch, "form": form, "anchor": key})
    context = {"rows": rows, "error_anchor": _error_anchor(bound), "orphan_errors": _orphans(bound, rows)}
    return _render(request, "workspace/licensing/branches.html", context, status=status)


@workspace_page("licensing_pge")
def branches(request):
    return _branches_page(request)


@require_POST
@workspace_page("licensing_pge")
def branch_decide(request, branch_id):
    form = BranchDecideForm(request.POST, prefix=f"b{branch_id.hex}")
    return _submit(
        request,
        form,
        lambda: services.branch_decide(
            actor=request.user, branch_id=branch_id, approve=form.cleaned_data["decision"] == "approve", reasons=form.cleaned_data["reasons"], expected=form.expected_status(), source_ip=source_ip(request)
        ),
        success=lambda branch: _("The branch in %(city)s was approved.") % {"city": branch.city} if branch.status == "APPROVED" else _("The branch in %(city)s was refused.") % {"city": branch.city},
        done=reverse("workspace:licensing_branches"),
        page=lambda f: _branches_page(request, bound={f"branch-{branch_id}": f}, status=400),
    )


# --- the prior approval list (blacklist) ----------------------------------------------------------


def _listing_countries(user) -> list[str] | None:
    """None for the PGE (lists anywhere); a Mission lists employers of its own host countries."""
    if policies.is_pge(user):
        return None
    return sorted({c for office in offices_of(user, Role.MISSION_OFFICER) for c in (office.countries or [])})


def _blacklist_page(request, *, add_form=None, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    entries = list(selectors.blacklist_all(actor=user))
    current, past = [], []
    for entry in entries:
        if entry.delisted_date:
            past.append(entry)
            continue
        key = f"entry-{entry.id}"
        form = bound.get(key)
        if form is None and (policies.is_pge(user) or policies.mission_for_country(user, entry.country)):
            form = BlacklistRemoveForm(prefix=f"e{entry.id.hex}")
        current.append({"entry": entry, "form": form, "anchor": key})
    context = {
        # The complaints page opens this form for one employer (?name=&country=): the official still checks and submits it.
        "add_form": add_form or BlacklistAddForm(prefix="add", countries=_listing_countries(user), initial={"name": request.GET.get("name", "")[:200], "country": request.GET.get("country", "")[:2]}),
        "current": current,
        "past": past,
        "error_anchor": "add" if add_form is not None and add_form.errors else _error_anchor(bound),
        "orphan_errors": _orphans(bound, current),
    }
    return _render(request, "workspace/licensing/blacklist.html", context, status=status)


@workspace_page("blacklist")
def blacklist(request):
    if request.method != "POST":
        return _blacklist_page(request)
    form = BlacklistAddForm(request.POST, prefix="add", countries=_listing_countries(request.user))
    return _submit(
        request,
        form,
        lambda: services.blacklist_add(actor=request.user, data=form.cleaned_data, source_ip=source_ip(request)),
        success=lambda entry: _("%(name)s was added to the prior approval category.") % {"name": entry.name},
        done=reverse("workspace:licensing_blacklist"),
        page=lambda f: _blacklist_page(request, add_form=f, status=400),
    )


@require_POST
@workspace_page("blacklist")
def blacklist_remove(request, entry_id):
    form = BlacklistRemoveForm(request.POST, prefix=f"e{entry_id.hex}")
    return _submit(
        request,
        form,
        lambda: services.blacklist_remove(actor=request.user, entry_id=entry_id, reasons=form.cleaned_data["reasons"], delisted_date=form.cleaned_data["delisted_date"], source_ip=source_ip(request)),
        success=lambda entry: _("%(name)s was removed from the prior approval category.") % {"name": entry.name},
        done=reverse("workspace:licensing_blacklist"),
        page=lambda f: _blacklist_page(request, bound={f"entry-{entry_id}": f}, status=400),
        rename={"delisting_reasons": "reasons"},
    )


# --- illegal agents ----------------------------------------------------------------------------------


def _illegal_agents_page(request, *, add_form=None, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    rows = []
    for agent in selectors.illegal_agents_all(actor=request.user):
        key = f"agent-{agent.id}"
        rows.append({"agent": agent, "form": bound.get(key) or IllegalAgentWithdrawForm(prefix=f"g{agent.id.hex}"), "anchor": key})
    context = {
        "add_form": add_form or IllegalAgentForm(prefix="add"),
        "rows": rows,
        "error_anchor": "add" if add_form is not None and add_form.errors else _error_anchor(bound),
        "orphan_errors": _orphans(bound, rows),
    }
    return _render(request, "workspace/licensing/illegal_agents.html", context, status=status)


@workspace_page("illegal_agents")
def illegal_agents(request):
    if request.method != "POST":
        return _illegal_agents_page(request)
    form = IllegalAgentForm(request.POST, prefix="add")
    return _submit(
        request,
        form,
        lambda: services.illegal_agent_notify(actor=request.user, data=form.cleaned_data, source_ip=source_ip(request)),
        success=lambda agent: _("%(name)s was notified as an illegal agent.") % {"name": agent.name},
        done=reverse("workspace:licensing_illegal_agents"),
        page=lambda f: _illegal_agents_page(request, add_form=f, status=400),
    )


@require_POST
@workspace_page("illegal_agents")
def illegal_agent_withdraw(request, agent_id):
    form = IllegalAgentWithdrawForm(request.POST, prefix=f"g{agent_id.hex}")
    return _submit(
        request,
        form,
        lambda: services.illegal_agent_withdraw(actor=request.user, agent_id=agent_id, reasons=form.cleaned_data["reasons"], source_ip=source_ip(request)),
        success=lambda agent: _("The notice on %(name)s was withdrawn.") % {"name": agent.name},
        done=reverse("workspace:licensing_illegal_agents"),
        page=lambda f: _illegal_agents_page(request, bound={f"agent-{agent_id}": f}, status=400),
        rename={"withdrawal_reasons": "reasons"},
    )


# --- insurers -------------------------------------------------------------------------------------------


@workspace_page("insurers")
def insurers(request):
    form = InsurerForm(request.POST or None, prefix="add")

    def page(f, status=400):
        listed = selectors.licences_for(actor=request.user).filter(kind=LicenceKind.INSURER).order_by("organisation__name")
        return _render(request, "workspace/licensing/insurers.html", {"form": f, "insurers": listed, "error_anchor": "add" if f.errors else ""}, status=status)

    if request.method != "POST":
        return page(form, status=200)
    return _submit(
        request,
        form,
        lambda: services.insurer_register(actor=request.user, name=form.cleaned_data["name"], irda_registration=form.cleaned_data["irda_registration"], source_ip=source_ip(request)),
        success=lambda licence: _("%(name)s is registered as %(number)s.") % {"name": licence.organisation.name, "number": licence.number},
        done=reverse("workspace:licensing_insurers"),
        page=page,
    )

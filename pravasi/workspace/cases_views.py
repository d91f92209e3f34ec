"""Workspace pages for the officials handling grievances and eventualities (Mission, PoE office, PGE):
the queue, the case with its actions, attachments, the dashboard, and the PGE's complaints per agent
and per employer.

The queue shows no filer's or person's name: personal data appears only on the case page, which opens
the case through services.case_view so that every showing is in the audit trail (and on the person's
access log when the case is linked to the registry). The case page and its actions answer 404 to
anyone who does not handle the case, partners included, so that a case's existence is not revealed.
Every write is a POST that calls one case service; a ValidationFailed puts its messages on the form
(400), a Conflict (someone acted first) becomes a warning after a redirect.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pravasi.cases import policies, selectors, services
from pravasi.cases.labels import category_label, escalation_label, shareable_label
from pravasi.cases.models import CaseKind, CaseStatus, NoteKind, ReferralBasis
from pravasi.cases.workflow import CASE, FILER, HANDLER, HELPLINE
from pravasi.core import charts
from pravasi.core.requests import source_ip
from pravasi.core.uploads import CONTENT_TYPES, read_stored
from pravasi.core.workflow import SYSTEM
from pravasi.licensing.models import LicenceStatus
from pravasi.policy.selectors import policy

from .access import workspace_page
from .cases_forms import (
    AssistanceForm,
    ClaimForm,
    CloseForm,
    FamilyForm,
    MessageForm,
    NoteForm,
    QueueFilterForm,
    ReferForm,
    TakeUpForm,
    TransferForm,
    VerifyForm,
)
from .licensing_views import _error_anchor, _paged, _render, _submit
from .timeline import timeline_rows

CAPACITY_LABELS = {
    HANDLER: gettext_lazy("handling office"),
    FILER: gettext_lazy("filer"),
    HELPLINE: gettext_lazy("helpline, for the caller"),
    SYSTEM: gettext_lazy("automatic"),
}
# The badge carries its meaning in words; the colour only repeats it.
RAG_STATES = {
    "RED": ("text-bg-danger", gettext_lazy("Red: overdue")),
    "AMBER": ("text-bg-warning", gettext_lazy("Amber: due soon")),
    "GREEN": ("text-bg-success", gettext_lazy("Green: on time")),
    "CLOSED": ("text-bg-secondary", gettext_lazy("Closed")),
}
NOTE_KINDS = {
    NoteKind.MESSAGE: ("text-bg-primary", gettext_lazy("Message to the filer")),
    NoteKind.FILER: ("text-bg-info", gettext_lazy("From the filer")),
    NoteKind.FAMILY: ("text-bg-light border", gettext_lazy("Family informed")),
    NoteKind.SYSTEM: ("text-bg-secondary", gettext_lazy("Recorded by the system")),
}


# --- labels ------------------------------------------------------------------------------------------


def _rag(case, now, table=None) -> dict:
    state = services.rag(case, now, table)
    badge, label = RAG_STATES[state]
    return {"state": state, "badge": badge, "label": label}


def _kind_label(case) -> str:
    if case.kind == CaseKind.EVENTUALITY and case.eventuality:
        return f"{case.get_kind_display()} · {case.get_eventuality_display()}"
    return case.get_kind_display()


def _note_row(note) -> dict:
    if note.kind == NoteKind.NOTE:
        badge, label = ("text-bg-success", _("Shared with the filer")) if note.shared else ("text-bg-warning", _("Internal"))
    else:
        badge, label = NOTE_KINDS.get(note.kind, ("text-bg-secondary", note.get_kind_display()))
    return {"note": note, "badge": badge, "label": label}


# --- the queue ---------------------------------------------------------------------------------------


@workspace_page("cases")
def queue(request):
    form = QueueFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    now = timezone.now()
    table, levels = services.sla_table(), list(policy("CASE_ESCALATION_LEVELS"))
    page = _paged(request, selectors.queue_for(actor=request.user, category=chosen.get("category", ""), rag=chosen.get("rag", ""), now=now))
    rows = [
        {
            "case": case,
            "category": category_label(case.category),
            "kind": _kind_label(case),
            "age": max(0, (now - case.filed_at).days),
            "rag": _rag(case, now, table),
            "level": escalation_label(case.escalation_level, levels),
        }
        for case in page
    ]
    context = {"form": form, "page": page, "rows": rows, "filter_query": urlencode({k: v for k, v in chosen.items() if v})}
    return _render(request, "workspace/cases/queue.html", context)


# --- the case and its actions --------------------------------------------------------------------------


def _actions(case, *, policies_on_record: list) -> dict:
    """The forms that apply to the case as it stands: nothing that would only be refused."""
    closed = case.status == CaseStatus.CLOSED
    eventuality = case.kind == CaseKind.EVENTUALITY or case.category == "MORTAL_REMAINS"
    actions: dict = {}
    if case.status == CaseStatus.OPEN:
        actions["take_up"] = TakeUpForm(prefix="take_up")
    actions["note"] = NoteForm(prefix="note")
    actions["message"] = MessageForm(prefix="message")
    if case.kind == CaseKind.EVENTUALITY and case.verified_at is None:
        actions["verify"] = VerifyForm(prefix="verify")
    if not closed:
        actions["assistance"] = AssistanceForm(prefix="assistance")
    if eventuality:
        actions["family"] = FamilyForm(prefix="family")
    if eventuality and policies_on_record:
        actions["claim"] = ClaimForm(prefix="claim", policies=policies_on_record)
    if not closed:
        actions["refer"] = ReferForm(prefix="refer")
        actions["transfer"] = TransferForm(prefix="transfer", current_office_id=case.office_id)
        actions["close"] = CloseForm(prefix="close", initial={"expected": case.status})
    return actions


def _case_page(request, case, *, bound: dict | None = None, status: int = 200):
    user = request.user
    now = timezone.now()
    policies_on_record = list(services.pbby_policies_for(case))
    actions = _actions(case, policies_on_record=policies_on_record)
    actions.update(bound or {})
    # A form sent back with errors was built from the request alone: give it the case's own choices again.
    if "transfer" in actions:
        actions["transfer"].offer(case.office_id)
    if "claim" in actions:
        actions["claim"].offer(policies_on_record)
    eventuality = case.kind == CaseKind.EVENTUALITY
    referrals = [
        {"referral": r, "shared": [shareable_label(f) for f in r.shared_fields], "override": r.basis == ReferralBasis.VITAL_INTEREST} for r in case.referrals.select_related("partner", "referred_by")
    ]
    context = {
        "case": case,
        "official": True,
        "actions": actions,
        "error_anchor": _error_anchor(bound),
        "category": category_label(case.category),
        "kind": _kind_label(case),
        "rag": _rag(case, now),
        "level": escalation_label(case.escalation_level),
        "age": max(0, (now - case.filed_at).days),
        "due_passed": case.due_at <= now,
        "sla_days": services.sla_days(case.category),
        "notes": [_note_row(n) for n in case.notes.all()],
        "documents": case.documents.order_by("created_at"),
        "timeline": timeline_rows(case, CASE, official=True, capacity_labels=CAPACITY_LABELS),
        "referrals": referrals,
        "assistance": case.assistance.select_related("recorded_by"),
        "claims": case.claims.select_related("policy__insurer"),
        "policies_on_record": policies_on_record,
        "eventuality": eventuality,
        "shows_family": "family" in actions,
        # Read from the registry only for an eventuality, where the family must be reached; the read is logged.
        "emergency_contacts": services.emergency_contacts_for(actor=user, case=case) if eventuality else [],
        "can_see_licences": request.workspace_access.licensing_official,
    }
    return _render(request, "workspace/cases/case_detail.html", context, status=status)


@workspace_page()
def case_detail(request, case_id):
    case = services.case_view(actor=request.user, case_id=case_id, source_ip=source_ip(request))
    return _case_page(request, case)


def _case_url(case_id) -> str:
    return reverse("workspace:cases_case", args=[case_id])


def _case_action(request, case_id, *, key: str, form, call: Callable, success, done: Callable | None = None):
    """One action on a case: the service call scopes the case to the official (404 otherwise); bad input
    shows the case again, opened (and logged) as any showing is, with the form's messages."""
    return _submit(
        request,
        form,
        call,
        success=success,
        done=_case_url(case_id),
        page=lambda f: _case_page(request, services.case_view(actor=request.user, case_id=case_id, source_ip=source_ip(request)), bound={key: f}, status=400),
    )


@require_POST
@workspace_page()
def case_take_up(request, case_id):
    form = TakeUpForm(request.POST, prefix="take_up")
    return _case_action(
        request,
        case_id,
        key="take_up",
        form=form,
        call=lambda: services.case_take_up(actor=request.user, case_id=case_id, source_ip=source_ip(request)),
        success=_("You took up the case: it is now being handled."),
    )


@require_POST
@workspace_page()
def case_note(request, case_id):
    form = NoteForm(request.POST, prefix="note")
    return _case_action(
        request,
        case_id,
        key="note",
        form=form,
        call=lambda: services.note_add(actor=request.user, case_id=case_id, text=form.cleaned_data["text"], shared=form.cleaned_data["shared"], source_ip=source_ip(request)),
        success=lambda note: _("The note was added and shared with the filer.") if note.shared else _("The internal note was added."),
    )


@require_POST
@workspace_page()
def case_message(request, case_id):
    form = MessageForm(request.POST, prefix="message")
    return _case_action(
        request,
        case_id,
        key="message",
        form=form,
        call=lambda: services.filer_message_send(actor=request.user, case_id=case_id, text=form.cleaned_data["text"], source_ip=source_ip(request)),
        success=_("The message was sent to the filer and kept on the case."),
    )


@require_POST
@workspace_page()
def case_transfer(request, case_id):
    form = TransferForm(request.POST, prefix="transfer")
    moved: dict = {}

    def call():
        moved["case"] = services.case_transfer(
            actor=request.user, case_id=case_id, office_id=_uuid_or_none(form.cleaned_data["office"]), reason=form.cleaned_data["reason"], source_ip=source_ip(request)
        )
        return moved["case"]

    response = _case_action(
        request,
        case_id,
        key="transfer",
        form=form,
        call=call,
        success=lambda case: _("The case was transferred to %(office)s.") % {"office": case.office.name},
    )
    # A case sent to another office leaves this official's hands (not the PGE's): back to the queue, not to a 404.
    if "case" in moved and HANDLER not in policies.case_capacities(request.user, moved["case"]):
        response["Location"] = reverse("workspace:cases_queue")
    return response


@require_POST
@workspace_page()
def case_close(request, case_id):
    form = CloseForm(request.POST, prefix="close")
    return _case_action(
        request,
        case_id,
        key="close",
        form=form,
        call=lambda: services.case_close(actor=request.user, case_id=case_id, resolution=form.cleaned_data["resolution"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("The case was closed; the filer has been told and can read the resolution."),
    )


@require_POST
@workspace_page()
def case_verify(request, case_id):
    form = VerifyForm(request.POST, prefix="verify")
    return _case_action(
        request,
        case_id,
        key="verify",
        form=form,
        call=lambda: services.eventuality_verify(actor=request.user, case_id=case_id, note=form.cleaned_data["note"], source_ip=source_ip(request)),
        success=_("The report is recorded as verified."),
    )


@require_POST
@workspace_page()
def case_assistance(request, case_id):
    form = AssistanceForm(request.POST, prefix="assistance")
    return _case_action(
        request,
        case_id,
        key="assistance",
        form=form,
        call=lambda: services.assistance_record(actor=request.user, case_id=case_id, data=form.cleaned_data, source_ip=source_ip(request)),
        success=lambda item: _("Recorded: %(kind)s.") % {"kind": item.get_kind_display()},
    )


@require_POST
@workspace_page()
def case_family(request, case_id):
    form = FamilyForm(request.POST, prefix="family")
    return _case_action(
        request,
        case_id,
        key="family",
        form=form,
        call=lambda: services.family_informed_record(actor=request.user, case_id=case_id, whom=form.cleaned_data["whom"], note=form.cleaned_data["note"], source_ip=source_ip(request)),
        success=_("Recorded that the family was informed."),
    )


@require_POST
@workspace_page()
def case_claim(request, case_id):
    form = ClaimForm(request.POST, prefix="claim")
    return _case_action(
        request,
        case_id,
        key="claim",
        form=form,
        call=lambda: services.pbby_claim_start(actor=request.user, case_id=case_id, policy_id=_uuid_or_none(form.cleaned_data["policy"]), kind=form.cleaned_data["kind"], source_ip=source_ip(request)),
        success=lambda claim: _("The PBBY claim was started with %(insurer)s; its staff have been told.") % {"insurer": claim.policy.insurer.name},
    )


@require_POST
@workspace_page()
def case_refer(request, case_id):
    form = ReferForm(request.POST, prefix="refer")
    return _case_action(
        request,
        case_id,
        key="refer",
        form=form,
        call=lambda: services.referral_create(
            actor=request.user,
            case_id=case_id,
            partner_id=_uuid_or_none(form.cleaned_data["partner"]),
            shared_fields=list(form.cleaned_data["shared_fields"]),
            override_reason=form.cleaned_data["override_reason"],
            source_ip=source_ip(request),
        ),
        success=lambda referral: _("The case was referred to %(partner)s (%(basis)s).") % {"partner": referral.partner.name, "basis": referral.get_basis_display()},
    )


def _uuid_or_none(value: str):
    """A chosen id as the service can look it up; anything else becomes None, which it refuses by name."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@workspace_page()
def document_download(request, document_id):
    document = services.case_document_for(actor=request.user, document_id=document_id, source_ip=source_ip(request))
    content_type = document.content_type if document.content_type in CONTENT_TYPES.values() else "application/octet-stream"
    response = HttpResponse(read_stored(document.storage_name), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name or "document")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the dashboard -------------------------------------------------------------------------------------


def _age_label(key: str) -> str:
    if key.endswith("+"):
        return _("%(days)s days or more") % {"days": key[:-1]}
    low, high = key.split("-")
    return _("%(low)s–%(high)s days") % {"low": low, "high": high}


def dashboard_charts(data: dict) -> dict:
    rag = data["rag"]
    rag_states = [("RED", _("Red (overdue)"), charts.RED), ("AMBER", _("Amber (due soon)"), charts.AMBER), ("GREEN", _("Green (on time)"), charts.GREEN)]
    categories = data["categories"]
    trend = data["trend"]
    open_label = _("Open cases")
    return {
        "rag": charts.bar_chart(
            chart_id="chart-rag",
            title=_("Open cases by service level"),
            labels=[label for _key, label, _fill in rag_states],
            series=[charts.Series(open_label, [rag.get(key) or 0 for key, _label, _fill in rag_states], fills=[fill for _key, _label, fill in rag_states])],
            label_heading=_("State"),
        ),
        "ageing": charts.bar_chart(
            chart_id="chart-ageing",
            title=_("Open cases by age"),
            labels=[_age_label(key) for key in data["ageing"]],
            series=[charts.Series(open_label, [n or 0 for n in data["ageing"].values()])],
            label_heading=_("Age since filing"),
        ),
        "categories": charts.bar_chart(
            chart_id="chart-categories",
            title=_("Open cases by category"),
            labels=[str(_(label)) for _code, label, _n in categories],
            series=[charts.Series(open_label, [n for _code, _label, n in categories])],
            label_heading=_("Category"),
            horizontal=True,
        )
        if categories
        else None,
        "trend": charts.bar_chart(
            chart_id="chart-trend",
            title=_("Cases filed and closed per week"),
            labels=[date_format(week, "j M") for week, _filed, _closed in trend],
            series=[charts.Series(_("Filed"), [filed for _w, filed, _c in trend], fill=charts.BLUE), charts.Series(_("Closed"), [closed for _w, _f, closed in trend], fill=charts.GREY)],
            label_heading=_("Week starting"),
            label_every=2,
        ),
    }


@workspace_page("cases")
def dashboard(request):
    data = selectors.dashboard(actor=request.user)
    return _render(request, "workspace/cases/dashboard.html", {"open": data["open"], "charts": dashboard_charts(data)})


# --- complaints per agent and per employer (PGE) -----------------------------------------------------------


def _licence_status(value: str) -> str:
    try:
        return str(LicenceStatus(value).label)
    except ValueError:
        return value


@workspace_page("cases_pge")
def complaints(request):
    agents = [{**row, "status_label": _licence_status(row["agent__status"])} for row in selectors.complaints_per_agent(actor=request.user)]
    employers = selectors.complaints_per_employer(actor=request.user)
    top = agents[:10]
    chart = (
        charts.bar_chart(
            chart_id="chart-agents",
            title=_("Recruiting agents with the most complaints"),
            labels=[f"{row['agent__number']} · {row['agent__organisation__name']}" for row in top],
            series=[charts.Series(_("All complaints"), [row["total"] for row in top], fill=charts.BLUE), charts.Series(_("Open"), [row["open"] for row in top], fill=charts.RED)],
            label_heading=_("Recruiting agent"),
            horizontal=True,
        )
        if top
        else None
    )
    return _render(request, "workspace/cases/complaints.html", {"agents": agents, "employers": employers, "chart": chart})

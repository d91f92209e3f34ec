"""Public case pages: filing a grievance, reporting what happened to an emigrant, the page with the case
number, checking a case with a one-time code, the filer's view of a case (opened with a code or from
the profile) with what the filer may do on it, and the signed-in person's own cases."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pravasi.accounts.selectors import is_restricted_user
from pravasi.cases import selectors, services
from pravasi.cases.labels import category_label
from pravasi.cases.models import Case, CaseKind, CaseStatus, Channel, EventualityKind, NoteKind
from pravasi.core.errors import Conflict, DomainError
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.policy.selectors import policy
from pravasi.registry.selectors import person_of_user

from .cases_forms import (
    AddInformationForm,
    CodeOpenForm,
    CodeRequestForm,
    EventualityForm,
    GrievanceForm,
    RateForm,
    ReopenForm,
    attachment_rules,
)
from .views import emigrant_required

FILED_KEY = "case_filed"
CODE_SENT_KEY = "case_code_sent"
ACCESS_KEY = "case_access"
ACCESS_MINUTES = 30
PAGE_SIZE = 25

STATUS_BADGES = {
    CaseStatus.OPEN: "text-bg-primary",
    CaseStatus.IN_PROGRESS: "text-bg-warning",
    CaseStatus.CLOSED: "text-bg-secondary",
}


# --- filing -------------------------------------------------------------------------------------------


def _filer(request):
    """A signed-in emigrant files from their profile and finds the case there later; anyone else (officials
    included, who have their own channel in the workspace) files as a member of the public."""
    user = request.user
    if user.is_authenticated and not is_restricted_user(user):
        return user, Channel.PROFILE
    return None, Channel.WEB


def _prefill(user) -> dict:
    if user is None:
        return {}
    person = person_of_user(user)
    if person is not None:
        return {"filer_name": person.full_name, "filer_phone": person.mobile or user.mobile, "filer_email": person.email or user.email}
    return {"filer_name": user.display_name, "filer_phone": user.mobile, "filer_email": user.email}


def _file(request, *, kind: str, form_class, template: str):
    actor, channel = _filer(request)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, initial=_prefill(actor))
    status = 200
    if posted:
        if form.is_valid():
            try:
                case = services.case_file(
                    actor=actor,
                    kind=kind,
                    data=form.data_for_service(),
                    channel=channel,
                    files=request.FILES.getlist("attachments"),
                    source_ip=source_ip(request),
                )
            except DomainError as exc:
                form.apply_error(exc)
                status = exc.status
            else:
                office = case.office
                # The filed page reads this back: the number never travels in a URL (logs, history, referrers).
                request.session[FILED_KEY] = {
                    "tracking_number": case.tracking_number,
                    "kind": case.kind,
                    "office_name": office.name,
                    "office_email": office.email,
                    "office_phone": office.phone,
                    "by_sms": bool(case.filer_phone),
                    "by_email": bool(case.filer_email),
                    "on_profile": channel == Channel.PROFILE,
                }
                return redirect("portal:case_filed")
        else:
            status = 400
    context = {"form": form, "signed_in": actor is not None, "attachments": attachment_rules()}
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def grievance_file(request):
    return _file(request, kind=CaseKind.GRIEVANCE, form_class=GrievanceForm, template="portal/cases/grievance.html")


@never_cache
@require_http_methods(["GET", "POST"])
def eventuality_report(request):
    return _file(request, kind=CaseKind.EVENTUALITY, form_class=EventualityForm, template="portal/cases/report.html")


@never_cache
@require_GET
def case_filed(request):
    filed = request.session.get(FILED_KEY)
    if not filed:
        return redirect("portal:home")
    return render(request, "portal/cases/filed.html", {"filed": filed, "is_report": filed.get("kind") == CaseKind.EVENTUALITY})


# --- checking a case with a one-time code ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def case_status(request):
    """Step one sends a code to the filer's contact (the answer never says whether the case exists); step
    two opens the case with the code for a limited time."""
    posted = request.method == "POST"
    step = (request.POST.get("step") if posted else request.GET.get("step")) or "send"
    step = step if step in ("send", "open") else "send"
    send_form = CodeRequestForm(request.POST if posted and step == "send" else None)
    open_form = CodeOpenForm(request.POST if posted and step == "open" else None, initial={"tracking_number": request.session.get(CODE_SENT_KEY, "")})
    status = 200
    if posted and step == "send":
        if send_form.is_valid():
            number = send_form.cleaned_data["tracking_number"].strip()
            try:
                services.status_code_send(tracking_number=number, contact=send_form.cleaned_data["contact"], source_ip=source_ip(request))
            except DomainError as exc:
                apply_domain_error(send_form, exc)
                status = exc.status
            else:
                request.session[CODE_SENT_KEY] = number
                messages.info(
                    request,
                    _("If the number and the contact match a case, we have sent a code to that mobile number or e-mail. It is valid for %(minutes)s minutes.") % {"minutes": services.CODE_MINUTES},
                )
                return redirect(f"{reverse('portal:case_status')}?step=open")
        else:
            status = 400
    elif posted:
        if open_form.is_valid():
            try:
                case = services.status_open(tracking_number=open_form.cleaned_data["tracking_number"], code=open_form.cleaned_data["code"], source_ip=source_ip(request))
            except DomainError as exc:
                apply_domain_error(open_form, exc)
                status = exc.status
            else:
                # A new session key once the case opens: a key planted before cannot ride on this access.
                request.session.cycle_key()
                request.session.pop(CODE_SENT_KEY, None)
                request.session[ACCESS_KEY] = {"case": str(case.id), "until": time.time() + ACCESS_MINUTES * 60}
                return redirect("portal:case_view")
        else:
            status = 400
    context = {"step": step, "send_form": send_form, "open_form": open_form, "access_minutes": ACCESS_MINUTES}
    return render(request, "portal/cases/status.html", context, status=status)


# --- one case, as its filer sees it ------------------------------------------------------------------------


@dataclass
class Opened:
    """A case the requester may see as its filer, and where its page and forms live."""

    case: Case
    actor: object
    urls: dict[str, str]
    from_profile: bool
    forms: dict = field(default_factory=dict)


def _by_code(request):
    """The case whose code was entered in this session, or a redirect to the check page once access ends."""
    access = request.session.get(ACCESS_KEY)
    case = None
    if isinstance(access, dict) and float(access.get("until") or 0) > time.time():
        case = selectors.case_for_code_holder(access.get("case"))
    if case is None:
        request.session.pop(ACCESS_KEY, None)
        messages.info(request, _("To see your case, enter its number and ask for a code. For your privacy, a code opens the case for %(minutes)s minutes.") % {"minutes": ACCESS_MINUTES})
        return redirect("portal:case_status")
    urls = {"view": reverse("portal:case_view"), "add": reverse("portal:case_add"), "reopen": reverse("portal:case_reopen"), "rate": reverse("portal:case_rate")}
    return Opened(case=case, actor=request.user if request.user.is_authenticated else None, urls=urls, from_profile=False)


def _mine(request, case_id):
    case = selectors.cases_filed_by(actor=request.user).filter(id=case_id).first()
    if case is None:
        raise Http404(_("No such case among yours."))
    urls = {name: reverse(f"portal:my_case{suffix}", args=[case.id]) for name, suffix in (("view", ""), ("add", "_add"), ("reopen", "_reopen"), ("rate", "_rate"))}
    return Opened(case=case, actor=request.user, urls=urls, from_profile=True)


def _kind_label(case: Case) -> str:
    if case.kind == CaseKind.EVENTUALITY:
        what = EventualityKind(case.eventuality).label if case.eventuality in EventualityKind.values else ""
        return _("Report: %(what)s") % {"what": what} if what else str(CaseKind.EVENTUALITY.label)
    return _("Grievance: %(category)s") % {"category": category_label(case.category)}


def _status(case: Case) -> dict:
    status = CaseStatus(case.status)
    meaning = {
        CaseStatus.OPEN: _("Received. The office will take it up."),
        CaseStatus.IN_PROGRESS: _("The office is working on it."),
        CaseStatus.CLOSED: _("Closed. The office's answer is below."),
    }[status]
    return {"label": status.label, "badge": STATUS_BADGES[status], "meaning": meaning}


def _note_row(note, case: Case) -> dict:
    if note.kind == NoteKind.FILER:
        who = _("You added")
    elif note.kind == NoteKind.MESSAGE:
        who = _("Message from %(office)s") % {"office": case.office.name}
    else:
        who = _("Update from %(office)s") % {"office": case.office.name}
    return {"who": who, "text": note.text, "at": note.created_at, "mine": note.kind == NoteKind.FILER}


def _case_row(case: Case) -> dict:
    return {"case": case, "kind_label": _kind_label(case), "status": _status(case)}


def _show(request, opened: Opened, *, status: int = 200):
    case = opened.case
    closed = case.status == CaseStatus.CLOSED
    window = int(policy("CASE_REOPEN_WINDOW_DAYS"))
    context = {
        **_case_row(case),
        "notes": [_note_row(n, case) for n in selectors.filer_notes(case)],
        "closed": closed,
        "can_rate": closed and case.satisfaction is None,
        "reopen_days": window,
        "reopen_until": case.closed_at + timedelta(days=window) if closed and case.closed_at else None,
        "add_form": opened.forms.get("add") or AddInformationForm(),
        "reopen_form": opened.forms.get("reopen") or ReopenForm(),
        "rate_form": opened.forms.get("rate") or RateForm(),
        "failed": next(iter(opened.forms), ""),
        "urls": opened.urls,
        "from_profile": opened.from_profile,
        "access_minutes": ACCESS_MINUTES,
        "attachments": attachment_rules(),
    }
    return render(request, "portal/cases/case.html", context, status=status)


ACTIONS = {"add": AddInformationForm, "reopen": ReopenForm, "rate": RateForm}


def _perform(request, opened: Opened, action: str, form) -> str:
    case = opened.case
    if action == "add":
        services.filer_info_add(actor=opened.actor, case=case, text=form.cleaned_data["text"], files=request.FILES.getlist("attachments"), source_ip=source_ip(request))
        return _("Thank you. What you added is on the case, and the office is told.")
    if action == "reopen":
        services.case_reopen(case=case, reason=form.cleaned_data["reason"])
        return _("The case is open again. The office will look at it.")
    if case.satisfaction is not None:
        raise Conflict(_("You have already rated this case."))
    services.case_rate(case=case, rating=form.rating_value())
    return _("Thank you for rating how the case was handled.")


def _act(request, opened: Opened, action: str):
    """One of the filer's forms on the case page: on success back to the page with a message; otherwise the
    page again with that form's messages."""
    form_class = ACTIONS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            done = _perform(request, opened, action, form)
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect(opened.urls["view"])
    opened.forms[action] = form
    return _show(request, opened, status=status)


@never_cache
@require_GET
def case_view(request):
    opened = _by_code(request)
    return _show(request, opened) if isinstance(opened, Opened) else opened


@never_cache
@require_POST
def case_act(request, action: str):
    opened = _by_code(request)
    return _act(request, opened, action) if isinstance(opened, Opened) else opened


# --- the signed-in person's own cases -------------------------------------------------------------------


@never_cache
@require_GET
@emigrant_required
def my_cases(request, person):
    page = Paginator(selectors.cases_filed_by(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"person": person, "rows": [_case_row(c) for c in page.object_list], "page": page, "page_url_prefix": "?page="}
    return render(request, "portal/cases/my_cases.html", context)


@never_cache
@require_GET
@emigrant_required
def my_case(request, person, case_id):
    return _show(request, _mine(request, case_id))


@never_cache
@require_POST
@emigrant_required
def my_case_act(request, person, case_id, action: str):
    return _act(request, _mine(request, case_id), action)

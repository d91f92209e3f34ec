"""Public licensing pages: applications from recruiting agents, foreign employers and project exporters,
verification of a certificate, and the public lists (registered agents, prior approval category,
notified illegal agents). No sign-in needed; only business data is shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pravasi.accounts.roles import OfficeKind
from pravasi.core import geography
from pravasi.core.errors import DomainError
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.licensing import policies, selectors, services
from pravasi.licensing.models import ApplicationKind, BranchStatus, LicenceKind, LicenceStatus
from pravasi.policy.selectors import policy

from .licensing_forms import (
    AgentSearchForm,
    BlacklistSearchForm,
    ForeignEmployerForm,
    IllegalAgentSearchForm,
    ProjectExporterForm,
    RecruitingAgentForm,
    VerifyForm,
    exit_permission_days,
    upload_limit_mb,
)

PAGE_SIZE = 25
RECEIVED_KEY = "licensing_received"


# --- applying ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyPage:
    kind: str
    form: type
    template: str


APPLY_PAGES = {
    page.kind: page
    for page in (
        ApplyPage(ApplicationKind.RC_NEW, RecruitingAgentForm, "portal/licensing/apply_rc.html"),
        ApplyPage(ApplicationKind.FE_REGISTRATION, ForeignEmployerForm, "portal/licensing/apply_fe.html"),
        ApplyPage(ApplicationKind.PE_ACCREDITATION, ProjectExporterForm, "portal/licensing/apply_pe.html"),
    )
}


def _account_needed(user, kind: str) -> bool:
    """A first-time applicant opens the contact person's account with the application; a verified
    member of an organisation of the right kind applies as that organisation."""
    org_kind = services.ORG_KIND[kind][0]
    return not any(org.kind == org_kind for org in policies.organisations_of(user))


def _apply(request, kind: str):
    page = APPLY_PAGES[kind]
    account_needed = _account_needed(request.user, kind)
    posted = request.method == "POST"
    form = page.form(request.POST if posted else None, request.FILES if posted else None, account_needed=account_needed)
    status = 200
    if posted:
        if form.is_valid():
            try:
                application = services.application_submit(
                    actor=request.user if request.user.is_authenticated else None,
                    kind=kind,
                    data=form.data_for_service(),
                    files=form.files_for_service(),
                    language=request.LANGUAGE_CODE,
                    source_ip=source_ip(request),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status
            else:
                office = application.office
                # The received page reads this back: nothing guessable travels in the URL.
                request.session[RECEIVED_KEY] = {
                    "reference": application.reference,
                    "kind": application.kind,
                    "office_name": office.name,
                    "office_kind": office.kind,
                    "office_city": office.city,
                    "office_email": office.email,
                    "office_phone": office.phone,
                    "new_account": account_needed,
                }
                return redirect("portal:apply_received")
        else:
            status = 400
    context = {
        "form": form,
        "account_needed": account_needed,
        "upload_limit_mb": upload_limit_mb(),
        "exit_permission_days": exit_permission_days() if kind == ApplicationKind.FE_REGISTRATION else None,
        "fee_inr": policy("RA_FEE_INR", default="") if kind == ApplicationKind.RC_NEW else "",
    }
    return render(request, page.template, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def apply_recruiting_agent(request):
    return _apply(request, ApplicationKind.RC_NEW)


@never_cache
@require_http_methods(["GET", "POST"])
def apply_foreign_employer(request):
    return _apply(request, ApplicationKind.FE_REGISTRATION)


@never_cache
@require_http_methods(["GET", "POST"])
def apply_project_exporter(request):
    return _apply(request, ApplicationKind.PE_ACCREDITATION)


@never_cache
@require_GET
def apply_received(request):
    received = request.session.get(RECEIVED_KEY)
    if not received:
        return redirect("portal:home")
    context = {
        "received": received,
        "kind_label": ApplicationKind(received["kind"]).label,
        "office_kind_label": OfficeKind(received["office_kind"]).label if received.get("office_kind") in OfficeKind.values else "",
    }
    return render(request, "portal/licensing/received.html", context)


# --- verifying a certificate ----------------------------------------------------------------------------

BADGES = {
    LicenceStatus.ACTIVE: "text-bg-success",
    LicenceStatus.SUSPENDED: "text-bg-warning",
    LicenceStatus.CANCELLED: "text-bg-danger",
    LicenceStatus.EXPIRED: "text-bg-secondary",
}
ALERTS = {
    LicenceStatus.ACTIVE: "alert-success",
    LicenceStatus.SUSPENDED: "alert-warning",
    LicenceStatus.CANCELLED: "alert-danger",
    LicenceStatus.EXPIRED: "alert-secondary",
}
# What the status means for someone deciding whether to deal with the holder.
MEANING = {
    LicenceKind.RC: {
        LicenceStatus.ACTIVE: gettext_lazy("Active: this agent is registered and may recruit workers for jobs abroad."),
        LicenceStatus.SUSPENDED: gettext_lazy("Suspended: this agent may not recruit now."),
        LicenceStatus.CANCELLED: gettext_lazy("Cancelled: this agent may no longer recruit."),
        LicenceStatus.EXPIRED: gettext_lazy("Expired: this certificate is no longer valid and the agent may not recruit."),
    },
    LicenceKind.FE: {
        LicenceStatus.ACTIVE: gettext_lazy("Active: this foreign employer is registered."),
        LicenceStatus.SUSPENDED: gettext_lazy("Suspended: this employer's registration is suspended; it may not recruit through Pravasi now."),
        LicenceStatus.CANCELLED: gettext_lazy("Cancelled: this employer is no longer registered."),
        LicenceStatus.EXPIRED: gettext_lazy("Expired: this registration is no longer valid."),
    },
}
GENERIC_MEANING = {
    LicenceStatus.ACTIVE: gettext_lazy("Active: this registration is in force."),
    LicenceStatus.SUSPENDED: gettext_lazy("Suspended: this registration is not in force now."),
    LicenceStatus.CANCELLED: gettext_lazy("Cancelled: this registration is no longer in force."),
    LicenceStatus.EXPIRED: gettext_lazy("Expired: this registration is no longer valid."),
}


def status_view(licence) -> dict:
    status = LicenceStatus(licence.status)
    return {
        "value": status.value,
        "label": status.label,
        "badge": BADGES[status],
        "alert": ALERTS[status],
        "meaning": MEANING.get(licence.kind, GENERIC_MEANING)[status],
        "in_force": status == LicenceStatus.ACTIVE,
    }


def _place(city: str, state: str) -> str:
    return ", ".join(part for part in (city, geography.state_name(state) if state else "") if part)


@require_GET
def verify(request):
    form = VerifyForm(request.GET if "number" in request.GET else None)
    licence, code = None, 200
    if form.is_bound:
        if form.is_valid():
            licence = selectors.licence_public(number=form.cleaned_data["number"])
            if licence is None:
                code = 404
        else:
            code = 400
    context = {"form": form, "licence": licence, "searched": form.is_bound and form.is_valid()}
    if licence is not None:
        context.update(
            {
                "status": status_view(licence),
                "kind_label": LicenceKind(licence.kind).label,
                "is_rc": licence.kind == LicenceKind.RC,
                "premises": _place(licence.premises_city, licence.premises_state),
                "branches": [_place(b.city, b.state) for b in licence.branches.filter(status=BranchStatus.APPROVED).order_by("state", "city")] if licence.kind == LicenceKind.RC else [],
            }
        )
    return render(request, "portal/licensing/verify.html", context, status=code)


# --- public lists -----------------------------------------------------------------------------------------


def _listing(request, form_class, select, template: str, row, extra: dict | None = None):
    """A GET search form over a public list: filters from the form, 25 rows a page, links that keep the filters."""
    form = form_class(request.GET or None)
    status, rows, page = 200, [], None
    filters = {}
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = {name: value for name, value in (form.cleaned_data.items() if form.is_bound else []) if value}
        page = Paginator(select(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [row(item) for item in page.object_list]
    kept = request.GET.copy()
    kept.pop("page", None)
    query = kept.urlencode()
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "filtered": bool(filters),
        "page_url_prefix": f"?{query}&page=" if query else "?page=",
        **(extra or {}),
    }
    return render(request, template, context, status=status)


def _agent_row(licence) -> dict:
    return {"licence": licence, "status": status_view(licence), "premises": _place(licence.premises_city, licence.premises_state)}


@require_GET
def recruiting_agents(request):
    return _listing(request, AgentSearchForm, selectors.registered_agents, "portal/licensing/agents.html", _agent_row)


def _blacklist_row(entry) -> dict:
    return {"entry": entry, "country": geography.country_name(entry.country)}


@require_GET
def blacklist(request):
    return _listing(request, BlacklistSearchForm, selectors.blacklist_current, "portal/licensing/blacklist.html", _blacklist_row)


def _illegal_row(agent) -> dict:
    return {"agent": agent, "place": _place(agent.city, agent.state)}


@require_GET
def illegal_agents(request):
    return _listing(request, IllegalAgentSearchForm, selectors.illegal_agents_current, "portal/licensing/illegal_agents.html", _illegal_row)

"""Restricted website views: workspace home, registry search and records, duplicates, imports, message log.

Every view is wrapped by `workspace_page`, which answers 403 to anyone the domain policies keep
out; scoping to jurisdiction is left to the registry selectors and services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.selectors import active_memberships, offices_of
from pravasi.audit.selectors import pii_accesses_for_person
from pravasi.core.errors import Conflict, ValidationFailed
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.messaging.selectors import outbox_for
from pravasi.registry import importer
from pravasi.registry import selectors as registry_selectors
from pravasi.registry import services as registry_services
from pravasi.registry.models import ImportJob
from pravasi.registry.selectors import SearchParams

from .access import workspace_page
from .forms import DuplicateDismissForm, DuplicateMergeForm, ImportUploadForm, MergeRevertForm, RegistrySearchForm
from .templatetags.workspace_display import country_name, state_name

PAGE_SIZE = 50
MAX_PAGE = 2000
FLAGS_PER_PAGE = 20
ROWS_PER_PAGE = 100
IMPORT_ROLES = (Role.POE_OFFICER, Role.MISSION_OFFICER)


def _page_number(request, name: str = "page") -> int:
    try:
        number = int(request.POST.get(name) or request.GET.get(name) or "1")
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _jurisdiction(membership) -> str:
    office = membership.office
    if office is None:
        return ""
    if office.kind == OfficeKind.PGE:
        return _("Everyone in the registry")
    if office.kind == OfficeKind.OWRC:
        return _("Callers found by exact passport or mobile number")
    if office.kind == OfficeKind.POE:
        names = ", ".join(state_name(code) for code in office.states)
        return _("People from %(states)s") % {"states": names} if names else _("No states assigned yet")
    names = ", ".join(country_name(code) for code in office.countries)
    return _("People living in %(countries)s") % {"countries": names} if names else _("No countries assigned yet")


@workspace_page()
def home(request):
    access = request.workspace_access
    roles = [
        {
            "role": m.get_role_display(),
            "body": m.office or m.organisation,
            "kind": (m.office.get_kind_display() if m.office else m.organisation.get_kind_display() if m.organisation else ""),
            "jurisdiction": _jurisdiction(m),
            "country": country_name(m.organisation.country) if m.organisation else "",
        }
        for m in active_memberships(request.user)
    ]
    context = {"access": access, "roles": roles}
    if access.duplicates:
        context["open_duplicates"] = registry_selectors.duplicate_flags_for(actor=request.user).count()
    if access.imports:
        context["recent_imports"] = list(registry_selectors.import_jobs_for(actor=request.user)[:5])
    return render(request, "workspace/home.html", context)


# --- registry search and records ---------------------------------------------------------------


@workspace_page("registry_search")
def registry_search(request):
    access = request.workspace_access
    # Searches are POSTed: passport and mobile numbers never travel in URLs (access logs, history).
    form = RegistrySearchForm(request.POST if request.method == "POST" else None, exact_only=access.exact_lookup_only)
    page = _page_number(request)
    results, has_next = None, False
    if form.is_bound and form.is_valid():
        params = SearchParams(**form.search_values(), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        try:
            found = registry_selectors.person_search(actor=request.user, params=params)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            results, has_next = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    context = {
        "access": access,
        "form": form,
        "results": results,
        "page": page,
        "first_number": (page - 1) * PAGE_SIZE + 1,
        "next_page": page + 1 if has_next else None,
        "previous_page": page - 1 if results is not None and page > 1 else None,
    }
    return render(request, "workspace/registry_search.html", context)


@workspace_page("registry_search")
def person_detail(request, person_id):
    person = registry_services.person_record_open(actor=request.user, person_id=person_id, source_ip=source_ip(request))
    consents = [record for record in registry_selectors.consent_state(person).values() if record is not None and record.given]
    context = {
        "access": request.workspace_access,
        "person": person,
        "passports": person.passports.order_by("-is_current", "-expiry_date"),
        "residence_history": person.residence_history.all(),
        "emergency_contacts": person.emergency_contacts.order_by("created_at"),
        "family_members": person.family_members.order_by("created_at"),
        "consents": consents,
        "accesses": pii_accesses_for_person(person_id=person.id),
    }
    return render(request, "workspace/person_detail.html", context)


# --- duplicates and merges ---------------------------------------------------------------------


@workspace_page("duplicates")
def duplicates(request):
    flags = Paginator(registry_selectors.duplicate_flags_for(actor=request.user), FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "access": request.workspace_access,
        "flags": flags,
        "pairs": [(flag, (flag.person_a, flag.person_b)) for flag in flags],
        "merges": registry_selectors.merges_for(actor=request.user),
    }
    return render(request, "workspace/duplicates.html", context)


def _decided(request, call, success: str):
    try:
        call()
    except (Conflict, ValidationFailed) as exc:
        messages.warning(request, exc.message or _("This pair could not be decided."))
    else:
        messages.success(request, success)
    return redirect("workspace:duplicates")


@require_POST
@workspace_page("duplicates")
def duplicate_merge(request):
    form = DuplicateMergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which record to keep."))
        return redirect("workspace:duplicates")
    return _decided(
        request,
        lambda: registry_services.person_merge(actor=request.user, flag_id=form.cleaned_data["flag_id"], survivor_id=form.cleaned_data["survivor_id"], source_ip=source_ip(request)),
        _("The records were merged. You can reverse the merge from the list below."),
    )


@require_POST
@workspace_page("duplicates")
def duplicate_dismiss(request):
    form = DuplicateDismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This pair could not be found."))
        return redirect("workspace:duplicates")
    return _decided(
        request,
        lambda: registry_services.duplicate_dismiss(actor=request.user, flag_id=form.cleaned_data["flag_id"], source_ip=source_ip(request)),
        _("Marked as two different people."),
    )


@require_POST
@workspace_page("duplicates")
def merge_revert(request):
    form = MergeRevertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This merge could not be found."))
        return redirect("workspace:duplicates")
    return _decided(
        request,
        lambda: registry_services.person_merge_revert(actor=request.user, merge_id=form.cleaned_data["merge_id"], source_ip=source_ip(request)),
        _("The merge was reversed; both records are back and the pair is open again."),
    )


# --- imports -----------------------------------------------------------------------------------


@workspace_page("imports")
def imports(request):
    offices = offices_of(request.user, *IMPORT_ROLES)
    form = ImportUploadForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            job = importer.import_job_create(actor=request.user, office=form.office_obj(), uploaded_file=form.cleaned_data["file"], source_ip=source_ip(request))
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The file was received; its rows are being imported."))
            return redirect("workspace:import_detail", job_id=job.id)
    context = {
        "access": request.workspace_access,
        "form": form,
        "jobs": registry_selectors.import_jobs_for(actor=request.user)[:50],
    }
    return render(request, "workspace/imports.html", context, status=400 if form.is_bound and form.errors else 200)


def _job_running(job: ImportJob) -> bool:
    return job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


@workspace_page("imports")
def import_detail(request, job_id):
    job = registry_selectors.import_job_for(actor=request.user, job_id=job_id)
    rows = Paginator(job.rows.all(), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"access": request.workspace_access, "job": job, "running": _job_running(job), "rows": rows}
    return render(request, "workspace/import_detail.html", context)


@workspace_page("imports")
def import_progress(request, job_id):
    job = registry_selectors.import_job_for(actor=request.user, job_id=job_id)
    running = _job_running(job)
    response = render(request, "workspace/_import_progress.html", {"job": job, "running": running})
    if not running and request.headers.get("HX-Request"):
        # The row report is on the full page: reload it once the job is done.
        response["HX-Refresh"] = "true"
    return response


@workspace_page("imports")
def import_template(request):
    response = HttpResponse(importer.import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pravasi-registry-import-template.csv"'
    return response


# --- administration ----------------------------------------------------------------------------


@workspace_page("outbox")
def outbox(request):
    return render(request, "workspace/outbox.html", {"access": request.workspace_access, "outbox": outbox_for(actor=request.user)})

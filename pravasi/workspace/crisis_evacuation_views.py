"""Workspace pages for evacuations (the PGE and the declaring Mission): a crisis's plans and their transport
with the people waiting to leave, a transport with its manifest and its steps, putting one person and
their family on a manifest, the boarding desk, and the people who need an emergency certificate.

Every plan, transport and crisis comes through the evacuation services and the crisis selectors, scoped to
the official: what the office may not see answers 404, on every page and every POST. These pages show the
crisis's people, so they are for those who may see them (the declaring office and the PGE); organising
(plans, transport, manifests, steps) is for those who manage the crisis, and the forms are only offered
to them. A ValidationFailed puts its messages next to the fields (400) and stores nothing; a Conflict (no
seats left, the transport has left, someone acted first) is said in words and changes nothing. Every
showing of a person's name is in their access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pravasi.audit.services import pii_access_record
from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.crisis import evacuation, policies, selectors
from pravasi.crisis.models import AssetStatus, BoardingStatus, Crisis, CrisisStatus, HelpRequest, HelpStatus, ManifestEntry

from .crisis_evacuation_forms import AssetForm, BoardForm, FamilyForm, PlanForm, StepForm
from .crisis_response_views import crisis_with_people, need_labels, priority_label
from .crisis_views import crisis_page
from .licensing_views import _error_anchor, _render, _submit

# The badge carries its meaning in words; the colour only repeats it.
ASSET_BADGES = {
    AssetStatus.PLANNED: "text-bg-secondary",
    AssetStatus.BOARDING: "text-bg-primary",
    AssetStatus.DEPARTED: "text-bg-info",
    AssetStatus.ARRIVED: "text-bg-success",
}
# Each step of a transport, the button that takes it and what the official is told once it is taken.
NEXT_STEP = {
    AssetStatus.PLANNED: (AssetStatus.BOARDING, gettext_lazy("Open boarding")),
    AssetStatus.BOARDING: (AssetStatus.DEPARTED, gettext_lazy("Record the departure")),
    AssetStatus.DEPARTED: (AssetStatus.ARRIVED, gettext_lazy("Record the arrival")),
}
STEP_DONE = {
    AssetStatus.BOARDING: gettext_lazy("Boarding is open: check travellers aboard at the boarding desk."),
    AssetStatus.DEPARTED: gettext_lazy("The departure is recorded; the manifest is closed."),
    AssetStatus.ARRIVED: gettext_lazy("The arrival is recorded, with everyone who boarded."),
}
OPEN = (AssetStatus.PLANNED, AssetStatus.BOARDING)
WAITING_SHOWN = 50


# --- access --------------------------------------------------------------------------------------------


def _organises(user, crisis: Crisis) -> bool:
    """Whether the forms that organise the evacuation are offered: those the services would only refuse are not."""
    return crisis.status == CrisisStatus.ACTIVE and policies.may_manage(user, crisis)


def _evacuation_url(crisis_id) -> str:
    return reverse("workspace:crisis_evacuation", args=[crisis_id])


def _asset_url(asset_id) -> str:
    return reverse("workspace:crisis_asset", args=[asset_id])


# --- labels --------------------------------------------------------------------------------------------


def _asset_status(asset) -> dict:
    return {"value": asset.status, "label": asset.get_status_display(), "badge": ASSET_BADGES.get(asset.status, "text-bg-secondary")}


def _waiting_rows(crisis: Crisis) -> list[dict]:
    """The people who asked to leave and are on no transport yet: no names, only what plans the seats."""
    return [
        {
            "request": item,
            "priority": priority_label(item.priority),
            "region": item.person.residence_region or _("Region or city not given"),
            "seats": 1 + len(item.family_member_ids or []),
            "needs": need_labels(item.needs),
        }
        for item in evacuation.waiting_to_leave(crisis)
    ]


# --- the crisis's evacuation -------------------------------------------------------------------------------


def _asset_key(plan) -> str:
    return f"asset-{plan.id}"


def _evacuation_page(request, crisis: Crisis, *, bound: dict | None = None, status: int = 200):
    user = request.user
    organises = _organises(user, crisis)
    bound = bound or {}
    plans = []
    for plan in crisis.evacuation_plans.prefetch_related("assets").order_by("created_at"):
        key = _asset_key(plan)
        assets = [{"asset": asset, "summary": evacuation.asset_summary(asset), "status": _asset_status(asset)} for asset in plan.assets.all()]
        plans.append({"plan": plan, "assets": assets, "key": key, "form": bound.get(key) or (AssetForm(prefix=key) if organises else None)})
    waiting = _waiting_rows(crisis)
    context = {
        "crisis": crisis,
        "plans": plans,
        "plan_form": bound.get("plan") or (PlanForm(prefix="plan") if organises else None),
        "organises": organises,
        "active": crisis.status == CrisisStatus.ACTIVE,
        "waiting": waiting,
        "waiting_seats": sum(row["seats"] for row in waiting),
        "error_anchor": _error_anchor(bound),
    }
    return _render(request, "workspace/crisis_evacuation/evacuation.html", context, status=status)


@crisis_page
def evacuation_page(request, crisis_id):
    return _evacuation_page(request, crisis_with_people(request, crisis_id))


@require_POST
@crisis_page
def plan_create(request, crisis_id):
    crisis = crisis_with_people(request, crisis_id)
    form = PlanForm(request.POST, prefix="plan")
    return _submit(
        request,
        form,
        lambda: evacuation.plan_create(actor=request.user, crisis_id=crisis.id, data=form.cleaned_data, source_ip=source_ip(request)),
        success=lambda plan: _("The plan “%(title)s” was created: add its transport.") % {"title": plan.title},
        done=_evacuation_url(crisis.id),
        page=lambda f: _evacuation_page(request, crisis, bound={"plan": f}, status=400),
    )


@require_POST
@crisis_page
def asset_add(request, plan_id):
    plan = evacuation.plan_for(actor=request.user, plan_id=plan_id)
    key = _asset_key(plan)
    form = AssetForm(request.POST, prefix=key)
    return _submit(
        request,
        form,
        lambda: evacuation.asset_add(actor=request.user, plan_id=plan.id, data=form.cleaned_data, source_ip=source_ip(request)),
        success=lambda asset: _("%(asset)s was added to the plan, with %(seats)s seats.") % {"asset": str(asset), "seats": asset.capacity},
        done=_evacuation_url(plan.crisis_id),
        page=lambda f: _evacuation_page(request, plan.crisis, bound={key: f}, status=400),
    )


# --- a transport and its manifest ------------------------------------------------------------------------


def _manifest_row(entry: ManifestEntry, *, removable: bool) -> dict:
    return {
        "entry": entry,
        "name": entry.person.full_name,
        "family": [f"{member.name} ({member.relation})" for member in entry.family],
        "priority": priority_label(entry.priority),
        "boarded": entry.status == BoardingStatus.BOARDED,
        "removable": removable and entry.status == BoardingStatus.LISTED,
    }


@crisis_page
def asset_detail(request, asset_id):
    user = request.user
    # The manifest names everyone on it: the service logs the read on each person.
    asset, entries = evacuation.manifest(actor=user, asset_id=asset_id, source_ip=source_ip(request))
    crisis = asset.plan.crisis
    organises = _organises(user, crisis)
    is_open = asset.status in OPEN
    summary = evacuation.asset_summary(asset)
    step = NEXT_STEP.get(asset.status) if policies.may_manage(user, crisis) else None
    waiting = _waiting_rows(crisis) if organises and is_open else []
    context = {
        "crisis": crisis,
        "asset": asset,
        "plan": asset.plan,
        "status": _asset_status(asset),
        "summary": summary,
        "rows": [_manifest_row(entry, removable=organises and is_open) for entry in entries],
        "organises": organises,
        "is_open": is_open,
        "step": {"target": step[0], "label": step[1], "form": StepForm(initial={"target": step[0]})} if step else None,
        "waiting": waiting[:WAITING_SHOWN],
        "waiting_more": max(0, len(waiting) - WAITING_SHOWN),
    }
    return _render(request, "workspace/crisis_evacuation/asset.html", context)


def _act(request, asset_id, call, *, success):
    """One button on a transport: the service says no in words (a warning), and the page shows again."""
    try:
        result = call()
    except (ValidationFailed, Conflict) as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(_asset_url(asset_id))


@require_POST
@crisis_page
def manifest_build(request, asset_id):
    def built(result: dict) -> str:
        filled = ngettext(
            "Filled from those waiting: %(parties)s party, %(seats)s seat.",
            "Filled from those waiting: %(parties)s parties, %(seats)s seats.",
            result["parties"],
        ) % {"parties": result["parties"], "seats": result["seats"]}
        left = _("Still waiting (their family did not fit): %(waiting)s. Free seats left: %(free)s.") % {"waiting": result["waiting"], "free": result["free"]}
        return f"{filled} {left}"

    return _act(request, asset_id, lambda: evacuation.manifest_build(actor=request.user, asset_id=asset_id, source_ip=source_ip(request)), success=built)


@require_POST
@crisis_page
def asset_move(request, asset_id):
    form = StepForm(request.POST)
    target = form.cleaned_data.get("target", "") if form.is_valid() else ""
    return _act(
        request,
        asset_id,
        lambda: evacuation.asset_move(actor=request.user, asset_id=asset_id, target=target, source_ip=source_ip(request)),
        success=lambda asset: STEP_DONE.get(asset.status, asset.get_status_display()),
    )


@require_POST
@crisis_page
def manifest_remove(request, asset_id, entry_id):
    return _act(
        request,
        asset_id,
        lambda: evacuation.manifest_remove(actor=request.user, entry_id=entry_id, source_ip=source_ip(request)),
        success=_("They were taken off the manifest; their seats are free again."),
    )


@require_POST
@crisis_page
def manifest_csv(request, asset_id):
    """The manifest for the carrier and the airport. A POST: every export is audited and logged on each
    person, so it is not something a link or an image elsewhere should set off."""
    filename, text = evacuation.manifest_export(actor=request.user, asset_id=asset_id, source_ip=source_ip(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- putting one person on a manifest ----------------------------------------------------------------------


def _add_page(request, asset, person, *, form=None, problem: str = "", status: int = 200):
    user = request.user
    crisis = asset.plan.crisis
    # The page names the person: the showing is in their access log.
    pii_access_record(actor=user, person_id=person.id, purpose=evacuation.MANIFEST_PURPOSE, source_ip=source_ip(request))
    members = list(person.family_members.order_by("name"))
    help_request = HelpRequest.objects.filter(crisis=crisis, person=person).exclude(status=HelpStatus.RESOLVED).first()
    answered_for = [str(pk) for pk in (help_request.family_member_ids if help_request else [])]
    listed = ManifestEntry.objects.filter(plan=asset.plan, person=person).select_related("asset").first()
    organises = _organises(user, crisis) and asset.status in OPEN and listed is None
    if form is None and organises:
        form = FamilyForm(members=members, initial={"family": answered_for})
    summary = evacuation.asset_summary(asset)
    context = {
        "crisis": crisis,
        "asset": asset,
        "person": person,
        "help_request": help_request,
        "needs": need_labels(help_request.needs if help_request else []),
        "priority": priority_label(help_request.priority) if help_request else None,
        "members": members,
        "listed": listed,
        "form": form if organises else None,
        "may_manage": policies.may_manage(user, crisis),
        "is_open": asset.status in OPEN,
        "free": summary["free"],
        "problem": problem,
    }
    return _render(request, "workspace/crisis_evacuation/add.html", context, status=status)


@crisis_page
def manifest_add(request, asset_id, person_id):
    user = request.user
    asset = evacuation.asset_for(actor=user, asset_id=asset_id)
    person = selectors.affected_population(asset.plan.crisis).filter(id=person_id).first()
    if person is None:
        raise NotFound(_("This person is not among the people of this crisis."))
    if request.method != "POST":
        return _add_page(request, asset, person)
    members = list(person.family_members.order_by("name"))
    form = FamilyForm(request.POST, members=members)
    if form.is_valid():
        try:
            entry = evacuation.manifest_add(actor=user, asset_id=asset.id, person_id=person.id, family=form.cleaned_data["family"], source_ip=source_ip(request))
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
            return _add_page(request, asset, person, form=form, status=400)
        except Conflict as exc:
            return _add_page(request, asset, person, form=form, problem=exc.message, status=409)
        messages.success(
            request,
            ngettext("Added to the manifest: %(seats)s seat, boarding code %(code)s.", "Added to the manifest: %(seats)s seats, boarding code %(code)s.", entry.seats)
            % {"seats": entry.seats, "code": entry.boarding_code},
        )
        return redirect(_asset_url(asset.id))
    return _add_page(request, asset, person, form=form, status=400)


# --- the boarding desk -------------------------------------------------------------------------------------


@crisis_page
def boarding(request, asset_id):
    user = request.user
    asset = evacuation.asset_for(actor=user, asset_id=asset_id)
    result = None
    status = 200
    if request.method == "POST":
        sent = BoardForm(request.POST)
        valid = sent.is_valid()
        typed = sent.cleaned_data.get("code", "") if valid else ""
        try:
            if not valid:
                # Only a shape the field itself refuses (a NUL character): its own words.
                raise ValidationFailed(" ".join(str(message) for message in sent.errors.get("code", [])))
            entry = evacuation.board(actor=user, asset_id=asset.id, code=typed, source_ip=source_ip(request))
        except (ValidationFailed, Conflict, NotFound) as exc:
            # The transport itself was found above: a NotFound here is about the code or passport number.
            result = {"ok": False, "message": exc.message, "typed": typed.strip()}
            status = exc.status
        else:
            # The desk names the traveller: the showing is in their access log.
            pii_access_record(actor=user, person_id=entry.person_id, purpose=evacuation.MANIFEST_PURPOSE, source_ip=source_ip(request))
            result = {"ok": True, "name": entry.person.full_name, "seats": entry.seats, "family": len(entry.family_member_ids or []), "certificate": entry.needs_emergency_certificate}
    context = {
        "crisis": asset.plan.crisis,
        "asset": asset,
        "status": _asset_status(asset),
        "is_open": asset.status in OPEN,
        # An empty field after every scan: the next pass goes straight in.
        "form": BoardForm(),
        "result": result,
        "summary": evacuation.asset_summary(asset),
    }
    return _render(request, "workspace/crisis_evacuation/boarding.html", context, status=status)


# --- emergency certificates ----------------------------------------------------------------------------------


@crisis_page
def certificates(request, crisis_id):
    crisis = crisis_with_people(request, crisis_id)
    # Names listed: the service logs the read on each person.
    entries = evacuation.certificates_needed(actor=request.user, crisis_id=crisis.id, source_ip=source_ip(request))
    rows = [{"entry": entry, "name": entry.person.full_name, "status": _asset_status(entry.asset), "boarded": entry.status == BoardingStatus.BOARDED} for entry in entries]
    return _render(request, "workspace/crisis_evacuation/certificates.html", {"crisis": crisis, "rows": rows})

"""Workspace pages for the officials handling crises (the PGE and the Missions): the list, the declaration,
the crisis with its area, legal basis, counts of the people affected and history, its changes and end,
and the export of the contacts of the people the office may reach.

Every crisis comes through crisis.selectors.crisis_for, scoped to the official: a crisis the office may
not see answers 404, on its page and on every action. Every write is a POST that calls one crisis
service; a ValidationFailed puts its messages next to the fields (400) and stores nothing, a Conflict
(the crisis ended meanwhile) becomes a warning after a redirect. The counts are aggregates: no person is
listed on these pages, and the contact export is logged on each person by the service.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pravasi.core import charts, geography
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.requests import source_ip
from pravasi.crisis import alerts, policies, selectors, services
from pravasi.crisis.models import AlertPhase, ChangeKind, Crisis, CrisisKind, CrisisStatus
from pravasi.registry.models import Sex, Vulnerability

from .access import workspace_page
from .crisis_forms import ChangeForm, DeclareForm, EndForm
from .licensing_views import _error_anchor, _paged, _render

PHASE_BADGES = {
    AlertPhase.PRECAUTIONARY: "text-bg-info",
    AlertPhase.RESTRICTION: "text-bg-warning",
    AlertPhase.VOLUNTARY_RETURN: "text-bg-danger",
    AlertPhase.MANDATORY_RETURN: "text-bg-danger",
}
# What each MICIC phase asks of the people in the area, and so of the office (the public page words it for them).
PHASE_MEANING = {
    AlertPhase.PRECAUTIONARY: gettext_lazy("People in the area are told to stay alert and be ready; nobody is asked to leave yet."),
    AlertPhase.RESTRICTION: gettext_lazy("Movement in the area is restricted: people are told to avoid travel and be ready to leave at short notice."),
    AlertPhase.VOLUNTARY_RETURN: gettext_lazy("People are advised to leave while regular transport runs; the Mission helps those who cannot."),
    AlertPhase.MANDATORY_RETURN: gettext_lazy("People are told to leave now: the Government of India organises the evacuation."),
}
BASIS_LABELS = {
    selectors.CONSENT: gettext_lazy("Consent: only the people who consented to be contacted in a crisis are reached"),
    selectors.LEGITIMATE_USE: gettext_lazy("Legitimate use without consent: everyone in the area is reached"),
}
STATUS_BADGES = {CrisisStatus.ACTIVE: "text-bg-success", CrisisStatus.ENDED: "text-bg-secondary"}


# --- access --------------------------------------------------------------------------------------------


# Verified officials of the PGE and of Missions; everyone else in the workspace is refused (403).
crisis_page = workspace_page("crises")


def _countries_offered(user, crisis: Crisis | None = None) -> list[str] | None:
    """The countries a form offers: any for the PGE (None), the Mission's own (and the crisis's) otherwise."""
    if policies.is_pge(user):
        return None
    return sorted(policies.mission_countries(user) | set(crisis.countries if crisis else []))


# --- labels --------------------------------------------------------------------------------------------


def _phase(value: str) -> dict:
    try:
        phase = AlertPhase(value)
    except ValueError:
        return {"value": value, "label": value, "badge": "text-bg-secondary", "meaning": ""}
    return {"value": phase.value, "label": phase.label, "badge": PHASE_BADGES[phase], "meaning": PHASE_MEANING[phase]}


def _country_names(codes) -> str:
    return ", ".join(geography.country_name(code) for code in codes or [])


def _shape_text(polygon, circle: dict | None) -> str:
    if polygon:
        points = sum(max(len(ring) - 1, 0) for ring in polygon)
        return ngettext("A polygon of %(n)s point", "A polygon of %(n)s points", points) % {"n": points}
    if circle:
        return _("A circle of %(km)s km around latitude %(lat)s, longitude %(lon)s") % {"km": f"{circle['radius_km']:g}", "lat": circle["latitude"], "lon": circle["longitude"]}
    return ""


def _area_lines(area: dict) -> list[str]:
    """An area as kept in a change record, in words: the countries, the regions, the zone (one a line)."""
    if not area:
        return []
    lines = [_country_names(area.get("countries"))]
    if area.get("regions"):
        lines.append(_("Regions: %(names)s") % {"names": ", ".join(area["regions"])})
    lines.append(_shape_text(area.get("polygon"), area.get("circle")))
    return [line for line in lines if line]


def _crisis_shape(crisis: Crisis) -> str:
    circle = None
    if crisis.circle_radius_km is not None:
        circle = {"latitude": crisis.circle_latitude, "longitude": crisis.circle_longitude, "radius_km": crisis.circle_radius_km}
    return _shape_text(crisis.polygon, circle)


def _change_row(change) -> dict:
    return {
        "change": change,
        "kind": ChangeKind(change.kind).label if change.kind in ChangeKind.values else change.kind,
        "phase_before": _phase(change.phase_before)["label"] if change.phase_before else "",
        "phase_after": _phase(change.phase_after)["label"] if change.phase_after else "",
        "area_before": _area_lines(change.area_before),
        "area_after": _area_lines(change.area_after),
        "who": change.changed_by.get_full_name(),
    }


def _legal_basis(crisis: Crisis) -> dict:
    basis = selectors.legal_basis(crisis)
    policy = basis["policy"]
    kinds = [CrisisKind(kind).label if kind in CrisisKind.values else kind for kind in policy["kinds"]]
    return {"basis": basis["basis"], "label": BASIS_LABELS.get(basis["basis"], basis["basis"]), "policy": policy, "kinds": kinds}


# --- the counts ------------------------------------------------------------------------------------------


def _label(choices, value: str, empty: str) -> str:
    if not value:
        return empty
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def counts_charts(counts: dict) -> dict:
    """The affected counts as bar charts, each with its table (the numbers are printed too)."""
    people = _("People")
    family = counts["family"]
    overview = [
        (_("In the area"), counts["total"]),
        (_("Reachable"), counts["reachable"]),
        (_("With family abroad"), family["persons_with_family"]),
        (_("Family members"), family["family_members"]),
    ]
    basis = [(_("With consent"), counts["by_basis"].get(selectors.CONSENT, 0)), (_("Without consent (legitimate use)"), counts["by_basis"].get(selectors.LEGITIMATE_USE, 0))]
    vulnerable = [(_label(Vulnerability, key, key), n) for key, n in counts["vulnerabilities"].items()]
    by_sex = [(str(label), counts["by_sex"].get(code, 0)) for code, label in Sex.choices]
    by_sex += [(_label(Sex, code, _("Not recorded")), n) for code, n in counts["by_sex"].items() if code not in Sex.values]
    regions = [(region or _("Region or city not given"), n) for region, n in counts["regions"]]
    return {
        "overview": charts.bar_chart(
            chart_id="chart-overview",
            title=_("People in the area"),
            labels=[label for label, _n in overview],
            series=[charts.Series(people, [n for _label, n in overview])],
            label_heading=_("Who"),
            horizontal=True,
        ),
        "basis": charts.bar_chart(
            chart_id="chart-basis",
            title=_("Reachable people by legal basis"),
            labels=[label for label, _n in basis],
            series=[charts.Series(people, [n for _label, n in basis], fill=charts.GREEN)],
            label_heading=_("Legal basis"),
            horizontal=True,
        ),
        "vulnerabilities": charts.bar_chart(
            chart_id="chart-vulnerabilities",
            title=_("People with a vulnerability"),
            labels=[label for label, _n in vulnerable],
            series=[charts.Series(people, [n for _label, n in vulnerable], fill=charts.RED)],
            label_heading=_("Vulnerability"),
            horizontal=True,
        ),
        "sex": charts.bar_chart(
            chart_id="chart-sex",
            title=_("People by sex"),
            labels=[label for label, _n in by_sex],
            series=[charts.Series(people, [n for _label, n in by_sex], fill=charts.GREY)],
            label_heading=_("Sex"),
        ),
        "regions": charts.bar_chart(
            chart_id="chart-regions",
            title=_("Regions and cities with the most people"),
            labels=[label for label, _n in regions],
            series=[charts.Series(people, [n for _label, n in regions])],
            label_heading=_("Region or city"),
            horizontal=True,
        )
        if regions
        else None,
    }


# --- the list --------------------------------------------------------------------------------------------


@crisis_page
def crises(request):
    user = request.user
    active_first = Case(When(status=CrisisStatus.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField())
    page = _paged(request, selectors.crises_for(actor=user).order_by(active_first, "-starts_at", "reference"))
    rows = [
        {
            "crisis": crisis,
            "phase": _phase(crisis.phase),
            "status_badge": STATUS_BADGES.get(crisis.status, "text-bg-secondary"),
            "countries": _country_names(crisis.countries),
        }
        for crisis in page
    ]
    context = {"page": page, "rows": rows, "may_declare": policies.may_declare_somewhere(user), "is_pge": policies.is_pge(user)}
    return _render(request, "workspace/crisis/list.html", context)


# --- declaring -------------------------------------------------------------------------------------------


@crisis_page
def declare(request):
    user = request.user
    if not policies.may_declare_somewhere(user):
        raise NotAllowed(_("Only the PGE and Missions with host countries declare crises."))
    posted = request.method == "POST"
    form = DeclareForm(request.POST if posted else None, countries=_countries_offered(user))
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                crisis = services.crisis_declare(actor=user, data=form.data_for_service(), source_ip=source_ip(request))
            except ValidationFailed as exc:
                form.apply_service_error(exc)
            except NotAllowed as exc:
                # The one refusal left for someone who may declare somewhere is about the countries chosen.
                form.add_error("countries", exc.message)
                status = 403
            else:
                messages.success(request, _("Crisis %(reference)s was declared. It is on the public crisis page now.") % {"reference": crisis.reference})
                return redirect("workspace:crisis_detail", crisis.id)
    context = {"form": form, "error_anchor": "declare" if form.has_problems else "", "is_pge": policies.is_pge(user)}
    return _render(request, "workspace/crisis/declare.html", context, status=status)


# --- the crisis ------------------------------------------------------------------------------------------


def _actions(user, crisis: Crisis) -> dict:
    if crisis.status != CrisisStatus.ACTIVE or not policies.may_manage(user, crisis):
        return {}
    return {"change": ChangeForm(prefix="change", crisis=crisis, countries=_countries_offered(user, crisis)), "end": EndForm(prefix="end")}


def _crisis_page(request, crisis: Crisis, *, bound: dict | None = None, status: int = 200):
    user = request.user
    actions = _actions(user, crisis)
    actions.update(bound or {})
    if "change" in actions:
        actions["change"].offer(_countries_offered(user, crisis))
    sees_people = policies.may_see_people(user, crisis)
    counts = selectors.affected_counts(crisis) if sees_people else None
    changes = [_change_row(change) for change in crisis.changes.select_related("changed_by").order_by("-created_at")]
    context = {
        "crisis": crisis,
        "phase": _phase(crisis.phase),
        "status_badge": STATUS_BADGES.get(crisis.status, "text-bg-secondary"),
        "active": crisis.status == CrisisStatus.ACTIVE,
        "countries": _country_names(crisis.countries),
        "regions": ", ".join(crisis.regions or []),
        "shape": _crisis_shape(crisis),
        "helplines": [line for line in crisis.helplines or [] if line.get("number")],
        "legal_basis": _legal_basis(crisis),
        "sees_people": sees_people,
        "counts": counts,
        "charts": counts_charts(counts) if counts is not None else None,
        "changes": changes,
        "actions": actions,
        "may_manage": policies.may_manage(user, crisis),
        "error_anchor": _error_anchor(bound),
        "alerts": _alert_rows(crisis),
    }
    return _render(request, "workspace/crisis/detail.html", context, status=status)


def _alert_rows(crisis: Crisis) -> list[dict]:
    rows = []
    for alert in crisis.alerts.prefetch_related("texts").order_by("-sequence"):
        texts = {text.language: text for text in alert.texts.all()}
        text = texts.get(get_language()) or texts.get(alerts.FALLBACK_LANGUAGE)
        rows.append({"alert": alert, "headline": text.headline if text else crisis.title, "progress": alerts.alert_progress(alert) if alert.send_requested_at else None})
    return rows


@crisis_page
def crisis_detail(request, crisis_id):
    return _crisis_page(request, selectors.crisis_for(actor=request.user, crisis_id=crisis_id))


def _crisis_url(crisis_id) -> str:
    return reverse("workspace:crisis_detail", args=[crisis_id])


def _crisis_action(request, crisis: Crisis, *, key: str, form, call: Callable, success):
    """One action on a crisis the official sees: bad input shows the crisis again with the form's
    messages (400); a Conflict (it ended meanwhile) becomes a warning."""
    if form.is_valid():
        try:
            result = call()
        except ValidationFailed as exc:
            form.apply_service_error(exc)
        except Conflict as exc:
            messages.warning(request, exc.message)
            return redirect(_crisis_url(crisis.id))
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(_crisis_url(crisis.id))
    return _crisis_page(request, crisis, bound={key: form}, status=400)


@require_POST
@crisis_page
def crisis_change(request, crisis_id):
    user = request.user
    crisis = selectors.crisis_for(actor=user, crisis_id=crisis_id)
    form = ChangeForm(request.POST, prefix="change", crisis=crisis, countries=_countries_offered(user, crisis))
    before = (crisis.phase, crisis.countries, crisis.regions, crisis.polygon, crisis.circle_latitude, crisis.circle_longitude, crisis.circle_radius_km)

    def call():
        try:
            return services.crisis_update(actor=user, crisis_id=crisis.id, data=form.data_for_service(), reason=form.cleaned_data.get("reason") or "", source_ip=source_ip(request))
        except NotAllowed as exc:
            if not policies.may_manage(user, crisis):
                raise
            # A Mission that manages the crisis is refused only an area beyond its countries: say so on the field.
            raise ValidationFailed(exc.message, fields={"countries": [exc.message]}) from exc

    def success(updated: Crisis) -> str:
        after = (updated.phase, updated.countries, updated.regions, updated.polygon, updated.circle_latitude, updated.circle_longitude, updated.circle_radius_km)
        if after == before:
            return _("Nothing changed: the phase and the area are as they were.")
        return _("The change was recorded and sent to the declaring office and the PGE.")

    return _crisis_action(request, crisis, key="change", form=form, call=call, success=success)


@require_POST
@crisis_page
def crisis_end(request, crisis_id):
    user = request.user
    crisis = selectors.crisis_for(actor=user, crisis_id=crisis_id)
    form = EndForm(request.POST, prefix="end")
    return _crisis_action(
        request,
        crisis,
        key="end",
        form=form,
        call=lambda: services.crisis_end(actor=user, crisis_id=crisis.id, reason=form.cleaned_data.get("reason") or "", source_ip=source_ip(request)),
        success=_("The crisis was ended; the declaring office and the PGE have been told."),
    )


@require_POST
@crisis_page
def contacts_csv(request, crisis_id):
    """The contacts of the people the office may reach. A POST: every export is audited and logged on each
    person, so it is not something a link or an image elsewhere should set off."""
    user = request.user
    crisis = selectors.crisis_for(actor=user, crisis_id=crisis_id)
    if not policies.may_see_people(user, crisis):
        # Those who see the crisis but not its people are not told there is a list to see.
        raise NotFound(_("No such crisis."))
    filename, _count, lines = services.contacts_export(actor=user, crisis_id=crisis.id, source_ip=source_ip(request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

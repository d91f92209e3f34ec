"""Workspace pages for the response to a crisis (the PGE and the Missions): writing an alert and sending it,
with its preview and progress; the check-in figures; the triage queue of requests for help and each
request with its actions; and the list of the people not yet accounted for, to call.

Every crisis, alert and request comes through the crisis selectors and services, scoped to the official:
what the office may not see answers 404, on every page and every POST. The pages that list or show people
(triage, requests, the unaccounted) are for those who may see the crisis's people (the declaring office
and the PGE); the others are not told they exist (404). Writing and sending alerts is for those who
manage the crisis; anyone else who sees it is refused (403). A ValidationFailed puts its messages next to
the fields (400) and stores nothing; a Conflict (someone acted first, or the crisis ended) becomes a
warning after a redirect. Every showing of a person's record is in their access log.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pravasi.core import charts
from pravasi.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.crisis import alerts, checkins, evacuation, policies, selectors
from pravasi.crisis.models import Alert, AlertStatus, CheckInStatus, Crisis, CrisisStatus, HelpRequest, HelpStatus, Need
from pravasi.messaging.models import DeliveryStatus
from pravasi.registry.models import Vulnerability

from .crisis_response_forms import AlertForm, AnswerForm, NoteForm, ResolveForm, TakeForm, TriageFilterForm
from .crisis_views import crisis_page
from .licensing_views import _error_anchor, _render, _submit
from .templatetags.workspace_display import language_label

PAGE_SIZE = 50
TIMELINE_HOURS = 48

# The badge carries its meaning in words; the colour only repeats it.
PRIORITIES = {
    0: ("text-bg-danger", gettext_lazy("Urgent: medical need or a vulnerable person")),
    1: ("text-bg-warning", gettext_lazy("High: asks to leave")),
    2: ("text-bg-secondary", gettext_lazy("Normal")),
}
HELP_BADGES = {HelpStatus.OPEN: "text-bg-primary", HelpStatus.ASSIGNED: "text-bg-info", HelpStatus.RESOLVED: "text-bg-success"}
CHANNEL_LABELS = {"SMS": gettext_lazy("SMS"), "EMAIL": gettext_lazy("E-mail")}


# --- access --------------------------------------------------------------------------------------------


def crisis_with_people(request, crisis_id) -> Crisis:
    """A crisis whose people the official may see; to anyone else it does not exist."""
    crisis = selectors.crisis_for(actor=request.user, crisis_id=crisis_id)
    if not policies.may_see_people(request.user, crisis):
        raise NotFound(_("No such crisis."))
    return crisis


def _page(request, template: str, context: dict, status: int = 200):
    """Renders a page about one crisis (its navigation comes from the crisis_nav template tag)."""
    return _render(request, template, context, status=status)


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


# --- labels --------------------------------------------------------------------------------------------


def need_labels(needs) -> list[str]:
    return [str(Need(n).label) if n in Need.values else n for n in needs or []]


def priority_label(value: int) -> dict:
    badge, label = PRIORITIES.get(value, PRIORITIES[2])
    return {"badge": badge, "label": label}


def _help_status(value: str) -> dict:
    label = HelpStatus(value).label if value in HelpStatus.values else value
    return {"value": value, "label": label, "badge": HELP_BADGES.get(value, "text-bg-secondary")}


def _region(name: str) -> str:
    return name or _("Region or city not given")


# --- writing an alert ------------------------------------------------------------------------------------


def _crisis_url(crisis_id) -> str:
    return reverse("workspace:crisis_detail", args=[crisis_id])


def _alert_url(alert_id) -> str:
    return reverse("workspace:crisis_alert", args=[alert_id])


@crisis_page
def alert_new(request, crisis_id):
    user = request.user
    crisis = selectors.crisis_for(actor=user, crisis_id=crisis_id)
    if not policies.may_manage(user, crisis):
        raise NotAllowed(_("Only the PGE, or a Mission holding every country of the area, writes alerts for this crisis."))
    if crisis.status != CrisisStatus.ACTIVE:
        messages.warning(request, _("This crisis has ended; no more alerts are sent for it."))
        return redirect(_crisis_url(crisis.id))
    posted = request.method == "POST"
    form = AlertForm(request.POST if posted else None)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                alert = alerts.alert_draft(actor=user, crisis_id=crisis.id, data=form.data_for_service(), source_ip=source_ip(request))
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            except Conflict as exc:
                messages.warning(request, exc.message)
                return redirect(_crisis_url(crisis.id))
            else:
                messages.success(request, _("The draft was saved. Check who receives it below, then send it."))
                return redirect(_alert_url(alert.id))
    context = {"crisis": crisis, "form": form, "fallback": language_label(alerts.FALLBACK_LANGUAGE), "error_anchor": "alert" if form.errors else ""}
    return _page(request, "workspace/crisis_response/alert_new.html", context, status=status)


# --- the alert: preview, sending, progress --------------------------------------------------------------


def _texts(alert: Alert) -> list[dict]:
    """The alert's texts, in the policy's order of languages (English first)."""
    order = {language: i for i, language in enumerate(alerts.alert_languages())}
    texts = sorted(alert.texts.all(), key=lambda t: (order.get(t.language, len(order)), t.language))
    return [{"text": t, "name": language_label(t.language), "language": t.language} for t in texts]


def _preview(alert: Alert) -> dict:
    preview = alerts.alert_preview(alert)
    totals = preview["totals"]
    rows = [
        {
            "name": language_label(row["language"]),
            "receives": language_label(row["receives"]),
            "fallback": row["fallback"],
            "people": row["people"],
            "sms": row["SMS"],
            "email": row["EMAIL"],
        }
        for row in preview["languages"]
    ]
    return {
        "people": totals["people"],
        "with_contact": totals["people"] - totals["no_contact"],
        "sms": totals["SMS"],
        "email": totals["EMAIL"],
        "messages": totals["SMS"] + totals["EMAIL"],
        "no_contact": totals["no_contact"],
        "fallback_people": totals["fallback_people"],
        "languages": rows,
    }


def _progress(alert: Alert) -> dict:
    progress = alerts.alert_progress(alert)
    rows = []
    for channel, counts in progress["channels"].items():
        rows.append(
            {
                "channel": CHANNEL_LABELS.get(channel, channel),
                "queued": counts[DeliveryStatus.QUEUED],
                "sending": counts[DeliveryStatus.SENDING],
                "sent": counts[DeliveryStatus.SENT],
                "delivered": counts[DeliveryStatus.DELIVERED],
                "failed": counts[DeliveryStatus.FAILED],
                "total": sum(counts[s] for s in DeliveryStatus.values),
            }
        )
    return {**progress, "rows": rows}


def _progress_context(alert: Alert) -> dict:
    if alert.status != AlertStatus.PUBLISHED:
        return {"alert": alert, "progress": None, "running": False}
    progress = _progress(alert)
    return {"alert": alert, "progress": progress, "running": not progress["finished"]}


@crisis_page
def alert_detail(request, alert_id):
    user = request.user
    alert = alerts.alert_for(actor=user, alert_id=alert_id)
    crisis = alert.crisis
    draft = alert.status == AlertStatus.DRAFT
    context = {
        "alert": alert,
        "crisis": crisis,
        "draft": draft,
        "texts": _texts(alert),
        "preview": _preview(alert) if draft else None,
        "may_manage": policies.may_manage(user, crisis),
        "active": crisis.status == CrisisStatus.ACTIVE,
        "sees_people": policies.may_see_people(user, crisis),
        **_progress_context(alert),
    }
    return _page(request, "workspace/crisis_response/alert.html", context)


@crisis_page
def alert_progress(request, alert_id):
    """The progress block alone, which the alert page reloads every two seconds while the sending runs."""
    alert = alerts.alert_for(actor=request.user, alert_id=alert_id)
    return _render(request, "workspace/crisis_response/_alert_progress.html", _progress_context(alert))


@require_POST
@crisis_page
def alert_send(request, alert_id):
    user = request.user
    alert = alerts.alert_for(actor=user, alert_id=alert_id)
    try:
        sent = alerts.alert_send(actor=user, alert_id=alert.id, source_ip=source_ip(request))
    except Conflict as exc:
        if alerts.alert_for(actor=user, alert_id=alert.id).status == AlertStatus.PUBLISHED:
            messages.warning(request, _("This alert was sent already; nothing was sent again."))
        else:
            messages.warning(request, exc.message)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        if sent.public:
            done = _("The alert is being sent (%(n)s messages by SMS and e-mail) and is published on the crisis page and as a CAP alert.")
        else:
            done = _("The alert is being sent: %(n)s messages by SMS and e-mail.")
        messages.success(request, done % {"n": sent.recipients_planned})
    return redirect(_alert_url(alert.id))


@require_POST
@crisis_page
def alert_discard(request, alert_id):
    user = request.user
    alert = alerts.alert_for(actor=user, alert_id=alert_id)
    try:
        alerts.alert_discard(actor=user, alert_id=alert.id, source_ip=source_ip(request))
    except Conflict as exc:
        messages.warning(request, exc.message)
        return redirect(_alert_url(alert.id))
    messages.success(request, _("The draft alert was discarded; nothing was sent."))
    return redirect(_crisis_url(alert.crisis_id))


# --- check-in figures ----------------------------------------------------------------------------------------


def checkin_charts(figures: dict, timeline: list[dict]) -> dict:
    totals = figures["totals"]
    people = _("People")
    overview = [
        (_("To account for"), totals["people"], charts.GREY),
        (_("Reached by an alert"), totals["reached"], charts.BLUE),
        (_("Answered"), totals["answered"], charts.BLUE),
        (_("Safe"), totals["safe"], charts.GREEN),
        (_("Need help"), totals["help"], charts.RED),
        (_("Not yet answered"), totals["unanswered"], charts.AMBER),
    ]
    regions = list(figures["regions"].items())
    return {
        "totals": charts.bar_chart(
            chart_id="chart-checkin-totals",
            title=_("Check-ins so far"),
            labels=[label for label, _n, _fill in overview],
            series=[charts.Series(people, [n for _label, n, _fill in overview], fills=[fill for _label, _n, fill in overview])],
            label_heading=_("Count"),
            horizontal=True,
        ),
        "regions": charts.bar_chart(
            chart_id="chart-checkin-regions",
            title=_("Answers by region or city"),
            labels=[_region(name) for name, _f in regions],
            series=[
                charts.Series(_("Safe"), [f["safe"] for _name, f in regions], fill=charts.GREEN),
                charts.Series(_("Need help"), [f["help"] for _name, f in regions], fill=charts.RED),
                charts.Series(_("Not yet answered"), [f["unanswered"] for _name, f in regions], fill=charts.GREY),
            ],
            label_heading=_("Region or city"),
            horizontal=True,
        )
        if regions
        else None,
        "timeline": charts.bar_chart(
            chart_id="chart-checkin-timeline",
            title=_("Answers per hour over the last 48 hours"),
            # Hours alone fit under the bars; the dates are in the description and in the table.
            labels=[date_format(row["hour"], "H:i") for row in timeline],
            series=[charts.Series(_("Safe"), [row["safe"] for row in timeline], fill=charts.GREEN), charts.Series(_("Need help"), [row["help"] for row in timeline], fill=charts.RED)],
            label_heading=_("Hour starting"),
            label_every=8,
            description=_("From %(start)s to %(end)s.") % {"start": date_format(timeline[0]["hour"], "j M Y H:i"), "end": date_format(timeline[-1]["hour"], "j M Y H:i")} if timeline else "",
        ),
    }


@crisis_page
def checkin_figures(request, crisis_id):
    crisis = crisis_with_people(request, crisis_id)
    figures = selectors.checkin_figures(crisis)
    timeline = selectors.checkin_timeline(crisis, hours=TIMELINE_HOURS)
    context = {
        "crisis": crisis,
        "totals": figures["totals"],
        "charts": checkin_charts(figures, timeline),
        "timeline": timeline,
        "open_requests": selectors.triage_queue(actor=request.user, crisis=crisis).count(),
    }
    return _page(request, "workspace/crisis_response/checkins.html", context)


# --- the triage queue ---------------------------------------------------------------------------------------


@crisis_page
def triage(request, crisis_id):
    crisis = crisis_with_people(request, crisis_id)
    form = TriageFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = chosen.get("status", "")
    page = Paginator(selectors.triage_queue(actor=request.user, crisis=crisis, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "request": item,
            "priority": priority_label(item.priority),
            "needs": need_labels(item.needs),
            "region": _region(item.person.residence_region),
            "family": len(item.family_member_ids or []),
            "status": _help_status(item.status),
            "assigned_to": item.assigned_to.username if item.assigned_to_id else "",
            "age": timesince(item.created_at, now, depth=1),
        }
        for item in page
    ]
    context = {"crisis": crisis, "form": form, "page": page, "rows": rows, "status": status, "filter_query": urlencode({"status": status}) if status else ""}
    return _page(request, "workspace/crisis_response/triage.html", context)


# --- a request for help --------------------------------------------------------------------------------------


def _help_actions(help_request: HelpRequest, user) -> dict:
    """The forms that apply to the request as it stands: nothing that would only be refused."""
    if help_request.status == HelpStatus.RESOLVED:
        return {}
    actions: dict = {}
    if help_request.assigned_to_id != user.id:
        actions["take"] = TakeForm(prefix="take", initial={"expected": help_request.status})
    actions["note"] = NoteForm(prefix="note")
    actions["resolve"] = ResolveForm(prefix="resolve", initial={"expected": help_request.status})
    return actions


def _help_page(request, help_request: HelpRequest, *, bound: dict | None = None, status: int = 200):
    person = help_request.person
    crisis = help_request.crisis
    answered_for = {str(pk) for pk in help_request.family_member_ids or []}
    family = [{"member": m, "answered": str(m.id) in answered_for} for m in person.family_members.order_by("name")]
    history = [
        {"checkin": c, "needs": need_labels(c.needs), "family": len(c.family_member_ids or [])}
        for c in person.crisis_checkins.filter(crisis=crisis).select_related("recorded_by").order_by("-created_at")
    ]
    actions = _help_actions(help_request, request.user)
    actions.update(bound or {})
    context = {
        "help": help_request,
        "crisis": crisis,
        "person": person,
        "priority": priority_label(help_request.priority),
        "needs": need_labels(help_request.needs),
        "status": _help_status(help_request.status),
        "vulnerabilities": [str(v.label) for v in Vulnerability if getattr(person, v.field)],
        "family": family,
        "history": history,
        "notes": help_request.notes.select_related("author").order_by("created_at"),
        "actions": actions,
        "error_anchor": _error_anchor(bound),
        "age": timesince(help_request.created_at, timezone.now(), depth=2),
        "manifest_entry": evacuation.entry_of(crisis, person),
        "open_assets": evacuation.open_assets(crisis) if policies.may_manage(request.user, crisis) and crisis.status == CrisisStatus.ACTIVE else [],
        "seats_needed": 1 + len(answered_for),
    }
    return _page(request, "workspace/crisis_response/help.html", context, status=status)


def _open_request(request, request_id) -> HelpRequest:
    return checkins.help_request_view(actor=request.user, request_id=request_id, source_ip=source_ip(request))


@crisis_page
def help_detail(request, request_id):
    return _help_page(request, _open_request(request, request_id))


def _help_url(request_id) -> str:
    return reverse("workspace:crisis_help", args=[request_id])


def _help_action(request, request_id, *, key: str, form, call, success):
    """One action on a request the official may see (404 otherwise, from the service); bad input shows the
    request again, opened (and logged) as any showing is, with the form's messages."""
    return _submit(
        request,
        form,
        call,
        success=success,
        done=_help_url(request_id),
        page=lambda f: _help_page(request, _open_request(request, request_id), bound={key: f}, status=400),
    )


@require_POST
@crisis_page
def help_take(request, request_id):
    form = TakeForm(request.POST, prefix="take")
    return _help_action(
        request,
        request_id,
        key="take",
        form=form,
        call=lambda: checkins.help_assign(actor=request.user, request_id=request_id, expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("You took the request: it is assigned to you."),
    )


@require_POST
@crisis_page
def help_note(request, request_id):
    form = NoteForm(request.POST, prefix="note")
    return _help_action(
        request,
        request_id,
        key="note",
        form=form,
        call=lambda: checkins.help_note_add(actor=request.user, request_id=request_id, text=form.cleaned_data["text"], source_ip=source_ip(request)),
        success=_("The note was added."),
    )


@require_POST
@crisis_page
def help_resolve(request, request_id):
    form = ResolveForm(request.POST, prefix="resolve")
    return _help_action(
        request,
        request_id,
        key="resolve",
        form=form,
        call=lambda: checkins.help_resolve(actor=request.user, request_id=request_id, resolution=form.cleaned_data["resolution"], expected=form.expected_status(), source_ip=source_ip(request)),
        success=_("The request was resolved; it has left the triage queue."),
    )


# --- the people not yet accounted for -------------------------------------------------------------------------


def _answer_id(person) -> str:
    return f"answer-{person.id}"


def _unaccounted_page(request, crisis: Crisis, *, number: int, bound: tuple | None = None, status: int = 200):
    page = checkins.call_list_page(actor=request.user, crisis=crisis, number=number, size=PAGE_SIZE, source_ip=source_ip(request))
    persons = list(page)
    bound_id, bound_form = bound if bound else (None, None)
    rows = []
    for person in persons:
        form = bound_form if str(person.id) == str(bound_id) else AnswerForm(auto_id=f"{_answer_id(person)}-%s")
        rows.append({"person": person, "vulnerable": bool(person.vulnerable), "form": form, "anchor": _answer_id(person), "open": form is bound_form})
    context = {
        "crisis": crisis,
        "page": page,
        "rows": rows,
        "active": crisis.status == CrisisStatus.ACTIVE,
        "bound_form": bound_form,
        "bound_anchor": f"answer-{bound_id}" if bound_form is not None else "",
        "bound_shown": any(row["open"] for row in rows),
    }
    return _page(request, "workspace/crisis_response/unaccounted.html", context, status=status)


@crisis_page
def unaccounted(request, crisis_id):
    crisis = crisis_with_people(request, crisis_id)
    return _unaccounted_page(request, crisis, number=_page_number(request.GET.get("page")))


@require_POST
@crisis_page
def unaccounted_answer(request, crisis_id, person_id):
    crisis = crisis_with_people(request, crisis_id)
    number = _page_number(request.POST.get("page"))
    back = reverse("workspace:crisis_unaccounted", args=[crisis.id]) + (f"?page={number}" if number > 1 else "")
    form = AnswerForm(request.POST, auto_id=f"answer-{person_id}-%s")
    if form.is_valid():
        try:
            checkin = checkins.checkin_record_by_staff(actor=request.user, crisis_id=crisis.id, person_id=person_id, data=form.data_for_service(), source_ip=source_ip(request))
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            messages.warning(request, exc.message)
            return redirect(back)
        else:
            if checkin.status == CheckInStatus.HELP:
                messages.success(request, _("The answer was recorded: the person needs help, and the request is in the triage queue."))
            else:
                messages.success(request, _("The answer was recorded: the person is safe."))
            return redirect(back)
    return _unaccounted_page(request, crisis, number=number, bound=(person_id, form), status=400)

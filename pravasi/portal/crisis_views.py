"""Public crisis pages: the crises in force, one crisis with its advisory, helplines and alerts in the
reader's language, each public alert as a CAP 1.2 document, and the Atom index of those documents.
No sign-in needed; a crisis carries no personal data. And the check-in page a person reaches from the
personal link in an alert, to say they are safe or what help they need."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pravasi.core import geography, ratelimit
from pravasi.core.errors import DomainError
from pravasi.core.forms import apply_domain_error
from pravasi.core.qr import qr_data_uri
from pravasi.core.requests import source_ip
from pravasi.crisis import cap, checkins, evacuation, selectors
from pravasi.crisis.models import AlertPhase, CapMessageType, Crisis, CrisisStatus, Need

from .crisis_forms import CheckInForm

PHASE_BADGES = {
    AlertPhase.PRECAUTIONARY: "text-bg-info",
    AlertPhase.RESTRICTION: "text-bg-warning",
    AlertPhase.VOLUNTARY_RETURN: "text-bg-danger",
    AlertPhase.MANDATORY_RETURN: "text-bg-danger",
}
# What each phase of the MICIC guidelines means for a person in the area.
PHASE_MEANING = {
    AlertPhase.PRECAUTIONARY: gettext_lazy("Stay alert. The situation may get worse. Nobody is asked to leave yet, but be ready in case you have to."),
    AlertPhase.RESTRICTION: gettext_lazy("Movement in the area is restricted. Avoid travelling to or within the area and be ready to leave at short notice."),
    AlertPhase.VOLUNTARY_RETURN: gettext_lazy("You are advised to leave the area while regular flights and transport still run. The Mission helps those who cannot."),
    AlertPhase.MANDATORY_RETURN: gettext_lazy("Leave the area now. The Government of India is organising the evacuation: follow the Mission's instructions."),
}
WHAT_TO_DO = {
    AlertPhase.PRECAUTIONARY: [
        gettext_lazy("Keep your passport, visa, work permit and other papers with you, or copies of them on your phone."),
        gettext_lazy("Keep your phone charged and some cash, water, food and medicines at hand."),
        gettext_lazy("Follow local news and the advice of the local authorities and of the Indian Mission."),
    ],
    AlertPhase.RESTRICTION: [
        gettext_lazy("Do not travel to or within the area unless you must, and respect curfews and checkpoints."),
        gettext_lazy("Pack a small bag: passport and papers, medicines, phone charger, cash, water and food."),
        gettext_lazy("Tell your family and your employer where you are, and stay in touch with them."),
    ],
    AlertPhase.VOLUNTARY_RETURN: [
        gettext_lazy("Leave the area by a regular flight or other transport while it still runs."),
        gettext_lazy("If you cannot leave because your passport is held, you have no ticket or you have no money, call the helpline: the Mission can help."),
        gettext_lazy("Take your passport and papers, medicines and your phone."),
    ],
    AlertPhase.MANDATORY_RETURN: [
        gettext_lazy("Leave now. Go to the assembly point or the transport the Mission announces, with your passport if you have it."),
        gettext_lazy("Lost or withheld passport? Go anyway: the Mission issues emergency certificates."),
        gettext_lazy("Take only a small bag: papers, medicines, phone and charger."),
    ],
}
NOT_IN_ENGLISH_NOTE = gettext_lazy("Not available in your language; shown in English")


def _base_url() -> str:
    # The public address, so the links inside a CAP document do not depend on the Host a request came with.
    return settings.PRAVASI_PUBLIC_URL


def _phase(value: str) -> dict:
    phase = AlertPhase(value)
    return {"value": phase.value, "label": phase.label, "badge": PHASE_BADGES[phase], "meaning": PHASE_MEANING[phase]}


def _countries(crisis: Crisis) -> str:
    return ", ".join(geography.country_name(code) for code in crisis.countries)


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _alert_row(alert, language: str) -> dict:
    """The alert in the reader's language if it is written in it, else in English (else the first language it has)."""
    text = cap.text_in(alert, language)
    shown = (text.language if text else "").split("-")[0].lower()
    note = ""
    if text and shown != (language or "en").split("-")[0].lower():
        note = NOT_IN_ENGLISH_NOTE if shown == "en" else _("Not available in your language; shown in %(language)s") % {"language": _language_name(shown)}
    return {
        "alert": alert,
        "text": text,
        "note": note,
        "is_update": alert.message_type == CapMessageType.UPDATE,
        "is_cancel": alert.message_type == CapMessageType.CANCEL,
        "phase": _phase(alert.phase),
    }


def _helpline(line: dict) -> dict:
    """A helpline with its number grouped for reading (+971 800 46342) and dialled as stored."""
    number = str(line["number"])
    try:
        shown = phonenumbers.format_number(phonenumbers.parse(number, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        shown = number
    return {"label": line.get("label", ""), "number": shown, "tel": re.sub(r"[^\d+]", "", number)}


@require_GET
def crises(request):
    rows = [{"crisis": crisis, "countries": _countries(crisis), "phase": _phase(crisis.phase)} for crisis in selectors.public_crises()]
    return render(request, "portal/crisis/list.html", {"rows": rows})


@require_GET
def crisis(request, reference: str):
    crisis, alerts = selectors.public_crisis_page(reference)
    helplines = [_helpline(line) for line in crisis.helplines if line.get("number")]
    context = {
        "crisis": crisis,
        "ended": crisis.status == CrisisStatus.ENDED,
        "phase": _phase(crisis.phase),
        "what_to_do": WHAT_TO_DO[AlertPhase(crisis.phase)],
        "countries": _countries(crisis),
        "regions": ", ".join(region for region in crisis.regions if region),
        "helplines": helplines,
        "alerts": [_alert_row(alert, request.LANGUAGE_CODE) for alert in alerts],
    }
    return render(request, "portal/crisis/detail.html", context)


@require_GET
def alert_cap(request, reference: str, sequence: int):
    alert = selectors.public_alert(reference, sequence)
    return HttpResponse(cap.cap_document(alert, base_url=_base_url()), content_type=cap.CAP_CONTENT_TYPE)


@require_GET
def cap_feed(request):
    return HttpResponse(cap.atom_feed(selectors.feed_alerts(), base_url=_base_url()), content_type=cap.ATOM_CONTENT_TYPE)


# --- the personal check-in link -------------------------------------------------------------------------

CHECKIN_SUBMISSIONS_PER_LINK = 20  # in ten minutes: a person updating their answer, not a script


def _checkin_error(request, error: DomainError):
    return render(request, "portal/crisis/checkin_error.html", {"message": error.message, "expired": error.code == checkins.CheckInLinkExpired.code}, status=error.status)


def _private(response):
    # The link is the key: keep it out of caches, referrers sent to other sites, and search engines.
    # same-origin, not no-referrer: with no-referrer the browser sends "Origin: null" with the form, which
    # the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request, token: str):
    try:
        page = checkins.checkin_page(token)
    except DomainError as error:
        return _private(_checkin_error(request, error))
    # The page speaks the person's language unless they chose another on this site.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or page.person.preferred_language or "en"
    with translation.override(language if language in dict(settings.LANGUAGES) else "en"):
        request.LANGUAGE_CODE = translation.get_language()
        posted = request.method == "POST"
        form = CheckInForm(request.POST if posted else None, family=page.family)
        status = 200
        if posted:
            if not ratelimit.allow(f"checkin:{token[-24:]}", limit=CHECKIN_SUBMISSIONS_PER_LINK, window_seconds=600):
                form.add_error(None, _("Too many answers from this link in a short time. Wait a few minutes, or call the helpline."))
                status = 429
            elif form.is_valid():
                try:
                    checkins.checkin_submit(token=token, data=form.data_for_service(), source_ip=source_ip(request), page=page)
                except DomainError as error:
                    if error.code in (checkins.CheckInLinkInvalid.code, checkins.CheckInLinkExpired.code, "crisis_ended"):
                        return _private(_checkin_error(request, error))
                    apply_domain_error(form, error)
                    status = error.status
                else:
                    return _private(redirect(f"{request.path}?sent=1"))
            else:
                status = 400
        helplines = [_helpline(line) for line in page.crisis.helplines if line.get("number")]
        context = {
            "page": page,
            "form": form,
            "text": cap.text_in(page.alert, request.LANGUAGE_CODE),
            "phase": _phase(page.crisis.phase),
            "helplines": helplines,
            "sent": request.GET.get("sent") == "1" and page.latest is not None,
            "latest_needs": [Need(n).label for n in (page.latest.needs if page.latest else []) if n in Need.values],
            "passes": [{"entry": entry, "qr": qr_data_uri(entry.boarding_code, box_size=6)} for entry in evacuation.passes_for(page.person)],
        }
        return _private(render(request, "portal/crisis/checkin.html", context, status=status))

"""Public website views: home, privacy notice, registration in steps, and the person's own profile."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pravasi.accounts.selectors import is_restricted_user
from pravasi.audit.selectors import pii_accesses_for_person
from pravasi.core import geography
from pravasi.core.errors import DomainError
from pravasi.core.forms import apply_domain_error
from pravasi.core.requests import source_ip
from pravasi.registry import services
from pravasi.registry.models import ConsentPurpose, Person, PersonStatus, Vulnerability
from pravasi.registry.selectors import consent_history, consent_record_of, consent_state, person_of_user
from pravasi.registry.validation import education_codes

from .forms import (
    AboutForm,
    AboutRegisterForm,
    CloseAccountForm,
    ConsentChangeForm,
    ConsentChoiceForm,
    ContactsForm,
    EmergencyContactForm,
    FamilyMemberForm,
    NeedsForm,
    PassportForm,
    ResidenceForm,
    ReturnedForm,
    WorkForm,
)

# --- pages anyone can read ----------------------------------------------------------------------------


def home(request):
    person = person_of_user(request.user)
    return render(request, "portal/home.html", {"person": person, "official": is_restricted_user(request.user)})


def privacy(request):
    notice = services.current_notice()
    in_hindi = (get_language() or "en").startswith("hi")
    return render(
        request,
        "portal/privacy.html",
        {
            "notice": notice,
            # The stored text wraps lines by hand; blank lines separate its paragraphs.
            "notice_paragraphs": [" ".join(block.split()) for block in (notice.text_hi if in_hindi else notice.text_en).split("\n\n") if block.strip()],
            "notice_lang": "hi" if in_hindi else "en",
            "person": person_of_user(request.user),
        },
    )


# --- who may use the self-service pages --------------------------------------------------------------


def _official_page(request):
    return render(request, "portal/official_account.html", status=403)


def emigrant_required(view):
    """Signed-in emigrants with a registry record; others are sent where they belong."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if is_restricted_user(request.user):
            return _official_page(request)
        person = person_of_user(request.user)
        if person is None:
            return redirect("portal:register")
        return view(request, person, *args, **kwargs)

    return wrapper


def _posted(request):
    """The submitted data on a POST (even an empty one, so the form reports what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _problem(form, exc: DomainError) -> int:
    apply_domain_error(form, exc)
    return exc.status


# --- sections of a person's record: one form (or list) each, shared by registration and profile ---------


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    form: type
    intro: str = ""
    is_list: bool = False


SECTIONS = {
    s.name: s
    for s in (
        Section("about", gettext_lazy("About you"), AboutForm),
        Section(
            "passport",
            gettext_lazy("Passport"),
            PassportForm,
            gettext_lazy("With your passport details, the Mission can issue an emergency certificate quickly if you lose your passport or need to be evacuated."),
        ),
        Section(
            "residence",
            gettext_lazy("Where you live"),
            ResidenceForm,
            gettext_lazy("In a crisis, the Mission alerts and helps people by where they live. Your address is encrypted and seen only by officials who help you."),
        ),
        Section("contacts", gettext_lazy("How to reach you"), ContactsForm, gettext_lazy("Give at least a mobile number or an e-mail address.")),
        Section(
            "emergency",
            gettext_lazy("Emergency contacts"),
            EmergencyContactForm,
            gettext_lazy("People we may call if something happens to you, in India or abroad. Up to five."),
            is_list=True,
        ),
        Section(
            "family",
            gettext_lazy("Family living with you"),
            FamilyMemberForm,
            gettext_lazy("Family members who live with you abroad, so that you are kept together in an evacuation."),
            is_list=True,
        ),
        Section("work", gettext_lazy("Work and visa"), WorkForm, gettext_lazy("Your employer and when your visa or permit expires, so we can remind you in time.")),
        Section(
            "needs",
            gettext_lazy("Needs"),
            NeedsForm,
            gettext_lazy("Tell us about anything that means you may need more help in an emergency. This is optional and kept confidential."),
        ),
    )
}
# The optional registration steps after "about you", in the order they are shown.
STEPS = ["passport", "residence", "contacts", "emergency", "family", "needs"]
AGE_BASED = (Vulnerability.MINOR.field, Vulnerability.ELDERLY.field)


def resume_step(person) -> str | None:
    """The step a person left off at, from the progress the registry keeps; None when finished."""
    order = services.REGISTRATION_STEPS
    if person.registration_completed_at or person.registration_step > len(order):
        return None
    name = order[max(person.registration_step, 2) - 1]
    return name if name in STEPS else STEPS[0]


def _initial(person, section: str) -> dict:
    if section == "passport":
        passport = person.passports.filter(is_current=True).first()
        if passport is None:
            return {}
        return {
            "passport_number": passport.number,
            "issue_date": passport.issue_date,
            "expiry_date": passport.expiry_date,
            "place_of_issue": passport.place_of_issue,
            "is_ecr": "yes" if passport.is_ecr else "no",
        }
    if SECTIONS[section].is_list:
        return {"is_indian_citizen": True} if section == "family" else {}
    form_class = SECTIONS[section].form
    return {name: getattr(person, name) for name in form_class.base_fields if hasattr(person, name)}


def _entries(person, section: str):
    if section == "emergency":
        return list(person.emergency_contacts.order_by("created_at"))
    if section == "family":
        return list(person.family_members.order_by("created_at"))
    return []


def _save(request, person, section: str, data: dict) -> None:
    """The one domain call that stores a section."""
    ip = source_ip(request)
    if section == "passport":
        services.passport_record(actor=request.user, person=person, data=data, source_ip=ip)
    elif section == "emergency":
        services.emergency_contact_add(actor=request.user, person=person, data=data, source_ip=ip)
    elif section == "family":
        services.family_member_add(actor=request.user, person=person, data=data, source_ip=ip)
    else:
        services.person_update_section(actor=request.user, person=person, section=section, data=data, source_ip=ip)


def _remove(request, person, section: str, entry_id: str) -> bool:
    try:
        entry = uuid.UUID(entry_id)
    except ValueError:
        return False
    if section == "emergency":
        services.emergency_contact_remove(actor=request.user, person=person, contact_id=entry, source_ip=source_ip(request))
    else:
        services.family_member_remove(actor=request.user, person=person, member_id=entry, source_ip=source_ip(request))
    return True


def _advance(request, person, section: str) -> None:
    if section in services.REGISTRATION_STEPS:
        services.person_registration_skip(actor=request.user, person=person, section=section)


def _section_page(request, person, section: str, *, registering: bool):
    """Shows and stores one section; while registering it moves on to the next step."""
    spec = SECTIONS[section]
    here = reverse("portal:register_step", args=[section]) if registering else reverse("portal:profile_edit", args=[section])
    position = STEPS.index(section) if registering else None
    following = STEPS[position + 1] if registering and position + 1 < len(STEPS) else None
    after = reverse("portal:register_step", args=[following]) if following else reverse("portal:register_done")
    form = spec.form(initial=_initial(person, section))
    status = 200
    if request.method == "POST":
        if "skip" in request.POST or "continue" in request.POST:
            if registering:
                _advance(request, person, section)
                return redirect(after)
            return redirect(f"{reverse('portal:profile')}#{section}")
        if spec.is_list and "remove" in request.POST:
            if _remove(request, person, section, request.POST["remove"]):
                messages.success(request, _("Removed."))
            return redirect(here)
        form = spec.form(request.POST)
        if form.is_valid():
            try:
                _save(request, person, section, form.data_for_service())
            except DomainError as exc:
                status = _problem(form, exc)
            else:
                if spec.is_list:
                    messages.success(request, _("Added. You can add another, or continue."))
                    return redirect(here)
                messages.success(request, _("Saved."))
                if registering:
                    return redirect(after)
                return redirect(f"{reverse('portal:profile')}#{section}")
        else:
            status = 400
    steps = [{"name": name, "title": SECTIONS[name].title, "url": reverse("portal:register_step", args=[name]), "current": name == section, "number": i + 1} for i, name in enumerate(STEPS)]
    context = {
        "person": person,
        "section": spec,
        "form": form,
        "entries": _entries(person, section),
        "registering": registering,
        "steps": steps,
        "step_number": position + 1 if registering else None,
        "step_count": len(STEPS),
        "age_based": [v.label for v in Vulnerability if v.field in AGE_BASED and getattr(person, v.field)] if section == "needs" else [],
    }
    return render(request, "portal/section.html", context, status=status)


# --- registration ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request):
    if not request.user.is_authenticated:
        return redirect("accounts:signup")
    if is_restricted_user(request.user):
        return _official_page(request)
    person = person_of_user(request.user)
    if person is not None:
        step = resume_step(person)
        return redirect("portal:register_step", step) if step else redirect("portal:profile")
    about = AboutRegisterForm(_posted(request))
    consent = ConsentChoiceForm(_posted(request))
    status = 200
    if request.method == "POST":
        if about.is_valid() and consent.is_valid():
            try:
                services.person_register(
                    actor=request.user, user=request.user, data=about.data_for_service(), consents=consent.purposes(), language=get_language() or "en", source_ip=source_ip(request)
                )
            except DomainError as exc:
                status = _problem(about, exc)
            else:
                messages.success(request, _("You are registered. The next steps are optional: fill in what you can now, and the rest later."))
                return redirect("portal:register_step", STEPS[0])
        else:
            status = 400
    return render(request, "portal/register_about.html", {"form": about, "consent_form": consent}, status=status)


@require_http_methods(["GET", "POST"])
@emigrant_required
def register_step(request, person, step: str):
    if step not in STEPS:
        raise Http404
    return _section_page(request, person, step, registering=True)


@emigrant_required
def register_done(request, person):
    return render(request, "portal/register_done.html", {"person": person, "missing": _missing_sections(person)})


def _missing_sections(person) -> list[dict]:
    missing = []
    if not person.passports.filter(is_current=True).exists():
        missing.append("passport")
    if not person.residence_country and person.status != PersonStatus.RETURNED:
        missing.append("residence")
    if not person.emergency_contacts.exists():
        missing.append("emergency")
    return [{"name": name, "title": SECTIONS[name].title, "url": reverse("portal:profile_edit", args=[name])} for name in missing]


# --- the profile --------------------------------------------------------------------------------------


def _country_name(code: str) -> str:
    return geography.country_name(code) if code else ""


@emigrant_required
def profile(request, person):
    education = education_codes().get(person.education)
    context = {
        "person": person,
        "state_name": geography.state_name(person.state_of_origin) if person.state_of_origin else "",
        "country_name": _country_name(person.residence_country),
        "education_label": education["label"] if education else "",
        "language_name": AboutForm.LANGUAGE_NAMES.get(person.preferred_language, person.preferred_language),
        "passport": person.passports.filter(is_current=True).first(),
        "emergency_contacts": _entries(person, "emergency"),
        "family_members": _entries(person, "family"),
        "needs": [v.label for v in Vulnerability if getattr(person, v.field)],
        "consents": _consent_rows(person),
        "accesses": pii_accesses_for_person(person_id=person.id, limit=50),
        "next_step": resume_step(person),
        "history": list(person.residence_history.all()[:10]),
    }
    return render(request, "portal/profile.html", context)


@require_http_methods(["GET", "POST"])
@emigrant_required
def profile_edit(request, person, section: str):
    if section not in SECTIONS:
        raise Http404
    return _section_page(request, person, section, registering=False)


@require_http_methods(["GET", "POST"])
@emigrant_required
def moved(request, person):
    form = ResidenceForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_moved(actor=request.user, person=person, data=form.data_for_service(), source_ip=source_ip(request))
            except DomainError as exc:
                status = _problem(form, exc)
            else:
                messages.success(request, _("Your new residence is saved. The Mission for that country can now reach you in an emergency."))
                return redirect(f"{reverse('portal:profile')}#residence")
        else:
            status = 400
    return render(request, "portal/moved.html", {"form": form, "person": person, "country_name": _country_name(person.residence_country)}, status=status)


@require_http_methods(["GET", "POST"])
@emigrant_required
def returned(request, person):
    form = ReturnedForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_returned(actor=request.user, person=person, returned_date=form.cleaned_data["returned_date"], source_ip=source_ip(request))
            except DomainError as exc:
                status = _problem(form, exc)
            else:
                messages.success(request, _("Welcome home. Your registration stays open: if you go abroad again, use 'I have moved'."))
                return redirect(f"{reverse('portal:profile')}#residence")
        else:
            status = 400
    return render(request, "portal/returned.html", {"form": form, "person": person, "country_name": _country_name(person.residence_country)}, status=status)


# --- consent -------------------------------------------------------------------------------------------


def _consent_rows(person) -> list[dict]:
    rows = []
    for key, record in consent_state(person).items():
        purpose, _sep, partner_id = key.partition(":")
        rows.append(
            {
                "purpose": purpose,
                "label": ConsentPurpose(purpose).label,
                "partner": record.partner if record is not None and partner_id else None,
                "record": record,
                "given": bool(record and record.given),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@emigrant_required
def consents(request, person):
    if request.method == "POST":
        form = ConsentChangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("That choice could not be read; please try again."))
            return redirect("portal:consents")
        purpose, given, partner_id = form.cleaned_data["purpose"], form.cleaned_data["given"], form.cleaned_data["partner"]
        partner = None
        if partner_id:
            record = consent_state(person).get(f"{ConsentPurpose.PARTNER_SHARING}:{partner_id}")
            if record is None:
                raise Http404
            partner = record.partner
        try:
            services.consent_set(actor=request.user, person=person, purpose=purpose, given=given, partner=partner, language=get_language() or "en")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            label = ConsentPurpose(purpose).label
            if given:
                messages.success(request, _("Consent given: %(purpose)s.") % {"purpose": label})
            else:
                messages.success(request, _("Consent withdrawn: %(purpose)s.") % {"purpose": label})
        return redirect("portal:consents")
    history = consent_history(person)
    return render(request, "portal/consents.html", {"person": person, "rows": _consent_rows(person), "history": history})


def _json_download(payload: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@emigrant_required
def consent_receipt(request, person, record_id):
    # Scoped to the person's own consents: another person's record id finds nothing.
    record = consent_record_of(person, record_id)
    return _json_download(services.consent_receipt(record), f"consent-receipt-{record.id}.json")


# --- download my data, close my account -----------------------------------------------------------------


@emigrant_required
def data_json(request, person):
    data = services.person_data_export(actor=request.user, person=person, source_ip=source_ip(request))
    return _json_download(data, "pravasi-my-data.json")


@emigrant_required
def data_page(request, person):
    data = services.person_data_export(actor=request.user, person=person, source_ip=source_ip(request))
    for item in data["consents"]:
        item["at"] = _when(item["timestamp"])
    for item in data["accessed_by_officials"]:
        item["at"] = _when(item["at"])
    for name, keys in (("passports", ("issue_date", "expiry_date")), ("residence_history", ("since", "until")), ("family_members", ("date_of_birth",))):
        for item in data[name]:
            item.update({key: _when(item[key]) for key in keys})
    context = {"data": data, "exported_at": _when(data["exported_at"]), "person_rows": _readable_rows(data["person"]), "person": person}
    return render(request, "portal/data.html", context)


def _when(value):
    """An exported ISO date or timestamp as a date or datetime the template can format; other values as they are."""
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-":
        return value
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        return value


def _readable_rows(record: dict) -> list[tuple[str, object, str]]:
    """The exported person record as (label, value, kind) in the reader's words."""
    educations = education_codes()
    rows: list[tuple[str, object]] = []
    for key, value in record.items():
        if value in ("", None, False):
            continue
        if key == "id":
            rows.append((_("Registry number"), value))
            continue
        try:
            field = Person._meta.get_field(key)
        except FieldDoesNotExist:
            rows.append((key.replace("_", " "), value))
            continue
        if key == "state_of_origin":
            value = geography.state_name(value)
        elif key == "residence_country":
            value = _country_name(value)
        elif key == "education":
            value = educations.get(value, {}).get("label", value)
        elif key == "preferred_language":
            value = AboutForm.LANGUAGE_NAMES.get(value, value)
        elif field.choices:
            value = dict(field.flatchoices).get(value, value)
        elif value is True:
            value = _("yes")
        else:
            value = _when(value)
        rows.append((str(field.verbose_name), value))
    return [(label, value, "datetime" if isinstance(value, datetime) else "date" if isinstance(value, date) else "text") for label, value in rows]


ERASED_AT_CLOSURE = [
    gettext_lazy("Your names (except a placeholder), date of birth and the details you gave about yourself"),
    gettext_lazy("Your passport details"),
    gettext_lazy("Where you live and where you lived before"),
    gettext_lazy("Your mobile number, e-mail and messaging app"),
    gettext_lazy("Your emergency contacts and the family members you listed"),
    gettext_lazy("The needs you told us about"),
    gettext_lazy("Your sign-in: you will not be able to sign in again"),
]


@require_http_methods(["GET", "POST"])
@emigrant_required
def close_account(request, person):
    form = CloseAccountForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kept = services.person_close(actor=request.user, person=person, source_ip=source_ip(request))
            except DomainError as exc:
                status = _problem(form, exc)
            else:
                logout(request)
                return render(request, "portal/closed.html", {"kept": kept})
        else:
            status = 400
    return render(request, "portal/close.html", {"form": form, "erased": ERASED_AT_CLOSURE, "kept": services.KEPT_AFTER_CLOSURE, "person": person}, status=status)

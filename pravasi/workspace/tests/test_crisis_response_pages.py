"""Crisis response pages of the workspace: writing and sending an alert with its preview and progress, the
check-in figures, the triage queue and each request's actions, and the logged list of the people not yet
accounted for, all through real requests by verified officials (404 for another office, 403 for the rest)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import user_with_role, verified_client
from pravasi.audit.models import AuditEvent, PersonalDataAccess
from pravasi.crisis import alerts, checkins, services
from pravasi.crisis.models import Alert, AlertStatus, AlertText, CheckIn, CheckInChannel, HelpNote, HelpRequest, HelpStatus
from pravasi.crisis.tests.factories import crisis_data, mission_official, pge_official, register
from pravasi.messaging.models import OutboxMessage
from pravasi.registry.services import family_member_add, person_update_section

pytestmark = pytest.mark.django_db
_phones = itertools.count(3000)


# --- helpers ------------------------------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(f"workspace:crisis_{name}", args=args)


def body(response) -> str:
    return response.content.decode()


def fresh(obj):
    obj.refresh_from_db()
    return obj


def next_to(text: str, field_id: str, message: str) -> bool:
    """Whether the message is shown in the description block that belongs to the field (or fieldset)."""
    block = re.search(rf'<div id="{re.escape(field_id)}"[^>]*>(.*?)</div>\s*(?:</div>|<)', text, re.S)
    return bool(block) and escape(message) in block.group(1)


def person(registrar, **data):
    data.setdefault("mobile", f"+97150{next(_phones):07d}")
    return register(registrar, **data)


def alert_texts(*languages, **overrides) -> dict:
    data = {}
    for language in languages or ("en",):
        data[f"headline_{language}"] = f"Floods ({language}): stay indoors"
        data[f"description_{language}"] = f"Heavy rain has flooded the roads ({language})."
        data[f"instruction_{language}"] = f"Keep your passport dry ({language})."
    data.update(overrides)
    return data


def token_for(alert, someone):
    return checkins.checkin_token(alert_id=alert.id, person_id=someone.id, expires_at=timezone.now() + timedelta(days=1))


def partner():
    return user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM"))


@pytest.fixture
def world(registrar, django_capture_on_commit_callbacks):
    """Floods in Dubai declared by the UAE Mission; Ravi (English, pregnant, with his wife), Meera (Hindi) and
    Anil (Tamil) there; a first alert sent to them, Ravi asking for medical help for himself and his wife, and
    a second alert still a draft. The PGE and the Qatar Mission stand by."""
    uae = mission_official(["AE"])
    crisis = services.crisis_declare(actor=uae, data=crisis_data(regions=["Dubai"]))
    ravi = person(registrar, given_name="Ravi", preferred_language="en")
    person_update_section(actor=registrar, person=ravi, section="needs", data={"vuln_chronic_illness": "on"})
    wife = family_member_add(actor=registrar, person=ravi, data={"name": "Lakshmi", "relation": "Wife", "sex": "F"})
    family_member_add(actor=registrar, person=ravi, data={"name": "Arjun", "relation": "Son", "sex": "M", "date_of_birth": "2015-02-02"})
    meera = person(registrar, given_name="Meera", preferred_language="hi")
    anil = person(registrar, given_name="Anil", preferred_language="ta", email="")
    first = alerts.alert_draft(actor=uae, crisis_id=crisis.id, data={**alert_texts("en", "hi"), "public": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        alerts.alert_send(actor=uae, alert_id=first.id)
    checkins.checkin_submit(token=token_for(first, ravi), data={"status": "HELP", "needs": ["MEDICAL"], "family": [str(wife.id)], "note": "Chest pain", "submission": "r" * 20})
    draft = alerts.alert_draft(actor=uae, crisis_id=crisis.id, data=alert_texts("en", "ml"))
    return {
        "uae": uae,
        "pge": pge_official(),
        "qatar": mission_official(["QA"]),
        "crisis": crisis,
        "ravi": ravi,
        "wife": wife,
        "meera": meera,
        "anil": anil,
        "sent": fresh(first),
        "draft": draft,
        "request": HelpRequest.objects.get(person=ravi),
    }


def pages(world) -> dict[str, str]:
    crisis = world["crisis"]
    return {
        "compose": url("alert_new", crisis.id),
        "draft alert": url("alert", world["draft"].id),
        "sent alert": url("alert", world["sent"].id),
        "progress": url("alert_progress", world["sent"].id),
        "check-ins": url("checkins", crisis.id),
        "triage": url("triage", crisis.id),
        "request": url("help", world["request"].id),
        "unaccounted": url("unaccounted", crisis.id),
    }


def posts(world) -> dict[str, tuple[str, dict]]:
    crisis, request = world["crisis"], world["request"]
    return {
        "compose": (url("alert_new", crisis.id), alert_texts()),
        "send": (url("alert_send", world["draft"].id), {}),
        "discard": (url("alert_discard", world["draft"].id), {}),
        "take": (url("help_take", request.id), {"take-expected": "OPEN"}),
        "note": (url("help_note", request.id), {"note-text": "Called him."}),
        "resolve": (url("help_resolve", request.id), {"resolve-resolution": "Taken to hospital."}),
        "answer": (url("unaccounted_answer", crisis.id, world["meera"].id), {"status": "SAFE"}),
    }


def nothing_changed(world) -> bool:
    request = fresh(world["request"])
    return (
        Alert.objects.count() == 2
        and fresh(world["draft"]).status == AlertStatus.DRAFT
        and request.status == HelpStatus.OPEN
        and not HelpNote.objects.exists()
        and CheckIn.objects.count() == 1
        and not OutboxMessage.objects.filter(batch=alerts.batch_key(world["draft"])).exists()
    )


# --- who sees what -------------------------------------------------------------------------------------------


def test_the_declaring_mission_and_the_pge_open_every_page(world):
    for who in ("uae", "pge"):
        client = verified_client(world[who])
        for name, address in pages(world).items():
            response = client.get(address)
            assert response.status_code == 200, (who, name, response.status_code)


def test_another_mission_gets_404_on_every_page_and_every_action(world):
    client = verified_client(world["qatar"])
    for name, address in pages(world).items():
        assert client.get(address).status_code == 404, name
    for name, (address, data) in posts(world).items():
        assert client.post(address, data).status_code == 404, name
    assert nothing_changed(world)
    assert not PersonalDataAccess.objects.filter(actor=world["qatar"]).exists()


@pytest.mark.parametrize("role", [Role.PARTNER_ANALYST, Role.POE_OFFICER])
def test_partners_and_poe_officers_are_refused(world, role):
    client = verified_client(partner() if role == Role.PARTNER_ANALYST else user_with_role(role))
    for name, address in pages(world).items():
        assert client.get(address).status_code == 403, name
    for name, (address, data) in posts(world).items():
        assert client.post(address, data).status_code == 403, name
    assert nothing_changed(world)


def test_signed_out_visitors_are_sent_to_sign_in(world):
    anonymous = Client()
    for name, address in pages(world).items():
        response = anonymous.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name, (address, data) in posts(world).items():
        response = anonymous.post(address, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    assert nothing_changed(world)


def test_a_mission_that_only_sees_the_crisis_reads_its_alerts_but_neither_sends_nor_sees_people(registrar):
    """The PGE declares a crisis over the UAE and Oman: the UAE Mission sees it, but neither manages it nor
    sees its people."""
    pge, uae = pge_official(), mission_official(["AE"])
    person(registrar)
    crisis = services.crisis_declare(actor=pge, data=crisis_data(countries=["AE", "OM"]))
    draft = alerts.alert_draft(actor=pge, crisis_id=crisis.id, data=alert_texts())
    client = verified_client(uae)
    page = client.get(url("alert", draft.id))
    assert page.status_code == 200
    text = body(page)
    assert "Floods (en): stay indoors" in text and url("alert_send", draft.id) not in text and url("alert_discard", draft.id) not in text
    assert url("triage", crisis.id) not in text
    assert client.get(url("alert_new", crisis.id)).status_code == 403
    assert client.post(url("alert_new", crisis.id), alert_texts()).status_code == 403
    assert client.post(url("alert_send", draft.id)).status_code == 403
    assert client.post(url("alert_discard", draft.id)).status_code == 403
    for name in ("checkins", "triage", "unaccounted"):
        assert client.get(url(name, crisis.id)).status_code == 404, name
    assert fresh(draft).status == AlertStatus.DRAFT and Alert.objects.count() == 1
    assert not PersonalDataAccess.objects.exists()


# --- writing an alert -------------------------------------------------------------------------------------------


def test_the_compose_form_has_a_fieldset_per_language_english_first():
    uae = mission_official(["AE"])
    crisis = services.crisis_declare(actor=uae, data=crisis_data())
    text = body(verified_client(uae).get(url("alert_new", crisis.id)))
    legends = re.findall(r'<legend class="h6">([^<]+)</legend>', text)
    assert legends == ["English (required)", "Hindi (optional)", "Malayalam (optional)"]
    assert "People whose language has no text receive English, with a line saying so." in text
    assert 'name="headline_en"' in text and 'name="description_hi"' in text and 'name="instruction_ml"' in text and 'lang="ml"' in text
    assert re.search(r'<input type="checkbox" name="public" id="id_public"[^>]* checked', text)


def test_an_alert_without_an_english_headline_is_refused_by_field_and_nothing_is_stored():
    uae = mission_official(["AE"])
    crisis = services.crisis_declare(actor=uae, data=crisis_data())
    client = verified_client(uae)
    response = client.post(url("alert_new", crisis.id), alert_texts("en", "hi", headline_en="", description_hi=""))
    assert response.status_code == 400
    text = body(response)
    assert next_to(text, "id_headline_en_desc", "This is required.")
    assert next_to(text, "id_description_hi_desc", "This is required.")
    assert "Some details need correcting." in text and 'href="#action-alert"' in text
    assert "Heavy rain has flooded the roads (en)." in text  # what was typed comes back
    response = client.post(url("alert_new", crisis.id), alert_texts(headline_en="x" * 161))
    assert response.status_code == 400 and next_to(body(response), "id_headline_en_desc", "Use at most 160 characters.")
    assert not Alert.objects.exists() and not AlertText.objects.exists()
    assert not AuditEvent.objects.filter(action="crisis.alert_drafted").exists()


def test_a_draft_is_written_in_the_languages_given():
    uae = mission_official(["AE"])
    crisis = services.crisis_declare(actor=uae, data=crisis_data())
    client = verified_client(uae)
    response = client.post(url("alert_new", crisis.id), {**alert_texts("en", "ml"), "public": "on"})
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == url("alert", alert.id)
    assert (alert.status, alert.public, alert.sequence) == (AlertStatus.DRAFT, True, 1)
    assert sorted(alert.texts.values_list("language", flat=True)) == ["en", "ml"]
    text = body(client.get(response["Location"]))
    assert "The draft was saved." in text and "Floods (ml): stay indoors" in text and "Draft: not sent" in text
    client.post(url("alert_new", crisis.id), alert_texts())
    assert Alert.objects.get(sequence=2).public is False  # the box left unticked


def test_an_ended_crisis_takes_no_more_alerts(world):
    services.crisis_end(actor=world["uae"], crisis_id=world["crisis"].id, reason="The water has gone down.")
    client = verified_client(world["uae"])
    response = client.get(url("alert_new", world["crisis"].id), follow=True)
    assert "This crisis has ended; no more alerts are sent for it." in body(response)
    client.post(url("alert_new", world["crisis"].id), alert_texts())
    assert Alert.objects.count() == 2
    text = body(client.get(url("alert", world["draft"].id)))
    assert "the draft can no longer be sent" in text and url("alert_send", world["draft"].id) not in text


# --- the preview, sending and progress ---------------------------------------------------------------------------


def test_the_draft_shows_who_receives_it_in_which_language(world, registrar):
    register(registrar, mobile="", email="")  # in the area, no contact on record
    text = body(verified_client(world["uae"]).get(url("alert", world["draft"].id)))
    totals = dict(re.findall(r'<span class="d-block small">([^<]+)</span><span class="d-block h4 mb-0">(\d+)</span>', text))
    assert totals == {"People": "4", "SMS": "3", "E-mails": "2", "No contact on record": "1"}
    rows = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]+)</td>', text)
    by_language = {name: (people, sms, email, receives) for name, people, sms, email, receives in rows}
    assert by_language["English"] == ("2", "1", "1", "English")
    assert by_language["Hindi"] == ("1", "1", "1", "English, with a line saying there is no Hindi text")  # the draft is in English and Malayalam
    assert by_language["Tamil"] == ("1", "1", "0", "English, with a line saying there is no Tamil text")
    assert "1 person in the area has no mobile number or e-mail on record" in text
    assert "Send to 3 people" in text and "Discard draft" in text
    assert "Floods (ml): stay indoors" in text and 'lang="ml"' in text


def test_sending_writes_the_messages_and_shows_the_progress_once(world, django_capture_on_commit_callbacks):
    client = verified_client(world["uae"])
    draft = world["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("alert_send", draft.id))
    assert response.status_code == 302 and response["Location"] == url("alert", draft.id)
    messages = OutboxMessage.objects.filter(batch=alerts.batch_key(draft))
    assert messages.count() == 5  # SMS to all three, e-mail to Ravi and Meera
    assert fresh(draft).status == AlertStatus.PUBLISHED
    text = body(client.get(response["Location"]))
    assert "The alert is being sent: 5 messages by SMS and e-mail." in text
    assert '<progress id="alert-progress-bar" class="w-100" max="100" value="100">100 %</progress>' in text
    assert "5 of 5 messages handed over or failed: 100&nbsp;%" in text and "Sending finished." in text
    assert "hx-trigger" not in text and url("alert_send", draft.id) not in text
    assert "Not public" in text and reverse("portal:alert_cap", args=[world["crisis"].reference, draft.sequence]) not in text

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url("alert_send", draft.id), follow=True)
    assert "This alert was sent already; nothing was sent again." in body(again)
    assert messages.count() == 5
    assert AuditEvent.objects.filter(action="crisis_alert.published", target_id=str(draft.id)).count() == 1


def test_a_public_sent_alert_links_its_cap_document(world):
    text = body(verified_client(world["pge"]).get(url("alert", world["sent"].id)))
    cap = reverse("portal:alert_cap", args=[world["crisis"].reference, world["sent"].sequence])
    assert f'href="{cap}"' in text and reverse("portal:crisis", args=[world["crisis"].reference]) in text
    assert "Sending finished." in text and 'value="100"' in text


def test_the_progress_partial_polls_only_while_sending(world):
    client = verified_client(world["uae"])
    draft = world["draft"]
    alerts.alert_send(actor=world["uae"], alert_id=draft.id)  # no commit callbacks: the fan-out has not run yet
    partial = client.get(url("alert_progress", draft.id), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    text = body(partial)
    assert text.startswith('<div id="alert-progress"') and "<html" not in text and "<nav" not in text
    assert f'hx-get="{url("alert_progress", draft.id)}"' in text and 'hx-trigger="every 2s"' in text
    assert 'value="0"' in text and "Writing the messages" in text
    page = body(client.get(url("alert", draft.id)))
    assert 'hx-trigger="every 2s"' in page and "<script" not in page.split("<main", 1)[-1]

    alerts.alert_fan_out(alert_id=draft.id, deliver=lambda channel: alerts.alert_deliver(alert_id=draft.id, channel=channel))
    done = body(client.get(url("alert_progress", draft.id)))
    assert "hx-trigger" not in done and 'value="100"' in done and "Sending finished." in done
    # Per channel: SMS to three people, e-mail to two, all handed over.
    cells = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>((?:\s*<td[^>]*>\d+</td>){5})', done)
    counts = {name: re.findall(r">(\d+)<", row) for name, row in cells}
    assert counts == {"SMS": ["0", "0", "3", "0", "0"], "E-mail": ["0", "0", "2", "0", "0"]}


def test_discarding_a_draft(world):
    client = verified_client(world["uae"])
    response = client.post(url("alert_discard", world["draft"].id))
    assert response.status_code == 302 and response["Location"] == reverse("workspace:crisis_detail", args=[world["crisis"].id])
    assert not Alert.objects.filter(pk=world["draft"].pk).exists()
    refused = client.post(url("alert_discard", world["sent"].id), follow=True)
    assert "This alert has been sent; it cannot be discarded." in body(refused)
    assert Alert.objects.filter(pk=world["sent"].pk).exists()


# --- check-in figures -------------------------------------------------------------------------------------------


def test_the_check_in_figures_as_numbers_and_charts(world, registrar):
    checkins.checkin_submit(token=token_for(world["sent"], world["meera"]), data={"status": "SAFE", "submission": "m" * 20})
    person(registrar, residence_region="Dubai", given_name="Suresh")  # arrived after the alert: not reached
    text = body(verified_client(world["uae"]).get(url("checkins", world["crisis"].id)))
    totals = dict(re.findall(r'<span class="d-block small">([^<]+)</span><span class="d-block h4 mb-0">(\d+)</span>', text))
    assert totals == {"To account for": "4", "Reached by an alert": "3", "Answered": "2", "Safe": "1", "Need help": "1", "Not yet answered": "2"}
    for chart in ("chart-checkin-totals", "chart-checkin-regions", "chart-checkin-timeline"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in text
    region = re.search(r'<tr><th scope="row" class="fw-normal">Dubai</th>((?:<td class="text-end">\d+</td>){3})</tr>', text)
    assert region and re.findall(r">(\d+)<", region.group(1)) == ["1", "1", "2"]
    hours = re.findall(
        r'<tr><th scope="row" class="fw-normal"><time datetime="[^"]+">[^<]+</time></th><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td></tr>', text
    )
    assert len(hours) == 48 and sum(int(safe) for safe, _h, _a in hours) == 1 and sum(int(h) for _s, h, _a in hours) == 1 and hours[-1][2] == "2"
    assert url("triage", world["crisis"].id) in text and url("unaccounted", world["crisis"].id) in text
    assert "Ravi" not in text and "Meera" not in text and "Testperson" not in text
    assert not PersonalDataAccess.objects.exists()


# --- the triage queue and a request ------------------------------------------------------------------------------


def test_the_triage_queue_lists_requests_without_names(world):
    evacuate = checkins.checkin_submit(token=token_for(world["sent"], world["meera"]), data={"status": "HELP", "needs": ["EVACUATION", "FOOD"], "submission": "e" * 20})[0]
    client = verified_client(world["uae"])
    text = body(client.get(url("triage", world["crisis"].id)))
    assert "2 requests." in text
    urgent, high = text.index("Urgent: medical need or a vulnerable person"), text.index("High: asks to leave")
    assert urgent < high
    assert "Medical care" in text and "Food and water, Evacuation" in text and "Dubai" in text
    assert url("help", world["request"].id) in text and url("help", HelpRequest.objects.get(last_checkin=evacuate).id) in text
    family = re.findall(r'data-label="Family answered for">(\d+)</td>', text)
    assert family == ["1", "0"]
    assert "Ravi" not in text and "Meera" not in text and "Lakshmi" not in text and "Testperson" not in text
    assert not PersonalDataAccess.objects.exists()
    assigned = body(client.get(url("triage", world["crisis"].id), {"status": "ASSIGNED"}))
    assert "No request with this status." in assigned


def test_the_request_page_shows_the_person_and_logs_the_opening(world):
    client = verified_client(world["uae"])
    text = body(client.get(url("help", world["request"].id), REMOTE_ADDR="10.4.4.4"))
    ravi = world["ravi"]
    assert ravi.full_name in text and f'href="tel:{ravi.mobile}"' in text and ravi.email in text
    assert "Chronic illness" in text and "Dubai" in text
    # By name: Arjun, then Lakshmi, the one the answer was for.
    assert "The answer was also for them" not in text[text.index("Arjun") : text.index("Lakshmi")]
    assert "The answer was also for them" in text[text.index("Lakshmi") : text.index("Their answers in this crisis")]
    assert "Check-in link" in text and "Medical care" in text and "Chest pain" in text
    logged = PersonalDataAccess.objects.get()
    assert (logged.person_id, logged.purpose, logged.actor, logged.source_ip) == (ravi.id, checkins.ACCESS_PURPOSE, world["uae"], "10.4.4.4")


def test_taking_noting_and_resolving_a_request(world):
    uae, pge = verified_client(world["uae"]), verified_client(world["pge"])
    request = world["request"]
    page = body(uae.get(url("help", request.id)))
    assert 'name="take-expected" value="OPEN"' in page

    response = uae.post(url("help_take", request.id), {"take-expected": "OPEN"})
    assert response.status_code == 302 and response["Location"] == url("help", request.id)
    assert (fresh(request).status, fresh(request).assigned_to) == (HelpStatus.ASSIGNED, world["uae"])
    assert "You took the request" in body(uae.get(response["Location"]))

    # The PGE's page was drawn while the request was still open: its take is stale.
    stale = pge.post(url("help_take", request.id), {"take-expected": "OPEN"}, follow=True)
    assert stale.status_code == 200 and "Someone else acted on this first: it is now “Assigned”." in body(stale)
    assert fresh(request).assigned_to == world["uae"]

    empty = uae.post(url("help_note", request.id), {"note-text": "   "})
    assert empty.status_code == 400 and next_to(body(empty), "id_note-text_desc", "Write the note.")
    assert 'href="#action-note"' in body(empty) and not HelpNote.objects.exists()
    uae.post(url("help_note", request.id), {"note-text": "Called him: an ambulance is on its way."})
    assert HelpNote.objects.get().text == "Called him: an ambulance is on its way."

    short = uae.post(url("help_resolve", request.id), {"resolve-resolution": "ok", "resolve-expected": "ASSIGNED"})
    assert short.status_code == 400
    assert next_to(body(short), "id_resolve-resolution_desc", "Say in a few words how the request was resolved (5 to 2,000 characters).")
    assert fresh(request).status == HelpStatus.ASSIGNED
    done = uae.post(url("help_resolve", request.id), {"resolve-resolution": "Taken to Rashid Hospital and treated.", "resolve-expected": "ASSIGNED"}, follow=True)
    assert "The request was resolved" in body(done)
    request = fresh(request)
    assert request.status == HelpStatus.RESOLVED and request.resolution == "Taken to Rashid Hospital and treated."
    text = body(done)
    assert url("help_take", request.id) not in text and url("help_note", request.id) not in text and "Taken to Rashid Hospital and treated." in text
    assert "No open request for help." in body(uae.get(url("triage", world["crisis"].id)))
    resolved = body(uae.get(url("triage", world["crisis"].id), {"status": "RESOLVED"}))
    assert url("help", request.id) in resolved and "Resolved" in resolved


# --- the people not yet accounted for ------------------------------------------------------------------------------


def test_the_call_list_is_logged_on_each_person_shown(world, registrar):
    register(registrar, given_name="Sunita", mobile="", email="")
    client = verified_client(world["uae"])
    text = body(client.get(url("unaccounted", world["crisis"].id), REMOTE_ADDR="10.5.5.5"))
    shown = {world["meera"].id, world["anil"].id}
    assert "3 people not yet accounted for." in text
    assert world["meera"].full_name in text and world["anil"].full_name in text and "Sunita" in text
    assert world["ravi"].full_name not in text  # he answered
    assert f'href="tel:{world["meera"].mobile}"' in text and "None on record" in text
    logged = PersonalDataAccess.objects.filter(purpose="crisis-call-list")
    assert logged.count() == 3 and shown <= set(logged.values_list("person_id", flat=True))
    assert set(logged.values_list("actor", flat=True)) == {world["uae"].id} and set(logged.values_list("source_ip", flat=True)) == {"10.5.5.5"}


def test_the_vulnerable_come_first_with_their_family(world, registrar):
    elderly = person(registrar, given_name="Kamala", date_of_birth="1950-01-01", residence_region="Dubai")
    person_update_section(actor=registrar, person=elderly, section="needs", data={"vuln_elderly": "on"})
    family_member_add(actor=registrar, person=elderly, data={"name": "Gopal", "relation": "Husband", "sex": "M"})
    text = body(verified_client(world["pge"]).get(url("unaccounted", world["crisis"].id)))
    rows = re.findall(r'<th scope="row" class="text-break">([^<]+)</th>.*?data-label="Vulnerable">(.*?)</td>\s*<td data-label="Family with them">(\d+)</td>', text, re.S)
    assert rows[0][0] == elderly.full_name and "Yes" in rows[0][1] and rows[0][2] == "1"
    assert all("No" in vulnerable for _name, vulnerable, _n in rows[1:])


def test_recording_an_answer_takes_the_person_off_the_list(world):
    client = verified_client(world["uae"])
    crisis, meera, anil = world["crisis"], world["meera"], world["anil"]
    bad = client.post(url("unaccounted_answer", crisis.id, anil.id), {"status": "HELP", "submission": "a" * 20})
    assert bad.status_code == 400
    text = body(bad)
    assert next_to(text, f"answer-{anil.id}-needs_desc", "Tell us what help you need: tick at least one, or write it in the box.")
    assert f'href="#answer-{anil.id}"' in text and "<details open>" in text
    no_status = client.post(url("unaccounted_answer", crisis.id, anil.id), {"status": "", "submission": "b" * 20})
    assert no_status.status_code == 400 and next_to(body(no_status), f"answer-{anil.id}-status_desc", "Say whether you are safe or need help.")
    assert CheckIn.objects.count() == 1

    response = client.post(url("unaccounted_answer", crisis.id, meera.id), {"status": "SAFE", "submission": "c" * 20, "page": "1"})
    assert response.status_code == 302 and response["Location"] == url("unaccounted", crisis.id)
    recorded = CheckIn.objects.get(person=meera)
    assert (recorded.status, recorded.channel, recorded.recorded_by) == ("SAFE", CheckInChannel.STAFF, world["uae"])
    again = client.post(url("unaccounted_answer", crisis.id, meera.id), {"status": "SAFE", "submission": "c" * 20})
    assert again.status_code == 302 and CheckIn.objects.filter(person=meera).count() == 1  # the same form sent twice
    text = body(client.get(response["Location"]))
    assert "The answer was recorded: the person is safe." in text
    assert meera.full_name not in text and anil.full_name in text

    client.post(url("unaccounted_answer", crisis.id, anil.id), {"status": "HELP", "needs": ["SHELTER"], "note": "Roof collapsed", "submission": "d" * 20})
    assert HelpRequest.objects.get(person=anil).needs == ["SHELTER"]
    text = body(client.get(url("unaccounted", crisis.id)))
    assert "Everyone the government may contact in the area has answered." in text
    assert "Shelter" in body(client.get(url("triage", crisis.id)))


def test_an_answer_for_someone_outside_the_crisis_is_404(world, registrar):
    elsewhere = person(registrar, residence_region="Abu Dhabi")
    response = verified_client(world["uae"]).post(url("unaccounted_answer", world["crisis"].id, elsewhere.id), {"status": "SAFE"})
    assert response.status_code == 404 and CheckIn.objects.count() == 1


def test_the_call_list_shows_fifty_a_page_and_logs_only_those_shown(world, registrar):
    for _ in range(49):
        register(registrar, mobile="", email="")
    client = verified_client(world["uae"])
    first = body(client.get(url("unaccounted", world["crisis"].id)))
    assert "51 people not yet accounted for." in first and "Page 1 of 2" in first
    assert first.count("<details>") == 50
    assert PersonalDataAccess.objects.filter(purpose="crisis-call-list").count() == 50
    second = body(client.get(url("unaccounted", world["crisis"].id), {"page": "2"}))
    assert second.count("<details>") == 1 and 'name="page" value="2"' in second
    logged = PersonalDataAccess.objects.filter(purpose="crisis-call-list")
    assert logged.count() == 51 and len(set(logged.values_list("person_id", flat=True))) == 51

"""Safety check-ins: the signed, expiring personal link; answers through it and by SMS (SAFE, HELP), each
recorded once; requests for help and the officials' work on them; the figures and the unaccounted for."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.audit.models import PersonalDataAccess
from pravasi.core.contacts import phone_index
from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.crisis import alerts, checkins, selectors, services
from pravasi.crisis.models import CheckIn, CheckInChannel, CheckInStatus, HelpRequest, HelpStatus
from pravasi.messaging.models import InboundOutcome
from pravasi.registry.services import family_member_add

from .factories import crisis_data, mission_official, register

pytestmark = pytest.mark.django_db
_phones = itertools.count(2000)


def person(registrar, **data):
    data.setdefault("mobile", f"+97150{next(_phones):07d}")
    return register(registrar, **data)


@pytest.fixture
def officer():
    return mission_official(["AE"])


@pytest.fixture
def sent(registrar, officer, django_capture_on_commit_callbacks):
    """A crisis in Dubai, three people there, and an alert sent to them."""
    crisis = services.crisis_declare(actor=officer, data=crisis_data(regions=["Dubai"]))
    people = [person(registrar, preferred_language=language) for language in ("en", "hi", "ml")]
    data = {"headline_en": "Floods: stay indoors", "description_en": "Roads are flooded.", "public": "on"}
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=data)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.alert_send(actor=officer, alert_id=alert.id)
    alert.refresh_from_db()
    return crisis, alert, people


def token_for(alert, person, **expiry):
    return checkins.checkin_token(alert_id=alert.id, person_id=person.id, expires_at=timezone.now() + timedelta(**(expiry or {"days": 1})))


def test_a_link_opens_only_for_its_person_until_it_expires(sent):
    crisis, alert, (ravi, *_rest) = sent
    link = checkins.checkin_link(alert=alert, person_id=ravi.id)
    token = link.rstrip("/").rsplit("/", 1)[1]
    page = checkins.checkin_page(token)
    assert (page.person, page.crisis, page.latest) == (ravi, crisis, None)
    assert len(token) < 80  # it fits in an SMS

    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (forged, "x" * 66, "", "../../etc", token + "A"):
        with pytest.raises(checkins.CheckInLinkInvalid):
            checkins.checkin_page(bad)
    with pytest.raises(checkins.CheckInLinkExpired):
        checkins.checkin_page(token_for(alert, ravi, seconds=-1))
    services.crisis_end(actor=crisis.declared_by, crisis_id=crisis.id, reason="The floods are over and roads are open.")
    with pytest.raises(Conflict):
        checkins.checkin_page(token)


def test_answers_through_the_link_are_recorded_once_and_the_latest_counts(registrar, sent):
    crisis, alert, (ravi, meera, _anil) = sent
    wife = family_member_add(actor=registrar, person=ravi, data={"name": "Lakshmi", "relation": "Wife", "sex": "F"})
    token = token_for(alert, ravi)
    answer = {"status": "HELP", "needs": ["EVACUATION", "FOOD"], "family": [str(wife.id)], "submission": "a" * 20}
    first, created = checkins.checkin_submit(token=token, data=answer)
    again, created_again = checkins.checkin_submit(token=token, data=answer)  # the form sent twice
    assert created and not created_again and again == first
    assert (first.status, first.needs, first.family_member_ids, first.channel) == ("HELP", ["FOOD", "EVACUATION"], [str(wife.id)], CheckInChannel.LINK)
    request = HelpRequest.objects.get(person=ravi)
    assert (request.status, request.priority, request.needs) == (HelpStatus.OPEN, 1, ["FOOD", "EVACUATION"])

    safe, _ = checkins.checkin_submit(token=token, data={"status": "SAFE", "submission": "b" * 20})
    assert list(CheckIn.objects.filter(person=ravi, is_latest=True)) == [safe]
    assert CheckIn.objects.filter(person=ravi).count() == 2
    assert HelpRequest.objects.get(person=ravi).status == HelpStatus.OPEN  # an official closes it, not the answer

    stranger = family_member_add(actor=registrar, person=meera, data={"name": "Devika", "relation": "Daughter", "sex": "F"})
    bad_answers = [
        ({"status": "MAYBE", "submission": "c" * 20}, "status"),
        ({"status": "HELP", "submission": "c" * 20}, "needs"),
        ({"status": "HELP", "needs": ["HELICOPTER"], "submission": "c" * 20}, "needs"),
        ({"status": "SAFE", "family": [str(stranger.id)], "submission": "c" * 20}, "family"),
        ({"status": "SAFE", "note": "x" * 501, "submission": "c" * 20}, "note"),
    ]
    for data, field in bad_answers:
        with pytest.raises(ValidationFailed) as refused:
            checkins.checkin_submit(token=token, data=data)
        assert field in refused.value.fields
    with pytest.raises(ValidationFailed):
        checkins.checkin_submit(token=token, data={"status": "SAFE", "submission": "short"})
    assert CheckIn.objects.filter(person=ravi).count() == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SAFE", ("SAFE", [])),
        ("  safe. ", ("SAFE", [])),
        ("सुरक्षित", ("SAFE", [])),
        ("സുരക്ഷിതം", ("SAFE", [])),
        ("HELP", ("HELP", [])),
        ("help 4 1", ("HELP", ["MEDICAL", "EVACUATION"])),
        ("HELP food, passport", ("HELP", ["FOOD", "DOCUMENTS_LOST"])),
        ("मदद खाना", ("HELP", ["FOOD"])),
        ("hello there", None),
        ("", None),
        ("unsafe", None),
    ],
)
def test_sms_replies_are_read_in_three_languages(text, expected):
    assert checkins.parse_reply(text) == expected


def test_sms_replies_record_a_check_in_once_and_answer_strangers_clearly(registrar, sent):
    crisis, alert, (ravi, meera, _anil) = sent
    handled = checkins.inbound_sms(sender=ravi.mobile, sender_index=phone_index(ravi.mobile), text="HELP 1", message_key="inbound:one")
    replayed = checkins.inbound_sms(sender=ravi.mobile, sender_index=phone_index(ravi.mobile), text="HELP 1", message_key="inbound:one")
    assert handled.outcome == replayed.outcome == InboundOutcome.HANDLED and crisis.reference in handled.reply
    checkin = CheckIn.objects.get(person=ravi)
    assert (checkin.channel, checkin.status, checkin.needs, checkin.alert) == (CheckInChannel.SMS, "HELP", ["MEDICAL"], alert)
    assert HelpRequest.objects.get(person=ravi).priority == 0

    hindi = checkins.inbound_sms(sender=meera.mobile, sender_index=phone_index(meera.mobile), text="SAFE", message_key="inbound:two")
    assert hindi.outcome == InboundOutcome.HANDLED and "सुरक्षित" in hindi.reply  # answered in her language

    unknown = checkins.inbound_sms(sender="+971509999999", sender_index=phone_index("+971509999999"), text="SAFE", message_key="inbound:three")
    assert unknown.outcome == InboundOutcome.UNKNOWN_SENDER and "helpline" in unknown.reply
    elsewhere = person(registrar, residence_region="Abu Dhabi")
    no_alert = checkins.inbound_sms(sender=elsewhere.mobile, sender_index=phone_index(elsewhere.mobile), text="SAFE", message_key="inbound:four")
    assert no_alert.outcome == InboundOutcome.NO_ACTIVE_ALERT
    assert checkins.inbound_sms(sender=ravi.mobile, sender_index=phone_index(ravi.mobile), text="what is happening?", message_key="inbound:five") is None
    assert CheckIn.objects.count() == 2


def test_figures_triage_and_the_unaccounted_for(registrar, officer, sent):
    crisis, alert, (ravi, meera, anil) = sent
    checkins.checkin_submit(token=token_for(alert, ravi), data={"status": "HELP", "needs": ["MEDICAL"], "submission": "r" * 20})
    checkins.checkin_submit(token=token_for(alert, meera), data={"status": "SAFE", "submission": "m" * 20})
    never_reached = register(registrar, mobile="", email="")  # in the area, with no contact on record
    figures = selectors.checkin_figures(crisis)
    assert figures["totals"] == {"people": 4, "reached": 3, "answered": 2, "safe": 1, "help": 1, "unanswered": 2}
    assert figures["regions"]["Dubai"] == {"people": 4, "reached": 3, "safe": 1, "help": 1, "unanswered": 2}
    timeline = selectors.checkin_timeline(crisis, hours=3)
    assert len(timeline) == 3 and timeline[-1]["answered"] == 2 and sum(row["help"] for row in timeline) == 1

    assert {p.id for p in selectors.unaccounted(actor=officer, crisis=crisis)} == {anil.id, never_reached.id}
    outsider = mission_official(["QA"])
    assert not selectors.unaccounted(actor=outsider, crisis=crisis).exists()
    assert not selectors.triage_queue(actor=outsider, crisis=crisis).exists()

    (request,) = selectors.triage_queue(actor=officer, crisis=crisis)
    with pytest.raises(NotFound):
        checkins.help_assign(actor=outsider, request_id=request.id)
    opened = checkins.help_request_view(actor=officer, request_id=request.id)
    assert opened.person == ravi and PersonalDataAccess.objects.filter(person_id=ravi.id, purpose=checkins.ACCESS_PURPOSE).count() == 1
    assigned = checkins.help_assign(actor=officer, request_id=request.id, expected=HelpStatus.OPEN)
    assert (assigned.status, assigned.assigned_to) == (HelpStatus.ASSIGNED, officer)
    with pytest.raises(Conflict):
        checkins.help_assign(actor=officer, request_id=request.id, expected=HelpStatus.OPEN)  # someone took it first
    checkins.help_note_add(actor=officer, request_id=request.id, text="Called him; an ambulance is on its way.")
    with pytest.raises(ValidationFailed):
        checkins.help_note_add(actor=officer, request_id=request.id, text="  ")
    with pytest.raises(ValidationFailed):
        checkins.help_resolve(actor=officer, request_id=request.id, resolution="ok")
    resolved = checkins.help_resolve(actor=officer, request_id=request.id, resolution="Taken to Rashid Hospital and treated.")
    assert resolved.status == HelpStatus.RESOLVED and resolved.resolved_at is not None
    assert not selectors.triage_queue(actor=officer, crisis=crisis).exists()

    # A call for help after the first was resolved opens a new request.
    checkins.checkin_submit(token=token_for(alert, ravi), data={"status": "HELP", "needs": ["SHELTER"], "submission": "s" * 20})
    assert HelpRequest.objects.filter(person=ravi).count() == 2

    recorded = checkins.checkin_record_by_staff(actor=officer, crisis_id=crisis.id, person_id=anil.id, data={"status": "SAFE"})
    assert (recorded.channel, recorded.recorded_by) == (CheckInChannel.STAFF, officer)
    with pytest.raises(NotFound):
        checkins.checkin_record_by_staff(actor=officer, crisis_id=crisis.id, person_id=person(registrar, residence_region="Abu Dhabi").id, data={"status": "SAFE"})
    with pytest.raises(NotFound):
        checkins.checkin_record_by_staff(actor=outsider, crisis_id=crisis.id, person_id=anil.id, data={"status": "SAFE"})
    assert CheckIn.objects.filter(crisis=crisis, is_latest=True, status=CheckInStatus.SAFE).count() == 2

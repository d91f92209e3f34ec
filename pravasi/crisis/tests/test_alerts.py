"""Alerts: writing in several languages, the preview by channel and language, sending to each person in their
language (English, stated, when the alert lacks it), and a fan-out that resumes without writing or handing
over anything twice."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from pravasi.core.errors import Conflict, NotFound, ValidationFailed
from pravasi.crisis import alerts, services
from pravasi.crisis.models import Alert, AlertStatus, AlertText, CapMessageType
from pravasi.messaging.models import DeliveryStatus, OutboxMessage
from pravasi.messaging.services import _claim, batch_deliver

from .factories import crisis_data, mission_official, register

pytestmark = pytest.mark.django_db
_phones = itertools.count(1000)


def texts(**languages) -> dict:
    data = {}
    for language in languages or {"en": True}:
        data[f"headline_{language}"] = f"Floods ({language}): stay indoors"
        data[f"description_{language}"] = f"Heavy rain has flooded roads ({language})."
        data[f"instruction_{language}"] = f"Keep your passport dry ({language})."
    return data


def person(registrar, **data):
    data.setdefault("mobile", f"+97150{next(_phones):07d}")
    return register(registrar, **data)


@pytest.fixture
def officer():
    return mission_official(["AE"])


@pytest.fixture
def crisis(officer):
    return services.crisis_declare(actor=officer, data=crisis_data(regions=["Dubai"]))


def outbox_for(alert):
    return list(OutboxMessage.objects.filter(batch=alerts.batch_key(alert)))


def test_draft_needs_english_and_whole_texts_and_changes_nothing_when_refused(officer, crisis):
    with pytest.raises(ValidationFailed) as refused:
        alerts.alert_draft(actor=officer, crisis_id=crisis.id, data={"headline_hi": "बाढ़"})
    assert set(refused.value.fields) >= {"headline_en", "description_en", "description_hi"}
    with pytest.raises(ValidationFailed) as long_headline:
        alerts.alert_draft(actor=officer, crisis_id=crisis.id, data={**texts(en=1), "headline_en": "x" * 161})
    assert "headline_en" in long_headline.value.fields
    assert not Alert.objects.exists() and not AlertText.objects.exists()

    other_mission = mission_official(["QA"])
    with pytest.raises(NotFound):
        alerts.alert_draft(actor=other_mission, crisis_id=crisis.id, data=texts(en=1))

    first = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data={**texts(en=1, ml=1), "public": "on"})
    assert (first.sequence, first.message_type, first.status, first.public) == (1, CapMessageType.ALERT, AlertStatus.DRAFT, True)
    assert sorted(first.texts.values_list("language", flat=True)) == ["en", "ml"]


def test_preview_counts_by_channel_and_language_with_the_english_fallback(registrar, officer, crisis):
    person(registrar, preferred_language="hi")
    person(registrar, preferred_language="hi", email="")
    person(registrar, preferred_language="ml")
    person(registrar, preferred_language="ta")  # Tamil: the alert has no Tamil text
    register(registrar, mobile="", email="", preferred_language="en")  # no contact on record
    person(registrar, residence_region="Abu Dhabi")  # outside the area
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1, hi=1, ml=1))
    preview = alerts.alert_preview(alert)
    assert preview["totals"] == {"people": 5, "SMS": 4, "EMAIL": 3, "no_contact": 1, "fallback_people": 1}
    by_language = {row["language"]: row for row in preview["languages"]}
    assert by_language["hi"] == {"language": "hi", "receives": "hi", "fallback": False, "people": 2, "SMS": 2, "EMAIL": 1}
    assert by_language["ta"]["receives"] == "en" and by_language["ta"]["fallback"] is True


def test_send_writes_one_message_per_person_and_channel_in_their_language(registrar, officer, crisis, django_capture_on_commit_callbacks):
    hindi = person(registrar, preferred_language="hi")
    tamil = person(registrar, preferred_language="ta", email="")
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data={**texts(en=1, hi=1), "public": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        sent = alerts.alert_send(actor=officer, alert_id=alert.id)
    assert sent.status == AlertStatus.PUBLISHED and sent.published_at is not None and sent.recipients_planned == 3
    messages = outbox_for(alert)
    assert sorted((str(m.party), m.channel) for m in messages) == sorted([(str(hindi.id), "SMS"), (str(hindi.id), "EMAIL"), (str(tamil.id), "SMS")])
    assert all(m.status == DeliveryStatus.SENT for m in messages)  # the embedded log channel hands over at once
    hindi_sms = next(m for m in messages if m.party == hindi.id and m.channel == "SMS")
    assert "Floods (hi)" in hindi_sms.body and "/checkin/" in hindi_sms.body and hindi_sms.language == "hi"
    tamil_sms = next(m for m in messages if m.party == tamil.id)
    # Tamil has no translation of the interface either, so the stated fallback reads in English.
    assert tamil_sms.language == "en" and "Floods (en)" in tamil_sms.body and "not available in your language" in tamil_sms.body
    hindi_mail = next(m for m in messages if m.party == hindi.id and m.channel == "EMAIL")
    assert hindi_mail.subject.startswith(f"[{crisis.reference}]") and "Embassy 24x7: +97124492700" in hindi_mail.body

    progress = alerts.alert_progress(Alert.objects.get(pk=alert.pk))
    assert progress["finished"] and progress["percent"] == 100 and progress["channels"]["SMS"]["handed_over"] == 2

    with pytest.raises(Conflict):
        alerts.alert_send(actor=officer, alert_id=alert.id)
    assert alerts.alert_fan_out(alert_id=alert.id) == {"written": 0}
    assert len(outbox_for(alert)) == 3
    second = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    assert second.message_type == CapMessageType.UPDATE and second.sequence == 2


def test_a_fan_out_that_dies_resumes_from_its_cursor_and_writes_nothing_twice(registrar, officer, crisis):
    people = [person(registrar) for _ in range(5)]
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.PUBLISHED, published_at=timezone.now(), send_requested_at=timezone.now())

    class WorkerDied(Exception):
        pass

    def die(channel):
        raise WorkerDied

    with pytest.raises(WorkerDied):
        alerts.alert_fan_out(alert_id=alert.id, chunk=2, deliver=die)
    alert.refresh_from_db()
    assert alert.messages_written == 4 and alert.fanout_cursor is not None and alert.fanout_done_at is None
    handed = []
    alerts.alert_fan_out(alert_id=alert.id, chunk=2, deliver=handed.append)
    alert.refresh_from_db()
    assert alert.messages_written == 10 and alert.fanout_done_at is not None
    messages = outbox_for(alert)
    assert len(messages) == 10 and len({(m.party, m.channel) for m in messages}) == 10
    assert {m.party for m in messages} == {p.id for p in people}
    # Rerunning the whole fan-out from the start (a lost cursor) still writes nothing.
    Alert.objects.filter(pk=alert.pk).update(fanout_cursor=None, fanout_done_at=None)
    assert alerts.alert_fan_out(alert_id=alert.id, chunk=3) == {"written": 0}
    assert OutboxMessage.objects.filter(batch=alerts.batch_key(alert)).count() == 10


def test_a_claimed_message_is_handed_over_again_only_after_its_lease(registrar, officer, crisis, settings):
    for _ in range(3):
        person(registrar, email="")
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.PUBLISHED, published_at=timezone.now(), send_requested_at=timezone.now())
    alerts.alert_fan_out(alert_id=alert.id)
    key = alerts.batch_key(alert)
    claimed = _claim(batch=key, channel="SMS", limit=2)  # a worker claims two and dies before handing over
    assert len(claimed) == 2
    assert batch_deliver(batch=key, channel="SMS") == {"sent": 1, "failed": 0, "retry": 0}
    assert batch_deliver(batch=key, channel="SMS") == {"sent": 0, "failed": 0, "retry": 0}
    settings.PRAVASI_SEND_CLAIM_LEASE_SECONDS = 0
    assert batch_deliver(batch=key, channel="SMS") == {"sent": 2, "failed": 0, "retry": 0}
    assert set(OutboxMessage.objects.filter(batch=key).values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert OutboxMessage.objects.filter(batch=key, attempts=1).count() == 3


def test_only_managers_send_and_an_ended_crisis_sends_nothing(registrar, officer, crisis, django_capture_on_commit_callbacks):
    person(registrar)
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    with pytest.raises(NotFound):
        alerts.alert_send(actor=mission_official(["QA"]), alert_id=alert.id)
    from pravasi.accounts.roles import Role
    from pravasi.accounts.tests.factories import user_with_role

    with pytest.raises(NotFound):
        alerts.alert_send(actor=user_with_role(Role.POE_OFFICER), alert_id=alert.id)
    services.crisis_end(actor=officer, crisis_id=crisis.id, reason="The water has gone down and roads are open.")
    with pytest.raises(Conflict):
        alerts.alert_send(actor=officer, alert_id=alert.id)
    with pytest.raises(Conflict):
        alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    assert not OutboxMessage.objects.filter(batch=alerts.batch_key(alert)).exists()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT


def test_a_draft_is_discarded_but_a_sent_alert_is_not(officer, crisis, django_capture_on_commit_callbacks):
    draft = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    alerts.alert_discard(actor=officer, alert_id=draft.id)
    assert not Alert.objects.filter(pk=draft.pk).exists()
    sent = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=texts(en=1))
    with django_capture_on_commit_callbacks(execute=True):
        alerts.alert_send(actor=officer, alert_id=sent.id)
    with pytest.raises(Conflict):
        alerts.alert_discard(actor=officer, alert_id=sent.id)

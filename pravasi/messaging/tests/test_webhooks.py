"""Gateway webhooks over HTTP: signatures, delivery reports and inbound SMS, each bad request refused with nothing changed."""

import hashlib
import hmac
import json
import logging
import time

import pytest
from django.conf import settings

from pravasi.core.contacts import phone_index
from pravasi.messaging import webhooks
from pravasi.messaging.models import DeliveryStatus, InboundMessage, InboundOutcome, OutboxMessage
from pravasi.messaging.services import message_deliver, message_enqueue

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/gateway/json/report/"
INBOUND = "/api/v1/gateway/json/inbound/"
KANNEL_REPORT = "/api/v1/gateway/kannel/report/"
KANNEL_INBOUND = "/api/v1/gateway/kannel/inbound/"
THIS = "pravasi.messaging.tests.test_webhooks"
NUMBER = "+971501234567"

handled: list[dict] = []


def claims_safe(*, sender, sender_index, text, message_key):
    """A handler as the crisis check-in one is: it claims "SAFE" and answers with a reply."""
    if text.strip().upper() != "SAFE":
        return None
    handled.append({"sender": sender, "sender_index": sender_index, "message_key": message_key})
    return {"outcome": InboundOutcome.HANDLED, "handled_as": "test.safe", "reply": "Thank you. Stay safe."}


def breaks(**kwargs):
    raise RuntimeError(f"broken handler for {kwargs['sender']}")


@pytest.fixture(autouse=True)
def handlers(settings):
    handled.clear()
    webhooks._missing_handlers.clear()
    settings.PRAVASI_INBOUND_SMS_HANDLERS = ["pravasi.nowhere.inbound_sms", f"{THIS}.breaks", f"{THIS}.claims_safe"]


def sent_message(key="k1"):
    message = message_enqueue(channel="SMS", recipient=NUMBER, body="നമസ്കാരം: alert", purpose="test", idempotency_key=key)
    message_deliver(message_id=message.id)
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    return message


def post_signed(client, url, payload, *, at=None, header=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signature = header if header is not None else webhooks.signature_header(body, at=at)
    headers = {"X-Pravasi-Signature": signature} if signature else {}
    return client.post(url, data=body, content_type="application/json", headers=headers)


def snapshot():
    return list(OutboxMessage.objects.order_by("id").values_list("id", "status", "delivered_at")), InboundMessage.objects.count()


# --- signatures ---------------------------------------------------------------------------------------------


def test_a_signed_report_is_accepted(client):
    message = sent_message()
    response = post_signed(client, REPORT, {"id": message.provider_ref, "status": "DELIVERED"})
    assert response.status_code == 200, response.content
    assert response.json() == {"matched": 1, "changed": 1}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED and message.delivered_at is not None


@pytest.mark.parametrize(
    ("header", "at", "message"),
    [
        ("", None, "is missing"),
        ("garbage", None, "malformed"),
        ("t=abc,v1=00", None, "malformed"),
        ("t=1700000000", None, "malformed"),
        ("t={now},v1=" + "0" * 64, None, "does not match"),
        (None, -310, "expired"),
        (None, +310, "expired"),
    ],
    ids=["missing", "garbage", "bad-time", "no-v1", "wrong", "expired", "from-the-future"],
)
def test_a_bad_signature_is_refused_and_changes_nothing(client, header, at, message):
    sent_message()
    ref = OutboxMessage.objects.get().provider_ref
    before = snapshot()
    body = json.dumps({"id": ref, "status": "DELIVERED"}).encode()
    if header is not None:
        header = header.replace("{now}", str(int(time.time())))
    response = post_signed(client, REPORT, None, raw=body, header=header, at=int(time.time()) + at if at else None)
    assert response.status_code == 403
    assert response.json()["code"] == "bad_signature" and message in response.json()["message"]
    assert snapshot() == before


def test_the_replay_window_is_300_seconds_either_way():
    body = b'{"id": "op-1", "status": "DELIVERED"}'
    header = webhooks.signature_header(body, at=1_800_000_000)
    for now in (1_800_000_000 - 300, 1_800_000_000, 1_800_000_000 + 300):
        webhooks.signature_check(header=header, body=body, now=now)
    for now in (1_800_000_000 - 301, 1_800_000_000 + 301):
        with pytest.raises(webhooks.BadSignature):
            webhooks.signature_check(header=header, body=body, now=now)
    # The digest is HMAC-SHA256 over "<t>." + the raw body, in hex.
    expected = hmac.new(settings.PRAVASI_GATEWAY_WEBHOOK_SECRET.encode(), b"1800000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1800000000,v1={expected}"


def test_a_signature_over_another_body_is_refused(client):
    message = sent_message()
    header = webhooks.signature_header(json.dumps({"id": "other", "status": "DELIVERED"}).encode())
    response = post_signed(client, REPORT, {"id": message.provider_ref, "status": "DELIVERED"}, header=header)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_a_signature_with_another_secret_is_refused(client, settings):
    message = sent_message()
    body = json.dumps({"id": message.provider_ref, "status": "DELIVERED"}).encode()
    response = post_signed(client, REPORT, None, raw=body, header=webhooks.signature_header(body, secret="not-our-secret"))
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_an_address_that_keeps_failing_signatures_is_refused_for_a_while(client):
    message = sent_message()
    for _ in range(30):
        assert post_signed(client, REPORT, {"id": message.provider_ref, "status": "DELIVERED"}, header="t=1,v1=00").status_code == 403
    response = post_signed(client, REPORT, {"id": message.provider_ref, "status": "DELIVERED"})
    assert response.status_code == 429 and response["Retry-After"]
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


# --- delivery reports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field", "text"),
    [
        (b"{not json", "body", "not valid JSON"),
        (b"\xff\xfe", "body", "not valid JSON"),
        (b"[1, 2]", "non_field_errors", "JSON object"),
        (b'{"status": "DELIVERED"}', "id", "message id"),
        (b'{"id": "", "status": "DELIVERED"}', "id", "message id"),
        (b'{"id": "op-1"}', "status", "DELIVERED or FAILED"),
        (b'{"id": "op-1", "status": 3}', "status", "DELIVERED or FAILED"),
        (b'{"id": "' + b"x" * 121 + b'", "status": "DELIVERED"}', "id", "longer than 120"),
    ],
    ids=["not-json", "not-utf8", "not-object", "no-id", "empty-id", "no-status", "status-not-text", "id-too-long"],
)
def test_a_malformed_report_answers_400_naming_the_field(client, raw, field, text):
    sent_message()
    before = snapshot()
    response = post_signed(client, REPORT, None, raw=raw)
    assert response.status_code == 400
    assert any(text in m for m in response.json()["fields"][field]), response.json()
    assert snapshot() == before


def test_report_by_our_message_id_then_repeated_changes_nothing(client):
    message = sent_message()
    first = post_signed(client, REPORT, {"id": str(message.id), "status": "delivered"})
    assert first.json() == {"matched": 1, "changed": 1}
    message.refresh_from_db()
    delivered_at = message.delivered_at
    again = post_signed(client, REPORT, {"id": str(message.id), "status": "DELIVERED"})
    late_failure = post_signed(client, REPORT, {"id": message.provider_ref, "status": "FAILED"})
    assert again.json() == {"matched": 1, "changed": 0} and late_failure.json() == {"matched": 1, "changed": 0}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED and message.delivered_at == delivered_at


def test_failed_report_marks_the_message_failed(client):
    message = sent_message()
    assert post_signed(client, REPORT, {"id": message.provider_ref, "status": "FAILED"}).json() == {"matched": 1, "changed": 1}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.FAILED and message.last_error


def test_an_intermediate_status_changes_nothing(client):
    message = sent_message()
    assert post_signed(client, REPORT, {"id": message.provider_ref, "status": "BUFFERED"}).json() == {"matched": 1, "changed": 0}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_unknown_id_answers_200_matched_0(client):
    sent_message()
    before = snapshot()
    for ref in ("op-unknown", "6f1c1f0e-5d5b-4c4e-9d8a-3b0b8f8a1c2d"):
        response = post_signed(client, REPORT, {"id": ref, "status": "DELIVERED"})
        assert response.status_code == 200 and response.json() == {"matched": 0, "changed": 0}
    assert snapshot() == before


def test_a_report_overtaking_the_worker_asks_to_be_sent_again(client):
    message = sent_message()
    OutboxMessage.objects.filter(id=message.id).update(status=DeliveryStatus.SENDING)  # handed over, not yet recorded
    response = post_signed(client, REPORT, {"id": str(message.id), "status": "DELIVERED"})
    assert response.status_code == 503 and response["Retry-After"] and response.json()["code"] == "not_ready"
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENDING


def test_kannel_report_with_a_good_signature(client):
    message = sent_message()
    sig = webhooks.kannel_report_signature(str(message.id))
    submitted = client.get(KANNEL_REPORT, {"id": str(message.id), "sig": sig, "status": "8"})
    assert submitted.json() == {"matched": 1, "changed": 0}
    delivered = client.get(KANNEL_REPORT, {"id": str(message.id), "sig": sig, "status": "1"})
    assert delivered.status_code == 200 and delivered.json() == {"matched": 1, "changed": 1}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED


def test_kannel_dlr_url_is_signed_and_keeps_the_status_placeholder(client, settings):
    settings.PRAVASI_PUBLIC_URL = "https://pravasi.example"
    message = sent_message()
    url = webhooks.kannel_dlr_url(str(message.id))
    assert url.startswith("https://pravasi.example/api/v1/gateway/kannel/report/?") and url.endswith("&status=%d")
    response = client.get(url.removeprefix("https://pravasi.example").replace("%d", "16"))
    assert response.json() == {"matched": 1, "changed": 1}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.FAILED


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        ({"sig": "0" * 64, "status": "1"}, 403, "does not match"),
        ({"status": "1"}, 403, "does not match"),
        ({"sig": "{good}", "status": "3"}, 400, "1, 2, 4, 8 or 16"),
        ({"sig": "{good}", "status": "delivered"}, 400, "1, 2, 4, 8 or 16"),
        ({"sig": "{good}"}, 400, "1, 2, 4, 8 or 16"),
    ],
    ids=["wrong-sig", "no-sig", "unknown-type", "not-a-number", "no-status"],
)
def test_kannel_report_refused(client, params, status, text):
    message = sent_message()
    before = snapshot()
    params = {"id": str(message.id), **params}
    if params.get("sig") == "{good}":
        params["sig"] = webhooks.kannel_report_signature(str(message.id))
    response = client.get(KANNEL_REPORT, params)
    assert response.status_code == status
    assert text in json.dumps(response.json())
    assert snapshot() == before


def test_a_kannel_signature_names_one_message_only(client):
    first, second = sent_message("k1"), sent_message("k2")
    response = client.get(KANNEL_REPORT, {"id": str(second.id), "sig": webhooks.kannel_report_signature(str(first.id)), "status": "1"})
    assert response.status_code == 403
    assert OutboxMessage.objects.filter(status=DeliveryStatus.DELIVERED).count() == 0


# --- inbound SMS ----------------------------------------------------------------------------------------------


def replies():
    return OutboxMessage.objects.filter(purpose="inbound.reply")


def test_inbound_sms_is_stored_once_and_answered_once_when_replayed(client, caplog):
    payload = {"id": "mo-1", "from": "00971 50 123 4567", "text": " safe ", "received_at": "2026-11-26T10:15:00+04:00"}
    with caplog.at_level(logging.INFO):
        first = post_signed(client, INBOUND, payload)
        again = post_signed(client, INBOUND, payload)
    assert first.status_code == 200 and first.json() == {"outcome": "HANDLED", "handled_as": "test.safe", "replayed": False}
    assert again.status_code == 200 and again.json() == {"outcome": "HANDLED", "handled_as": "test.safe", "replayed": True}
    inbound = InboundMessage.objects.get()
    assert (inbound.gateway, inbound.provider_ref, inbound.sender, inbound.text) == ("json", "mo-1", NUMBER, " safe ")
    assert inbound.sender_index == phone_index(NUMBER) and inbound.received_at.isoformat() == "2026-11-26T06:15:00+00:00"
    assert handled == [{"sender": NUMBER, "sender_index": phone_index(NUMBER), "message_key": f"inbound:{inbound.id}"}]
    reply = replies().get()
    assert (reply.recipient, reply.body, reply.channel, reply.idempotency_key) == (NUMBER, "Thank you. Stay safe.", "SMS", f"inbound-reply:{inbound.id}")
    # A handler that cannot be imported and one that fails are skipped, and neither the number nor the text is logged.
    assert "pravasi.nowhere.inbound_sms cannot be imported" in caplog.text and "breaks failed (RuntimeError)" in caplog.text
    assert "4567" not in caplog.text and " safe " not in caplog.text
    assert "4567" not in (first.content + again.content).decode()


def test_inbound_sms_no_handler_claims_is_not_understood(client):
    response = post_signed(client, INBOUND, {"id": "mo-2", "from": NUMBER, "text": "where is the shelter?"})
    assert response.json() == {"outcome": "NOT_UNDERSTOOD", "handled_as": "", "replayed": False}
    assert InboundMessage.objects.get().outcome == InboundOutcome.NOT_UNDERSTOOD
    assert not replies().exists() and not handled


def test_inbound_sms_with_only_missing_handlers_is_not_understood(client, settings):
    settings.PRAVASI_INBOUND_SMS_HANDLERS = ["pravasi.crisis.checkins.no_such_handler", "no_such_module"]
    response = post_signed(client, INBOUND, {"id": "mo-3", "from": NUMBER, "text": "SAFE"})
    assert response.status_code == 200 and response.json()["outcome"] == "NOT_UNDERSTOOD"


def test_inbound_sms_from_a_number_we_cannot_read(client):
    response = post_signed(client, INBOUND, {"id": "mo-4", "from": "AD-ALERTS", "text": "SAFE"})
    assert response.status_code == 200 and response.json()["outcome"] == "UNKNOWN_SENDER"
    inbound = InboundMessage.objects.get()
    assert inbound.sender_index == "" and not handled and not replies().exists()


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"from": NUMBER, "text": "SAFE"}, "id", "operator's id"),
        ({"id": "mo-5", "text": "SAFE"}, "from", "sender's number"),
        ({"id": "mo-5", "from": "+9" * 20, "text": "SAFE"}, "from", "too long"),
        ({"id": "mo-5", "from": NUMBER}, "text", "text of the message"),
        ({"id": "mo-5", "from": NUMBER, "text": "x" * 2001}, "text", "longer than 2000"),
        ({"id": "mo-5", "from": NUMBER, "text": "SAFE", "received_at": "yesterday"}, "received_at", "ISO 8601"),
    ],
    ids=["no-id", "no-from", "from-too-long", "no-text", "text-too-long", "bad-time"],
)
def test_malformed_inbound_answers_400_and_stores_nothing(client, payload, field, text):
    response = post_signed(client, INBOUND, payload)
    assert response.status_code == 400
    assert any(text in m for m in response.json()["fields"][field]), response.json()
    assert not InboundMessage.objects.exists() and not handled


def test_unsigned_inbound_is_refused(client):
    response = post_signed(client, INBOUND, {"id": "mo-6", "from": NUMBER, "text": "SAFE"}, header="")
    assert response.status_code == 403
    assert not InboundMessage.objects.exists() and not handled


def test_kannel_inbound_with_its_token(client, settings):
    settings.PRAVASI_PUBLIC_URL = "https://pravasi.example"
    template = webhooks.kannel_inbound_url()
    assert template.startswith("https://pravasi.example/api/v1/gateway/kannel/inbound/?from=%p&text=%a&id=%I&token=")
    assert "max-messages = 0" in webhooks.kannel_sms_service_config()
    # Kannel gives the number as the operator delivered it, often without the "+".
    params = {"from": "971501234567", "text": "SAFE", "id": "0b6a6f0e-kannel", "token": webhooks.kannel_inbound_token()}
    first, again = client.get(KANNEL_INBOUND, params), client.get(KANNEL_INBOUND, params)
    assert first.json()["outcome"] == "HANDLED" and again.json()["replayed"] is True
    inbound = InboundMessage.objects.get()
    assert (inbound.gateway, inbound.sender) == ("kannel", NUMBER)
    assert replies().count() == 1


@pytest.mark.parametrize("token", ["", "0" * 64], ids=["no-token", "wrong-token"])
def test_kannel_inbound_without_the_token_is_refused(client, token):
    response = client.get(KANNEL_INBOUND, {"from": NUMBER, "text": "SAFE", "id": "k-1", "token": token})
    assert response.status_code == 403
    assert not InboundMessage.objects.exists() and not handled


def test_inbound_receive_called_directly_replays_the_first_outcome():
    first = webhooks.inbound_receive(gateway="json", provider_ref="mo-7", sender=NUMBER, text="SAFE")
    again = webhooks.inbound_receive(gateway="json", provider_ref="mo-7", sender=NUMBER, text="something else")
    assert first.id == again.id and not first.replayed
    assert again.replayed and again.outcome == InboundOutcome.HANDLED and again.text == "SAFE"
    assert InboundMessage.objects.count() == 1 and replies().count() == 1 and len(handled) == 1

"""Sign-up with a confirmed contact, sign-in with TOTP for officials, lockout and idle expiry."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.accounts.models import ConfirmationCode, User
from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import PASSWORD, current_totp, user_with_role
from pravasi.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def last_code() -> str:
    body = OutboxMessage.objects.order_by("-created_at").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_signup_sends_a_code_through_the_outbox_and_confirms(client):
    response = client.post(reverse("accounts:signup"), {"display_name": "Anitha", "contact": "+971 50 123 4567", "password": "a-long-enough-secret"})
    assert response.status_code == 302 and response.url == reverse("accounts:confirm")
    message = OutboxMessage.objects.get()
    assert message.channel == "SMS" and message.recipient == "+971501234567"
    user = User.objects.get()
    assert user.contact_confirmed_at is None and user.mobile == "+971501234567"
    response = client.post(reverse("accounts:confirm"), {"code": "000000" if last_code() != "000000" else "111111"})
    assert "wrong" in response.content.decode()
    response = client.post(reverse("accounts:confirm"), {"code": last_code()})
    assert response.status_code == 302 and response.url == reverse("portal:register")
    user.refresh_from_db()
    assert user.contact_confirmed_at is not None


def test_code_attempts_are_limited(client):
    client.post(reverse("accounts:signup"), {"display_name": "A", "contact": "someone@example.org", "password": "a-long-enough-secret"})
    code = last_code()
    for _ in range(5):
        client.post(reverse("accounts:confirm"), {"code": "999999" if code != "999999" else "888888"})
    assert ConfirmationCode.objects.get().attempts == 5
    response = client.post(reverse("accounts:confirm"), {"code": code})
    assert response.status_code == 200 and "wrong" in response.content.decode()


@pytest.mark.parametrize(
    "data,field_message",
    [
        ({"display_name": "A", "contact": "not a contact", "password": "a-long-enough-secret"}, "phone number"),
        ({"display_name": "A", "contact": "x@", "password": "a-long-enough-secret"}, "valid e-mail"),
        ({"display_name": "A", "contact": "+919847012345", "password": "short"}, "too short"),
    ],
)
def test_signup_bad_input(client, data, field_message):
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not User.objects.exists() and not OutboxMessage.objects.exists()


def test_official_must_pass_totp_before_the_workspace(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # a wrong code blocks the next try for 30 s, whatever the machine's speed
    user = user_with_role(Role.MISSION_OFFICER)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor"))
    assert client.get(reverse("workspace:home")).url.startswith(reverse("accounts:two_factor"))
    assert client.get("/api/v1/registry/persons/").status_code == 403
    response = client.post(reverse("accounts:two_factor"), {"otp_token": "000000" if current_totp(user) != "000000" else "111111"})
    assert "not right" in response.content.decode()
    # Each failure doubles the wait before the next try (django-otp throttling).
    response = client.post(reverse("accounts:two_factor"), {"otp_token": current_totp(user)})
    assert "wait a few seconds" in response.content.decode()
    TOTPDevice.objects.get(user=user).throttle_reset()  # the wait has passed
    response = client.post(reverse("accounts:two_factor"), {"otp_token": current_totp(user)})
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).status_code == 200


def test_official_without_device_enrols_with_qr_and_gets_recovery_codes(client):
    from django_otp.oath import totp

    user = user_with_role(Role.POE_OFFICER, totp_device=False)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.get(reverse("accounts:two_factor"), follow=True)
    page = response.content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:enrol"), {"otp_token": f"{totp(device.bin_key):06d}"})
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", response.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("workspace:home")).status_code == 200
    # A recovery code works once in place of the app.
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert client.post(reverse("accounts:two_factor"), {"otp_token": codes[0]}).status_code == 302
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert client.post(reverse("accounts:two_factor"), {"otp_token": codes[0]}).status_code == 200


def test_lockout_after_repeated_failures(client, settings):
    user = user_with_role(Role.PGE_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "paused" in response.content.decode()


def test_emigrant_signs_in_by_mobile_without_totp(client):
    user = user_with_role(Role.EMIGRANT)
    from pravasi.core.contacts import phone_index

    user.mobile, user.mobile_index = "+919847012345", phone_index("+919847012345")
    user.save()
    response = client.post(reverse("accounts:login"), {"username": "98470 12345", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("portal:profile")


def test_idle_session_expires(client, settings):
    from pravasi.accounts.middleware import LAST_SEEN_KEY
    from pravasi.accounts.tests.factories import login_verified

    user = user_with_role(Role.PGE_OFFICER)
    login_verified(client, user)
    assert client.get(reverse("workspace:home")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - settings.PRAVASI_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302 and "expired=1" in response.url

"""Messages to users: each in their own language, once per event."""

import pytest

from pravasi.messaging.models import OutboxMessage


@pytest.mark.django_db
def test_message_to_users_writes_each_in_their_language_once():
    from django.utils.translation import gettext

    from pravasi.accounts.roles import Role
    from pravasi.accounts.tests.factories import user_with_role
    from pravasi.messaging.services import message_to_users

    hindi = user_with_role(Role.RA_STAFF, email="a@example.org", preferred_language="hi")
    english = user_with_role(Role.RA_STAFF, email="b@example.org")
    english.mobile = "+919847011111"
    english.save()
    for _ in range(2):
        message_to_users(users=[hindi, english], compose=lambda: ("Pravasi", gettext("Sign out")), purpose="test", key="event-1")
    bodies = {m.recipient: m.body for m in OutboxMessage.objects.filter(purpose="test")}
    assert len(bodies) == 3 and OutboxMessage.objects.filter(purpose="test").count() == 3
    assert bodies["b@example.org"] == bodies["+919847011111"] == "Sign out"
    assert bodies["a@example.org"] != "Sign out"

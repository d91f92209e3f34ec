"""The crisis drill end to end on a small synthetic registry (the embedded set-up: fan-out inline)."""

import io

import pytest
from django.core.management import call_command

from pravasi.crisis.models import CheckIn, Crisis, ManifestEntry
from pravasi.messaging.models import DeliveryStatus, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)  # the alert goes out when its transaction commits


def test_the_drill_prints_its_timeline_and_leaves_a_whole_crisis():
    out = io.StringIO()
    call_command("crisis_drill", size=400, answers=40, stdout=out)
    text = out.getvalue()
    for step in ("declared", "affected people counted", "first alert handed to the gateway", "95 % of messages handed over", "check-ins processed", "manifest ready"):
        assert step in text
    crisis = Crisis.objects.get()
    alert = crisis.alerts.get()
    assert OutboxMessage.objects.filter(batch=f"alert:{alert.id}").exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED]).count() == 0
    assert OutboxMessage.objects.filter(batch=f"alert:{alert.id}").count() > 0
    assert CheckIn.objects.filter(crisis=crisis).count() == 40
    assert CheckIn.objects.filter(crisis=crisis).values("person_id").distinct().count() == 40  # forty different people
    asked = CheckIn.objects.filter(crisis=crisis, status="HELP").filter(needs__icontains="EVACUATION").values("person_id")
    assert ManifestEntry.objects.filter(plan__crisis=crisis).count() == asked.count() > 0


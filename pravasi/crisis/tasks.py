"""Crisis tasks: an alert's fan-out, handing its messages over, and the sweep that restarts a stalled send."""

from celery import shared_task
from django.conf import settings

from pravasi.messaging.services import batch_pending

from . import alerts


def _deliver_later(alert_id: str):
    def deliver(channel: str) -> None:
        deliver_alert.delay(alert_id=alert_id, channel=channel)

    return deliver


@shared_task(name="crisis.fan_out_alert")
def fan_out_alert(*, alert_id: str) -> dict:
    return alerts.alert_fan_out(alert_id=alert_id, deliver=_deliver_later(alert_id))


@shared_task(name="crisis.deliver_alert")
def deliver_alert(*, alert_id: str, channel: str) -> dict:
    """Hands over what it can; messages still pending (a failed attempt to retry, a claim left by a worker
    that died) bring the task back once a claim may be taken over."""
    counts = alerts.alert_deliver(alert_id=alert_id, channel=channel)
    if not settings.CELERY_TASK_ALWAYS_EAGER and batch_pending(batch=f"alert:{alert_id}", channel=channel):
        deliver_alert.apply_async(kwargs={"alert_id": alert_id, "channel": channel}, countdown=min(60, settings.PRAVASI_SEND_CLAIM_LEASE_SECONDS))
    return counts


@shared_task(name="crisis.alerts_sweep")
def sweep_alerts() -> int:
    """Every minute: a fan-out whose worker died is resumed, and messages left queued (a failed attempt, a
    claim whose worker died) are handed over again."""
    started = 0
    for alert, restart, channels in alerts.alerts_stalled():
        if restart:
            fan_out_alert.delay(alert_id=str(alert.id))
            started += 1
        for channel in channels:
            deliver_alert.delay(alert_id=str(alert.id), channel=channel)
            started += 1
    return started

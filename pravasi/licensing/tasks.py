"""Scheduled licensing work: expiry at the end of validity, and reminders before it."""

from celery import shared_task

from . import services


@shared_task(name="licensing.expire")
def expire_licences() -> int:
    return services.licences_expire()


@shared_task(name="licensing.remind")
def send_reminders() -> dict:
    return services.reminders_send()

"""Scheduled case work: escalation when deadlines pass."""

from celery import shared_task

from . import services


@shared_task(name="cases.escalate")
def escalate_cases() -> int:
    return services.cases_escalate()

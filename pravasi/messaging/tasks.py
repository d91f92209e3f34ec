"""Celery tasks for the outbox."""

from celery import shared_task

from .channels import DeliveryError
from .services import message_deliver


@shared_task(bind=True, autoretry_for=(DeliveryError,), retry_backoff=5, retry_backoff_max=300, max_retries=4)
def deliver_message(self, *, message_id: str) -> str:
    return message_deliver(message_id=message_id)

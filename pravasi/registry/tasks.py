"""Celery tasks for the registry."""

from celery import shared_task


@shared_task(acks_late=True)
def run_import(*, job_id: str) -> str:
    from .importer import import_job_run

    return import_job_run(job_id=job_id).status

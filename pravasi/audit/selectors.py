"""Reads of the audit and access logs."""

from .models import PersonalDataAccess


def pii_accesses_for_person(*, person_id, limit: int = 100):
    return PersonalDataAccess.objects.filter(person_id=person_id).order_by("-at")[:limit]

"""Gap-free, concurrency-safe sequences for the numbers people read out (certificates, references)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import Counter


@transaction.atomic
def next_number(name: str) -> int:
    """The next value of a named sequence; the row lock makes two callers get different numbers."""
    Counter.objects.get_or_create(name=name)
    Counter.objects.filter(name=name).update(value=F("value") + 1)
    return Counter.objects.select_for_update().get(name=name).value

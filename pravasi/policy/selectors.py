"""Reading the policy value in force on a given day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pravasi.core.errors import DomainError

from .models import PolicyValue


class PolicyMissing(DomainError):
    status = 500
    code = "policy_missing"


def policy_value_in_force(key: str, *, on: date | None = None, qualifier: str = "", pack: str = "india") -> PolicyValue:
    on = on or timezone.localdate()
    row = PolicyValue.objects.filter(pack=pack, key=key, qualifier=qualifier, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("-valid_from").first()
    if row is None:
        raise PolicyMissing(f"No policy value '{key}' ({qualifier or '-'}) in force on {on.isoformat()}")
    return row


def policy(key: str, *, on: date | None = None, qualifier: str = "", default: Any = PolicyMissing) -> Any:
    try:
        return policy_value_in_force(key, on=on, qualifier=qualifier).value
    except PolicyMissing:
        if default is PolicyMissing:
            raise
        return default

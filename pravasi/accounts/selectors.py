"""Reads about users: their memberships, offices and organisations."""

from __future__ import annotations

from .models import Membership, Office
from .roles import RESTRICTED_ROLES, Role


def active_memberships(user) -> list[Membership]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user, is_active=True).select_related("office", "organisation"))
        user._membership_cache = cache
    return cache


def is_verified(user) -> bool:
    """True when the user passed two-factor authentication in this request.

    Outside a request (management commands, Celery tasks) there is no OTP state: the caller is
    server-side code acting on an already-authorised decision, so it counts as verified.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else True


def roles_of(user) -> set[str]:
    return {m.role for m in active_memberships(user)}


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})


def is_restricted_user(user) -> bool:
    """Staff and partner users: they work on the restricted website and must use TOTP."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or roles_of(user) & {str(r) for r in RESTRICTED_ROLES})


def offices_of(user, *roles: str) -> list[Office]:
    wanted = {str(r) for r in roles} if roles else None
    return [m.office for m in active_memberships(user) if m.office and (wanted is None or m.role in wanted)]


def office_label_for(user) -> str:
    offices = offices_of(user)
    if offices:
        return ", ".join(o.name for o in offices)
    orgs = [m.organisation.name for m in active_memberships(user) if m.organisation]
    if orgs:
        return ", ".join(orgs)
    if has_role(user, Role.ADMINISTRATOR):
        return "Administration"
    return ""

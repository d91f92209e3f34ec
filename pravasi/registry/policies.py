"""Who may see and change which persons in the registry.

Jurisdiction: a Mission sees people living in its host countries, a PoE office people from its
Indian states, the PGE everyone. OWRC helpline agents find a caller only by exact passport or
mobile number, then open the record they found. Partners and administrators see no one in the registry.
"""

from __future__ import annotations

from django.db.models import Q

from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import active_memberships, has_role, is_verified

BROWSING_ROLES = (Role.PGE_OFFICER, Role.POE_OFFICER, Role.MISSION_OFFICER)
EXACT_LOOKUP_ROLES = (*BROWSING_ROLES, Role.OWRC_AGENT)
IMPORT_ROLES = (Role.POE_OFFICER, Role.MISSION_OFFICER)


def _verified(actor) -> bool:
    return is_verified(actor)


def jurisdiction_q(actor) -> Q | None:
    """The persons an official may browse, as a filter; None when they may browse no one."""
    if not _verified(actor):
        return None
    parts: list[Q] = []
    for m in active_memberships(actor):
        if m.role == Role.PGE_OFFICER:
            return Q()
        if m.role == Role.POE_OFFICER and m.office.states:
            parts.append(Q(state_of_origin__in=m.office.states))
        elif m.role == Role.MISSION_OFFICER and m.office.countries:
            parts.append(Q(residence_country__in=m.office.countries))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def can_browse_registry(actor) -> bool:
    return _verified(actor) and has_role(actor, *BROWSING_ROLES)


def can_lookup_exact(actor) -> bool:
    return _verified(actor) and has_role(actor, *EXACT_LOOKUP_ROLES)


def can_import(actor) -> bool:
    return _verified(actor) and has_role(actor, *IMPORT_ROLES)


def is_owner(actor, person) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and person.user_id == actor.id)

"""Who may handle which case: the officials of the handling office, and the PGE for every case."""

from __future__ import annotations

from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import active_memberships, is_verified

from .workflow import FILER, HANDLER, PARTNER

HANDLING_ROLES = {Role.MISSION_OFFICER, Role.POE_OFFICER, Role.PGE_OFFICER}


def handling_offices(actor) -> list:
    if not is_verified(actor):
        return []
    return [m.office_id for m in active_memberships(actor) if m.role in HANDLING_ROLES]


def is_pge(actor) -> bool:
    return is_verified(actor) and any(m.role == Role.PGE_OFFICER for m in active_memberships(actor))


def case_capacities(actor, case) -> set[str]:
    held: set[str] = set()
    if case.office_id in handling_offices(actor) or is_pge(actor):
        held.add(HANDLER)
    if getattr(actor, "is_authenticated", False) and case.filed_by_id == actor.id:
        held.add(FILER)
    return held


def is_helpline_agent(actor) -> bool:
    return is_verified(actor) and any(m.role == Role.OWRC_AGENT for m in active_memberships(actor))


def partner_organisations(actor) -> list:
    if not is_verified(actor):
        return []
    return [m.organisation_id for m in active_memberships(actor) if m.role == Role.PARTNER_ANALYST]


def referral_capacities(actor, referral) -> set[str]:
    return {PARTNER} if referral.partner_id in partner_organisations(actor) else set()

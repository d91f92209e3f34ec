"""Who may do what in clearance: capacities towards applications, demands and policies, and page permissions.

A PoE officer decides the applications routed to their office; the PGE oversees all (read only);
an agent or exporter works its own applications; an emigrant sees and withdraws their own; an
employer raises demands and the Mission verifies those of its countries; an insurer issues and
cancels its own PBBY policies.
"""

from __future__ import annotations

from pravasi.accounts.apikeys import has_scope
from pravasi.accounts.models import ApiClient
from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import active_memberships, is_verified
from pravasi.licensing.models import Licence, LicenceKind, LicenceStatus

from .workflow import APPLICANT, EMPLOYER, INSURER, PROTECTOR, VERIFIER


def _memberships(actor, *roles: str):
    """The actor's memberships in these roles. Staff and partners count only after two-factor
    authentication; an emigrant's own role needs none (emigrants do not use a second factor)."""
    if isinstance(actor, ApiClient) or actor is None or not getattr(actor, "is_authenticated", False):
        return []
    wanted = {str(r) for r in roles}
    verified = is_verified(actor)
    return [m for m in active_memberships(actor) if m.role in wanted and (verified or m.role == Role.EMIGRANT)]


def organisation_of(actor, role: str):
    found = _memberships(actor, role)
    return found[0].organisation if found else None


def active_licence(organisation, kind: str) -> Licence | None:
    if organisation is None:
        return None
    return Licence.objects.filter(organisation=organisation, kind=kind, status=LicenceStatus.ACTIVE).select_related("office").first()


def is_pge(actor) -> bool:
    return bool(_memberships(actor, Role.PGE_OFFICER))


def poe_offices(actor) -> list:
    return [m.office_id for m in _memberships(actor, Role.POE_OFFICER)]


def mission_offices(actor) -> list:
    return [m.office_id for m in _memberships(actor, Role.MISSION_OFFICER)]


def application_capacities(actor, application) -> set[str]:
    held: set[str] = set()
    if application.applicant_id:
        if any(m.organisation_id == application.applicant_id for m in _memberships(actor, Role.RA_STAFF, Role.PE_STAFF, Role.FE_STAFF)):
            held.add(APPLICANT)
    elif _memberships(actor, Role.EMIGRANT) and application.person.user_id == actor.id:
        held.add(APPLICANT)
    if application.office_id in poe_offices(actor):
        held.add(PROTECTOR)
    return held


def demand_capacities(actor, demand) -> set[str]:
    held: set[str] = set()
    if any(m.organisation_id == demand.employer_id for m in _memberships(actor, Role.FE_STAFF)):
        held.add(EMPLOYER)
    if demand.mission_id in mission_offices(actor):
        held.add(VERIFIER)
    return held


def policy_capacities(actor, pbby_policy) -> set[str]:
    if isinstance(actor, ApiClient):
        return {INSURER} if has_scope(actor, "pbby") and actor.organisation_id == pbby_policy.insurer_id else set()
    return {INSURER} if any(m.organisation_id == pbby_policy.insurer_id for m in _memberships(actor, Role.INSURER_STAFF)) else set()


def insurer_of(actor):
    """The registered insurer an actor (a user or a machine client) issues policies for, or None."""
    if isinstance(actor, ApiClient):
        organisation = actor.organisation if has_scope(actor, "pbby") else None
    else:
        organisation = organisation_of(actor, Role.INSURER_STAFF)
    return organisation if active_licence(organisation, LicenceKind.INSURER) else None


def can_work_queue(actor) -> bool:
    return bool(poe_offices(actor))


def can_oversee(actor) -> bool:
    return bool(_memberships(actor, Role.PGE_OFFICER, Role.POE_OFFICER))


def can_raise_demand(actor) -> bool:
    return active_licence(organisation_of(actor, Role.FE_STAFF), LicenceKind.FE) is not None


def can_apply(actor) -> bool:
    return bool(_memberships(actor, Role.RA_STAFF, Role.PE_STAFF))


def can_check_exit(client) -> bool:
    return has_scope(client, "exit_check")

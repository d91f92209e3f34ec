"""Who may declare, change and end a crisis and publish its alerts, and who may see the people in its area.

The PGE acts for any country; a Mission only for an area wholly within its host countries. The people in
an area (lists and exports) are seen by the officials of the declaring office and the PGE. Every answer
needs a user who passed two-factor authentication.
"""

from __future__ import annotations

from collections.abc import Iterable

from pravasi.accounts.models import Office
from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import active_memberships, is_verified


def is_pge(actor) -> bool:
    return is_verified(actor) and any(m.role == Role.PGE_OFFICER for m in active_memberships(actor))


def pge_office(actor) -> Office | None:
    if not is_verified(actor):
        return None
    return next((m.office for m in active_memberships(actor) if m.role == Role.PGE_OFFICER), None)


def mission_offices(actor) -> list[Office]:
    if not is_verified(actor):
        return []
    return [m.office for m in active_memberships(actor) if m.role == Role.MISSION_OFFICER and m.office is not None]


def mission_countries(actor) -> set[str]:
    return {code for office in mission_offices(actor) for code in (office.countries or [])}


def may_declare_somewhere(actor) -> bool:
    """Whether the actor may declare a crisis at all (for a page to offer the form)."""
    return is_pge(actor) or any(office.countries for office in mission_offices(actor))


def declaring_office(actor, countries: Iterable[str]) -> Office | None:
    """The office the actor declares for, for this area; None when they may not. A Mission holding every
    country comes first (the office on the spot), then the PGE."""
    wanted = set(countries)
    if not wanted:
        return None
    for office in mission_offices(actor):
        if wanted <= set(office.countries or []):
            return office
    return pge_office(actor)


def may_manage(actor, crisis, *, countries: Iterable[str] | None = None) -> bool:
    """Change, end, or publish alerts on a crisis. With `countries`, the area it would have after the change
    must be within the Mission's countries too."""
    if is_pge(actor):
        return True
    area = set(crisis.countries or []) | set(countries or [])
    return any(area <= set(office.countries or []) for office in mission_offices(actor))


def may_see_people(actor, crisis) -> bool:
    """The affected list and the contact export: the declaring office and the PGE."""
    if not is_verified(actor):
        return False
    return is_pge(actor) or any(m.office_id is not None and m.office_id == crisis.office_id for m in active_memberships(actor))

"""Who may do what in licensing: the capacities an actor holds towards an application, a licence,
a branch or an appeal, and the few page-level permissions.

Applicants act through a verified membership of the applying organisation. A PoE officer
scrutinises certificate applications routed to their office; the PGE decides them, accredits
project exporters, registers insurers and suspends or cancels certificates; a Mission officer
registers (and suspends) the foreign employers of its host countries.
"""

from __future__ import annotations

from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import active_memberships, has_role, is_verified

from .models import Application, ApplicationKind, Licence, LicenceKind
from .workflow import APPELLATE, APPLICANT, DECIDER, REGISTRAR, SCRUTINISER

PARTNER_ROLES = (Role.RA_STAFF, Role.FE_STAFF, Role.PE_STAFF, Role.INSURER_STAFF)


def _memberships(actor, role: str):
    if not is_verified(actor):
        return []
    return [m for m in active_memberships(actor) if m.role == role]


def is_pge(actor) -> bool:
    return bool(_memberships(actor, Role.PGE_OFFICER))


def member_of(actor, organisation_id) -> bool:
    if not is_verified(actor):
        return False
    return any(m.organisation_id == organisation_id and m.role in PARTNER_ROLES for m in active_memberships(actor))


def organisations_of(actor) -> list:
    if not is_verified(actor):
        return []
    return [m.organisation for m in active_memberships(actor) if m.organisation_id and m.role in PARTNER_ROLES]


def in_office(actor, role: str, office_id) -> bool:
    return any(m.office_id == office_id for m in _memberships(actor, role))


def mission_for_country(actor, country: str) -> bool:
    return any(country in (m.office.countries or []) for m in _memberships(actor, Role.MISSION_OFFICER))


def application_capacities(actor, application: Application) -> set[str]:
    held: set[str] = set()
    if member_of(actor, application.organisation_id):
        held.add(APPLICANT)
    kind = application.kind
    if kind in (ApplicationKind.RC_NEW, ApplicationKind.RC_RENEWAL):
        if in_office(actor, Role.POE_OFFICER, application.office_id):
            held.add(SCRUTINISER)
        if is_pge(actor):
            held |= {DECIDER, APPELLATE}
    elif kind == ApplicationKind.FE_REGISTRATION:
        if in_office(actor, Role.MISSION_OFFICER, application.office_id):
            held |= {SCRUTINISER, DECIDER}
        if is_pge(actor):
            held.add(APPELLATE)
    elif kind == ApplicationKind.PE_ACCREDITATION and is_pge(actor):
        held |= {SCRUTINISER, DECIDER, APPELLATE}
    return held


def licence_capacities(actor, licence: Licence) -> set[str]:
    held: set[str] = set()
    if member_of(actor, licence.organisation_id):
        held.add(APPLICANT)
    if is_pge(actor):
        held |= {REGISTRAR, APPELLATE, DECIDER}
    if licence.kind == LicenceKind.FE and licence.office_id and in_office(actor, Role.MISSION_OFFICER, licence.office_id):
        held.add(REGISTRAR)
    return held


def branch_capacities(actor, branch) -> set[str]:
    held = licence_capacities(actor, branch.licence)
    return held & {APPLICANT, DECIDER}


def appeal_capacities(actor, appeal) -> set[str]:
    held: set[str] = set()
    if member_of(actor, appeal.organisation_id):
        held.add(APPLICANT)
    if is_pge(actor):
        held.add(APPELLATE)
    return held


def can_see_licensing_queue(actor) -> bool:
    return is_verified(actor) and has_role(actor, Role.POE_OFFICER, Role.PGE_OFFICER, Role.MISSION_OFFICER)


def can_manage_blacklist(actor) -> bool:
    return is_verified(actor) and has_role(actor, Role.PGE_OFFICER, Role.MISSION_OFFICER)


def can_manage_illegal_agents(actor) -> bool:
    return is_pge(actor)


def can_register_insurer(actor) -> bool:
    return is_pge(actor)


def can_use_partner_licensing(actor) -> bool:
    return bool(organisations_of(actor))


def can_read_document(actor, document) -> bool:
    if member_of(actor, document.organisation_id):
        return not document.internal
    if document.application_id:
        return bool(application_capacities(actor, document.application) & {SCRUTINISER, DECIDER, APPELLATE})
    return is_pge(actor)

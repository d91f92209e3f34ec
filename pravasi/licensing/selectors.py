"""Reads for licensing pages and the API, already scoped to what the actor may see.

Public reads (verification, the list of registered agents, the blacklist, illegal agents) show
only what a certificate displays anyway: holder, number, status, validity, premises.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import active_memberships, is_verified
from pravasi.core.errors import NotFound

from . import policies
from .models import (
    OPEN_APPLICATION_STATUSES,
    Appeal,
    Application,
    ApplicationKind,
    ApplicationStatus,
    BlacklistEntry,
    Branch,
    BranchStatus,
    Document,
    IllegalAgent,
    Licence,
    LicenceKind,
    LicenceStatus,
)

RC_KINDS = (ApplicationKind.RC_NEW, ApplicationKind.RC_RENEWAL)
NOTHING = Q(pk__in=[])


def _offices(actor, role) -> list:
    if not is_verified(actor):
        return []
    return [m.office_id for m in active_memberships(actor) if m.role == role]


def _scope(actor, *, poe: Q, mission: Q) -> Q:
    """The PGE sees everything; an organisation its own records; a PoE office or a Mission the
    records of its own office that match `poe` or `mission` (certificates, employers)."""
    if not is_verified(actor):
        return NOTHING
    if policies.is_pge(actor):
        return Q()
    scope = NOTHING
    orgs = [o.id for o in policies.organisations_of(actor)]
    if orgs:
        scope |= Q(organisation_id__in=orgs)
    for role, kind_q in ((Role.POE_OFFICER, poe), (Role.MISSION_OFFICER, mission)):
        offices = _offices(actor, role)
        if offices:
            scope |= kind_q & Q(office_id__in=offices)
    return scope


def _application_scope(actor) -> Q:
    return _scope(actor, poe=Q(kind__in=RC_KINDS), mission=Q(kind=ApplicationKind.FE_REGISTRATION))


def applications_for(*, actor) -> QuerySet[Application]:
    return Application.objects.filter(_application_scope(actor)).select_related("organisation", "office", "licence")


def application_for(*, actor, application_id) -> Application:
    found = applications_for(actor=actor).filter(id=application_id).first()
    if found is None:
        raise NotFound(_("No such application, or it is not yours to see."))
    return found


def queue_for(*, actor, status: str = "") -> QuerySet[Application]:
    """Open applications the actor can act on, oldest first."""
    if not policies.can_see_licensing_queue(actor):
        return Application.objects.none()
    statuses = [status] if status in OPEN_APPLICATION_STATUSES else list(OPEN_APPLICATION_STATUSES)
    scope = NOTHING
    if policies.is_pge(actor):
        scope |= Q(kind__in=RC_KINDS, status=ApplicationStatus.FORWARDED) | Q(kind=ApplicationKind.PE_ACCREDITATION)
    poe = _offices(actor, Role.POE_OFFICER)
    if poe:
        scope |= Q(kind__in=RC_KINDS, office_id__in=poe)
    missions = _offices(actor, Role.MISSION_OFFICER)
    if missions:
        scope |= Q(kind=ApplicationKind.FE_REGISTRATION, office_id__in=missions)
    return Application.objects.filter(scope, status__in=statuses).select_related("organisation", "office").order_by("submitted_at")


def _licence_scope(actor) -> Q:
    return _scope(actor, poe=Q(kind=LicenceKind.RC), mission=Q(kind=LicenceKind.FE))


def licences_for(*, actor) -> QuerySet[Licence]:
    return Licence.objects.filter(_licence_scope(actor)).select_related("organisation", "office")


def licence_for(*, actor, licence_id) -> Licence:
    found = licences_for(actor=actor).filter(id=licence_id).first()
    if found is None:
        raise NotFound(_("No such certificate, or it is not yours to see."))
    return found


def branches_pending(*, actor) -> QuerySet[Branch]:
    if not policies.is_pge(actor):
        return Branch.objects.none()
    return Branch.objects.filter(status=BranchStatus.PENDING).select_related("licence", "licence__organisation")


def appeals_for(*, actor) -> QuerySet[Appeal]:
    qs = Appeal.objects.select_related("organisation", "order", "order__licence", "application")
    if policies.is_pge(actor):
        return qs
    orgs = [o.id for o in policies.organisations_of(actor)]
    return qs.filter(organisation_id__in=orgs) if orgs else qs.none()


def document_for(*, actor, document_id) -> Document:
    document = Document.objects.select_related("application").filter(id=document_id).first()
    if document is None or not policies.can_read_document(actor, document):
        raise NotFound(_("No such document, or it is not yours to see."))
    return document


# --- public reads --------------------------------------------------------------------------------


def normalise_number(number: str) -> str:
    return " ".join((number or "").split()).upper()


def licence_public(*, number: str) -> Licence | None:
    """A licence by its number, for the public verification page; None when unknown."""
    number = normalise_number(number)
    if not number or len(number) > 60:
        return None
    licence = Licence.objects.select_related("organisation").filter(number=number).first()
    if licence and licence.valid_to_date and licence.valid_to_date < timezone.localdate() and licence.status in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED):
        # Between the end of validity and the nightly expiry task the public must already read "expired";
        # this copy is only shown, never saved (the task moves the record itself).
        licence.status = LicenceStatus.EXPIRED
    return licence


def registered_agents(*, name: str = "", number: str = "", state: str = "", status: str = "") -> QuerySet[Licence]:
    qs = Licence.objects.filter(kind=LicenceKind.RC).select_related("organisation")
    if name:
        qs = qs.filter(organisation__name__icontains=name.strip())
    if number:
        qs = qs.filter(number__icontains=normalise_number(number))
    if state:
        qs = qs.filter(premises_state=state)
    if status in LicenceStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("organisation__name", "number")


def blacklist_current(*, name: str = "", country: str = "") -> QuerySet[BlacklistEntry]:
    qs = BlacklistEntry.objects.filter(delisted_date__isnull=True)
    if name:
        qs = qs.filter(name__icontains=name.strip())
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("-listed_date", "name")


def blacklist_all(*, actor) -> QuerySet[BlacklistEntry]:
    if not policies.can_manage_blacklist(actor):
        return BlacklistEntry.objects.none()
    return BlacklistEntry.objects.select_related("office", "listed_by").order_by("delisted_date", "-listed_date")


def illegal_agents_current(*, name: str = "", state: str = "") -> QuerySet[IllegalAgent]:
    qs = IllegalAgent.objects.filter(withdrawn_date__isnull=True)
    if name:
        qs = qs.filter(name__icontains=name.strip())
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-notified_date", "name")


def illegal_agents_all(*, actor) -> QuerySet[IllegalAgent]:
    """Current notices first, then withdrawn ones, for the PGE who keeps the list."""
    if not policies.can_manage_illegal_agents(actor):
        return IllegalAgent.objects.none()
    return IllegalAgent.objects.select_related("notified_by").order_by("withdrawn_date", "-notified_date", "name")


def is_blacklisted(*, organisation_id=None, name: str = "", country: str = "") -> bool:
    """Used by clearance: an employer in the prior approval category."""
    q = Q(organisation_id=organisation_id) if organisation_id else NOTHING
    if name and country:
        q |= Q(name__iexact=name.strip(), country=country)
    return BlacklistEntry.objects.filter(q, delisted_date__isnull=True).exists()

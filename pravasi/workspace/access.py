"""Which workspace pages a signed-in user may open, answered from the domain policies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from pravasi.accounts import policies as account_policies
from pravasi.accounts.roles import ORGANISATION_ROLES
from pravasi.accounts.selectors import active_memberships, is_restricted_user, is_verified
from pravasi.cases import policies as case_policies
from pravasi.clearance import policies as clearance_policies
from pravasi.core.errors import NotAllowed
from pravasi.crisis import policies as crisis_policies
from pravasi.licensing import policies as licensing_policies
from pravasi.registry import policies as registry_policies


@dataclass(frozen=True)
class WorkspaceAccess:
    workspace: bool = False
    registry_search: bool = False
    registry_browse: bool = False
    duplicates: bool = False
    imports: bool = False
    outbox: bool = False
    admin_site: bool = False
    partner: bool = False
    licensing_partner: bool = False
    licensing_official: bool = False
    licensing_pge: bool = False
    blacklist: bool = False
    illegal_agents: bool = False
    insurers: bool = False
    clearance_queue: bool = False
    clearance_apply: bool = False
    clearance_oversight: bool = False
    demands: bool = False
    pbby: bool = False
    cases: bool = False
    cases_pge: bool = False
    cases_helpline: bool = False
    cases_referrals: bool = False
    cases_claims: bool = False
    crises: bool = False

    @property
    def exact_lookup_only(self) -> bool:
        return self.registry_search and not self.registry_browse

    @property
    def licensing(self) -> bool:
        """Any licensing page at all: the selectors then scope each record to the user."""
        return self.licensing_partner or self.licensing_official

    @property
    def clearance_applications(self) -> bool:
        """The list of clearance applications: the applicant's own, or those an official oversees."""
        return self.clearance_apply or self.clearance_oversight or self.clearance_queue

    @property
    def clearance(self) -> bool:
        """Any clearance page at all: the selectors then scope each record to the user."""
        return self.clearance_applications or self.demands or self.pbby


def access_for(user) -> WorkspaceAccess:
    if not (is_restricted_user(user) and is_verified(user)):
        return WorkspaceAccess()
    browse = registry_policies.can_browse_registry(user)
    insurer = clearance_policies.insurer_of(user)
    return WorkspaceAccess(
        workspace=True,
        registry_search=registry_policies.can_lookup_exact(user),
        registry_browse=browse,
        duplicates=browse,
        imports=registry_policies.can_import(user),
        outbox=account_policies.can_read_outbox(user),
        admin_site=bool(user.is_superuser or account_policies.can_edit_policy(user)),
        partner=any(m.role in {str(r) for r in ORGANISATION_ROLES} for m in active_memberships(user)),
        licensing_partner=licensing_policies.can_use_partner_licensing(user),
        licensing_official=licensing_policies.can_see_licensing_queue(user),
        licensing_pge=licensing_policies.is_pge(user),
        blacklist=licensing_policies.can_manage_blacklist(user),
        illegal_agents=licensing_policies.can_manage_illegal_agents(user),
        insurers=licensing_policies.can_register_insurer(user),
        clearance_queue=clearance_policies.can_work_queue(user),
        clearance_apply=clearance_policies.can_apply(user),
        clearance_oversight=clearance_policies.can_oversee(user),
        demands=clearance_policies.can_raise_demand(user) or bool(clearance_policies.mission_offices(user)),
        pbby=insurer is not None,
        cases=bool(case_policies.handling_offices(user)) or case_policies.is_pge(user),
        cases_pge=case_policies.is_pge(user),
        cases_helpline=case_policies.is_helpline_agent(user),
        cases_referrals=bool(case_policies.partner_organisations(user)),
        cases_claims=insurer is not None,
        crises=crisis_policies.is_pge(user) or bool(crisis_policies.mission_offices(user)),
    )


def workspace_page(permission: str | None = None):
    """Signed-in staff or partner users only (403 for anyone else); `permission` names a WorkspaceAccess flag."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            access = access_for(request.user)
            if not access.workspace:
                raise NotAllowed(_("The workspace is for officials and partner organisations."))
            if permission and not getattr(access, permission):
                raise NotAllowed(_("Your role does not give access to this page."))
            request.workspace_access = access
            return view(request, *args, **kwargs)

        return wrapped

    return decorate

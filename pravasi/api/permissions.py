"""Who may call which API endpoints; each class asks the domain policies, never roles directly."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from pravasi.accounts.roles import Role
from pravasi.accounts.selectors import has_role
from pravasi.registry import policies as registry_policies


class RegistryStaff(BasePermission):
    """A TOTP-verified official who may search the registry (jurisdiction is applied by the selectors)."""

    message = _("Only verified officials may use the registry's staff endpoints.")

    def has_permission(self, request, view) -> bool:
        return registry_policies.can_lookup_exact(request.user)


class Emigrant(BasePermission):
    """A signed-in emigrant; the self-service endpoints reach only their own record."""

    message = _("These endpoints are for emigrants managing their own record.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and has_role(request.user, Role.EMIGRANT))

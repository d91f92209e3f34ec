"""The admin site (behind TOTP): administrators manage offices and accounts; PGE officers edit policy data."""

from django.contrib import admin
from django_otp.admin import OTPAdminSite

from .models import Membership, Office, Organisation, User
from .roles import Role
from .selectors import has_role, is_verified


class PravasiAdminSite(OTPAdminSite):
    site_header = "Pravasi administration"
    site_title = "Pravasi"

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and is_verified(user) and (user.is_superuser or has_role(user, Role.ADMINISTRATOR, Role.PGE_OFFICER)))


class AdministratorOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_verified(request.user) and (request.user.is_superuser or has_role(request.user, Role.ADMINISTRATOR))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Office)
class OfficeAdmin(AdministratorOnly):
    list_display = ("name", "kind", "code", "city")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(Organisation)
class OrganisationAdmin(AdministratorOnly):
    list_display = ("name", "kind", "country", "registration_number")
    list_filter = ("kind",)
    search_fields = ("name", "registration_number")


@admin.register(Membership)
class MembershipAdmin(AdministratorOnly):
    list_display = ("user", "role", "office", "organisation", "is_active")
    list_filter = ("role", "is_active")


@admin.register(User)
class UserAdmin(AdministratorOnly):
    list_display = ("username", "display_name", "is_active", "date_joined")
    search_fields = ("username", "display_name")
    fields = ("username", "display_name", "is_active", "preferred_language")

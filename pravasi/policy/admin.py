"""Admin for policy values: PGE officers edit dated values; every save is audited."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from pravasi.core.errors import ValidationFailed

from .models import PolicyValue
from .services import _check_overlap, policy_value_delete, policy_value_save


class PolicyValueForm(admin.ModelAdmin.form):
    def clean(self):
        cleaned = super().clean()
        probe = self.instance
        for name in ("key", "qualifier", "valid_from", "valid_to", "pack"):
            if name in cleaned:
                setattr(probe, name, cleaned[name])
        if probe.valid_from:
            try:
                _check_overlap(probe)
            except ValidationFailed as exc:
                raise ValidationError({k: v for k, v in exc.fields.items()}) from exc
        return cleaned


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    form = PolicyValueForm
    list_display = ("key", "qualifier", "valid_from", "valid_to", "pack")
    list_filter = ("pack", "key")
    search_fields = ("key", "qualifier", "source")

    def save_model(self, request, obj, form, change):
        policy_value_save(actor=request.user, row=obj, source_ip=request.META.get("REMOTE_ADDR"))

    def delete_model(self, request, obj):
        policy_value_delete(actor=request.user, row=obj, source_ip=request.META.get("REMOTE_ADDR"))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def has_module_permission(self, request):
        from pravasi.accounts.policies import can_edit_policy

        return can_edit_policy(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

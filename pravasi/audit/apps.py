"""Hash-chained audit log and the personal-data access log."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pravasi.audit"
    label = "audit"

"""Cases: grievances, eventualities and referrals on one engine with service levels and escalation."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pravasi.cases"
    label = "cases"
    verbose_name = "Grievances and eventualities"

"""Clearance: demands, emigration clearance applications, the eligibility engine, PBBY policies, exit check."""

from django.apps import AppConfig


class ClearanceConfig(AppConfig):
    name = "pravasi.clearance"
    label = "clearance"
    verbose_name = "Emigration clearance"

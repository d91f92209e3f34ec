"""The public website: home, registration, profile self-service, sign-in."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pravasi.portal"
    label = "portal"

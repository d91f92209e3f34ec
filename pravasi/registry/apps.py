"""Registry of emigrants and citizens abroad (MICIC Guideline 2)."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "pravasi.registry"
    label = "registry"

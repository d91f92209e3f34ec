"""Licensing: recruiting agents' certificates, foreign employers, project exporters, insurers, blacklist."""

from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "pravasi.licensing"
    label = "licensing"
    verbose_name = "Licensing"

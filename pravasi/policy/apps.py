"""Dated reference data (policy packs) that a circular can change."""

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "pravasi.policy"
    label = "policy"

"""Shared building blocks: base model, errors, encryption, workflow."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pravasi.core"
    label = "core"

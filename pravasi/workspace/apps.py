"""The restricted website for staff and partners."""

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "pravasi.workspace"
    label = "workspace"

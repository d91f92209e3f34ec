"""Users, offices, organisations, memberships and two-factor authentication."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pravasi.accounts"
    label = "accounts"

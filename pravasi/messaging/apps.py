"""Outbox of messages and the channels that deliver them (SMTP e-mail, SMS gateways)."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "pravasi.messaging"
    label = "messaging"

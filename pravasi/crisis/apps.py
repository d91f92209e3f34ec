"""Crisis response: crises declared in an area, the people there, alerts (CAP 1.2), check-ins and evacuations."""

from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "pravasi.crisis"
    label = "crisis"
    verbose_name = "Crisis response"

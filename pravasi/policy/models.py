"""Dated policy values: one row per rule value, valid from a date until an optional date."""

from django.db import models
from django.db.models import F, Q

from pravasi.core.models import BaseModel


class PolicyValue(BaseModel):
    key = models.CharField(max_length=80)
    qualifier = models.CharField(max_length=80, blank=True, default="", help_text="e.g. a country or occupation code")
    value = models.JSONField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="last day in force; empty means open-ended")
    source = models.CharField(max_length=300, blank=True)
    pack = models.CharField(max_length=40, default="india")

    class Meta:
        ordering = ["key", "qualifier", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "key", "qualifier", "valid_from"], name="policy_value_unique_start"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="policy_value_dates_ordered"),
        ]
        indexes = [models.Index(fields=["key", "qualifier", "valid_from"], name="policy_lookup")]

    def __str__(self) -> str:
        q = f"[{self.qualifier}]" if self.qualifier else ""
        return f"{self.key}{q} from {self.valid_from}"

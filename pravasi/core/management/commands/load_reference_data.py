"""Loads the India policy pack and the privacy notices from the repository (idempotent)."""

from django.core.management.base import BaseCommand

from pravasi.policy.services import policy_pack_load
from pravasi.registry.services import privacy_notices_load


class Command(BaseCommand):
    help = "Load dated policy data and privacy notices shipped in the repository."

    def handle(self, *args, **options):
        result = policy_pack_load(pack="india")
        notices = privacy_notices_load()
        self.stdout.write(f"Policy pack india: {result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged; privacy notices published: {notices}.")

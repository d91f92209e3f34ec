"""Loads a policy pack (default: india) from pravasi/policy/packs/."""

from django.core.management.base import BaseCommand

from pravasi.policy.services import policy_pack_load


class Command(BaseCommand):
    help = "Load a dated policy pack from the repository (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("pack", nargs="?", default="india")

    def handle(self, *args, pack, **options):
        result = policy_pack_load(pack=pack)
        self.stdout.write(f"Policy pack '{pack}': {result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged.")

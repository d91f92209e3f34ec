"""Prints the current TOTP code for the demo officials (embedded development set-up only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from .seed_demo import DEMO_TOTP_HEX


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo key (DJANGO_DEBUG=true only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Only in the embedded development set-up.")
        self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_HEX)):06d}")

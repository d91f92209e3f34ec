"""Daily licensing work for set-ups without Celery beat: expire certificates, send reminders."""

from datetime import date

from django.core.management.base import BaseCommand

from pravasi.licensing import services


class Command(BaseCommand):
    help = "Expire certificates whose validity ended and send expiry and guarantee reminders (safe to rerun)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="act as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        today = options.get("today")
        expired = services.licences_expire(today=today)
        sent = services.reminders_send(today=today)
        self.stdout.write(f"expired {expired}; reminders: {sent['certificates']} certificates, {sent['guarantees']} guarantees\n")

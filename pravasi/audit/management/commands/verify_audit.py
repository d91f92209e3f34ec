"""Proves the audit hash chain or names the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from pravasi.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero and names the first broken entry."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries verified."))
            return
        raise CommandError(f"Audit chain broken at entry #{report.first_broken_seq}: {report.reason} ({report.checked} entries verified before it).")

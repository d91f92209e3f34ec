"""Make a machine client and print its API key once (the Bureau of Immigration, an insurer's system)."""

from django.core.management.base import BaseCommand, CommandError

from pravasi.accounts.apikeys import api_client_create
from pravasi.accounts.models import Organisation
from pravasi.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create an API client with scopes (exit_check, pbby) and print its key; only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", required=True, help="exit_check or pbby; repeat for several")
        parser.add_argument("--organisation", help="the insurer's organisation id, for the pbby scope")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(id=options["organisation"]).first() if options.get("organisation") else None
        try:
            client, key = api_client_create(actor=None, name=options["name"], scopes=options["scope"], organisation=organisation)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{client.name}: {key}\nKeep this key now; it is not shown again.\n")

"""crisis_drill: runs a whole crisis on synthetic data and prints its timeline (pravasi.crisis.drill)."""

from django.core.management.base import BaseCommand, CommandError

from pravasi.crisis.drill import drill_run


class Command(BaseCommand):
    help = (
        "Run a crisis drill on a synthetic registry of --size persons (seeded if smaller): declare a crisis over about a fifth "
        "of them, send an alert (on the Celery workers when a broker is configured), take check-ins and build the manifests, "
        "printing a timeline: declared, first alert handed to the gateway, 95 % handed over, check-ins processed, manifest ready."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True, help="persons in the synthetic registry")
        parser.add_argument("--seed", type=int, default=1, help="the population's and the answers' seed")
        parser.add_argument("--answers", type=int, default=None, help="check-ins to submit (default: a tenth of the people in the area)")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the alert to be handed over")

    def handle(self, *args, **options):
        if options["size"] < 1:
            raise CommandError("--size must be at least 1")
        result = drill_run(size=options["size"], seed=options["seed"], answers=options["answers"], timeout=options["timeout"], say=lambda line: self.stdout.write(line))
        self.stdout.write("")
        self.stdout.write(f"Drill {result['crisis']}: {result['affected']:,} people in the area, counted in {result['count_seconds']:.2f} s.")

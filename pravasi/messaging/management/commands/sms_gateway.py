"""Runs the local operator SMS gateway (Kannel sendsms and JSON webhook) for tests, drills and development."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pravasi.messaging import webhooks
from pravasi.messaging.localgateway import LocalGateway


def _interrupt(signum, frame):
    """A terminated gateway stops as an interrupted one does (the log is flushed line by line anyway)."""
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Serve a local SMS gateway on 127.0.0.1: Kannel GET /cgi-bin/sendsms, JSON POST / (one message or a batch), "
        "POST /inject to simulate a reply. Each message received is appended to --log as one JSON line; with "
        "--report-to, delivery reports are posted to that site's webhooks, signed with PRAVASI_GATEWAY_WEBHOOK_SECRET."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port; the address is printed)")
        parser.add_argument("--log", help="file that receives one JSON line per message taken")
        parser.add_argument("--report-to", default="", help="the site's address (e.g. http://127.0.0.1:8000) to send delivery reports and injected replies to")
        parser.add_argument("--fail-first", type=int, default=0, help="answer 503 to this many send requests first")
        parser.add_argument("--delay-ms", type=int, default=0, help="wait this long before answering each send request")
        parser.add_argument("--report-delay-ms", type=int, default=200, help="how long after taking a message its delivery report is sent")
        parser.add_argument("--hold-reports", action="store_true", help="keep delivery reports until POST /reports/release (a batch is handed over first)")
        parser.add_argument("--print-kannel-config", action="store_true", help="print the Kannel sms-service group that forwards inbound SMS to PRAVASI_PUBLIC_URL, and exit")

    def handle(self, *args, **options):
        if options["print_kannel_config"]:
            self.stdout.write(webhooks.kannel_sms_service_config())
            return
        if not options["log"]:
            raise CommandError("--log FILE is required")
        gateway = LocalGateway(
            log=options["log"],
            port=options["port"],
            report_to=options["report_to"],
            secret=settings.PRAVASI_GATEWAY_WEBHOOK_SECRET,
            fail_first=options["fail_first"],
            delay_ms=options["delay_ms"],
            report_delay_ms=options["report_delay_ms"],
            hold_reports=options["hold_reports"],
        )
        signal.signal(signal.SIGTERM, _interrupt)
        self.stdout.write(f"listening on {gateway.url}\n")
        self.stdout.flush()
        try:
            gateway.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            gateway.server.server_close()
            if gateway.reporter is not None:
                gateway.reporter.stop()
            gateway.log.close()

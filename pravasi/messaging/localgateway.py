"""A local operator SMS gateway for tests and drills: Kannel's sendsms and a JSON webhook, with delivery reports.

It behaves as an operator does where it matters here: it drops a repeat of a message id it has already taken
(answering the same reference, logging nothing new), it reports delivery later and from elsewhere (a
background thread calling the site's signed webhooks, or Kannel's dlr-url), and it can fail or slow down on
purpose. Run it as `manage.py sms_gateway`; it listens on the loopback address only.

  GET  /cgi-bin/sendsms?to&text&dlr-id&dlr-url...   Kannel: answers 202 "0: Accepted for delivery"
  POST /  {"id","to","from","text"}                 JSON: answers {"id": "<operator ref>"}
  POST /  {"messages": [{"id","to","from","text"}]} JSON batch: answers {"ids": {"<id>": "<ref>"}}
  POST /inject {"from","text"}                      posts a signed inbound SMS to the site, answers its status
  POST /reports/release                             sends the reports held back by --hold-reports
  GET  /status                                      counts (received, repeats, connections, reports sent and failed)
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .webhooks import signature_header

REPORT_PATH = "/api/v1/gateway/json/report/"
INBOUND_PATH = "/api/v1/gateway/json/inbound/"
MAX_BODY = 4 * 1024 * 1024
REPORT_TRIES = 10


def site_base(url: str) -> str:
    """The site's address from --report-to: a bare address, or any URL on the site (its path up to /api/v1/ is kept)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.split("/api/v1/")[0].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


@dataclass(order=True)
class _Report:
    due: float
    seq: int
    method: str = field(compare=False)
    url: str = field(compare=False)
    body: bytes | None = field(compare=False, default=None)
    tries: int = field(compare=False, default=0)


class Reporter:
    """Calls the site back from one background thread, in due order; retries a report the site could not take
    (a 5xx or 429 answer, a network error) with a growing pause, a bounded number of times, as operators do.
    Held reports wait until `release()`: a drill or test can let a whole batch be handed over first."""

    def __init__(self, *, secret: str, delay: float, held: bool = False):
        self.secret = secret
        self.delay = delay
        self.held = held
        self.inflight = 0
        self.queue: list[_Report] = []
        self.seq = itertools.count()
        self.condition = threading.Condition()
        self.stopped = False
        self.sent = 0
        self.failed = 0
        self.thread = threading.Thread(target=self._run, name="gateway-reporter", daemon=True)
        self.thread.start()

    def post_json(self, url: str, payload: dict, *, delay: float | None = None) -> None:
        self._put(_Report(time.monotonic() + (self.delay if delay is None else delay), next(self.seq), "POST", url, json.dumps(payload).encode()))

    def get(self, url: str, *, delay: float | None = None) -> None:
        self._put(_Report(time.monotonic() + (self.delay if delay is None else delay), next(self.seq), "GET", url))

    def _put(self, report: _Report) -> None:
        with self.condition:
            heapq.heappush(self.queue, report)
            self.condition.notify()

    def idle(self) -> bool:
        with self.condition:
            return not self.queue and not self.inflight

    def release(self) -> None:
        with self.condition:
            self.held = False
            self.condition.notify()

    def stop(self) -> None:
        with self.condition:
            self.stopped = True
            self.condition.notify()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.stopped and (self.held or not self.queue or self.queue[0].due > time.monotonic()):
                    self.condition.wait(timeout=None if self.held or not self.queue else max(0.0, self.queue[0].due - time.monotonic()))
                if self.stopped:
                    return
                report = heapq.heappop(self.queue)
                self.inflight += 1
            status = call(report.method, report.url, report.body, secret=self.secret)
            with self.condition:
                self.inflight -= 1
                if (status >= 500 or status in (429, 0)) and report.tries + 1 < REPORT_TRIES:
                    report.tries += 1
                    report.due = time.monotonic() + min(2.0, 0.1 * 2**report.tries)
                    report.seq = next(self.seq)
                    heapq.heappush(self.queue, report)
                elif 200 <= status < 300:
                    self.sent += 1
                else:
                    self.failed += 1


def call(method: str, url: str, body: bytes | None = None, *, secret: str) -> int:
    """One signed call to the site; answers the HTTP status, or 0 when the site could not be reached."""
    headers = {"User-Agent": "pravasi-local-gateway"}
    if body is not None:
        headers |= {"Content-Type": "application/json", "X-Pravasi-Signature": signature_header(body, secret=secret)}
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 (the site's own http(s) address)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class LocalGateway:
    """The gateway's state and server. `start()` serves from a thread; `serve_forever()` from the caller's."""

    def __init__(
        self,
        *,
        log: str | Path,
        port: int = 0,
        host: str = "127.0.0.1",
        report_to: str = "",
        secret: str = "",
        fail_first: int = 0,
        delay_ms: int = 0,
        report_delay_ms: int = 200,
        hold_reports: bool = False,
    ):
        self.log_path = Path(log)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("a", encoding="utf-8")
        self.base = site_base(report_to) if report_to else ""
        self.secret = secret
        self.fail_first = fail_first
        self.delay = delay_ms / 1000
        self.lock = threading.Lock()
        self.refs: dict[str, str] = {}
        self.received = 0
        self.repeats = 0
        self.refused = 0
        self.connections = 0
        self.reporter = Reporter(secret=secret, delay=report_delay_ms / 1000, held=hold_reports) if self.base else None
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread: threading.Thread | None = None

    # --- operator behaviour ---------------------------------------------------------------------------------

    def take(self, *, message_id: str, to: str, text: str, dlr_url: str = "") -> str:
        """Takes one message: a new id is logged and reported, a known id is answered with its first reference."""
        with self.lock:
            if message_id and message_id in self.refs:
                self.repeats += 1
                return self.refs[message_id]
            self.received += 1
            ref = f"op-{uuid.uuid4().hex[:16]}"
            if message_id:
                self.refs[message_id] = ref
            self.log.write(json.dumps({"id": message_id, "to": to, "text": text, "at": datetime.now(UTC).isoformat()}, ensure_ascii=False) + "\n")
            self.log.flush()
        if self.reporter is not None:
            if dlr_url:
                # Kannel: first "submitted to the SMSC" (a step that changes nothing), then "delivered".
                self.reporter.get(dlr_url.replace("%d", "8"))
                self.reporter.get(dlr_url.replace("%d", "1"), delay=self.reporter.delay * 2)
            else:
                self.reporter.post_json(self.base + REPORT_PATH, {"id": ref, "status": "DELIVERED"})
        return ref

    def refuse_now(self) -> bool:
        """True while --fail-first still has requests to refuse."""
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                self.refused += 1
                return True
            return False

    def inject(self, *, sender: str, text: str) -> tuple[int, str]:
        """Posts a signed inbound SMS to the site, as if `sender` had texted the operator's number."""
        if not self.base:
            return 409, ""
        ref = f"mo-{uuid.uuid4().hex[:16]}"
        body = json.dumps({"id": ref, "from": sender, "text": text, "received_at": datetime.now(UTC).isoformat()}).encode()
        return call("POST", self.base + INBOUND_PATH, body, secret=self.secret), ref

    def status(self) -> dict:
        with self.lock:
            counts = {"received": self.received, "repeats": self.repeats, "refused": self.refused, "connections": self.connections}
        if self.reporter is not None:
            counts |= {"reports_sent": self.reporter.sent, "reports_failed": self.reporter.failed, "reports_pending": not self.reporter.idle(), "reports_held": self.reporter.held}
        return counts

    # --- serving --------------------------------------------------------------------------------------------

    def start(self) -> LocalGateway:
        self.thread = threading.Thread(target=self.server.serve_forever, name="local-sms-gateway", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.reporter is not None:
            self.reporter.stop()
        self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _handler_class(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection serves a whole batch
            server_version = "PravasiLocalGateway/1"

            def log_message(self, *args):  # request lines carry numbers and texts
                pass

            def setup(self):
                super().setup()
                with gateway.lock:
                    gateway.connections += 1

            def _send(self, status: int, payload, *, content_type: str = "application/json") -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    raise ValueError("body too large")
                return json.loads(self.rfile.read(length) or b"null")

            def _slow(self) -> None:
                if gateway.delay:
                    time.sleep(gateway.delay)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/status":
                    return self._send(200, gateway.status())
                if url.path != "/cgi-bin/sendsms":
                    return self._send(404, {"error": "not found"})
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
                self._slow()
                if gateway.refuse_now():
                    return self._send(503, b"Temporarily unavailable", content_type="text/plain")
                if not query.get("to") or "text" not in query:
                    return self._send(400, b"Missing receiver number or text", content_type="text/plain")
                gateway.take(message_id=query.get("dlr-id", ""), to=query["to"], text=query["text"], dlr_url=query.get("dlr-url", ""))
                return self._send(202, b"0: Accepted for delivery", content_type="text/plain")

            def do_POST(self):
                url = urllib.parse.urlsplit(self.path)
                try:
                    payload = self._body()
                except ValueError:
                    return self._send(400, {"error": "the body is not JSON"})
                if url.path == "/reports/release":
                    if gateway.reporter is not None:
                        gateway.reporter.release()
                    return self._send(200, gateway.status())
                if url.path == "/inject":
                    if not isinstance(payload, dict) or not isinstance(payload.get("from"), str) or not isinstance(payload.get("text"), str):
                        return self._send(400, {"error": "give from and text"})
                    status, ref = gateway.inject(sender=payload["from"], text=payload["text"])
                    return self._send(200 if status else 502, {"id": ref, "status": status})
                self._slow()
                if gateway.refuse_now():
                    return self._send(503, {"error": "temporarily unavailable"})
                if isinstance(payload, dict) and isinstance(payload.get("messages"), list):
                    ids, refused = {}, {}
                    for item in payload["messages"]:
                        if isinstance(item, dict) and item.get("id") and item.get("to") and isinstance(item.get("text"), str):
                            ids[str(item["id"])] = gateway.take(message_id=str(item["id"]), to=str(item["to"]), text=item["text"])
                        elif isinstance(item, dict) and item.get("id"):
                            refused[str(item["id"])] = "missing to or text"
                    return self._send(200, {"ids": ids, "errors": refused})
                if not isinstance(payload, dict) or not payload.get("to") or not isinstance(payload.get("text"), str):
                    return self._send(400, {"error": "give to and text"})
                return self._send(200, {"id": gateway.take(message_id=str(payload.get("id") or ""), to=str(payload["to"]), text=payload["text"])})

        return Handler

"""Crisis response at scale on PostgreSQL: counting the people in an area, the alert fan-out through real
Celery workers (Redis broker) to a local operator gateway process, and the check-in endpoint under load
through gunicorn, with a web worker killed mid-run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pravasi_bench .venv/bin/python bench/crisis.py --size 1000000

Parts: --only count | drill | checkin (repeatable; default all). The drill part runs `crisis_drill`'s steps
(pravasi.crisis.drill) with the fan-out on `--workers` Celery worker processes; the check-in part posts
answers through the personal links of the drill's alert.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import ROOT, configure_environment, percentiles, setup_django

BROKER = "redis://127.0.0.1:6379/14"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(extra: dict) -> dict:
    return {**os.environ, **extra}


# --- counting the people in the area ----------------------------------------------------------------------


def bench_count(repeat: int) -> dict:
    from pravasi.crisis import selectors, services
    from pravasi.crisis.drill import drill_area, drill_officer

    officer = drill_officer()
    country, regions, expected = drill_area()
    crisis = services.crisis_declare(
        actor=officer,
        data={"title": "Bench count", "kind": "CONFLICT", "phase": "PRECAUTIONARY", "countries": [country], "regions": regions, "advisory": "Benchmark.", "helplines": []},
    )
    count_ms, counts_ms = [], []
    affected = 0
    for _ in range(repeat):
        started = time.perf_counter()
        affected = selectors.reachable(crisis).count()
        count_ms.append((time.perf_counter() - started) * 1000)
    for _ in range(max(1, repeat // 2)):
        started = time.perf_counter()
        selectors.affected_counts(crisis)
        counts_ms.append((time.perf_counter() - started) * 1000)
    services.crisis_end(actor=officer, crisis_id=crisis.id, reason="Benchmark finished.")
    print(f"Area {country}, {len(regions)} regions: {affected:,} people (expected about {expected:,})")
    print(f"  affected count    {percentiles(count_ms)}")
    print(f"  dashboard counts  {percentiles(counts_ms)}")
    return {"affected": affected, "count": percentiles(count_ms), "counts": percentiles(counts_ms)}


# --- the drill with real workers and a gateway process ------------------------------------------------------


class Services:
    """The local operator gateway and the Celery workers, as separate processes."""

    def __init__(self, workers: int, log_dir: Path):
        self.processes: list[subprocess.Popen] = []
        self.gateway_port = free_port()
        self.gateway_log = log_dir / "gateway.jsonl"
        self.env = {
            "CELERY_BROKER_URL": BROKER,
            "PRAVASI_SMS_GATEWAY": "json",
            "PRAVASI_SMS_GATEWAY_URL": f"http://127.0.0.1:{self.gateway_port}/",
            "PRAVASI_SMS_GATEWAY_BATCH": "true",
            "PRAVASI_SMS_RATE_PER_SECOND": "0",
            "PRAVASI_EMAIL_RATE_PER_SECOND": "0",
            "PRAVASI_EMAIL_CHANNEL": "log",
        }
        gateway = subprocess.Popen(
            [sys.executable, "manage.py", "sms_gateway", "--port", str(self.gateway_port), "--log", str(self.gateway_log)], cwd=ROOT, env=child_env(self.env), stdout=subprocess.PIPE, text=True
        )
        gateway.stdout.readline()
        self.processes.append(gateway)
        subprocess.run([sys.executable, "-m", "celery", "-A", "config", "purge", "-f"], cwd=ROOT, env=child_env(self.env), capture_output=True, check=False)
        for n in range(workers):
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench{n}@%h"],
                    cwd=ROOT,
                    env=child_env(self.env),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        time.sleep(3)

    def gateway_received(self) -> int:
        return sum(1 for _ in self.gateway_log.open()) if self.gateway_log.exists() else 0

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def bench_drill(size: int, workers: int, answers: int) -> dict:
    from django.conf import settings

    from pravasi.crisis.drill import drill_run

    with tempfile.TemporaryDirectory() as tmp:
        running = Services(workers, Path(tmp))
        try:
            settings.CELERY_TASK_ALWAYS_EAGER = False
            from config.celery import app

            app.conf.update(broker_url=BROKER, task_always_eager=False)
            result = drill_run(size=size, answers=answers, say=print)
            print(f"  the gateway process took {running.gateway_received():,} SMS")
        finally:
            running.stop()
    return result


# --- the check-in endpoint under load ------------------------------------------------------------------------


def _tokens(count: int) -> list[str]:
    from pravasi.crisis import checkins, selectors
    from pravasi.crisis.models import Alert

    alert = Alert.objects.filter(send_requested_at__isnull=False, crisis__status="ACTIVE", crisis__title__startswith="Drill").order_by("-send_requested_at").first()
    if alert is None:
        sys.exit("run the drill part first: the check-in part answers its alert")
    people = list(selectors.reached_ids(alert.crisis).order_by().values_list("party", flat=True).distinct()[:count])
    expires = checkins.link_expiry(alert)
    return [checkins.checkin_token(alert_id=alert.id, person_id=pk, expires_at=expires) for pk in people]


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_FIELD = re.compile(rb'name="submission" value="([^"]+)"')


def _client(port: int, tokens: list[str], stop: threading.Event, out: dict, lock: threading.Lock) -> None:
    """One person after another: open the link (GET), answer (POST); every request timed."""
    rng = random.Random()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, acknowledged, errors = [], [], 0
    for token in tokens:
        if stop.is_set():
            break
        path = f"/checkin/{token}/"
        try:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            page = response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            cookie = response.getheader("Set-Cookie", "")
            csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie)
            form_token, submission = CSRF_FIELD.search(page), SUBMISSION_FIELD.search(page)
            if response.status != 200 or not (csrf_cookie and form_token and submission):
                errors += 1
                continue
            status = "SAFE" if rng.random() < 0.6 else "HELP"
            fields = {"csrfmiddlewaretoken": form_token.group(1).decode(), "status": status, "submission": submission.group(1).decode()}
            if status == "HELP":
                fields["needs"] = "EVACUATION"
            body = "&".join(f"{k}={v}" for k, v in fields.items())
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie.group(1)}"})
            response = connection.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status == 302:
                acknowledged.append(fields["submission"])
            else:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with lock:
        out["latencies"].extend(latencies)
        out["acknowledged"].extend(acknowledged)
        out["errors"] += errors


def bench_checkin(people: int, clients: int, web_workers: int, kill_after: float) -> dict:
    from django.db import connection

    from pravasi.crisis.models import CheckIn

    tokens = _tokens(people)
    port = free_port()
    env = child_env({"DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PRAVASI_SECURE_COOKIES": "false", "DJANGO_SECURE_SSL_REDIRECT": "false"})
    connection.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(web_workers), "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    before = CheckIn.objects.count()
    out = {"latencies": [], "acknowledged": [], "errors": 0}
    lock, stop = threading.Lock(), threading.Event()
    share = [tokens[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=_client, args=(port, part, stop, out, lock)) for part in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    killed = None
    if kill_after > 0:
        time.sleep(kill_after)
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        if children:
            killed = int(children[0])
            os.kill(killed, signal.SIGKILL)  # a web worker dies mid-run; the master starts another
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    requests = len(out["latencies"])
    stats = percentiles(out["latencies"])
    missing = [key for key in out["acknowledged"] if not CheckIn.objects.filter(submission_key__endswith=f":{key}").exists()]
    print(f"Check-in endpoint: {requests:,} requests in {elapsed:.1f} s = {requests / elapsed:,.0f} req/s with {clients} clients, {web_workers} gunicorn workers")
    print(f"  latency {stats}; errors {out['errors']}; web worker killed: {killed or 'none'}")
    print(f"  acknowledged answers {len(out['acknowledged']):,}; missing after the kill: {len(missing)}; check-ins now {CheckIn.objects.count() - before:,} new")
    return {"requests": requests, "seconds": elapsed, "rate": requests / elapsed, "latency": stats, "errors": out["errors"], "acknowledged": len(out["acknowledged"]), "missing": len(missing), "killed": bool(killed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--only", action="append", choices=["count", "drill", "checkin"])
    parser.add_argument("--repeat", type=int, default=5, help="timings of the affected count")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes for the fan-out")
    parser.add_argument("--answers", type=int, default=2000, help="check-ins the drill submits in-process")
    parser.add_argument("--people", type=int, default=6000, help="people answering through the endpoint")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--kill-after", type=float, default=5.0, help="seconds into the load before a web worker is killed (0: none)")
    args = parser.parse_args()
    os.environ.setdefault("CELERY_BROKER_URL", BROKER)
    url = configure_environment("postgres://postgres@127.0.0.1:5432/pravasi_bench", "bench/crisis.py")
    setup_django(url, "bench/crisis.py")
    parts = args.only or ["count", "drill", "checkin"]
    results = {}
    if "count" in parts:
        results["count"] = bench_count(args.repeat)
    if "drill" in parts:
        drill = bench_drill(args.size, args.workers, args.answers)
        results["drill"] = {k: v for k, v in drill.items() if k != "timeline"} | {"timeline": [(label, round(at, 1), detail) for label, at, detail in drill["timeline"]]}
    if "checkin" in parts:
        results["checkin"] = bench_checkin(args.people, args.clients, args.web_workers, args.kill_after)
    print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()

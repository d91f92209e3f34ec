"""The real Celery worker for these tests: a separate process on the test database and the local Redis broker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def broker_url() -> str:
    url = os.environ.get("CELERY_TEST_BROKER_URL", "")
    if not url:
        pytest.fail("CELERY_TEST_BROKER_URL must point at a Redis broker for these tests (see .ci/run)")
    return url


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.fail("run these tests on PostgreSQL (DATABASE_URL) so the worker process shares the database")
    settings.MEDIA_ROOT = tmp_path
    url = broker_url()
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    subprocess.run([sys.executable, "-m", "celery", "-A", "config", "purge", "-f"], cwd=ROOT, env={**os.environ, "CELERY_BROKER_URL": url}, capture_output=True, check=False)
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": database_url(),
        "PRAVASI_PRIVATE_MEDIA": str(tmp_path),
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    started = []

    def start(**extra_env):
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env={**env, **extra_env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    celery_app.conf.update(task_always_eager=True)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False

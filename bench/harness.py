"""The benchmarks' shared plumbing: environment and database set-up, timing and percentiles, weighted sampling, recording and printing results, EXPLAIN helpers."""

from __future__ import annotations

import bisect
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- environment and database -----------------------------------------------------------------------------------


def configure_environment(default_url: str, script: str) -> str:
    """Settings for a benchmark run; returns the database URL, which must be PostgreSQL."""
    url = os.environ.setdefault("DATABASE_URL", default_url)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"{script} measures PostgreSQL: set DATABASE_URL to a dedicated PostgreSQL database.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PRAVASI_ALLOW_DEV_SECRET", "true")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("PRAVASI_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory and slows everything
    return url


def ensure_database(url: str) -> None:
    """Creates the database named in the URL if it does not exist (connecting to the 'postgres' database)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None, "user": cfg["USER"] or None, "password": cfg["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone() is None:
            print(f"Creating database {cfg['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))


def setup_django(url: str, script: str) -> None:
    """Creates the database when missing and starts Django on it; stops unless it is PostgreSQL."""
    ensure_database(url)
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"{script} measures PostgreSQL only.")


def shown_url(url: str) -> str:
    """The database URL without its credentials, for the run's heading."""
    return re.sub(r"//[^@]*@", "//", url)


def migrate_and_load() -> None:
    """Migrates the database and loads the reference data (both leave a prepared database as it is)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", verbosity=0)


def ensure_persons(size: int, seed: int, *, seeding: str, seeded: str) -> int:
    """Seeds the registry with seed_population up to `size` persons; returns how many it holds.

    `seeding` ({have}, {size}) and `seeded` ({have}) are the messages printed before seeding and when nothing is to do.
    """
    from django.core.management import call_command

    from pravasi.registry.models import Person

    have = Person.objects.count()
    if have >= size:
        print(seeded.format(have=have))
        return have
    print(seeding.format(have=have, size=size))
    call_command("seed_population", size=size, seed=seed, batch=20000)
    return Person.objects.count()


def ensure_user(username: str):
    """A benchmark user (no usable password), made on the first run."""
    from pravasi.accounts.models import User

    user, created = User.objects.get_or_create(username=username, defaults={"display_name": username})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def ensure_official(username: str, role: str, office_id):
    """A benchmark user holding `role` in one office."""
    from pravasi.accounts.models import Membership

    user = ensure_user(username)
    Membership.objects.get_or_create(user=user, role=role, office_id=office_id)
    return user


def anchor(iso: str | None) -> datetime:
    """The moment generated data ends: the one given, or midnight UTC today, so that a run resumed the same day writes the same rows."""
    from django.utils import timezone

    now = datetime.fromisoformat(iso) if iso else datetime.combine(timezone.now().date(), datetime.min.time())
    return now.replace(tzinfo=UTC)


def copy_batches(
    model, *, size: int, batch: int, rows: Callable[[int, int], list[dict]], existing_in: Callable[[int, int], int], key: str, key_of: Callable[[int], str], unit: str, desc: str, script: str
) -> tuple[int, float]:
    """Writes the missing batches of `model` rows with COPY, one transaction each; returns (rows written, seconds).

    Rows `start` to `stop` are `rows(start, stop)`, dicts of text by attname; `existing_in(start, stop)` counts those
    already written and `key_of(i)` is row i's value of the unique column `key`, so a half-written batch is completed.
    """
    from django.db import connection, transaction
    from tqdm import tqdm

    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    attnames = [f.attname for f in fields]
    written, started = 0, time.perf_counter()
    bar = tqdm(total=size, unit=unit, unit_scale=True, desc=desc, smoothing=0.1)
    for start in range(0, size, batch):
        stop = min(start + batch, size)
        present = existing_in(start, stop)
        if present == stop - start:
            bar.update(stop - start)
            continue
        batch_rows = rows(start, stop)
        missing = set(attnames) - set(batch_rows[0])
        if missing:
            sys.exit(f"The generator does not fill {sorted(missing)}: update {script} for the changed model.")
        with transaction.atomic(), connection.cursor() as cur:
            if present:  # a batch half-written by hand or by another tool: write only what is missing
                cur.execute(f"SELECT {key} FROM {model._meta.db_table} WHERE {key} >= %s AND {key} < %s", [key_of(start), key_of(stop)])  # noqa: S608 (bench-only literals)
                taken = {r[0] for r in cur.fetchall()}
                batch_rows = [r for r in batch_rows if r[key] not in taken]
            with cur.copy(sql) as copy:
                copy.write("".join("\t".join("\\N" if row[a] is None else row[a] for a in attnames) + "\n" for row in batch_rows))
        written += len(batch_rows)
        bar.update(stop - start)
    bar.close()
    return written, time.perf_counter() - started


# --- timing, percentiles, weighted sampling -------------------------------------------------------------------------


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {"n": len(samples_ms), "p50": q[49], "p95": q[94], "p99": q[98], "max": max(samples_ms)}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def cumulative(table: list[tuple]) -> list[float]:
    """The running shares of a table whose rows carry their weight second, scaled to end at 1."""
    total, out = 0.0, []
    for row in table:
        total += row[1]
        out.append(total)
    return [c / total for c in out]


def pick(rng, table: list[tuple], cumulative_shares: list[float]):
    """A row of `table` drawn by its weight (`cumulative_shares` from cumulative(table))."""
    return table[min(bisect.bisect_left(cumulative_shares, rng.random()), len(table) - 1)]


# --- recording and printing results -------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def server_version(cur) -> str:
    cur.execute("SELECT version()")
    return cur.fetchone()[0].split(" on ")[0]


def record(rows: list[tuple[str, dict]], name: str, samples: list[float], extra: dict | None = None, *, width: int) -> dict:
    """Adds a benchmark's figures to `rows` and prints its line."""
    figures = percentiles(samples) | (extra or {})
    rows.append((name, figures))
    more = "".join(f"  {k} {v}" for k, v in (extra or {}).items())
    print(f"{name:<{width}} n={figures['n']:<5} p50 {figures['p50']:7.2f}  p95 {figures['p95']:7.2f}  p99 {figures['p99']:7.2f}  max {figures['max']:7.2f} ms{more}")
    return figures


def print_table(rows: list[tuple[str, dict]]) -> None:
    """The Markdown table of the run (a sub-benchmark's leading '  - ' left out)."""
    print("\n| Benchmark | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, f in rows:
        print(f"| {name.strip(' -')} | {f['n']} | {f['p50']:.2f} | {f['p95']:.2f} | {f['p99']:.2f} | {f['max']:.2f} |")


def print_targets(rows: list[tuple[str, dict]], targets_ms: dict[str, float], prefixes: list[tuple[str, str]], *, width: int) -> None:
    """Whether each benchmark whose name starts with a target's prefix holds its p95 target."""
    for key, prefix in prefixes:
        for name, f in rows:
            if name.startswith(prefix):
                verdict = "ok" if f["p95"] <= targets_ms[key] else "MISSED"
                print(f"target {name:<{width}} p95 {f['p95']:7.2f} ms <= {targets_ms[key]:.0f} ms: {verdict}")


def run_parts(parts: dict[str, Callable[[], None]], only: list[str] | None, explain: Callable[[], None] | None) -> None:
    """Runs the parts chosen (all unless `only`); before `explain`, the others too, since it explains their slowest calls."""
    chosen = set(only or parts)
    for key, part in parts.items():
        if key in chosen:
            part()
    if explain:
        for key, part in parts.items():
            if key not in chosen:
                part()
        explain()


# --- EXPLAIN ----------------------------------------------------------------------------------------------------------


def explain_call(label: str, fn, /, *args, skipped: str = "not explained", **kwargs) -> None:
    """Calls fn once, then prints EXPLAIN ANALYZE of each SELECT it ran; other statements are only named (`skipped` says why)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        ms, _r = timed(fn, *args, **kwargs)
    print(f"\n=== EXPLAIN ANALYZE: {label}: {len(ctx.captured_queries)} statements, {ms:.1f} ms in all")
    for i, captured in enumerate(ctx.captured_queries, 1):
        sql = captured["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            print(f"\n--- statement {i} ({skipped}): {sql[:120]}")
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
        print(f"\n--- statement {i}: {sql[:400]}\n{plan}")

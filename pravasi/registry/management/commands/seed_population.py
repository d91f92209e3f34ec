"""seed_population: writes a synthetic registry (pravasi.registry.population) fast, resumably, with a progress bar.

On PostgreSQL each batch goes in with COPY, from several worker processes (each builds its rows and
streams them on its own connection, so Python and the database use every core). Elsewhere (SQLite)
the rows go through bulk_create. Either way a re-run with the same --seed and --offset adds nothing:
person ids derive from (seed, index), and a passport number already in the registry is never written.
"""

from __future__ import annotations

import multiprocessing
import operator
import os
import time
import traceback
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Model
from django.utils import timezone

from pravasi.core.crypto import EncryptedTextField, encrypt
from pravasi.policy.selectors import policy
from pravasi.registry import population
from pravasi.registry.models import ConsentRecord, FamilyMember, NameKey, NameToken, Passport, Person
from pravasi.registry.selectors import forget_known_keys
from pravasi.registry.services import current_notice
from pravasi.registry.validation import education_codes

IN_CLAUSE_CHUNK = 500  # SQLite limits the number of query parameters


@dataclass
class Stats:
    created: int = 0
    existing: int = 0
    passports: int = 0
    passports_taken: int = 0
    tokens: int = 0
    consents: int = 0
    family: int = 0
    new_keys: int = 0

    def add(self, other: Stats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def population_context(seed: int) -> population.Context:
    codes = education_codes()
    if not codes:
        raise CommandError("The policy pack is not loaded (EDUCATION_LEVELS missing): run manage.py load_reference_data.")
    try:
        notice = current_notice()
    except Exception as exc:
        raise CommandError("No privacy notice is published: run manage.py load_reference_data.") from exc
    return population.Context(
        seed=seed,
        notice_id=str(notice.id),
        ecr_by_education={code: bool(item["ecr"]) for code, item in codes.items()},
        today=timezone.localdate(),
        # The same ages derive_vulnerabilities uses for registrations.
        minor_age=int(policy("MINOR_AGE_YEARS", default=18)),
        elderly_age=int(policy("ELDERLY_AGE_YEARS", default=60)),
    )


# --- COPY (PostgreSQL) ---------------------------------------------------------------------------------------


def _copy_text(value) -> str:
    """COPY text form of one value. Generated text never holds a tab, newline or backslash (the tests check)."""
    if value is None:
        return "\\N"
    if value.__class__ is bool:
        return "t" if value else "f"
    return value if value.__class__ is str else str(value)


class CopyTable:
    """How the dict rows of one model become COPY text: its columns in order, encrypting what the ORM encrypts.

    Columns the generator does not produce (a field added later with a default) get that default.
    """

    def __init__(self, model: type[Model], produced: set[str]):
        self.model = model
        self.columns: list[str] = []
        attnames: list[str] = []
        fixed: list[str] = []
        fixed_columns: list[str] = []
        self.secret: list[int] = []
        for f in model._meta.concrete_fields:
            if f.attname in produced:
                if isinstance(f, EncryptedTextField):
                    self.secret.append(len(attnames))
                self.columns.append(f.column)
                attnames.append(f.attname)
            elif f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"):
                continue  # the sequence fills it
            elif f.has_default() or f.null:
                value = f.get_default() if f.has_default() else None
                if isinstance(f, EncryptedTextField) and value:
                    raise CommandError(f"{model.__name__}.{f.name} has an encrypted default; the population generator must fill it.")
                fixed_columns.append(f.column)
                fixed.append(_copy_text(value))
            else:
                raise CommandError(f"The population generator does not fill {model.__name__}.{f.name}; update pravasi/registry/population.py.")
        self.columns += fixed_columns
        self.getter = operator.itemgetter(*attnames)
        self.tail = "".join("\t" + v for v in fixed)

    def sql(self) -> str:
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        return f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({cols}) FROM STDIN"

    def text(self, rows: list[dict]) -> str:
        getter, secret, tail = self.getter, self.secret, self.tail
        lines = []
        for row in rows:
            values = list(getter(row))
            for i in secret:
                if values[i]:
                    values[i] = encrypt(values[i])
            lines.append("\t".join(["\\N" if v is None else v for v in values]) + tail)
        lines.append("")
        return "\n".join(lines)


class PostgresWriter:
    """Writes batches with COPY on this process's connection; remembers the name keys already stored."""

    def __init__(self, *, check_foreign_keys: bool = False):
        self.known_keys = set(NameKey.objects.values_list("key", flat=True))
        self.tables: dict[type[Model], CopyTable] = {}
        with connection.cursor() as cur:
            cur.execute("SELECT current_setting('is_superuser')")
            superuser = cur.fetchone()[0] == "on"
        # Checking each row's foreign keys at commit costs about a third of the database's work. The rows
        # cannot break them (every child is written with its person in the same transaction, the notice id
        # comes from the database), so a superuser skips the checks as pg_restore --disable-triggers does.
        self.skip_fk_checks = superuser and not check_foreign_keys

    def _copy(self, cur, model: type[Model], rows: list[dict]) -> None:
        if not rows:
            return
        if model not in self.tables:
            self.tables[model] = CopyTable(model, set(rows[0]))
        table = self.tables[model]
        with cur.copy(table.sql()) as copy:
            copy.write(table.text(rows))

    def write(self, rows: population.Rows) -> Stats:
        for attempt in range(3):
            try:
                return self._write(rows)
            except IntegrityError:
                # Someone registered one of these passport numbers between our check and the COPY.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _write(self, rows: population.Rows) -> Stats:
        stats = Stats()
        if not rows.persons:
            return stats
        new_keys = sorted({key for _pid, key, _sort in rows.tokens} - self.known_keys)
        if new_keys:
            # Committed on its own, in sorted order, so two workers adding the same keys never deadlock.
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {NameKey._meta.db_table} (key) SELECT k FROM unnest(%s::text[]) AS k ORDER BY k ON CONFLICT DO NOTHING",  # noqa: S608 (table name from the model)
                    [new_keys],
                )
            self.known_keys.update(new_keys)
            stats.new_keys = len(new_keys)
        outermost = not connection.in_atomic_block  # inside a caller's transaction (a test), change no settings
        with transaction.atomic(), connection.cursor() as cur:
            if outermost:
                cur.execute("SET LOCAL synchronous_commit TO OFF")
                if self.skip_fk_checks:
                    cur.execute("SET LOCAL session_replication_role TO replica")
            ids = [r["id"] for r in rows.persons]
            cur.execute(f"SELECT id::text FROM {Person._meta.db_table} WHERE id = ANY(%s::uuid[])", [ids])  # noqa: S608
            existing = {r[0] for r in cur.fetchall()}
            if existing:
                stats.existing = len(existing)
                rows = rows.keep(set(ids) - existing)
            cur.execute(f"SELECT number_index FROM {Passport._meta.db_table} WHERE number_index = ANY(%s)", [[p["number_index"] for p in rows.passports]])  # noqa: S608
            taken = {r[0] for r in cur.fetchall()}
            passports = [p for p in rows.passports if p["number_index"] not in taken] if taken else rows.passports
            stats.passports_taken = len(rows.passports) - len(passports)
            for model, data in ((Person, rows.persons), (Passport, passports), (ConsentRecord, rows.consents), (FamilyMember, rows.family)):
                self._copy(cur, model, data)
            if rows.tokens:
                token_table = connection.ops.quote_name(NameToken._meta.db_table)
                with cur.copy(f"COPY {token_table} (person_id, key, sort_name) FROM STDIN") as copy:
                    copy.write("".join(f"{pid}\t{key}\t{sort_name}\n" for pid, key, sort_name in rows.tokens))
        stats.created = len(rows.persons)
        stats.passports = len(passports)
        stats.tokens = len(rows.tokens)
        stats.consents = len(rows.consents)
        stats.family = len(rows.family)
        return stats


# --- bulk_create (SQLite and other databases) ---------------------------------------------------------------


def _existing(model: type[Model], column: str, values: list) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(values), IN_CLAUSE_CHUNK):
        found.update(str(v) for v in model.objects.filter(**{f"{column}__in": values[i : i + IN_CLAUSE_CHUNK]}).values_list(column, flat=True))
    return found


def write_orm(rows: population.Rows) -> Stats:
    """The same rows through the ORM (it encrypts the plaintext values itself)."""
    stats = Stats()
    if not rows.persons:
        return stats
    with transaction.atomic():
        ids = [r["id"] for r in rows.persons]
        existing = _existing(Person, "id", ids)
        if existing:
            stats.existing = len(existing)
            rows = rows.keep(set(ids) - existing)
        taken = _existing(Passport, "number_index", [p["number_index"] for p in rows.passports])
        passports = [p for p in rows.passports if p["number_index"] not in taken]
        stats.passports_taken = len(rows.passports) - len(passports)
        keys = {key for _pid, key, _sort in rows.tokens}
        known = _existing(NameKey, "key", sorted(keys))
        NameKey.objects.bulk_create([NameKey(key=k) for k in sorted(keys - known)], ignore_conflicts=True)
        Person.objects.bulk_create([Person(**r) for r in rows.persons], batch_size=500)
        Passport.objects.bulk_create([Passport(**r) for r in passports], batch_size=500)
        NameToken.objects.bulk_create([NameToken(person_id=pid, key=key, sort_name=sort_name) for pid, key, sort_name in rows.tokens], batch_size=1000)
        ConsentRecord.objects.bulk_create([ConsentRecord(**r) for r in rows.consents], batch_size=500)
        FamilyMember.objects.bulk_create([FamilyMember(**r) for r in rows.family], batch_size=500)
    stats.created, stats.passports, stats.tokens, stats.consents, stats.family = len(rows.persons), len(passports), len(rows.tokens), len(rows.consents), len(rows.family)
    stats.new_keys = len(keys - known)
    return stats


# --- running ----------------------------------------------------------------------------------------------------


def batches(offset: int, size: int, batch: int) -> list[tuple[int, int]]:
    return [(start, min(start + batch, offset + size)) for start in range(offset, offset + size, batch)]


def _worker(ctx: population.Context, work: list[tuple[int, int]], queue, check_foreign_keys: bool) -> None:
    """One process: builds and writes its share of the batches, reporting each to the parent."""
    try:
        connections.close_all()
        writer = PostgresWriter(check_foreign_keys=check_foreign_keys)
        for start, stop in work:
            stats = writer.write(population.build_range(ctx, start, stop))
            queue.put(("batch", stop - start, stats))
        queue.put(("done", 0, None))
    except BaseException:
        queue.put(("error", 0, traceback.format_exc()))
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "Create a realistic synthetic registry of persons abroad (deterministic per --seed; re-runnable)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True, help="number of persons to create")
        parser.add_argument("--seed", type=int, default=1, help="the same seed always gives the same persons")
        parser.add_argument("--offset", type=int, default=0, help="index of the first person (add more by raising it)")
        parser.add_argument("--batch", type=int, default=20000, help="persons per transaction")
        parser.add_argument("--workers", type=int, default=0, help="processes that build and COPY rows (PostgreSQL; default: one per core)")
        parser.add_argument("--check-foreign-keys", action="store_true", help="let PostgreSQL re-check every foreign key (slower)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, size, seed, offset, batch, workers, no_progress, check_foreign_keys=False, **options):
        if size < 1 or offset < 0 or batch < 1:
            raise CommandError("--size and --batch must be positive and --offset at least 0.")
        ctx = population_context(seed)
        total = Stats()
        started = time.perf_counter()
        work = batches(offset, size, batch)
        from tqdm import tqdm

        bar = tqdm(total=size, unit="person", unit_scale=True, disable=no_progress, desc="seed_population", smoothing=0.1)
        try:
            if connection.vendor == "postgresql":
                self._run_postgres(ctx, work, workers or (os.cpu_count() or 1), bar, total, check_foreign_keys)
            else:
                for start, stop in work:
                    total.add(write_orm(population.build_range(ctx, start, stop)))
                    bar.update(stop - start)
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        forget_known_keys()
        if connection.vendor == "postgresql" and total.created >= 10_000 and not connection.in_atomic_block:
            # Fresh statistics for the planner, and a visibility map so name-token lookups are index-only.
            with connection.cursor() as cur:
                for model in (Person, Passport, NameToken, NameKey, ConsentRecord, FamilyMember):
                    cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        rate = total.created / elapsed if elapsed else 0.0
        self.stdout.write(
            f"Persons created: {total.created} (already there: {total.existing}) in {elapsed:.1f} s, {rate:,.0f} persons/s; "
            f"passports {total.passports} (number already registered: {total.passports_taken}), name tokens {total.tokens} "
            f"(new keys {total.new_keys}), consent records {total.consents}, family members {total.family}."
        )

    def _run_postgres(self, ctx, work, workers: int, bar, total: Stats, check_foreign_keys: bool) -> None:
        workers = max(1, min(workers, len(work)))
        for country in population.DESTINATIONS:
            population.mobile_blocks(country)  # once here, inherited by the workers
        if workers == 1:
            writer = PostgresWriter(check_foreign_keys=check_foreign_keys)
            for start, stop in work:
                total.add(writer.write(population.build_range(ctx, start, stop)))
                bar.update(stop - start)
            return
        # Children inherit nothing from our connection: each opens its own.
        connections.close_all()
        mp = multiprocessing.get_context("fork")
        queue = mp.Queue()
        procs = [mp.Process(target=_worker, args=(ctx, work[i::workers], queue, check_foreign_keys), daemon=True) for i in range(workers)]
        for proc in procs:
            proc.start()
        running, error = workers, None
        try:
            while running:
                kind, count, payload = queue.get()
                if kind == "batch":
                    total.add(payload)
                    bar.update(count)
                elif kind == "done":
                    running -= 1
                else:
                    error, running = payload, 0
        finally:
            for proc in procs:
                if error is not None and proc.is_alive():
                    proc.terminate()
                proc.join()
        if error is not None:
            raise CommandError(f"A worker failed; batches already committed stay (re-run to resume):\n{error}")

"""Clearance benchmark on PostgreSQL: the Protector of Emigrants' queue and the exit check, over 1,000,000 applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pravasi_bench .venv/bin/python bench/clearance.py --size 1000000

Uses the registry benchmark's database: creates and migrates it when missing and seeds the persons with
manage.py seed_population (seed 1, as bench/registry.py does) unless they are there. Then writes --size
synthetic clearance applications with COPY, in batches, with a progress bar; a batch already written is
skipped, so an interrupted run resumes and a re-run writes nothing. Runs ANALYZE, then times through the
project's own code:

  - the PoE queue: clearance.selectors.queue_for(actor=<an officer of the busiest PoE office>), first page of
    50 rows materialised (persons decrypted), plain, filtered by route, filtered by destination country;
  - the exit check: clearance.services.exit_check(client=..., passport_number=...) end to end (normalising,
    the HMAC blind index, the indexed read, the ExitCheck insert and its commit) for a mix of cleared,
    not-cleared and unknown passports.

Prints p50/p95/p99 in milliseconds, a Markdown table and whether the targets hold (queue p95 <= 150 ms,
exit check p95 <= 20 ms); --explain prints EXPLAIN ANALYZE of each query. Use a dedicated database: the
benchmark adds offices, organisations, an official, an API client, applications and exit checks to it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import uuid
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

from harness import (
    anchor,
    configure_environment,
    copy_batches,
    cumulative,
    ensure_official,
    ensure_persons,
    ensure_user,
    explain_call,
    load_average,
    migrate_and_load,
    pick,
    print_table,
    print_targets,
    record,
    run_parts,
    server_version,
    setup_django,
    shown_url,
    timed,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pravasi_bench"
TARGETS_MS = {"queue": 150.0, "exit": 20.0}
REFERENCE_PREFIX = "BA-"  # bench applications; real ones are EA-<year>-<n>
SYNTHETIC_LETTER = "X"  # never starts a generated registry passport number (population.PASSPORT_LETTERS)


# --- what the applications look like ---------------------------------------------------------------------------

# Ten PoE offices and the states they serve (Kerala has two); states not listed go to Delhi.
OFFICES = [
    ("BENCH-POE-TVM", "Protector of Emigrants, Thiruvananthapuram (benchmark)", ["IN-KL"]),
    ("BENCH-POE-COK", "Protector of Emigrants, Kochi (benchmark)", ["IN-KL"]),
    ("BENCH-POE-MAA", "Protector of Emigrants, Chennai (benchmark)", ["IN-TN", "IN-PY", "IN-KA"]),
    ("BENCH-POE-HYD", "Protector of Emigrants, Hyderabad (benchmark)", ["IN-TS", "IN-AP"]),
    ("BENCH-POE-BOM", "Protector of Emigrants, Mumbai (benchmark)", ["IN-MH", "IN-GA", "IN-GJ"]),
    ("BENCH-POE-DEL", "Protector of Emigrants, Delhi (benchmark)", ["IN-DL", "IN-HR", "IN-RJ", "IN-UK", "IN-HP", "IN-JK", "IN-MP"]),
    ("BENCH-POE-LKO", "Protector of Emigrants, Lucknow (benchmark)", ["IN-UP"]),
    ("BENCH-POE-PAT", "Protector of Emigrants, Patna (benchmark)", ["IN-BR", "IN-JH"]),
    ("BENCH-POE-IXC", "Protector of Emigrants, Chandigarh (benchmark)", ["IN-PB", "IN-CH"]),
    ("BENCH-POE-CCU", "Protector of Emigrants, Kolkata (benchmark)", ["IN-WB", "IN-OD", "IN-AS", "IN-TR", "IN-MN", "IN-ML"]),
]
# Status shares over three years of applications: most are decided; about 5 % wait for the Protector.
STATUSES = [("GRANTED", 0.80), ("REFUSED", 0.11), ("SUBMITTED", 0.05), ("DEFICIENCY", 0.02), ("WITHDRAWN", 0.02)]
ROUTES = [("RA", 0.75), ("DIRECT", 0.20), ("PROJECT_EXPORTER", 0.05)]
# Destination (ECR countries), its currency and a monthly wage range in that currency.
COUNTRIES = [
    ("SA", 0.30, "SAR", 1200, 4000),
    ("AE", 0.25, "AED", 1200, 4500),
    ("KW", 0.12, "KWD", 100, 400),
    ("QA", 0.10, "QAR", 1200, 4000),
    ("OM", 0.08, "OMR", 120, 400),
    ("BH", 0.04, "BHD", 120, 400),
    ("MY", 0.05, "MYR", 1500, 4000),
    ("JO", 0.02, "JOD", 200, 600),
    ("IQ", 0.02, "USD", 400, 1200),
    ("LY", 0.01, "USD", 400, 1200),
    ("LB", 0.01, "USD", 400, 1200),
]
OCCUPATIONS = ["9313", "7112", "8322", "9111", "5120", "7126", "7411", "9621", "7231", "5141", "3221", "8332"]
REFUSAL_REASONS = ["The visa does not match the demand letter.", "The wage is below the minimum referral wage.", "The PBBY policy does not insure this passport."]
SYNTHETIC_SHARE = 0.10  # applications for persons whose passport is not in the registry
EC_VALIDITY_MONTHS = 6


def _add_months(day: date, months: int) -> date:
    from pravasi.core.dates import add_months

    return add_months(day, months)


class Generator:
    """Builds the rows of one batch of applications; batch k of seed S is always the same rows."""

    def __init__(self, *, seed: int, now: datetime, pool: list[tuple], synthetic: list[tuple], offices: dict, agents: list[str], exporters: list[str], user_id: str):
        self.seed, self.now, self.pool, self.synthetic = seed, now, pool, synthetic
        self.offices, self.agents, self.exporters, self.user_id = offices, agents, exporters, user_id
        self.status_c, self.route_c, self.country_c = cumulative(STATUSES), cumulative(ROUTES), cumulative(COUNTRIES)
        self.employers = [f"Bench Gulf Employer {n:03d} LLC" for n in range(1, 501)]

    def office_for(self, state: str, rng: random.Random) -> str:
        choices = self.offices.get(state) or self.offices["IN-DL"]
        return choices[0] if len(choices) == 1 else rng.choice(choices)

    def rows(self, start: int, stop: int) -> list[dict]:
        rng = random.Random(f"{self.seed}:{start}")
        now, three_years = self.now, 3 * 365 * 86400
        out = []
        for i in range(start, stop):
            if rng.random() < SYNTHETIC_SHARE and self.synthetic:
                person_id, state, index, expiry = rng.choice(self.synthetic)
            else:
                person_id, state, index, expiry = rng.choice(self.pool)
            status = pick(rng, STATUSES, self.status_c)[0]
            route = pick(rng, ROUTES, self.route_c)[0]
            country, _share, currency, low, high = pick(rng, COUNTRIES, self.country_c)
            if status == "SUBMITTED":
                submitted = now - timedelta(seconds=rng.randrange(45 * 86400))
            elif status == "DEFICIENCY":
                submitted = now - timedelta(seconds=rng.randrange(90 * 86400))
            else:
                submitted = now - timedelta(seconds=rng.randrange(three_years))
            decided, emigration_number, valid_to, reasons = None, None, None, ""
            if status in ("GRANTED", "REFUSED"):
                decided = min(now, submitted + timedelta(seconds=rng.randrange(3600, 15 * 86400)))
                if status == "GRANTED":
                    emigration_number = f"EC/{decided.year}/B{i:08d}"
                    valid_to = (_add_months(decided.astimezone(LOCAL).date(), EC_VALIDITY_MONTHS) - timedelta(days=1)).isoformat()
                else:
                    reasons = rng.choice(REFUSAL_REASONS)
            applicant = rng.choice(self.agents) if route == "RA" else rng.choice(self.exporters) if route == "PROJECT_EXPORTER" else None
            departure = (submitted + timedelta(days=rng.randrange(20, 60))).date()
            stamp = submitted.isoformat()
            out.append(
                {
                    "id": str(uuid.UUID(bytes=hashlib.md5(f"bench-clearance:{self.seed}:{i}".encode()).digest(), version=4)),  # noqa: S324 (an id, not a secret)
                    "created_at": stamp,
                    "updated_at": (decided or submitted).isoformat(),
                    "reference": f"{REFERENCE_PREFIX}{i:08d}",
                    "status": status,
                    "route": route,
                    "person_id": person_id,
                    "passport_index": index,
                    "passport_ecr": "t",
                    "passport_expiry_date": expiry,
                    "applicant_id": applicant,
                    "submitted_by_id": self.user_id,
                    "submitted_at": stamp,
                    "office_id": self.office_for(state, rng),
                    "demand_id": None,
                    "position_id": None,
                    "employer_id": None,
                    "employer_name": rng.choice(self.employers) if route != "PROJECT_EXPORTER" else "Bench Project Exporter",
                    "destination_country": country,
                    "occupation": rng.choice(OCCUPATIONS),
                    "monthly_wage": f"{rng.randrange(low, high)}.00",
                    "currency": currency,
                    "contract_months": str(rng.choice([12, 24, 24, 24, 36])),
                    "departure_date": departure.isoformat(),
                    "service_charge_inr": f"{rng.randrange(5, 30) * 1000}.00" if route == "RA" else None,
                    "service_charge_receipt": f"BR-{i:08d}" if route == "RA" else "",
                    "pbby_policy_id": None,
                    "libya_life_policy": f"LIFE-{i:08d}" if country == "LY" else "",
                    "ec_required": "t",
                    "eligible": "f" if status == "REFUSED" else "t",
                    "outcomes": "[]",
                    "evaluated_at": stamp,
                    "emigration_number": emigration_number,
                    "valid_to_date": valid_to,
                    "decided_at": decided.isoformat() if decided else None,
                    "decision_reasons": reasons,
                }
            )
        return out


LOCAL = dt_timezone(timedelta(hours=5, minutes=30))  # settings.TIME_ZONE, Asia/Kolkata: dates of validity are Indian dates


class Bench:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.rows: list[tuple[str, dict]] = []
        self.samples: dict[str, list[tuple[float, dict]]] = {}

    # --- set-up -------------------------------------------------------------------------------------------------

    def prepare(self) -> None:
        from django.db import connection

        migrate_and_load()
        ensure_persons(self.args.persons, self.args.population_seed, seeding="Seeding the registry: {have:,} persons present, {size:,} wanted", seeded="Registry already seeded: {have:,} persons")
        self.offices = self.ensure_offices()
        self.applicant_user = ensure_user("bench-applicant")
        self.agents, self.exporters = self.ensure_organisations()
        generated = self.generate()
        with connection.cursor() as cur:
            print("VACUUM (ANALYZE) of the clearance tables" if generated else "ANALYZE")
            cur.execute("VACUUM (ANALYZE) clearance_clearanceapplication" if generated else "ANALYZE clearance_clearanceapplication")
            cur.execute("ANALYZE clearance_exitcheck")
        self.border = self.ensure_client()

    def ensure_offices(self) -> dict:
        from pravasi.accounts.models import Office
        from pravasi.accounts.roles import OfficeKind

        by_state: dict[str, list[str]] = {}
        for code, name, states in OFFICES:
            office, _ = Office.objects.get_or_create(code=code, defaults={"kind": OfficeKind.POE, "name": name, "states": states})
            for state in states:
                by_state.setdefault(state, []).append(str(office.id))
        return by_state

    def ensure_organisations(self) -> tuple[list[str], list[str]]:
        from pravasi.accounts.models import Organisation
        from pravasi.accounts.roles import OrganisationKind

        ids = {}
        for kind, label, count in ((OrganisationKind.RA, "Bench Recruiting Agency", 150), (OrganisationKind.PE, "Bench Project Exporter", 10)):
            names = [f"{label} {n:03d}" for n in range(1, count + 1)]
            have = set(Organisation.objects.filter(kind=kind, name__in=names).values_list("name", flat=True))
            Organisation.objects.bulk_create([Organisation(kind=kind, name=n) for n in names if n not in have])
            ids[kind] = [str(i) for i in Organisation.objects.filter(kind=kind, name__in=names).order_by("name").values_list("id", flat=True)]
        return ids[OrganisationKind.RA], ids[OrganisationKind.PE]

    def ensure_client(self):
        from pravasi.accounts.apikeys import api_client_create
        from pravasi.accounts.models import ApiClient

        found = ApiClient.objects.filter(name="bench-border").first()
        return found or api_client_create(actor=None, name="bench-border", scopes=["exit_check"])[0]

    def officer_of(self, office_id: str):
        from pravasi.accounts.models import Office
        from pravasi.accounts.roles import Role

        office = Office.objects.get(id=office_id)
        return ensure_official(f"bench-poe-{office.code.rsplit('-', 1)[-1].lower()}", Role.POE_OFFICER, office.id), office

    # --- generation ---------------------------------------------------------------------------------------------

    def applicant_pool(self) -> tuple[list[tuple], list[tuple]]:
        """Persons with a current ECR passport (its blind index), and persons without a passport (a synthetic one)."""
        from django.db import connection

        from pravasi.registry.selectors import passport_index

        with connection.cursor() as cur:
            cur.execute(
                "SELECT p.id::text, p.state_of_origin, pp.number_index, pp.expiry_date::text FROM registry_person p "
                "JOIN registry_passport pp ON pp.person_id = p.id AND pp.is_current AND pp.is_ecr ORDER BY p.id"
            )
            pool = cur.fetchall()
            cur.execute("SELECT p.id::text, p.state_of_origin FROM registry_person p WHERE NOT EXISTS (SELECT 1 FROM registry_passport pp WHERE pp.person_id = p.id) ORDER BY p.id")
            bare = cur.fetchall()
        expiry = date(2031, 12, 31).isoformat()
        synthetic = [(pid, state, passport_index(synthetic_number(k)), expiry) for k, (pid, state) in enumerate(bare)]
        return pool, synthetic

    def existing_in(self, start: int, stop: int) -> int:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM clearance_clearanceapplication WHERE reference >= %s AND reference < %s", [f"{REFERENCE_PREFIX}{start:08d}", f"{REFERENCE_PREFIX}{stop:08d}"])
            return cur.fetchone()[0]

    def generate(self) -> int:
        """Writes the missing batches with COPY, one transaction each; returns how many rows were written."""
        from pravasi.clearance.models import ClearanceApplication

        size = self.args.size
        have = self.existing_in(0, size)
        if have >= size:
            print(f"Applications already generated: {have:,}")
            return 0
        print(f"Generating applications: {have:,} present, {size:,} wanted")
        pool, synthetic = self.applicant_pool()
        print(f"Applicants: {len(pool):,} persons with an ECR passport, {len(synthetic):,} without a passport in the registry (synthetic passport)")
        generator = Generator(
            seed=self.args.data_seed,
            now=anchor(self.args.anchor),
            pool=pool,
            synthetic=synthetic,
            offices=self.offices,
            agents=self.agents,
            exporters=self.exporters,
            user_id=str(self.applicant_user.id),
        )
        written, elapsed = copy_batches(
            ClearanceApplication,
            size=size,
            batch=self.args.batch,
            rows=generator.rows,
            existing_in=self.existing_in,
            key="reference",
            key_of=lambda i: f"{REFERENCE_PREFIX}{i:08d}",
            unit="application",
            desc="clearance applications",
            script="bench/clearance.py",
        )
        print(f"Wrote {written:,} applications in {elapsed:.1f} s ({written / elapsed if elapsed else 0:,.0f} rows/s)")
        return written

    # --- measurement ----------------------------------------------------------------------------------------------

    def record(self, name: str, samples: list[float], extra: dict | None = None) -> dict:
        return record(self.rows, name, samples, extra, width=58)

    def busiest_office(self) -> str:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT office_id::text, count(*) FROM clearance_clearanceapplication WHERE status = 'SUBMITTED' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
            office_id, waiting = cur.fetchone()
        self.waiting = waiting
        return office_id

    def queue(self) -> None:
        from pravasi.clearance import selectors

        officer, office = self.officer_of(self.busiest_office())
        self.officer, self.office = officer, office
        print(f"\nPoE queue of {office.name}: {self.waiting:,} applications waiting (SUBMITTED)")
        n = self.args.queue_repeat

        def page(**filters):
            rows = list(selectors.queue_for(actor=officer, **filters)[:50])
            for row in rows:  # what the queue page shows of each: the person's name, the applicant
                _ = (row.person.given_name, row.person.family_name, row.applicant.name if row.applicant else "")
            return rows

        cases = {
            "queue: first page of 50": [{}] * n,
            "queue: by route": [{"route": self.rng.choice(["RA", "DIRECT", "PROJECT_EXPORTER"])} for _ in range(n)],
            "queue: by destination country": [{"country": self.rng.choice(["SA", "AE", "KW", "QA", "OM", "JO"])} for _ in range(n)],
        }
        self.queue_cases = cases
        self.page = page
        for name, queries in cases.items():
            for q in queries[:10]:
                page(**q)  # warm the connection and caches
            samples, sizes = [], []
            for q in queries:
                ms, result = timed(page, **q)
                samples.append(ms)
                sizes.append(len(result))
            self.samples[name] = sorted(zip(samples, queries, strict=True), key=lambda x: x[0])
            self.record(name, samples, {"median rows": int(statistics.median(sizes))})

    def exit_sample(self) -> list[tuple[str, str]]:
        """(passport number, expected) pairs: cleared, known but not cleared, unknown; numbers read as the ORM decrypts them."""
        from django.db import connection
        from django.utils import timezone

        from pravasi.registry.models import Passport
        from pravasi.registry.selectors import passport_index

        n = self.args.exit_repeat
        today = timezone.localdate()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT DISTINCT passport_index FROM clearance_clearanceapplication WHERE status = 'GRANTED' AND valid_to_date >= %s AND reference LIKE %s ORDER BY 1 LIMIT %s",
                [today, f"{REFERENCE_PREFIX}%", 20 * n],
            )
            cleared = [r[0] for r in cur.fetchall()]
            cur.execute(
                "SELECT passport_index FROM clearance_clearanceapplication WHERE reference LIKE %s GROUP BY 1 HAVING bool_and(NOT (status = 'GRANTED' AND valid_to_date >= %s)) ORDER BY 1 LIMIT %s",
                [f"{REFERENCE_PREFIX}%", today, 20 * n],
            )
            not_cleared = [r[0] for r in cur.fetchall()]
        # Synthetic passports: their numbers are known by construction.
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM registry_person p WHERE NOT EXISTS (SELECT 1 FROM registry_passport pp WHERE pp.person_id = p.id)")
            bare = cur.fetchone()[0]
        synthetic = {passport_index(synthetic_number(k)): synthetic_number(k) for k in range(bare)}
        self.rng.shuffle(cleared)
        self.rng.shuffle(not_cleared)

        def numbers(indexes: list[str], count: int) -> list[str]:
            chosen = indexes[: count * 2]
            real = {p.number_index: p.number for p in Passport.objects.filter(number_index__in=[i for i in chosen if i not in synthetic])}
            found = [real.get(i) or synthetic.get(i) for i in chosen]
            return [f for f in found if f][:count]

        mix = [(number, "cleared") for number in numbers(cleared, n // 2)]
        mix += [(number, "not cleared") for number in numbers(not_cleared, n * 3 // 10)]
        mix += [(f"Z{self.rng.randrange(10**7):07d}", "unknown") for _ in range(n - len(mix))]
        self.rng.shuffle(mix)
        return mix

    def exit_checks(self) -> None:
        from pravasi.clearance import services
        from pravasi.clearance.models import ExitCheck

        mix = self.exit_sample()
        client = self.border
        for number, _kind in mix[:20]:
            services.exit_check(client=client, passport_number=number, source_ip="10.0.0.1")  # warm up
        before = ExitCheck.objects.count()
        samples, by_kind, wrong = [], {}, 0
        for number, kind in mix:
            ms, answer = timed(services.exit_check, client=client, passport_number=number, source_ip="10.0.0.1")
            samples.append(ms)
            by_kind.setdefault(kind, []).append(ms)
            if answer["cleared"] != (kind == "cleared"):
                wrong += 1
        logged = ExitCheck.objects.count() - before
        self.exit_mix = {k: len(v) for k, v in by_kind.items()}
        print(f"\nExit check: {len(mix):,} questions ({', '.join(f'{v} {k}' for k, v in self.exit_mix.items())}); answers as expected: {len(mix) - wrong}/{len(mix)}; logged: {logged}")
        self.record("exit check: all (services.exit_check)", samples)
        for kind in ("cleared", "not cleared", "unknown"):
            if by_kind.get(kind):
                self.record(f"  - {kind}", by_kind[kind])
        self.exit_numbers = mix

    # --- explain ----------------------------------------------------------------------------------------------------

    def explain_call(self, label: str, fn, **kwargs) -> None:
        explain_call(f"{label} {kwargs if 'passport_number' not in kwargs else ''}", fn, skipped="not explained, a write", **kwargs)

    def explain(self) -> None:
        from pravasi.clearance import services

        for name in self.queue_cases:
            ms, query = self.samples[name][-1]
            self.explain_call(f"slowest of '{name}' (timed {ms:.1f} ms)", self.page, **query)
        for number, kind in self.exit_numbers[:3]:
            self.explain_call(f"exit check, {kind}", services.exit_check, client=self.border, passport_number=number)

    # --- summary ------------------------------------------------------------------------------------------------------

    def summary(self) -> None:
        from django.db import connection

        print_table(self.rows)
        with connection.cursor() as cur:
            version = server_version(cur)
            cur.execute("SELECT count(*) FROM clearance_clearanceapplication")
            applications = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM registry_person")
            persons = cur.fetchone()[0]
            cur.execute("SELECT pg_size_pretty(pg_total_relation_size('clearance_clearanceapplication'))")
            size = cur.fetchone()[0]
        print(f"\n{applications:,} applications ({size} with indexes), {persons:,} persons; {version}; {os.cpu_count()} cores; load average {load_average()}")
        print_targets(self.rows, TARGETS_MS, [("queue", "queue:"), ("exit", "exit check: all")], width=40)


def synthetic_number(k: int) -> str:
    """The passport number of the k-th person without one in the registry (X is never generated there)."""
    return f"{SYNTHETIC_LETTER}{k:07d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="clearance applications (generated when fewer)")
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons in the registry (seeded with seed_population when fewer)")
    parser.add_argument("--population-seed", type=int, default=1, help="seed passed to seed_population (the registry benchmark's)")
    parser.add_argument("--data-seed", type=int, default=1, help="seed of the generated applications")
    parser.add_argument("--batch", type=int, default=20_000, help="applications per COPY transaction")
    parser.add_argument("--anchor", help="the moment the three years of applications end (ISO, UTC); default midnight UTC today. Give the first run's to resume on another day")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the query samples")
    parser.add_argument("--queue-repeat", type=int, default=200, help="runs per queue benchmark")
    parser.add_argument("--exit-repeat", type=int, default=2000, help="exit checks")
    parser.add_argument("--only", choices=["queue", "exit"], action="append", help="run only these benchmarks")
    parser.add_argument("--generate-only", action="store_true", help="generate and analyse, measure nothing")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest queue queries and of exit checks")
    args = parser.parse_args()

    url = configure_environment(DEFAULT_URL, "bench/clearance.py")
    setup_django(url, "bench/clearance.py")
    bench = Bench(args)
    bench.prepare()
    if args.generate_only:
        return
    print(f"\nClearance benchmark ({shown_url(url)})")
    run_parts({"queue": bench.queue, "exit": bench.exit_checks}, args.only, bench.explain if args.explain else None)
    bench.summary()


if __name__ == "__main__":
    main()

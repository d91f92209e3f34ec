"""Cases benchmark on PostgreSQL: the office queue (a busy Mission and the PGE) and the filer's status check, over 500,000 cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pravasi_bench_cases .venv/bin/python bench/cases.py --size 500000

Creates and migrates the database when it is missing and loads the reference data; the figures are those of
the schema as migrated (its partial indexes on the open cases included: the run stops if one is missing).
Adds 30 offices (the PGE, 7 PoE offices, 22 Missions) and writes --size synthetic cases with COPY, in batches,
with a progress bar; a batch already written is skipped, so an interrupted run resumes and a re-run writes
nothing. Runs VACUUM (ANALYZE), then times through the project's own code:

  - the office queue as the workspace's paginator asks for it: cases.selectors.queue_for(actor=...).count()
    and its first 50 rows materialised (the encrypted personal columns left unread, as the queue defers them),
    for an officer of the busiest Mission and for a PGE officer (every office); plain, filtered by category,
    and with what the queue page computes for each row: the service levels read once per page
    (cases.services.sla_table), then cases.services.rag(case, now, table), the category's label and
    cases.labels.escalation_label(level, levels) with the escalation levels read once;
  - the public status check: cases.services.status_open(tracking_number=..., code=...) end to end (rate
    limit, the case by tracking number, the code row locked, HMAC compare, the code marked used, commit)
    with a valid fresh one-time code each time, and with a wrong code.

Prints p50/p95/p99 in milliseconds, a Markdown table and whether the targets hold (queue p95 <= 150 ms,
status check p95 <= 50 ms); --explain prints EXPLAIN ANALYZE of the statements of the slowest calls. Use a
dedicated database: the benchmark adds offices, officials, cases and access codes to it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from harness import (
    anchor,
    configure_environment,
    copy_batches,
    cumulative,
    ensure_official,
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pravasi_bench_cases"
TARGETS_MS = {"queue": 150.0, "status": 50.0}
TRACKING_PREFIX = "9"  # bench cases are 9xxx-xxxx-xxxx, numbered; real ones are random
YEARS = 3


# --- what the cases look like ------------------------------------------------------------------------------------

# Where the person is, with its share of the cases (Gulf-heavy, as the MADAD and e-Migrate figures are); each
# country has its Mission. Countries without one in this list go to the PGE.
MISSIONS = [
    ("SA", 0.22, "Riyadh"),
    ("AE", 0.21, "Abu Dhabi"),
    ("KW", 0.09, "Kuwait"),
    ("QA", 0.07, "Doha"),
    ("OM", 0.06, "Muscat"),
    ("BH", 0.03, "Manama"),
    ("MY", 0.04, "Kuala Lumpur"),
    ("SG", 0.01, "Singapore"),
    ("US", 0.02, "Washington"),
    ("GB", 0.02, "London"),
    ("CA", 0.01, "Ottawa"),
    ("AU", 0.01, "Canberra"),
    ("IT", 0.01, "Rome"),
    ("DE", 0.005, "Berlin"),
    ("JO", 0.01, "Amman"),
    ("IQ", 0.01, "Baghdad"),
    ("LB", 0.005, "Beirut"),
    ("LY", 0.005, "Tripoli"),
    ("MV", 0.01, "Male"),
    ("IL", 0.01, "Tel Aviv"),
    ("YE", 0.005, "Sanaa"),
    ("SD", 0.005, "Khartoum"),
]
ELSEWHERE = [("BR", 0.005), ("RU", 0.005), ("UA", 0.005), ("ZA", 0.005), ("NG", 0.005)]  # no Mission here: the PGE
POE_OFFICES = [
    ("BENCH-CPOE-TVM", "Thiruvananthapuram", ["IN-KL"], 0.30),
    ("BENCH-CPOE-MAA", "Chennai", ["IN-TN"], 0.15),
    ("BENCH-CPOE-HYD", "Hyderabad", ["IN-TS", "IN-AP"], 0.15),
    ("BENCH-CPOE-BOM", "Mumbai", ["IN-MH"], 0.10),
    ("BENCH-CPOE-LKO", "Lucknow", ["IN-UP"], 0.15),
    ("BENCH-CPOE-PAT", "Patna", ["IN-BR"], 0.10),
    ("BENCH-CPOE-DEL", "Delhi", ["IN-DL"], 0.05),
]
# Categories and their share (grievances), eventualities apart: deaths are mortal-remains cases.
CATEGORIES = [
    ("SALARY_DUES", 0.28),
    ("CONTRACT", 0.12),
    ("REPATRIATION", 0.10),
    ("SPONSOR", 0.07),
    ("WORKER_ABUSE", 0.07),
    ("RECRUITING_AGENT", 0.08),
    ("MORTAL_REMAINS", 0.04),
    ("WHEREABOUTS_UNKNOWN", 0.03),
    ("IMPRISONED", 0.03),
    ("SEXUAL_ABUSE", 0.01),
    ("OTHER", 0.12),
]
EVENTUALITY_SHARE_OF_OTHER = 0.3  # injuries, illness, detention reported as eventualities land in OTHER
CHANNELS = [("WEB", 0.65), ("HELPLINE", 0.25), ("PROFILE", 0.10)]
OPEN_SPLIT = 0.45  # of the cases still open, the share nobody has taken up yet


def tracking(i: int) -> str:
    digits = f"{TRACKING_PREFIX}{i:011d}"
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def _closed_share(age_days: float) -> float:
    """Older cases are more often closed; about 60 % of three years of cases are."""
    if age_days < 30:
        return 0.2
    if age_days < 180:
        return 0.5
    return 0.62


class Generator:
    """Builds the rows of one batch of cases; batch k of seed S is always the same rows (ciphertexts aside)."""

    def __init__(self, *, seed: int, now: datetime, offices: dict, categories: dict):
        from pravasi.core.crypto import encrypt

        self.seed, self.now, self.offices, self.categories = seed, now, offices, categories
        self.where = MISSIONS + ELSEWHERE
        self.where_c, self.category_c, self.channel_c = cumulative(self.where), cumulative(CATEGORIES), cumulative(CHANNELS)
        self.poe_c = cumulative([(code, share) for code, _c, _s, share in POE_OFFICES])
        # Pools of real ciphertexts of realistic length (a row is as wide as a real one; encrypting 3 million
        # values one by one would only slow the generation down).
        pool = random.Random(seed)
        given = ["Mohammed", "Rajesh", "Suresh", "Anil", "Shibu", "Abdul", "Ravi", "Joseph", "Lakshmi", "Mary", "Fathima", "Anitha", "Priya", "Sunitha"]
        family = ["Nair", "Kumar", "Pillai", "Thomas", "Khan", "Varghese", "Menon", "Yadav", "Shaikh", "Patil", "Singh", "Abraham", "Ansari", "Reddy"]
        words = "salary not paid for months employer passport held camp food contract changed visa expired sponsor refuses return ticket agent charged rupees police hospital".split()
        self.names = [encrypt(f"{pool.choice(given)} {pool.choice(family)}") for _ in range(3000)]
        self.phones = [encrypt(f"+9194{pool.randrange(10**8):08d}") for _ in range(3000)]
        self.emails = [encrypt(f"worker{n}@example.org") for n in range(1000)]
        self.places = [encrypt(f"Labour camp {pool.randrange(1, 99)}, {pool.choice(['Musaffah', 'Jeddah', 'Farwaniya', 'Sohar', 'Doha Industrial Area'])}") for _ in range(1000)]
        self.descriptions = [encrypt(" ".join(pool.choice(words) for _ in range(pool.randrange(20, 70))).capitalize() + ".") for _ in range(3000)]
        self.resolutions = [encrypt(" ".join(pool.choice(words) for _ in range(pool.randrange(10, 40))).capitalize() + ".") for _ in range(1000)]
        self.relations = ["SELF", "SELF", "SELF", "Father", "Mother", "Wife", "Husband", "Brother", "Sister", "Son"]

    def rows(self, start: int, stop: int) -> list[dict]:
        rng = random.Random(f"{self.seed}:{start}")
        now, span = self.now, YEARS * 365 * 86400
        out = []
        for i in range(start, stop):
            category = pick(rng, CATEGORIES, self.category_c)[0]
            country = pick(rng, self.where, self.where_c)[0]
            if category == "RECRUITING_AGENT":
                office = self.offices[pick(rng, [(c, 0) for c, *_r in POE_OFFICES], self.poe_c)[0]]
            else:
                office = self.offices.get(country) or self.offices["PGE"]
            kind, eventuality = "GRIEVANCE", ""
            if category == "MORTAL_REMAINS":
                kind, eventuality = "EVENTUALITY", "DEATH"
            elif category == "OTHER" and rng.random() < EVENTUALITY_SHARE_OF_OTHER:
                kind, eventuality = "EVENTUALITY", rng.choice(["INJURY", "MISSING", "DETAINED", "STRANDED", "ILLNESS"])
            # Filing grows over the years (more emigrants, more awareness of the channel): square-root skew to recent.
            age = span * (1 - rng.random() ** 0.8)
            filed = now - timedelta(seconds=age)
            sla, priority = self.categories[category]
            age_days = age / 86400
            closed_at, resolution, satisfaction, escalation = None, "", None, 0
            if rng.random() < _closed_share(age_days):
                status = "CLOSED"
                took = min(age_days, rng.expovariate(1 / (sla * 0.8)) + 0.1)
                closed_at = filed + timedelta(days=took)
                escalation = min(2, int(took // sla))
                resolution = rng.choice(self.resolutions)
                satisfaction = rng.choice([None, None, 1, 2, 3, 4, 4, 5, 5, 5])
                due = filed + timedelta(days=sla * (escalation + 1))
            else:
                status = "OPEN" if rng.random() < OPEN_SPLIT else "IN_PROGRESS"
                escalation = min(2, int(age_days // sla))
                due = filed + timedelta(days=sla * (escalation + 1))
            channel = pick(rng, CHANNELS, self.channel_c)[0]
            stamp = filed.isoformat()
            with_phone = rng.random() < 0.85
            out.append(
                {
                    "id": str(uuid.UUID(bytes=hashlib.md5(f"bench-cases:{self.seed}:{i}".encode()).digest(), version=4)),  # noqa: S324 (an id, not a secret)
                    "created_at": stamp,
                    "updated_at": (closed_at or filed).isoformat(),
                    "tracking_number": tracking(i),
                    "kind": kind,
                    "category": category,
                    "eventuality": eventuality,
                    "status": status,
                    "channel": channel,
                    "priority": str(priority),
                    "office_id": office,
                    "country": country,
                    "escalation_level": str(escalation),
                    "due_at": due.isoformat(),
                    "filed_at": stamp,
                    "filed_by_id": None,
                    "filer_name": rng.choice(self.names),
                    "filer_relation": rng.choice(self.relations),
                    "filer_phone": rng.choice(self.phones) if with_phone else "",
                    "filer_email": rng.choice(self.emails) if not with_phone or rng.random() < 0.2 else "",
                    "person_id": None,
                    "person_name": rng.choice(self.names),
                    "person_passport": "",
                    "where": rng.choice(self.places),
                    "happened_date": (filed - timedelta(days=rng.randrange(0, 20))).date().isoformat() if kind == "EVENTUALITY" else None,
                    "description": rng.choice(self.descriptions),
                    "agent_id": None,
                    "employer_id": None,
                    "verified_at": (filed + timedelta(hours=rng.randrange(2, 48))).isoformat() if kind == "EVENTUALITY" and status != "OPEN" else None,
                    "verified_by_id": None,
                    "closed_at": closed_at.isoformat() if closed_at else None,
                    "resolution": resolution,
                    "satisfaction": str(satisfaction) if satisfaction is not None else None,
                    "reopened_count": "0",
                }
            )
        return out


class Bench:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.rows: list[tuple[str, dict]] = []
        self.samples: dict[str, list[tuple[float, object]]] = {}
        self.calls: dict[str, object] = {}

    # --- set-up -------------------------------------------------------------------------------------------------

    def prepare(self) -> None:
        from django.db import connection

        migrate_and_load()
        self.offices = self.ensure_offices()
        generated = self.generate()
        with connection.cursor() as cur:
            self.check_indexes(cur)
            print("VACUUM (ANALYZE) of the case tables" if generated else "ANALYZE")
            cur.execute("VACUUM (ANALYZE) cases_case" if generated else "ANALYZE cases_case")
            cur.execute("ANALYZE cases_caseaccesscode")

    def check_indexes(self, cur) -> None:
        """The figures are the migrated schema's: stop when an index the model declares is missing (a database
        altered by hand), and name the indexes measured."""
        from pravasi.cases.models import Case

        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY 1", [Case._meta.db_table])
        present = [r[0] for r in cur.fetchall()]
        missing = sorted({index.name for index in Case._meta.indexes} - set(present))
        if missing:
            sys.exit(f"The benchmark database lacks the migrations' indexes {missing}: drop it and run again.")
        print(f"Indexes of {Case._meta.db_table} (as migrated): {', '.join(present)}")

    def ensure_offices(self) -> dict[str, str]:
        """country code -> Mission id, PoE code -> office id, and 'PGE'."""
        from pravasi.accounts.models import Office
        from pravasi.accounts.roles import OfficeKind

        ids: dict[str, str] = {}
        pge, _ = Office.objects.get_or_create(code="BENCH-CPGE", defaults={"kind": OfficeKind.PGE, "name": "Protector General of Emigrants (cases benchmark)"})
        ids["PGE"] = str(pge.id)
        for country, _share, city in MISSIONS:
            office, _ = Office.objects.get_or_create(code=f"BENCH-CMSN-{country}", defaults={"kind": OfficeKind.MISSION, "name": f"Embassy of India, {city} (benchmark)", "countries": [country]})
            ids[country] = str(office.id)
        for code, city, states, _share in POE_OFFICES:
            office, _ = Office.objects.get_or_create(code=code, defaults={"kind": OfficeKind.POE, "name": f"Protector of Emigrants, {city} (benchmark)", "states": states})
            ids[code] = str(office.id)
        return ids

    # --- generation ---------------------------------------------------------------------------------------------

    def existing_in(self, start: int, stop: int) -> int:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM cases_case WHERE tracking_number >= %s AND tracking_number < %s", [tracking(start), tracking(stop)])
            return cur.fetchone()[0]

    def generate(self) -> int:
        """Writes the missing batches with COPY, one transaction each; returns how many rows were written."""
        from pravasi.cases.models import Case
        from pravasi.cases.services import categories

        size = self.args.size
        have = self.existing_in(0, size)
        if have >= size:
            print(f"Cases already generated: {have:,}")
            return 0
        print(f"Generating cases: {have:,} present, {size:,} wanted")
        generator = Generator(seed=self.args.data_seed, now=anchor(self.args.anchor), offices=self.offices, categories={c: (int(v["sla_days"]), int(v["priority"])) for c, v in categories().items()})
        written, elapsed = copy_batches(
            Case,
            size=size,
            batch=self.args.batch,
            rows=generator.rows,
            existing_in=self.existing_in,
            key="tracking_number",
            key_of=tracking,
            unit="case",
            desc="cases",
            script="bench/cases.py",
        )
        print(f"Wrote {written:,} cases in {elapsed:.1f} s ({written / elapsed if elapsed else 0:,.0f} rows/s)")
        return written

    # --- measurement ----------------------------------------------------------------------------------------------

    def record(self, name: str, samples: list[float], extra: dict | None = None) -> dict:
        return record(self.rows, name, samples, extra, width=60)

    def busiest_mission(self) -> tuple[str, int]:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "SELECT c.office_id::text, count(*) FROM cases_case c JOIN accounts_office o ON o.id = c.office_id "
                "WHERE o.kind = 'MISSION' AND c.status IN ('OPEN', 'IN_PROGRESS') GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
            )
            return cur.fetchone()

    def queue(self) -> None:
        from django.utils import timezone

        from pravasi.accounts.models import Office
        from pravasi.accounts.roles import Role
        from pravasi.cases import selectors, services
        from pravasi.cases.labels import category_label, escalation_label
        from pravasi.policy.selectors import policy

        office_id, waiting = self.busiest_mission()
        mission_office = Office.objects.get(id=office_id)
        mission = ensure_official(f"bench-case-{mission_office.code.lower()}", Role.MISSION_OFFICER, office_id)  # one office each
        pge = ensure_official("bench-case-pge", Role.PGE_OFFICER, self.offices["PGE"])
        total_open = selectors.queue_for(actor=pge).count()
        print(f"\nQueues: {mission_office.name} has {waiting:,} open cases; the PGE sees {total_open:,}")
        n = self.args.queue_repeat

        def page(actor, category: str = "", with_rag: bool = False):
            actor.__dict__.pop("_membership_cache", None)  # a request loads the user's memberships afresh
            now = timezone.now()
            qs = selectors.queue_for(actor=actor, category=category, now=now)
            count = qs.count()  # what the paginator asks first
            rows = list(qs[:50])
            if with_rag:  # as the queue page: the policy read once per page, not once per row
                table, levels = services.sla_table(), list(policy("CASE_ESCALATION_LEVELS"))
            for case in rows:  # what the queue page reads of each row (no personal column: the queue defers them)
                _ = (case.tracking_number, case.country, case.office.name, (now - case.filed_at).days)
                if with_rag:
                    _ = (category_label(case.category), services.rag(case, now, table), escalation_label(case.escalation_level, levels))
            return count, rows

        categories = ["SALARY_DUES", "CONTRACT", "REPATRIATION", "MORTAL_REMAINS", "RECRUITING_AGENT", "WORKER_ABUSE"]
        plan = [
            ("queue: Mission, first page + count", mission, [{}] * n),
            ("queue: Mission, by category", mission, [{"category": self.rng.choice(categories)} for _ in range(n)]),
            ("queue: Mission, page with RAG per row", mission, [{"with_rag": True}] * n),
            ("queue: PGE (all offices), first page + count", pge, [{}] * n),
            ("queue: PGE, by category", pge, [{"category": self.rng.choice(categories)} for _ in range(n)]),
        ]
        self.page = page
        for name, actor, queries in plan:
            for q in queries[:10]:
                page(actor, **q)  # warm the connection and caches
            samples, counts = [], []
            for q in queries:
                ms, (count, _rows) = timed(page, actor, **q)
                samples.append(ms)
                counts.append(count)
            self.samples[name] = sorted(zip(samples, [(actor, q) for q in queries], strict=True), key=lambda x: x[0])
            self.record(name, samples, {"median count": int(statistics.median(counts))})

    def status_checks(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from pravasi.cases import services
        from pravasi.cases.models import CaseAccessCode
        from pravasi.core.errors import ValidationFailed

        n, warm = self.args.status_repeat, 20
        with connection.cursor() as cur:
            pct = min(100.0, 100.0 * (n + warm) * 20 / max(self.args.size, 1))
            cur.execute("SELECT id::text, tracking_number FROM cases_case TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) LIMIT %s", [pct, self.args.seed, 3 * (n + warm)])
            sample = cur.fetchall()
        self.rng.shuffle(sample)
        sample = sample[: n + warm]
        # One code per call, made the way status_code_send stores them (sending them would queue a message each);
        # some cases carry an older code already used, as a filer who checks again would leave.
        now = timezone.now()
        codes, rows = [], []
        for k, (case_id, number) in enumerate(sample):
            code = f"{self.rng.randrange(10**6):06d}"
            codes.append((number, code, case_id))
            if k % 3 == 0:
                rows.append(CaseAccessCode(case_id=case_id, code_hash=services._code_hash(case_id, "000000"), expires_at=now - timedelta(days=2), used_at=now - timedelta(days=2)))
            rows.append(CaseAccessCode(case_id=case_id, code_hash=services._code_hash(case_id, code), expires_at=now + timedelta(hours=2)))
        CaseAccessCode.objects.bulk_create(rows)
        with connection.cursor() as cur:
            cur.execute("ANALYZE cases_caseaccesscode")

        def ip(k: int) -> str:
            return f"10.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}"  # a limit of 20 tries per address and ten minutes

        for k, (number, code, _id) in enumerate(codes[:warm]):
            services.status_open(tracking_number=number, code=code, source_ip=ip(k))
        # A mistyped code first (the code row is locked, compared and its attempts counted), on some of the cases
        # that are then opened with the right code, as a filer who mistypes once would.
        wrong = []
        for k, (number, right, _id) in enumerate(codes[warm : warm + max(50, n // 4)], start=100_000):
            started = time.perf_counter()
            try:
                services.status_open(tracking_number=number, code="999999" if right != "999999" else "999998", source_ip=ip(k))
            except ValidationFailed:
                pass
            wrong.append((time.perf_counter() - started) * 1000)
        samples, wrong_answers = [], 0
        for k, (number, code, case_id) in enumerate(codes[warm:], start=warm):
            ms, case = timed(services.status_open, tracking_number=number, code=code, source_ip=ip(k))
            samples.append(ms)
            if str(case.id) != case_id:
                wrong_answers += 1
        used = CaseAccessCode.objects.filter(case_id__in=[c for _n, _c, c in codes], used_at__gt=now).count()
        print(f"\nStatus check: {len(samples):,} valid codes, wrong cases returned: {wrong_answers}, codes marked used: {used:,}/{len(codes):,}")
        self.record("status check: valid fresh code (services.status_open)", samples)
        self.record("status check: wrong code (refused)", wrong)
        self.status_codes = codes

    # --- explain ----------------------------------------------------------------------------------------------------

    def explain(self) -> None:
        from django.db import transaction

        from pravasi.cases import services
        from pravasi.cases.models import CaseAccessCode

        for name, samples in self.samples.items():
            ms, (actor, query) = samples[-1]
            explain_call(f"slowest of '{name}' (timed {ms:.1f} ms) {query}", self.page, actor, **query)
        number, _code, case_id = self.status_codes[0]
        with transaction.atomic():
            CaseAccessCode.objects.create(case_id=case_id, code_hash=services._code_hash(case_id, "424242"), expires_at=datetime.now(UTC) + timedelta(hours=1))
        explain_call("status check, valid code", services.status_open, tracking_number=number, code="424242", source_ip="10.255.255.1")

    # --- summary ------------------------------------------------------------------------------------------------------

    def summary(self) -> None:
        from django.db import connection

        print_table(self.rows)
        with connection.cursor() as cur:
            version = server_version(cur)
            cur.execute("SELECT status, count(*) FROM cases_case GROUP BY 1 ORDER BY 1")
            by_status = ", ".join(f"{s} {c:,}" for s, c in cur.fetchall())
            cur.execute("SELECT pg_size_pretty(pg_total_relation_size('cases_case'))")
            size = cur.fetchone()[0]
        print(f"\nCases: {by_status} ({size} with indexes); {version}; {os.cpu_count()} cores; load average {load_average()}")
        print_targets(self.rows, TARGETS_MS, [("queue", "queue:"), ("status", "status check: valid")], width=50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=500_000, help="cases (generated when fewer)")
    parser.add_argument("--data-seed", type=int, default=1, help="seed of the generated cases")
    parser.add_argument("--batch", type=int, default=20_000, help="cases per COPY transaction")
    parser.add_argument("--anchor", help="the moment the three years of cases end (ISO, UTC); default midnight UTC today. Give the first run's to resume on another day")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the query samples")
    parser.add_argument("--queue-repeat", type=int, default=200, help="runs per queue benchmark")
    parser.add_argument("--status-repeat", type=int, default=500, help="status checks with a valid code")
    parser.add_argument("--only", choices=["queue", "status"], action="append", help="run only these benchmarks")
    parser.add_argument("--generate-only", action="store_true", help="generate and analyse, measure nothing")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest queue calls and of a status check")
    args = parser.parse_args()

    url = configure_environment(DEFAULT_URL, "bench/cases.py")
    setup_django(url, "bench/cases.py")
    bench = Bench(args)
    bench.prepare()
    if args.generate_only:
        return
    print(f"\nCases benchmark ({shown_url(url)}); load average at the start {load_average()}")
    run_parts({"queue": bench.queue, "status": bench.status_checks}, args.only, bench.explain if args.explain else None)
    bench.summary()


if __name__ == "__main__":
    main()

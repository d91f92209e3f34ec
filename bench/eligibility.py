"""Eligibility engine benchmark: evaluations a second in one process, with and without parsing the question.

    .venv/bin/python bench/eligibility.py [--n 100000] [--seed 1] [--rounds 3]

Uses the configured database (DATABASE_URL, or the embedded SQLite file) only to read the rulebook once;
loads the India policy pack first when the eligibility rules' values are missing. Generates N realistic
questions with a fixed seed (passport categories, 22 destination countries, common occupations, ages,
wages in several currencies around the minimum, with and without a passport expiry date), then times:

- engine: `evaluate(facts, book)` over the N parsed facts;
- parse + engine: `facts_from_question(question)` then `evaluate`, from the JSON-shaped dicts;
- JSON in, JSON out: `json.loads`, parsing, evaluating and `json.dumps(result.as_dict())` (the API without HTTP).

Each is run --rounds times and the best round is reported, by wall clock and per CPU second of the process
(on a busy shared machine the second moves less). Target: 5,000 evaluations a second, wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_PER_SECOND = 5000

# Destinations weighted roughly as emigration clearance traffic goes: the Gulf first.
COUNTRIES = {"SA": 20, "AE": 18, "KW": 10, "QA": 9, "OM": 8, "BH": 4, "MY": 5, "JO": 2, "LB": 1, "IQ": 2, "LY": 1, "YE": 1, "AF": 1, "SD": 1, "SS": 1, "TH": 1, "ID": 1, "GB": 5, "US": 4, "SG": 2, "CA": 2, "DE": 1}
OCCUPATIONS = {"9313": 18, "9111": 14, "8322": 10, "5120": 6, "7411": 6, "7126": 5, "7112": 5, "7115": 5, "7212": 5, "9329": 8, "5131": 4, "5223": 3, "5414": 5, "2221": 4, "3221": 2}
LOCAL_CURRENCY = {"SA": "SAR", "AE": "AED", "KW": "KWD", "QA": "QAR", "OM": "OMR", "BH": "BHD", "MY": "MYR", "JO": "JOD", "IQ": "IQD", "LY": "LYD", "GB": "GBP", "DE": "EUR"}


def configure_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PRAVASI_ALLOW_DEV_SECRET", "true")
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory


def ensure_policy() -> str:
    """The rule values must be in the database; migrates an empty database and loads the pack when they are not."""
    from django.core.management import call_command
    from django.db import DatabaseError

    from pravasi.clearance.eligibility import KEYS
    from pravasi.policy.models import PolicyValue
    from pravasi.policy.services import policy_pack_load

    try:
        have = set(PolicyValue.objects.filter(pack="india", key__in=KEYS).values_list("key", flat=True))
    except DatabaseError:
        call_command("migrate", verbosity=0, interactive=False)
        have = set()
    if have >= set(KEYS):
        return "policy values present"
    counts = policy_pack_load(pack="india")
    return f"policy pack loaded ({counts['created']} created, {counts['updated']} updated)"


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def questions(n: int, seed: int, today: date, book) -> list[dict]:
    """N questions as the API receives them: mostly employment, wages scattered around each country's minimum."""
    from pravasi.clearance.eligibility import to_usd

    rng = random.Random(seed)
    rates = book.get("EXCHANGE_RATES_USD") or {"USD": "1"}
    out = []
    for _ in range(n):
        country = weighted(rng, COUNTRIES)
        purpose = rng.choices(["EMPLOYMENT", "VISIT", "STUDY", "OTHER"], weights=[85, 8, 4, 3])[0]
        occupation = weighted(rng, OCCUPATIONS)
        departure = today + timedelta(days=rng.randint(7, 365))
        sex = rng.choices(["M", "F", "X"], weights=[70, 29, 1])[0]
        born = departure - timedelta(days=int(rng.uniform(18, 60) * 365.25))
        question = {
            "passport_category": rng.choices(["ECR", "ECNR"], weights=[55, 45])[0],
            "destination_country": country,
            "purpose": purpose,
        }
        if purpose == "EMPLOYMENT" or rng.random() < 0.3:
            table = book.get("MINIMUM_REFERRAL_WAGE_USD", country) or {"default": "400"}
            usd = Decimal(str(table.get(occupation, table["default"]))) * Decimal(str(rng.uniform(0.8, 3.0)))
            currency = rng.choice(["USD", LOCAL_CURRENCY.get(country, "USD"), LOCAL_CURRENCY.get(country, "USD"), "INR"])
            per_usd = to_usd(Decimal("1"), currency, book) or Decimal("1")
            amount = (usd / per_usd).quantize(Decimal("0.01")) if currency in rates else usd.quantize(Decimal("1"))
            question |= {
                "occupation": occupation,
                "sex": sex,
                "date_of_birth": born.isoformat(),
                "departure_date": departure.isoformat(),
                "monthly_wage": {"amount": str(amount), "currency": currency},
                "recruitment": rng.choices(["RA", "DIRECT", "PROJECT_EXPORTER"], weights=[70, 25, 5])[0],
            }
            if rng.random() < 0.5:
                # Mostly valid well past six months; some not.
                question["passport_expiry_date"] = (departure + timedelta(days=rng.randint(120, 3650))).isoformat()
        out.append(question)
    return out


def best_rate(label: str, run, n: int, rounds: int) -> tuple[float, float]:
    """Best rounds by wall clock and by the process's CPU time (the second is what a busy shared machine distorts least)."""
    best_wall = best_cpu = 0.0
    for round_no in range(1, rounds + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        best_wall, best_cpu = max(best_wall, n / wall), max(best_cpu, n / cpu)
        print(f"  {label}, round {round_no}: {n:,} in {wall:.2f} s = {n / wall:,.0f}/s ({n / cpu:,.0f} per CPU second)", flush=True)
    return best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=100_000, help="evaluations per round (default 100,000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated questions")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measurement; the best is reported")
    parser.add_argument("--language", default="en", help="language of the messages (en, hi, ml)")
    args = parser.parse_args()

    configure_environment()
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone, translation

    from pravasi.clearance.eligibility import evaluate, rulebook_for
    from pravasi.clearance.validation import facts_from_question

    translation.activate(args.language)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); {ensure_policy()}")
    today = timezone.localdate()
    started = time.perf_counter()
    book = rulebook_for(today)
    print(f"Rulebook for {today.isoformat()} loaded once in {(time.perf_counter() - started) * 1000:.1f} ms")

    asked = questions(args.n, args.seed, today, book)
    facts = [facts_from_question(q) for q in asked]
    texts = [json.dumps(q) for q in asked]
    results = [evaluate(f, book) for f in facts]  # also warms the message memo
    required = sum(r.ec_required for r in results)
    eligible = sum(r.eligible for r in results if r.ec_required)
    print(
        f"{args.n:,} questions (seed {args.seed}): {sum(q['purpose'] == 'EMPLOYMENT' for q in asked) / args.n:.0%} employment, "
        f"{required / args.n:.0%} need clearance, of which {eligible / max(required, 1):.0%} eligible as far as known; "
        f"{sum('passport_expiry_date' in q for q in asked) / args.n:.0%} with a passport expiry date"
    )

    def engine():
        for f in facts:
            evaluate(f, book)

    def parse_and_engine():
        for q in asked:
            evaluate(facts_from_question(q), book)

    def json_in_json_out():
        for text in texts:
            json.dumps(evaluate(facts_from_question(json.loads(text)), book).as_dict())

    rates = {
        "engine": best_rate("engine", engine, args.n, args.rounds),
        "parse + engine": best_rate("parse + engine", parse_and_engine, args.n, args.rounds),
        "JSON in, JSON out": best_rate("JSON in, JSON out", json_in_json_out, args.n, args.rounds),
    }
    print()
    print(f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"| Measurement (one process, best of {args.rounds}) | Evaluations/s | Per CPU second | Target {TARGET_PER_SECOND:,}/s |")
    print("|---|---:|---:|---|")
    for label, (wall, cpu) in rates.items():
        print(f"| {label} | {wall:,.0f} | {cpu:,.0f} | {'**met**' if wall >= TARGET_PER_SECOND else '**not met**'} |")

if __name__ == "__main__":
    main()

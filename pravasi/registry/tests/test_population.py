"""The synthetic population: deterministic per seed, plausible, unique passports, searchable like real registrations."""

import io
from collections import Counter
from datetime import date

import phonenumbers
import pytest
from django.core.management import call_command

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.registry import population
from pravasi.registry.management.commands.seed_population import CopyTable, population_context
from pravasi.registry.models import ConsentPurpose, ConsentRecord, FamilyMember, NameKey, NameToken, Passport, Person, sort_name_of
from pravasi.registry.mrz import PASSPORT_NUMBER_RE
from pravasi.registry.names import name_keys
from pravasi.registry.selectors import SearchParams, passport_index, person_search
from pravasi.registry.tests.factories import register_person

pytestmark = pytest.mark.django_db

SIZE = 300


def seed(size=SIZE, seed=7, offset=0):
    call_command("seed_population", size=size, seed=seed, offset=offset, batch=128, workers=1, no_progress=True, stdout=io.StringIO())


@pytest.fixture
def ctx():
    return population_context(7)


def test_rows_are_deterministic_per_seed_whatever_the_batches(ctx):
    whole = population.build_range(ctx, 0, 300)
    again = population.build_range(ctx, 0, 300)
    pieces = population.build_range(ctx, 0, 128)
    pieces.extend(population.build_range(ctx, 128, 300))
    assert whole == again == pieces
    other = population.build_range(population_context(8), 0, 300)
    assert [p["given_name"] for p in other.persons] != [p["given_name"] for p in whole.persons]
    assert not {p["id"] for p in other.persons} & {p["id"] for p in whole.persons}


def test_every_column_is_filled_and_text_is_copy_safe(ctx):
    rows = population.build_range(ctx, 0, 1000)
    for model, data in ((Person, rows.persons), (Passport, rows.passports), (ConsentRecord, rows.consents), (FamilyMember, rows.family)):
        table = CopyTable(model, set(data[0]))  # raises when a required column is not generated
        assert set(table.columns) == {f.column for f in model._meta.concrete_fields}
        for row in data:
            for value in row.values():
                assert value is None or (isinstance(value, str) and not set(value) & {"\t", "\n", "\r", "\\"}), value
    for token in rows.tokens:  # written as COPY text too: (person_id, key, sort_name)
        assert all(not set(value) & {"\t", "\n", "\r", "\\"} for value in token), token


def test_proportions_are_plausible(ctx):
    rows = population.build_range(ctx, 0, 6000)
    persons = rows.persons
    n = len(persons)
    countries = Counter(p["residence_country"] for p in persons if p["residence_country"])
    assert countries.most_common(1)[0][0] == "AE"
    gulf = [p for p in persons if p["residence_country"] in {"AE", "SA", "KW", "QA", "OM", "BH"}]
    west = [p for p in persons if p["residence_country"] in {"US", "GB", "CA"}]
    assert 0.6 < len(gulf) / n < 0.85
    assert 0.05 < len(west) / n < 0.25
    assert sum(p["sex"] == "M" for p in gulf) / len(gulf) > 0.8
    assert 0.3 < sum(p["sex"] == "F" for p in west) / len(west) < 0.6
    assert Counter(p["state_of_origin"] for p in gulf).most_common(1)[0][0] == "IN-KL"
    assert {"IN-UP", "IN-BR", "IN-TN"} <= {s for s, _ in Counter(p["state_of_origin"] for p in gulf).most_common(5)}
    occupations = Counter(p["occupation_isco"] for p in gulf)
    assert {"9313", "8322", "7112"} <= {code for code, _ in occupations.most_common(6)}
    assert occupations["9111"] and occupations["2221"]
    gulf_women = Counter(p["occupation_isco"] for p in gulf if p["sex"] == "F")
    assert gulf_women.most_common(1)[0][0] == "9111"
    assert 0.88 < len(rows.passports) / n < 0.96
    assert 0.6 < sum(p["family_name"] != "" for p in persons) / n <= 1
    for vuln, low, high in (("vuln_pregnancy", 0.001, 0.03), ("vuln_disability", 0.003, 0.03), ("vuln_chronic_illness", 0.02, 0.12), ("vuln_elderly", 0.01, 0.08), ("vuln_minor", 0.001, 0.03)):
        assert low < sum(p[vuln] == "t" for p in persons) / n < high, vuln
    crisis = sum(c["purpose"] == ConsentPurpose.CRISIS_CONTACT for c in rows.consents)
    assert 0.83 < crisis / n < 0.93
    with_family = {f["person_id"] for f in rows.family}
    assert 0.03 < len(with_family) / n < 0.25
    today = ctx.today  # the registry's local date, as derive_vulnerabilities uses
    for p in persons:
        born = date.fromisoformat(p["date_of_birth"])
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        assert (p["vuln_minor"] == "t") == (age < ctx.minor_age)
        assert (p["vuln_elderly"] == "t") == (age >= ctx.elderly_age)


def test_passports_mobiles_and_ecr_are_consistent(ctx):
    rows = population.build_range(ctx, 0, 3000)
    persons = {p["id"]: p for p in rows.persons}
    ecr = ctx.ecr_by_education
    numbers = [p["number"] for p in rows.passports]
    assert len(set(numbers)) == len(numbers)
    for passport in rows.passports:
        assert PASSPORT_NUMBER_RE.match(passport["number"])
        assert passport["number_index"] == passport_index(passport["number"])
        assert passport["is_ecr"] == ("t" if ecr[persons[passport["person_id"]]["education"]] else "f")
        assert passport["expiry_date"] > passport["issue_date"]
    for p in rows.persons:
        if p["mobile"] and p["residence_country"]:
            number = phonenumbers.parse(p["mobile"])
            assert phonenumbers.is_valid_number(number), p["mobile"]
            assert phonenumbers.region_code_for_number(number) == p["residence_country"]
            assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == p["mobile"]


def test_seeding_writes_what_the_services_write_and_reruns_add_nothing():
    seed()
    assert Person.objects.count() == SIZE
    indexes = list(Passport.objects.values_list("number_index", flat=True))
    assert len(indexes) == len(set(indexes)) > 0.85 * SIZE
    for passport in Passport.objects.select_related("person")[:50]:
        assert passport.number_index == passport_index(passport.number)  # decrypts: written encrypted as the ORM does
    for person in Person.objects.all()[:50]:
        assert set(NameToken.objects.filter(person=person).values_list("key", flat=True)) == name_keys(person.given_name, person.family_name)
        # sort_name exactly as refresh_name_tokens writes it, so seeded and registered persons list in one order
        assert set(NameToken.objects.filter(person=person).values_list("sort_name", flat=True)) == {sort_name_of(person.family_name, person.given_name)}
    assert set(NameToken.objects.values_list("key", flat=True)) <= set(NameKey.objects.values_list("key", flat=True))
    seed()  # the same seed and offset again: nothing new
    assert Person.objects.count() == SIZE
    assert len(set(Passport.objects.values_list("number_index", flat=True))) == len(indexes)
    seed(size=50, offset=SIZE)  # more of the same population
    assert Person.objects.count() == SIZE + 50


def test_a_passport_already_registered_is_never_duplicated(ctx):
    first = population.build_range(ctx, 0, 1).passports[0]
    officer = user_with_role(Role.PGE_OFFICER)
    owner = register_person(officer, given_name="Already", family_name="Here", passport=first["number"])
    seed(size=10)
    holders = Passport.objects.filter(number_index=first["number_index"])
    assert [h.person_id for h in holders] == [owner.id]
    assert Person.objects.count() == 11


def test_seeded_persons_are_found_by_passport_mobile_and_name_variant(make_user):
    seed()
    pge = make_user(Role.PGE_OFFICER)
    person = Person.objects.filter(passports__isnull=False).exclude(mobile_index="").exclude(residence_country="").order_by("id").first()
    number = person.passports.get(is_current=True).number
    assert [p.id for p in person_search(actor=pge, params=SearchParams(passport_number=number.lower()))] == [person.id]
    assert person.id in {p.id for p in person_search(actor=pge, params=SearchParams(mobile=person.mobile))}

    spellings = {}
    for table in (population.MUSLIM_MALE, population.CHRISTIAN_MALE, *population.MALE.values(), *population.FEMALE.values(), population.MUSLIM_FEMALE):
        for entry in table.items:
            for spelling in entry.split("|"):
                spellings[spelling] = [v for v in entry.split("|") if v != spelling]
    candidates = [p for p in Person.objects.exclude(residence_country="") if spellings.get(p.given_name.split()[0])]
    assert candidates, "the population has transliteration variants"
    for target in candidates[:10]:
        first, *rest = target.given_name.split()
        variant = " ".join([spellings[first][0], *rest, target.family_name])
        found = person_search(actor=pge, params=SearchParams(name=variant, country=target.residence_country, state=target.state_of_origin, limit=200))
        assert target.id in {p.id for p in found}, (target.given_name, variant)

    mission = make_user(Role.MISSION_OFFICER, office=office_for(OfficeKind.MISSION, countries=[person.residence_country]))
    assert [p.id for p in person_search(actor=mission, params=SearchParams(passport_number=number))] == [person.id]
    elsewhere = make_user(Role.MISSION_OFFICER, office=office_for(OfficeKind.MISSION, countries=["ZA"]))
    assert person_search(actor=elsewhere, params=SearchParams(passport_number=number)) == []

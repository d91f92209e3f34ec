"""ICAO 9303 check digits: the specimen passes, every single-character error is caught."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pravasi.core.errors import ValidationFailed
from pravasi.registry.mrz import build_td3, check_digit, normalise_passport_number, parse_td3

SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


def test_icao_specimen_parses():
    mrz = parse_td3(*SPECIMEN)
    assert mrz.surname == "ERIKSSON"
    assert mrz.given_names == "ANNA MARIA"
    assert mrz.passport_number == "L898902C3"
    assert mrz.date_of_birth == date(1974, 8, 12)
    assert mrz.sex == "F"


def test_check_digit_examples():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"


@pytest.mark.parametrize(
    "position,part",
    [(9, "passport number"), (19, "date of birth"), (27, "date of expiry"), (43, "whole line")],
)
def test_wrong_check_digit_is_named(position, part):
    line2 = SPECIMEN[1]
    wrong = str((int(line2[position]) + 1) % 10)
    with pytest.raises(ValidationFailed) as err:
        parse_td3(SPECIMEN[0], line2[:position] + wrong + line2[position + 1 :])
    assert part in err.value.fields["mrz"][0]


def test_wrong_length_and_characters():
    with pytest.raises(ValidationFailed):
        parse_td3(SPECIMEN[0], SPECIMEN[1][:-1])
    with pytest.raises(ValidationFailed):
        parse_td3(SPECIMEN[0], SPECIMEN[1].replace("<", "-"))


@pytest.mark.parametrize("raw", ["", "12345678", "JJ123456", "J123456", "J12345678", "<script>", "' OR 1=1 --"])
def test_malformed_passport_numbers(raw):
    with pytest.raises(ValidationFailed) as err:
        normalise_passport_number(raw)
    assert "passport_number" in err.value.fields


@given(
    number=st.from_regex(r"\A[A-Z][0-9]{7}\Z"),
    dob=st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
    years=st.integers(min_value=1, max_value=10),
    sex=st.sampled_from("MF"),
)
def test_build_and_parse_round_trip(number, dob, years, sex):
    expiry = date(2026 + years, 6, 30)
    line1, line2 = build_td3(surname="Kumar", given_names="Ravi", passport_number=number, date_of_birth=dob, sex=sex, expiry_date=expiry)
    mrz = parse_td3(line1, line2)
    assert (mrz.passport_number, mrz.date_of_birth, mrz.expiry_date, mrz.sex) == (number, dob, expiry, sex)

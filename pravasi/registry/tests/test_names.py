"""Transliteration variants fold to one key; different names do not."""

import pytest

from pravasi.registry.names import edit_distance_at_most_one, fold_token, name_keys


@pytest.mark.parametrize(
    "variants",
    [
        ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
        ["Sree", "Sri", "Shree", "Shri"],
        ["Lakshmi", "Laxmi", "Lakshmy"],
        ["Thomas", "Tomas"],
        ["Joseph", "Josef"],
        ["Ummer", "Omar"],
    ],
)
def test_variants_share_a_key(variants):
    assert len({fold_token(v) for v in variants}) == 1


def test_different_names_differ():
    assert fold_token("Ravi") != fold_token("Rajesh")
    assert fold_token("Nair") != fold_token("Menon")


def test_name_keys_ignore_case_accents_and_punctuation():
    assert name_keys("Sree  Kumar", "Nair.") == name_keys("SRI kumar", "NAIR")
    assert name_keys("José") == name_keys("Jose")


def test_edit_distance():
    assert edit_distance_at_most_one("krsn", "krsn")
    assert edit_distance_at_most_one("krsn", "krsnm")
    assert edit_distance_at_most_one("krsn", "kasn")
    assert not edit_distance_at_most_one("krsn", "kms")

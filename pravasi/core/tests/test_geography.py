"""Country and state names follow the reader's language, falling back to English."""

from django.utils import translation

from pravasi.core import geography


def test_names_in_english_hindi_and_malayalam():
    with translation.override("en"):
        assert geography.country_name("ae") == "United Arab Emirates"
        assert geography.state_name("IN-KL") == "Kerala"
    with translation.override("hi"):
        assert geography.country_name("AE") == "संयुक्त अरब अमीरात"
        assert geography.state_name("IN-KL") == "केरल"
    with translation.override("ml"):
        assert geography.country_name("AE") == "ഐക്യ അറബ് എമിറേറ്റുകള്‍"
        assert geography.state_name("IN-KL") == "Kerala"  # no Malayalam catalogue of subdivisions: English


def test_choices_are_complete_and_unknown_codes_pass_through():
    with translation.override("hi"):
        codes = {code for code, _name in geography.country_choices(exclude=("IN",))}
        assert "IN" not in codes and {"AE", "SA", "KW", "QA", "OM", "BH"} <= codes
        assert len(geography.state_choices()) == len(geography.INDIAN_STATES) == 36
    assert geography.country_name("ZZ") == "ZZ"
    assert geography.state_name("") == ""

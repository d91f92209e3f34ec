"""The form of the public page "Do I need emigration clearance?": the API's questions in plain language.

It checks shape only: pravasi.clearance.validation judges every answer and gives one message per field,
which the view places next to the field of the same name (the wage's two parts included).
"""

from __future__ import annotations

import gettext
import re

import pycountry
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.core.forms import StyledForm
from pravasi.policy.selectors import policy

from .forms import RawChoice, RawText, date_input

# Common ISCO-08 unit groups of people who go abroad to work, in plain words.
OCCUPATIONS = [
    ("2221", _("Nurse")),
    ("3221", _("Nursing associate")),
    ("9111", _("Domestic worker (housemaid, cleaner in a home)")),
    ("9313", _("Construction labourer")),
    ("8322", _("Driver (car, taxi, van)")),
    ("5120", _("Cook")),
    ("7411", _("Electrician")),
    ("7126", _("Plumber")),
    ("7112", _("Mason")),
    ("7115", _("Carpenter")),
    ("7212", _("Welder")),
    ("9329", _("Helper or labourer (factory, warehouse)")),
    ("5131", _("Waiter")),
    ("5223", _("Salesperson in a shop")),
    ("5414", _("Security guard")),
    ("9999", _("Other work")),
]
PASSPORT_CATEGORIES = [
    ("ECR", _("ECR: my passport says “Emigration Check Required”")),
    ("ECNR", _("ECNR: my passport does not say so")),
]
PURPOSES = [
    ("EMPLOYMENT", _("To work")),
    ("VISIT", _("To visit (tourism, family, business trip)")),
    ("STUDY", _("To study")),
    ("OTHER", _("Something else")),
]
SEXES = [("F", _("Woman")), ("M", _("Man")), ("X", _("Other"))]
RECRUITMENT = [
    ("RA", _("Through a recruiting agent in India")),
    ("DIRECT", _("Directly by the employer abroad")),
    ("PROJECT_EXPORTER", _("By an Indian company for its own project abroad")),
]
# Thousands grouped with commas, as people write them (1,500 or 1,00,000); any other comma is left to the check.
GROUPED_AMOUNT = re.compile(r"\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?")
# The engine's field names that are not form fields: the wage is one answer in two inputs.
FIELD_NAMES = {"monthly_wage": "wage_amount", "monthly_wage.amount": "wage_amount", "monthly_wage.currency": "wage_currency"}
# The checks speak to API clients (codes, JSON); where a page offers a list, or the wage is missing, it says so plainly.
PLAIN_MESSAGES = {
    "passport_category": _("Choose ECR or ECNR, as your passport shows."),
    "destination_country": _("Choose the country you are going to."),
    "purpose": _("Choose why you are going."),
    "occupation": _("Choose the work you will do, or “Other work”."),
    "sex": _("Choose one: woman, man or other."),
    "recruitment": _("Choose who is recruiting you."),
    "monthly_wage": _("Enter the monthly wage, for example 1500."),
    "monthly_wage.currency": _("Choose the currency of the wage."),
}


def page_errors(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """The checks' messages by form field."""
    return {FIELD_NAMES.get(field, field): [str(PLAIN_MESSAGES[field])] if field in PLAIN_MESSAGES else messages for field, messages in fields.items()}


def _currency_name(code: str) -> str:
    currency = pycountry.currencies.get(alpha_3=code)
    if currency is None:
        return code
    language = (get_language() or "en").split("-")[0]
    return gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=[language], fallback=True).gettext(currency.name)


def currency_choices() -> list[tuple[str, str]]:
    """The currencies with an exchange rate in force: wages in others cannot be compared with the minimum."""
    rates = policy("EXCHANGE_RATES_USD", default={"USD": "1"})
    return [("", _("Choose the currency")), *((code, f"{code} – {_currency_name(code)}") for code in sorted(rates))]


def country_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the country")), *geography.country_choices(exclude=("IN",))]


class EligibilityForm(StyledForm):
    passport_category = RawChoice(
        label=_("Your passport"),
        required=True,
        choices=PASSPORT_CATEGORIES,
        widget=forms.RadioSelect,
        help_text=_(
            "Passports of people who have not passed Class 10 carry the words “Emigration Check Required” (ECR) on the page with the address. "
            "If yours does not, it is ECNR (Emigration Check Not Required)."
        ),
    )
    destination_country = RawChoice(label=_("Country you are going to"), required=True, choices=country_choices)
    purpose = RawChoice(label=_("Why are you going?"), required=True, choices=PURPOSES, widget=forms.RadioSelect)
    occupation = RawChoice(label=_("Your work there"), choices=[("", _("Choose the work")), *OCCUPATIONS], help_text=_("Choose the closest. Only needed if you are going to work."))
    sex = RawChoice(label=_("You are"), choices=SEXES, widget=forms.RadioSelect, help_text=_("Only needed if you are going to work: some rules protect women workers."))
    date_of_birth = RawText(label=_("Date of birth"), widget=date_input(autocomplete="bday"), help_text=_("As in your passport, for example 1994-05-04. Only needed if you are going to work."))
    departure_date = RawText(label=_("When you plan to leave"), widget=date_input(), help_text=_("Your age and your passport are judged on this day. Only needed if you are going to work."))
    wage_amount = RawText(
        label=_("Monthly wage in the contract or job offer"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("The amount a month, for example 1500. Only needed if you are going to work."),
    )
    wage_currency = RawChoice(label=_("Currency of the wage"), choices=currency_choices)
    recruitment = RawChoice(label=_("Who is recruiting you?"), choices=RECRUITMENT, widget=forms.RadioSelect, help_text=_("Only needed if you are going to work."))
    passport_expiry_date = RawText(label=_("Passport valid until (optional)"), widget=date_input(), help_text=_("The date of expiry printed in your passport."))

    def question(self) -> dict:
        """The answers in the API's shape, for pravasi.clearance.validation.facts_from_question."""
        data = self.cleaned_data
        question = {name: data.get(name) or None for name in ("passport_category", "destination_country", "purpose", "occupation", "sex", "date_of_birth", "departure_date", "recruitment", "passport_expiry_date")}
        amount, currency = (data.get("wage_amount") or "").strip(), data.get("wage_currency") or ""
        # A currency alone (kept from an earlier answer) is no wage; an amount alone gets the currency's message.
        if GROUPED_AMOUNT.fullmatch(amount):
            amount = amount.replace(",", "")
        question["monthly_wage"] = {"amount": amount, "currency": currency} if amount else None
        return question

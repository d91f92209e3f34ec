"""The public page "Do I need emigration clearance?": the form, a required and a not-required answer, field errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db

URL = "/clearance/do-i-need-it/"
SAUDI = {
    "passport_category": "ECR",
    "destination_country": "SA",
    "purpose": "EMPLOYMENT",
    "occupation": "9313",
    "sex": "M",
    "date_of_birth": "1995-04-12",
    "departure_date": "2027-02-01",
    "wage_amount": "1,500",
    "wage_currency": "SAR",
    "recruitment": "RA",
    "passport_expiry_date": "2031-03-10",
}
FIELDS = ("passport_category", "destination_country", "purpose", "occupation", "sex", "date_of_birth", "departure_date", "wage_amount", "wage_currency", "recruitment", "passport_expiry_date")


def _field_feedback(html: str, field: str) -> str:
    """The text shown right under one input (its errors and help), as core/field.html renders it."""
    marker = f'id="id_{field}_desc"'
    assert marker in html, f"no feedback block for {field}"
    return html.split(marker, 1)[1].split("\n  </div>", 1)[0]


def _rules(html: str) -> list[str]:
    """The state label of every rule in the answer, in order."""
    answer = html.split('id="answer"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"<[^>]+>|[✓✗…!–]", "", badge).strip() for badge in re.findall(r'<span class="badge [^"]+">(.*?)</span>\s*<span class="fw-semibold', answer, re.S)]


def test_the_page_asks_every_question_with_a_label(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Do I need emigration clearance?" in html
    for field in FIELDS:
        assert f'name="{field}"' in html, field
    for field in ("destination_country", "occupation", "date_of_birth", "departure_date", "wage_amount", "wage_currency", "passport_expiry_date"):
        assert f'<label class="form-label" for="id_{field}">' in html, field
    # Plain-language choices: the ECR explanation, common occupations by name, the currencies with a rate.
    assert "Emigration Check Required" in html and "Class 10" in html
    assert '<option value="2221">Nurse</option>' in html and '<option value="9111">Domestic worker' in html
    assert '<option value="SAR">SAR' in html and '<option value="AED">AED' in html
    assert '<option value="IN">' not in html and '<option value="SA">Saudi Arabia</option>' in html
    assert 'id="answer"' not in html and "alert-danger" not in html
    # Strict CSP: no inline scripts or styles.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and " style=" not in html and "<style" not in html


def test_a_required_case_is_answered_at_the_top_with_every_rule(client):
    response = client.get(URL, SAUDI)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You need emigration clearance" in html and "You do not need" not in html
    assert "Eligible as things stand" in html
    assert html.index('id="answer"') < html.index('<form method="get"')
    states = _rules(html)
    assert len(states) == 12
    assert states[0] == "Required"
    assert states.count("Passed") >= 5 and "Not passed" not in states
    assert "Checked in the full application" in states
    # 1,500 SAR at the policy rate, compared with the Saudi minimum, with the rule in force named in small print.
    assert "Wage US$ 399.90 a month, at least the minimum of US$ 324." in html
    assert '<p class="small text-body-secondary mb-0">Rule in force: <span class="text-break">MINIMUM_REFERRAL_WAGE_USD[SA] from 2020-09-01' in html
    # The answers stay in the form.
    assert 'value="1995-04-12"' in html and '<option value="SA" selected>' in html


def test_a_failing_rule_says_not_eligible(client):
    html = client.get(URL, {**SAUDI, "sex": "F", "date_of_birth": "2000-01-01", "passport_expiry_date": "2027-05-01"}).content.decode()
    assert "You need emigration clearance" in html
    assert "Not eligible as things stand" in html and "Eligible as things stand" not in html
    states = _rules(html)
    assert states.count("Not passed") == 2
    assert "Aged 27 on departure" in html and "The passport must be valid until at least 2027-08-01" in html


def test_a_not_required_case_says_so(client):
    html = client.get(URL, {**SAUDI, "passport_category": "ECNR"}).content.decode()
    assert "You do not need emigration clearance" in html and "You need emigration clearance" not in html
    assert "Eligible as things stand" in html
    states = _rules(html)
    assert states[0] == "Not required" and set(states[1:]) == {"Not applicable"}


def test_a_visit_needs_only_the_journey(client):
    response = client.get(URL, {"passport_category": "ECR", "destination_country": "AE", "purpose": "VISIT"})
    assert response.status_code == 200
    assert "You do not need emigration clearance" in response.content.decode()


def test_missing_answers_are_marked_next_to_their_fields(client):
    response = client.get(URL, {"passport_category": "ECR", "destination_country": "SA", "purpose": "EMPLOYMENT", "wage_currency": "SAR"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="answer"' not in html
    assert "Please correct what is marked below." in html
    for field in ("occupation", "date_of_birth", "departure_date", "wage_amount"):
        assert "invalid-feedback" in _field_feedback(html, field), field
    # In plain words: no codes, no JSON.
    assert "Choose the work you will do" in _field_feedback(html, "occupation")
    assert "Enter the monthly wage, for example 1500." in _field_feedback(html, "wage_amount")
    assert "This is required for employment, as YYYY-MM-DD." in _field_feedback(html, "date_of_birth")
    assert "Choose one: woman, man or other." in _field_feedback(html, "sex")
    assert "Choose who is recruiting you." in _field_feedback(html, "recruitment")
    assert "ISCO" not in html and "{&quot;amount&quot;" not in html and "PROJECT_EXPORTER" not in html.split("<form", 1)[0]
    assert 'aria-invalid="true"' in html
    # Links from the summary lead to the fields (the first radio of a radio group).
    assert 'href="#id_sex_0"' in html and 'href="#id_occupation"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"wage_amount": "-20"}, "wage_amount", "Enter the monthly wage as a positive number"),
        ({"wage_amount": "1500,50"}, "wage_amount", "Enter the monthly wage as a positive number"),
        ({"wage_currency": ""}, "wage_currency", "Choose the currency of the wage."),
        ({"date_of_birth": "1995-02-30"}, "date_of_birth", "Enter a real date as YYYY-MM-DD"),
        ({"date_of_birth": "2027-03-01"}, "date_of_birth", "The date of birth must be before the departure date."),
        ({"destination_country": "IN"}, "destination_country", "Choose the country you are going to."),
        ({"passport_category": "XYZ"}, "passport_category", "Choose ECR or ECNR, as your passport shows."),
        ({"occupation": "22210"}, "occupation", "Choose the work you will do"),
    ],
)
def test_a_bad_answer_is_marked_next_to_its_field(client, changes, field, message):
    response = client.get(URL, {**SAUDI, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in _field_feedback(html, field)
    assert 'id="answer"' not in html


def test_the_page_works_in_hindi(client):
    response = client.get(URL, SAUDI, HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    assert '<html lang="hi">' in response.content.decode()


def test_the_home_page_links_to_the_check_and_clearance_is_available(client):
    html = client.get(reverse("portal:home")).content.decode()
    card = html.split("Emigration clearance</h3>", 1)[0].rsplit("<article", 1)[1] + html.split("Emigration clearance</h3>", 1)[1].split("</article>", 1)[0]
    assert f'href="{URL}"' in card and "Check whether you need clearance" in card and "Available now" in card
    assert html.count("Coming soon") == 1  # only the crisis service is still to come

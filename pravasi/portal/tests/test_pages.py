"""Home and privacy notice pages, and Hindi rendering."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pravasi.registry.models import PrivacyNotice

pytestmark = pytest.mark.django_db


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n")[0].strip()


def test_home_explains_the_services_and_invites_to_register(client):
    html = client.get(reverse("portal:home")).content.decode()
    for text in ("Registry of Indians abroad", "Alerts and help in a crisis", "Grievances", "Emigration clearance", "Check a recruiting agent", "Why register", "1800-11-3090"):
        assert text in html
    assert html.count("Coming soon") == 1
    assert f'href="{reverse("portal:verify")}"' in html
    assert f'href="{reverse("portal:register")}"' in html
    assert "<h1" in html and html.count("<h1") == 1


def test_home_for_a_registered_person_leads_to_the_profile(emigrant):
    client, _user, _person = emigrant
    html = client.get(reverse("portal:home")).content.decode()
    assert "Go to my profile" in html and "Register, it is free" not in html


def test_privacy_notice_shows_version_date_controller_and_grievance_contact(client):
    notice = PrivacyNotice.objects.order_by("-published_date").first()
    html = client.get(reverse("portal:privacy")).content.decode()
    assert f"Version {notice.version}" in html
    assert notice.published_date.isoformat() in html
    assert notice.controller in html
    assert "pge@mea.gov.in" in html
    assert _first_paragraph(notice.text_en) in html
    assert _first_paragraph(notice.text_hi) not in html
    assert '<article class="notice-text mb-4" lang="en">' in html


def test_hindi_with_accept_language(client):
    notice = PrivacyNotice.objects.order_by("-published_date").first()
    response = client.get(reverse("portal:privacy"), HTTP_ACCEPT_LANGUAGE="hi")
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert _first_paragraph(notice.text_hi) in html
    assert _first_paragraph(notice.text_en) not in html
    assert 'lang="hi"' in html.split("<article", 1)[1].split(">", 1)[0]
    assert '<html lang="hi">' in client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()


def test_registration_and_profile_pages_render_in_hindi(emigrant, client):
    signed_in, _user, _person = emigrant
    for url in (reverse("portal:profile"), reverse("portal:register_step", args=["passport"]), reverse("portal:consents"), reverse("portal:close")):
        response = signed_in.get(url, HTTP_ACCEPT_LANGUAGE="hi")
        assert response.status_code == 200
        assert '<html lang="hi">' in response.content.decode(), url
    assert client.get(reverse("accounts:signup"), HTTP_ACCEPT_LANGUAGE="hi").content.decode().count('<html lang="hi">') == 1


def test_chosen_language_wins_over_the_browser(client):
    client.post(reverse("set_language"), {"language": "hi", "next": "/"})
    assert '<html lang="hi">' in client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

"""Public crisis pages, the CAP documents and their Atom index, through real HTTP requests."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import translation
from lxml import etree

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.audit.models import AuditEvent
from pravasi.crisis import cap
from pravasi.crisis.models import Alert, AlertPhase, AlertStatus, AlertText, CapMessageType, Crisis, CrisisKind, CrisisStatus
from pravasi.portal.crisis_views import NOT_IN_ENGLISH_NOTE

pytestmark = pytest.mark.django_db

ATOM = {"atom": cap.ATOM_NAMESPACE}
CAP = {"cap": cap.CAP_NAMESPACE}
T0 = datetime(2026, 3, 10, 6, 30, tzinfo=UTC)
ADVISORY = "Stay indoors and keep away from flooded roads and underpasses."
TEXTS = {
    "en": ("Floods in Dubai: stay indoors", "Roads and underpasses are flooded.", "Do not drive through water."),
    "hi": ("दुबई में बाढ़: घर के अंदर रहें", "सड़कों और अंडरपास में पानी भरा है।", "पानी में गाड़ी न चलाएँ।"),
    "ml": ("ദുബായിൽ വെള്ളപ്പൊക്കം: വീടിനുള്ളിൽ തുടരുക", "റോഡുകളിൽ വെള്ളം കയറി.", "വെള്ളത്തിലൂടെ വാഹനം ഓടിക്കരുത്."),
}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(cap.SCHEMA_PATH)))


@pytest.fixture
def officer(db):
    return user_with_role(Role.MISSION_OFFICER)


def make_crisis(officer, reference="CR-2026-0001", **overrides) -> Crisis:
    fields = {
        "reference": reference,
        "title": "Floods in Dubai and Sharjah",
        "kind": CrisisKind.NATURAL_DISASTER,
        "phase": AlertPhase.PRECAUTIONARY,
        "countries": ["AE"],
        "regions": ["Dubai", "Sharjah"],
        "starts_at": T0 - timedelta(hours=3),
        "advisory": ADVISORY,
        "helplines": [{"label": "Embassy helpline, 24x7", "number": "+97180046342"}],
        "office": officer.memberships.get().office,
        "declared_by": officer,
    }
    fields.update(overrides)
    return Crisis.objects.create(**fields)


def make_alert(crisis, sequence=1, *, languages=("en", "hi", "ml"), status=AlertStatus.PUBLISHED, public=True, message_type=CapMessageType.ALERT, hours=0) -> Alert:
    alert = Alert.objects.create(
        crisis=crisis,
        sequence=sequence,
        message_type=message_type,
        phase=crisis.phase,
        public=public,
        status=status,
        created_by=crisis.declared_by,
        published_at=T0 + timedelta(hours=hours) if status == AlertStatus.PUBLISHED else None,
    )
    for language in languages:
        headline, description, instruction = TEXTS[language]
        AlertText.objects.create(alert=alert, language=language, headline=f"{headline} ({sequence})", description=description, instruction=instruction)
    return alert


def cap_path(alert) -> str:
    return f"/crisis/{alert.crisis.reference}/alerts/{alert.sequence}.xml"


def feed_entries(client) -> list[etree._Element]:
    response = client.get("/crisis/cap.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{{{cap.ATOM_NAMESPACE}}}feed"
    for required in ("atom:id", "atom:title", "atom:updated", "atom:author/atom:name"):
        assert feed.find(required, ATOM) is not None, required
    assert urlsplit(feed.find("atom:link[@rel='self']", ATOM).get("href")).path == "/crisis/cap.atom"
    return feed.findall("atom:entry", ATOM)


def cap_link(entry) -> str:
    links = entry.findall("atom:link[@type='application/cap+xml']", ATOM)
    assert len(links) == 1 and links[0].get("rel") == "alternate"
    return links[0].get("href")


def assert_valid_cap(client, schema, path: str) -> etree._Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/cap+xml")
    document = etree.fromstring(response.content)
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)
    return document


# --- the Atom index and the CAP documents -------------------------------------------------------------


def test_the_feed_lists_exactly_the_published_public_alerts_and_each_cap_link_is_a_valid_document(client, schema, officer):
    flood = make_crisis(officer)
    first = make_alert(flood, 1)
    make_alert(flood, 2, status=AlertStatus.DRAFT)
    make_alert(flood, 3, public=False, hours=1)
    update = make_alert(flood, 4, message_type=CapMessageType.UPDATE, hours=2, languages=("hi", "en"))
    unrest = make_crisis(officer, reference="CR-2026-0002", title="Unrest in Kuwait", kind=CrisisKind.CONFLICT, countries=["KW"], regions=[], status=CrisisStatus.ENDED)
    ended = make_alert(unrest, 1, hours=-30, languages=("en",))

    entries = feed_entries(client)
    assert [urlsplit(cap_link(entry)).path for entry in entries] == [cap_path(update), cap_path(first), cap_path(ended)]  # newest first
    assert [entry.find("atom:title", ATOM).text for entry in entries] == ["Floods in Dubai: stay indoors (4)", "Floods in Dubai: stay indoors (1)", "Floods in Dubai: stay indoors (1)"]
    assert len({entry.find("atom:id", ATOM).text for entry in entries}) == 3
    related = entries[0].find("atom:link[@rel='related']", ATOM)
    assert urlsplit(related.get("href")).path == "/crisis/CR-2026-0001/"

    for entry in entries:
        document = assert_valid_cap(client, schema, urlsplit(cap_link(entry)).path)
        assert document.find("cap:identifier", CAP).text.startswith("in.gov.pravasi.CR-2026-000")
    document = assert_valid_cap(client, schema, cap_path(update))
    assert document.find("cap:references", CAP).text.split(",")[1] == "in.gov.pravasi.CR-2026-0001.1"


def test_an_empty_feed_is_still_a_feed(client):
    assert feed_entries(client) == []


def test_draft_and_non_public_alerts_have_no_cap_document(client, officer):
    flood = make_crisis(officer)
    published = make_alert(flood, 1)
    draft = make_alert(flood, 2, status=AlertStatus.DRAFT)
    private = make_alert(flood, 3, public=False)
    assert client.get(cap_path(published)).status_code == 200
    assert client.get(cap_path(draft)).status_code == 404
    assert client.get(cap_path(private)).status_code == 404
    assert client.get("/crisis/CR-2026-0001/alerts/9.xml").status_code == 404
    assert client.get("/crisis/CR-1999-0404/alerts/1.xml").status_code == 404


# --- the public pages ---------------------------------------------------------------------------------


def test_the_crisis_page_shows_the_advisory_helplines_phase_and_alerts(client, officer):
    flood = make_crisis(officer)
    published = make_alert(flood, 1)
    make_alert(flood, 2, status=AlertStatus.DRAFT)
    response = client.get("/crisis/CR-2026-0001/")
    assert response.status_code == 200
    page = response.content.decode()
    assert ADVISORY in page
    assert 'href="tel:+97180046342"' in page and "+971 800 46342" in page and "Embassy helpline, 24x7" in page
    assert "Precautionary" in page and "Stay alert." in page
    assert "Floods in Dubai: stay indoors (1)" in page and "Do not drive through water." in page
    assert "(2)" not in page  # the draft
    assert f'href="{cap_path(published)}"' in page
    assert 'href="/register/"' in page
    assert str(NOT_IN_ENGLISH_NOTE) not in page
    assert "<script>" not in page and "style=" not in page


def test_a_language_without_text_falls_back_to_english_with_a_note(client, officer):
    flood = make_crisis(officer)
    make_alert(flood, 1, languages=("en", "hi"))

    page = client.get("/crisis/CR-2026-0001/", HTTP_ACCEPT_LANGUAGE="ml").content.decode()
    with translation.override("ml"):
        note = str(NOT_IN_ENGLISH_NOTE)
    assert note in page
    assert "Floods in Dubai: stay indoors (1)" in page and "Do not drive through water." in page
    assert TEXTS["hi"][0] not in page

    page = client.get("/crisis/CR-2026-0001/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert f"{TEXTS['hi'][0]} (1)" in page and TEXTS["hi"][2] in page
    assert TEXTS["en"][0] not in page
    with translation.override("hi"):
        assert str(NOT_IN_ENGLISH_NOTE) not in page


def test_the_list_shows_active_crises_only_and_an_unknown_crisis_is_404(client, officer):
    make_crisis(officer)
    make_crisis(officer, reference="CR-2025-0009", title="Unrest in Kuwait", countries=["KW"], status=CrisisStatus.ENDED)
    page = client.get("/crisis/").content.decode()
    assert "Floods in Dubai and Sharjah" in page and 'href="/crisis/CR-2026-0001/"' in page and "United Arab Emirates" in page
    assert "Unrest in Kuwait" not in page
    assert 'href="/crisis/cap.atom"' in page
    assert client.get("/crisis/CR-1999-0404/").status_code == 404
    assert client.get("/crisis/CR-2025-0009/").status_code == 200  # an ended crisis keeps its page


def test_the_home_page_links_to_the_advisories_and_the_crisis_card_stays_coming_soon(client):
    page = client.get("/").content.decode()
    assert 'href="/crisis/"' in page and "Current crisis advisories" in page
    assert page.count("Coming soon") == 1


# --- demo data ----------------------------------------------------------------------------------------


def test_the_demo_seeds_one_crisis_once_and_fills_the_feed(client, schema, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True, stdout=io.StringIO())
    counts = (Crisis.objects.count(), Alert.objects.count(), AlertText.objects.count(), AuditEvent.objects.filter(action__startswith="crisis.").count())
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    assert (Crisis.objects.count(), Alert.objects.count(), AlertText.objects.count(), AuditEvent.objects.filter(action__startswith="crisis.").count()) == counts
    assert counts[:3] == (1, 1, 3)
    assert "/crisis/cap.atom" in out.getvalue()

    entries = feed_entries(client)
    assert len(entries) == 1
    document = assert_valid_cap(client, schema, urlsplit(cap_link(entries[0])).path)
    assert [info.find("cap:language", CAP).text for info in document.findall("cap:info", CAP)] == ["en", "hi", "ml"]
    crisis = Crisis.objects.get()
    page = client.get(f"/crisis/{crisis.reference}/", HTTP_ACCEPT_LANGUAGE="ml").content.decode()
    assert crisis.advisory in page and AlertText.objects.get(language="ml").headline in page

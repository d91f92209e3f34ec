"""CAP 1.2 documents for public alerts: each one valid against the OASIS schema, with the fields derived as documented."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role
from pravasi.crisis import cap
from pravasi.crisis.models import Alert, AlertPhase, AlertStatus, AlertText, CapMessageType, Crisis, CrisisKind, CrisisStatus

pytestmark = pytest.mark.django_db

NS = {"cap": cap.CAP_NAMESPACE}
BASE = "https://pravasi.example.gov.in"
SENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
T0 = datetime(2026, 3, 10, 6, 30, 15, 123456, tzinfo=UTC)
HELPLINES = [{"label": "Embassy 24x7", "number": "+97124492700"}, {"label": "Toll free", "number": "+97180046342"}]
TEXTS = {
    "en": ("Floods in Dubai: stay indoors", "Roads are flooded.", "Do not drive through water."),
    "hi": ("दुबई में बाढ़: घर के अंदर रहें", "सड़कों पर पानी भरा है।", "पानी में गाड़ी न चलाएँ।"),
    "ml": ("ദുബായിൽ വെള്ളപ്പൊക്കം: വീടിനുള്ളിൽ തുടരുക", "റോഡുകളിൽ വെള്ളം കയറി.", "വെള്ളത്തിലൂടെ വാഹനം ഓടിക്കരുത്."),
}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(cap.SCHEMA_PATH)))


@pytest.fixture
def officer(db):
    return user_with_role(Role.MISSION_OFFICER)


def make_crisis(officer, **overrides) -> Crisis:
    fields = {
        "reference": "CR-2026-0007",
        "title": "Floods in Dubai and Sharjah",
        "kind": CrisisKind.NATURAL_DISASTER,
        "phase": AlertPhase.PRECAUTIONARY,
        "countries": ["AE"],
        "regions": ["Dubai", "Sharjah"],
        "starts_at": T0 - timedelta(hours=2),
        "advisory": "Stay indoors.",
        "helplines": HELPLINES,
        "office": officer.memberships.get().office,
        "declared_by": officer,
    }
    fields.update(overrides)
    return Crisis.objects.create(**fields)


def make_alert(crisis, sequence=1, *, languages=("en", "hi", "ml"), status=AlertStatus.PUBLISHED, public=True, message_type=CapMessageType.ALERT, published_at=T0) -> Alert:
    alert = Alert.objects.create(
        crisis=crisis,
        sequence=sequence,
        message_type=message_type,
        phase=crisis.phase,
        public=public,
        status=status,
        created_by=crisis.declared_by,
        published_at=published_at if status == AlertStatus.PUBLISHED else None,
    )
    for language in languages:
        headline, description, instruction = TEXTS[language]
        AlertText.objects.create(alert=alert, language=language, headline=headline, description=description, instruction=instruction)
    return alert


def valid_document(schema, alert) -> etree._Element:
    document = etree.fromstring(cap.cap_document(alert, base_url=BASE))
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)
    return document


def one(element, path: str) -> str:
    found = element.findall(path, NS)
    assert len(found) == 1, f"{path}: {len(found)} elements"
    return found[0].text


def test_an_alert_in_three_languages_is_valid_cap_with_one_info_per_language(schema, officer):
    crisis = make_crisis(officer)
    alert = make_alert(crisis)
    document = valid_document(schema, alert)

    assert document.tag == f"{{{cap.CAP_NAMESPACE}}}alert"
    assert one(document, "cap:identifier") == "in.gov.pravasi.CR-2026-0007.1"
    assert one(document, "cap:sender") == "pravasi@mea.gov.in"
    sent = one(document, "cap:sent")
    assert SENT.match(sent) and datetime.fromisoformat(sent) == T0.replace(microsecond=0)
    assert (one(document, "cap:status"), one(document, "cap:msgType"), one(document, "cap:scope")) == ("Actual", "Alert", "Public")
    assert document.find("cap:references", NS) is None

    infos = document.findall("cap:info", NS)
    assert [one(info, "cap:language") for info in infos] == ["en", "hi", "ml"]
    for info, language in zip(infos, ("en", "hi", "ml"), strict=True):
        headline, description, instruction = TEXTS[language]
        assert (one(info, "cap:headline"), one(info, "cap:description"), one(info, "cap:instruction")) == (headline, description, instruction)
        assert one(info, "cap:category") == "Geo"
        assert one(info, "cap:event") == "Floods in Dubai and Sharjah"
        assert [one(info, f"cap:{name}") for name in ("responseType", "urgency", "severity", "certainty")] == ["Monitor", "Future", "Moderate", "Possible"]
        assert datetime.fromisoformat(one(info, "cap:effective")) == crisis.starts_at.replace(microsecond=0)
        assert info.find("cap:expires", NS) is None
        assert one(info, "cap:senderName") == crisis.office.name
        assert one(info, "cap:web") == f"{BASE}/crisis/CR-2026-0007/"
        assert one(info, "cap:contact") == "Embassy 24x7: +97124492700; Toll free: +97180046342"
        area = info.find("cap:area", NS)
        assert "Dubai, Sharjah" in one(area, "cap:areaDesc")
        assert area.find("cap:polygon", NS) is None and area.find("cap:circle", NS) is None
        assert [(one(g, "cap:valueName"), one(g, "cap:value")) for g in area.findall("cap:geocode", NS)] == [("ISO3166-1", "AE")]
    assert "United Arab Emirates" in one(infos[0], "cap:area/cap:areaDesc")


def test_an_update_references_the_previous_published_public_alert(schema, officer):
    crisis = make_crisis(officer)
    first = make_alert(crisis, 1)
    make_alert(crisis, 2, status=AlertStatus.DRAFT)
    make_alert(crisis, 3, public=False, published_at=T0 + timedelta(hours=1))
    update = make_alert(crisis, 4, message_type=CapMessageType.UPDATE, published_at=T0 + timedelta(hours=2), languages=("en",))

    first_sent = one(valid_document(schema, first), "cap:sent")
    document = valid_document(schema, update)
    assert one(document, "cap:msgType") == "Update"
    assert one(document, "cap:references") == f"pravasi@mea.gov.in,in.gov.pravasi.CR-2026-0007.1,{first_sent}"
    assert one(document, "cap:incidents") == "in.gov.pravasi.CR-2026-0007"

    cancel = make_alert(crisis, 5, message_type=CapMessageType.CANCEL, published_at=T0 + timedelta(hours=3), languages=("en",))
    update_sent = one(document, "cap:sent")
    assert one(valid_document(schema, cancel), "cap:references") == f"pravasi@mea.gov.in,in.gov.pravasi.CR-2026-0007.4,{update_sent}"


def test_a_polygon_becomes_lat_lon_pairs_closed_on_the_first_point(schema, officer):
    # GeoJSON order is [lon, lat]; this ring is not closed, CAP wants it closed.
    polygon = [[[55.1, 25.0], [55.6, 25.0], [55.6, 25.45], [55.1, 25.45]]]
    crisis = make_crisis(officer, polygon=polygon, ends_at=T0 + timedelta(days=3))
    document = valid_document(schema, make_alert(crisis))
    for info in document.findall("cap:info", NS):
        assert one(info, "cap:area/cap:polygon") == "25,55.1 25,55.6 25.45,55.6 25.45,55.1 25,55.1"
        assert info.find("cap:area/cap:circle", NS) is None
        assert datetime.fromisoformat(one(info, "cap:expires")) == T0 + timedelta(days=3) - timedelta(microseconds=T0.microsecond)


def test_a_circle_becomes_centre_and_radius_in_kilometres(schema, officer):
    crisis = make_crisis(officer, circle_latitude=25.2048, circle_longitude=55.2708, circle_radius_km=30, kind=CrisisKind.CONFLICT, phase=AlertPhase.MANDATORY_RETURN)
    document = valid_document(schema, make_alert(crisis, languages=("en",)))
    info = document.find("cap:info", NS)
    assert one(info, "cap:area/cap:circle") == "25.2048,55.2708 30"
    assert info.find("cap:area/cap:polygon", NS) is None
    assert one(info, "cap:category") == "Security"
    assert [one(info, f"cap:{name}") for name in ("responseType", "urgency", "severity", "certainty")] == ["Evacuate", "Immediate", "Extreme", "Observed"]


def test_a_crisis_with_neither_shape_nor_regions_nor_helplines_is_still_valid(schema, officer):
    crisis = make_crisis(officer, regions=[], countries=["KW", "SA"], helplines=[], kind=CrisisKind.EPIDEMIC)
    alert = make_alert(crisis, languages=("en",))
    AlertText.objects.filter(alert=alert).update(instruction="")
    document = valid_document(schema, alert)
    info = document.find("cap:info", NS)
    assert info.find("cap:contact", NS) is None and info.find("cap:instruction", NS) is None
    assert one(info, "cap:category") == "Health"
    assert one(info, "cap:area/cap:areaDesc") == "Kuwait, Saudi Arabia"
    assert [one(g, "cap:value") for g in info.findall("cap:area/cap:geocode", NS)] == ["KW", "SA"]


@pytest.mark.parametrize("phase", AlertPhase.values)
@pytest.mark.parametrize("kind", CrisisKind.values)
def test_every_kind_and_phase_gives_a_valid_document(schema, officer, kind, phase):
    crisis = make_crisis(officer, kind=kind, phase=phase, status=CrisisStatus.ACTIVE)
    document = valid_document(schema, make_alert(crisis, languages=("en", "hi")))
    assert [p.text for p in document.findall("cap:info/cap:parameter/cap:value", NS)] == [phase, phase]


def test_an_unpublished_alert_has_no_document(officer):
    alert = make_alert(make_crisis(officer), status=AlertStatus.DRAFT)
    with pytest.raises(ValueError):
        cap.cap_document(alert, base_url=BASE)


def test_the_sender_is_configurable(schema, officer, settings):
    settings.CAP_SENDER = "alerts@example.gov.in"
    document = valid_document(schema, make_alert(make_crisis(officer)))
    assert one(document, "cap:sender") == "alerts@example.gov.in"

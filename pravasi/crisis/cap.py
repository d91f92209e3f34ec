"""Public alerts as OASIS CAP 1.2 documents, the Atom index that lists them, and the public reads behind both."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 (builds documents only; nothing untrusted is parsed here)
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from pravasi.core import geography

from . import selectors
from .models import Alert, AlertPhase, AlertText, CapMessageType, Crisis, CrisisKind

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml"
ATOM_CONTENT_TYPE = "application/atom+xml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "CAP-v1.2.xsd"
# The year the sender address was first used: tag URIs (RFC 4151) need a date when the name was held, and
# the date must never change or every entry's id would change with it.
TAG_YEAR = "2026"

# CAP has no "conflict" or "epidemic" event; these are the nearest of its categories.
CATEGORY = {
    CrisisKind.CONFLICT: "Security",
    CrisisKind.NATURAL_DISASTER: "Geo",
    CrisisKind.EPIDEMIC: "Health",
    CrisisKind.OTHER: "Safety",
}

# The MICIC phases read as CAP's response, urgency, severity and certainty:
#   Precautionary    -> Monitor,  Future,    Moderate, Possible  (nothing to do yet but stay informed)
#   Restriction      -> Prepare,  Expected,  Severe,   Likely    (movement restricted; get ready to leave)
#   Voluntary return -> Evacuate, Expected,  Severe,   Likely    (leave while commercial transport runs)
#   Mandatory return -> Evacuate, Immediate, Extreme,  Observed  (leave now; evacuation is organised)
PHASE_CAP = {
    AlertPhase.PRECAUTIONARY: ("Monitor", "Future", "Moderate", "Possible"),
    AlertPhase.RESTRICTION: ("Prepare", "Expected", "Severe", "Likely"),
    AlertPhase.VOLUNTARY_RETURN: ("Evacuate", "Expected", "Severe", "Likely"),
    AlertPhase.MANDATORY_RETURN: ("Evacuate", "Immediate", "Extreme", "Observed"),
}


# --- addresses and identifiers ------------------------------------------------------------------------


def sender() -> str:
    return settings.CAP_SENDER


def identifier(alert: Alert) -> str:
    # CAP forbids spaces, commas, "<" and "&" in an identifier; a reference is letters, digits and dashes.
    reference = re.sub(r"[^A-Za-z0-9._-]", "-", alert.crisis.reference)
    return f"in.gov.pravasi.{reference}.{alert.sequence}"


def cap_time(moment: datetime) -> str:
    """CAP's date form: seconds, and the offset as +hh:mm (never "Z")."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# The public addresses are the portal's; they are looked up by name so that this module does not import it.
def crisis_url(crisis: Crisis, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("portal:crisis", args=[crisis.reference])


def alert_cap_url(alert: Alert, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("portal:alert_cap", args=[alert.crisis.reference, alert.sequence])


def feed_url(*, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("portal:cap_feed")


# --- area ---------------------------------------------------------------------------------------------


def _coordinate(value: float) -> str:
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cap_polygon(coordinates) -> str:
    """A GeoJSON Polygon's outer ring ([[lon, lat], ...]) as CAP's "lat,lon lat,lon ..." with the first
    point repeated last. CAP has no holes, so inner rings are left out (the area only grows)."""
    ring = [(float(point[1]), float(point[0])) for point in coordinates[0]]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return " ".join(f"{_coordinate(lat)},{_coordinate(lon)}" for lat, lon in ring)


def cap_circle(crisis: Crisis) -> str:
    return f"{_coordinate(crisis.circle_latitude)},{_coordinate(crisis.circle_longitude)} {_coordinate(crisis.circle_radius_km)}"


def area_description(crisis: Crisis) -> str:
    """The regions and the countries, in the active language."""
    countries = ", ".join(geography.country_name(code) for code in crisis.countries)
    regions = ", ".join(region for region in crisis.regions if region)
    return f"{regions} ({countries})" if regions and countries else regions or countries


def helpline_contact(crisis: Crisis) -> str:
    return "; ".join(f"{line.get('label', '')}: {line.get('number', '')}".strip(": ") for line in crisis.helplines if line.get("number"))


# --- the CAP document ---------------------------------------------------------------------------------


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NAMESPACE}}}{name}")
    if text is not None:
        element.text = text
    return element


def _pair(parent: ET.Element, name: str, value_name: str, value: str) -> None:
    element = _sub(parent, name)
    _sub(element, "valueName", value_name)
    _sub(element, "value", value)


def _info(root: ET.Element, alert: Alert, text: AlertText, *, base_url: str) -> None:
    crisis = alert.crisis
    response, urgency, severity, certainty = PHASE_CAP[AlertPhase(alert.phase)]
    info = _sub(root, "info")
    # Children in the order the schema's sequence requires.
    _sub(info, "language", text.language)
    _sub(info, "category", CATEGORY.get(crisis.kind, "Safety"))
    _sub(info, "event", crisis.title)
    _sub(info, "responseType", response)
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    _sub(info, "effective", cap_time(crisis.starts_at))
    if crisis.ends_at:
        _sub(info, "expires", cap_time(crisis.ends_at))
    _sub(info, "senderName", crisis.office.name)
    _sub(info, "headline", text.headline)
    _sub(info, "description", text.description)
    if text.instruction:
        _sub(info, "instruction", text.instruction)
    _sub(info, "web", crisis_url(crisis, base_url=base_url))
    contact = helpline_contact(crisis)
    if contact:
        _sub(info, "contact", contact)
    # The exact MICIC phase, which the response type alone does not tell apart (voluntary or mandatory return).
    _pair(info, "parameter", "MICIC_PHASE", alert.phase)
    area = _sub(info, "area")
    with translation.override(text.language):
        _sub(area, "areaDesc", area_description(crisis) or crisis.title)
    if crisis.polygon:
        _sub(area, "polygon", cap_polygon(crisis.polygon))
    if crisis.circle_radius_km:
        _sub(area, "circle", cap_circle(crisis))
    for code in crisis.countries:
        _pair(area, "geocode", "ISO3166-1", code)


def cap_document(alert: Alert, *, base_url: str) -> bytes:
    """One CAP 1.2 <alert> for a published alert, with one <info> per language it is written in."""
    if alert.published_at is None:
        raise ValueError("only a published alert has a CAP document")
    root = ET.Element(f"{{{CAP_NAMESPACE}}}alert")
    _sub(root, "identifier", identifier(alert))
    _sub(root, "sender", sender())
    _sub(root, "sent", cap_time(alert.published_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.message_type)
    _sub(root, "scope", "Public")
    if alert.message_type in (CapMessageType.UPDATE, CapMessageType.CANCEL):
        previous = selectors.previous_public_alert(alert)
        if previous is not None:
            _sub(root, "references", f"{sender()},{identifier(previous)},{cap_time(previous.published_at)}")
    _sub(root, "incidents", identifier(alert).rsplit(".", 1)[0])
    for text in sorted(alert.texts.all(), key=lambda t: (t.language != "en", t.language)):
        _info(root, alert, text, base_url=base_url)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NAMESPACE)


# --- the Atom index -----------------------------------------------------------------------------------


def text_in(alert: Alert, language: str) -> AlertText | None:
    """The alert's text in the language, else in English, else the first there is."""
    texts = list(alert.texts.all())
    wanted = (language or "en").split("-")[0].lower()
    for code in (wanted, "en"):
        for text in texts:
            if text.language.split("-")[0].lower() == code:
                return text
    return texts[0] if texts else None


def _atom(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    if text is not None:
        element.text = text
    return element


def entry_id(alert: Alert) -> str:
    return f"tag:{sender()},{TAG_YEAR}:crisis/{identifier(alert)}"


def atom_feed(alerts, *, base_url: str) -> bytes:
    """An Atom 1.0 feed with one entry per alert, each linking to its CAP document and its crisis page."""
    alerts = list(alerts)
    # Plain names under an explicit default namespace: ElementTree's default_namespace option refuses the
    # unqualified attributes (rel, type, href) that Atom uses.
    feed = ET.Element("feed", xmlns=ATOM_NAMESPACE)
    _atom(feed, "id", f"tag:{sender()},{TAG_YEAR}:crisis/cap")
    _atom(feed, "title", "Pravasi: crisis alerts (CAP 1.2)")
    _atom(feed, "subtitle", "Public alerts of the Government of India for Indians abroad, as OASIS CAP 1.2 documents")
    newest = max((alert.published_at for alert in alerts), default=None) or timezone.now()
    _atom(feed, "updated", cap_time(newest))
    _atom(feed, "link", rel="self", type=ATOM_CONTENT_TYPE, href=feed_url(base_url=base_url))
    _atom(feed, "link", rel="alternate", type="text/html", href=base_url.rstrip("/") + reverse("portal:crises"))
    author = _atom(feed, "author")
    _atom(author, "name", "Ministry of External Affairs, Government of India")
    for alert in alerts:
        text = text_in(alert, "en")
        entry = _atom(feed, "entry")
        _atom(entry, "id", entry_id(alert))
        _atom(entry, "title", text.headline if text else alert.crisis.title)
        _atom(entry, "updated", cap_time(alert.published_at))
        _atom(entry, "published", cap_time(alert.published_at))
        entry_author = _atom(entry, "author")
        _atom(entry_author, "name", alert.crisis.office.name)
        _atom(entry, "link", rel="alternate", type=CAP_CONTENT_TYPE, href=alert_cap_url(alert, base_url=base_url))
        _atom(entry, "link", rel="related", type="text/html", href=crisis_url(alert.crisis, base_url=base_url))
        _atom(entry, "summary", text.description if text else alert.crisis.advisory)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

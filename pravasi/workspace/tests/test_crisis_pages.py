"""Crisis pages of the workspace: who sees which crisis (404 for another office, 403 for the rest), the
declaration and each bad input, changes of phase and area, the end, the audited contact export and the
counts of the people in the area, all through real requests by verified officials."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind, Role
from pravasi.accounts.tests.factories import user_with_role, verified_client
from pravasi.audit.models import AuditEvent, PersonalDataAccess
from pravasi.crisis import services
from pravasi.crisis.models import ChangeKind, Crisis, CrisisChange, CrisisStatus
from pravasi.crisis.tests.factories import NORTHERN_EMIRATES, crisis_data, mission_official, pge_official, register
from pravasi.registry.services import family_member_add, person_update_section

pytestmark = pytest.mark.django_db

LIST = reverse("workspace:crisis_list")
DECLARE = reverse("workspace:crisis_declare")


def url(crisis, name: str = "detail") -> str:
    return reverse(f"workspace:crisis_{name}", args=[crisis.id])


def body(response) -> str:
    return response.content.decode()


def fresh(obj):
    obj.refresh_from_db()
    return obj


def next_to(text: str, field_id: str, message: str) -> bool:
    """Whether the message is shown in the description block that belongs to the field (or fieldset)."""
    block = re.search(rf'<div id="{re.escape(field_id)}"[^>]*>(.*?)</div>\s*(?:</div>|<)', text, re.S)
    return bool(block) and escape(message) in block.group(1)


def declare_form(**overrides) -> dict:
    data = {
        "title": "Floods in the northern emirates",
        "kind": "NATURAL_DISASTER",
        "phase": "PRECAUTIONARY",
        "countries": ["AE"],
        "regions": "Dubai\nSharjah",
        "advisory": "Stay indoors, keep away from wadis, and follow the instructions of the local authorities.",
        "helpline_1_label": "Embassy 24x7",
        "helpline_1_number": "+971 2 449 2700",
    }
    data.update(overrides)
    return data


def partner():
    return user_with_role(Role.PARTNER_ANALYST, organisation=Organisation.objects.create(kind=OrganisationKind.PARTNER, name="IOM"))


@pytest.fixture
def world():
    """The PGE, the Missions in the UAE and Qatar, a Gulf crisis by the PGE, a Doha crisis by the Qatar
    Mission, and an ended crisis in the UAE."""
    pge = pge_official()
    uae = mission_official(["AE"])
    qatar = mission_official(["QA"])
    gulf = services.crisis_declare(actor=pge, data=crisis_data(title="Unrest in the Gulf", kind="CONFLICT", countries=["AE", "OM"]))
    doha = services.crisis_declare(actor=qatar, data=crisis_data(title="Heat wave in Doha", countries=["QA"]))
    ended = services.crisis_declare(actor=pge, data=crisis_data(title="Sandstorm in Dubai", regions=["Dubai"]))
    services.crisis_end(actor=pge, crisis_id=ended.id, reason="The storm has passed.")
    return {"pge": pge, "uae": uae, "qatar": qatar, "gulf": gulf, "doha": doha, "ended": fresh(ended)}


# --- who sees what ---------------------------------------------------------------------------------------


def test_the_pge_sees_every_crisis_active_first(world):
    page = verified_client(world["pge"]).get(LIST)
    assert page.status_code == 200
    text = body(page)
    for crisis in (world["gulf"], world["doha"], world["ended"]):
        assert crisis.reference in text and url(crisis) in text
    assert text.index(world["ended"].reference) > max(text.index(world["gulf"].reference), text.index(world["doha"].reference))
    assert "United Arab Emirates, Oman" in text and "Conflict" in text and "Ended" in text and "Protector General of Emigrants" in text
    assert f'href="{DECLARE}"' in text


def test_a_mission_sees_its_own_and_its_countries_crises(world):
    uae_list = body(verified_client(world["uae"]).get(LIST))
    assert world["gulf"].reference in uae_list and world["ended"].reference in uae_list
    assert world["doha"].reference not in uae_list
    qatar_list = body(verified_client(world["qatar"]).get(LIST))
    assert world["doha"].reference in qatar_list
    assert world["gulf"].reference not in qatar_list and world["ended"].reference not in qatar_list
    assert f'href="{DECLARE}"' in qatar_list


def test_another_mission_gets_404_on_the_page_and_every_action(world):
    qatar = verified_client(world["qatar"])
    gulf = world["gulf"]
    assert qatar.get(url(gulf)).status_code == 404
    assert qatar.post(url(gulf, "change"), {"change-phase": "RESTRICTION", "change-countries": ["AE"], "change-reason": "Escalation."}).status_code == 404
    assert qatar.post(url(gulf, "end"), {"end-reason": "Over."}).status_code == 404
    assert qatar.post(url(gulf, "contacts")).status_code == 404
    assert verified_client(world["uae"]).get(url(world["doha"])).status_code == 404
    assert fresh(gulf).phase == "PRECAUTIONARY" and fresh(gulf).status == CrisisStatus.ACTIVE
    assert not CrisisChange.objects.filter(crisis=gulf).exists()
    assert not PersonalDataAccess.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(world):
    anonymous = Client()
    for address in (LIST, DECLARE, url(world["gulf"])):
        response = anonymous.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], address
    response = anonymous.post(url(world["gulf"], "end"), {"end-reason": "Over."})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert fresh(world["gulf"]).status == CrisisStatus.ACTIVE


@pytest.mark.parametrize("role", [Role.PARTNER_ANALYST, Role.RA_STAFF, Role.POE_OFFICER, Role.OWRC_AGENT, Role.EMIGRANT])
def test_everyone_else_is_refused(world, role):
    user = partner() if role == Role.PARTNER_ANALYST else user_with_role(role)
    client = verified_client(user)
    for address in (LIST, DECLARE, url(world["gulf"])):
        assert client.get(address).status_code == 403, address
    assert client.post(DECLARE, declare_form()).status_code == 403
    assert client.post(url(world["gulf"], "contacts")).status_code == 403
    assert Crisis.objects.count() == 3 and not PersonalDataAccess.objects.exists()


def test_a_mission_without_countries_sees_no_declare_button():
    lonely = mission_official([])
    client = verified_client(lonely)
    assert f'href="{DECLARE}"' not in body(client.get(LIST))
    assert client.get(DECLARE).status_code == 403


def test_navigation_offers_crises_to_the_pge_and_missions_only(world):
    link = f'href="{LIST}"'
    for user in (world["pge"], world["uae"]):
        home = body(verified_client(user).get(reverse("workspace:home")))
        assert home.count(link) == 2  # the menu and the card
    for user in (user_with_role(Role.POE_OFFICER), partner(), user_with_role(Role.OWRC_AGENT)):
        assert link not in body(verified_client(user).get(reverse("workspace:home")))
    # The menu marks the crisis pages as the current section.
    page = body(verified_client(world["pge"]).get(url(world["gulf"])))
    assert re.search(rf'<a class="nav-link active" href="{re.escape(LIST)}"', page)


# --- declaring ---------------------------------------------------------------------------------------------


def test_the_pge_declares_a_crisis():
    pge = pge_official()
    client = verified_client(pge)
    form = client.get(DECLARE)
    assert form.status_code == 200
    text = body(form)
    assert '<option value="SA">Saudi Arabia</option>' in text and 'value="IN"' not in text
    starts = (timezone.localtime() + timedelta(hours=2)).replace(second=0, microsecond=0)
    response = client.post(
        DECLARE,
        declare_form(
            countries=["AE", "OM"],
            circle_latitude="25.2048",
            circle_longitude="55.2708",
            circle_radius_km="40",
            starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(starts + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            helpline_2_label="OWRC",
            helpline_2_number="+91 11 2688 5021",
        ),
        REMOTE_ADDR="10.1.2.3",
    )
    crisis = Crisis.objects.get()
    assert response.status_code == 302 and response["Location"] == url(crisis)
    assert crisis.countries == ["AE", "OM"] and crisis.regions == ["Dubai", "Sharjah"] and crisis.kind == "NATURAL_DISASTER"
    assert (crisis.circle_latitude, crisis.circle_longitude, crisis.circle_radius_km) == (25.2048, 55.2708, 40)
    assert crisis.starts_at == starts and crisis.ends_at == starts + timedelta(days=3)
    assert crisis.helplines == [{"label": "Embassy 24x7", "number": "+97124492700"}, {"label": "OWRC", "number": "+911126885021"}]
    assert crisis.office.kind == "PGE" and crisis.declared_by == pge
    assert AuditEvent.objects.get(action="crisis.declared").source_ip == "10.1.2.3"
    page = body(client.get(response["Location"]))
    assert f"Crisis {crisis.reference} was declared" in page
    assert "Floods in the northern emirates" in page and "United Arab Emirates, Oman" in page and "Dubai, Sharjah" in page
    assert "A circle of 40 km around latitude 25.2048, longitude 55.2708" in page
    assert "+97124492700" in page and "Embassy 24x7" in page


def test_a_mission_is_offered_its_countries_and_refused_others():
    mission = mission_official(["AE", "OM"])
    client = verified_client(mission)
    options = re.findall(r'<option value="([A-Z]{2})"', body(client.get(DECLARE)))
    assert sorted(options) == ["AE", "OM"]
    response = client.post(DECLARE, declare_form(countries=["AE", "SA"]))
    assert response.status_code == 403
    assert next_to(body(response), "id_countries_desc", "A Mission declares a crisis only in its own countries; ask the PGE for the others.")
    assert not Crisis.objects.exists()
    response = client.post(DECLARE, declare_form(countries=["OM"], polygon=json.dumps({"type": "Polygon", "coordinates": NORTHERN_EMIRATES})))
    crisis = Crisis.objects.get()
    assert response.status_code == 302 and crisis.office == mission.memberships.get().office and crisis.polygon == NORTHERN_EMIRATES


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"countries": ["IN"]}, "id_countries_desc", "A crisis abroad cannot include India."),
        ({"countries": ["AE", "IN"]}, "id_countries_desc", "A crisis abroad cannot include India."),
        ({"countries": []}, "id_countries_desc", "Choose at least one country."),
        (
            {"polygon": json.dumps({"type": "Polygon", "coordinates": NORTHERN_EMIRATES}), "circle_latitude": "25.2", "circle_longitude": "55.3", "circle_radius_km": "40"},
            "declare-shape-desc",
            "Give a polygon or a circle, not both.",
        ),
        ({"polygon": "{not json"}, "id_polygon_desc", "Give the area as a GeoJSON Polygon: rings of [longitude, latitude] pairs."),
        ({"circle_latitude": "25.2", "circle_longitude": "55.3", "circle_radius_km": "0"}, "id_circle_radius_km_desc", "Give a radius of more than 0 and at most 2000 km."),
        ({"starts_at": "2026-03-10T08:00", "ends_at": "2026-03-09T08:00"}, "id_ends_at_desc", "The end must be after the start."),
        ({"starts_at": "next week"}, "id_starts_at_desc", "Enter the start as a date and time, for example 2026-03-01 08:00."),
        ({"advisory": ""}, "id_advisory_desc", "This is required."),
        ({"advisory": "   "}, "id_advisory_desc", "This is required."),
        ({"title": ""}, "id_title_desc", "This is required."),
        ({"kind": "WAR"}, "id_kind_desc", "Choose what kind of crisis this is."),
        ({"helpline_1_number": "12"}, "declare-helplines-desc", "Embassy 24x7: This phone number is not valid for its country code."),
        ({"helpline_2_number": "+91 11 2688 5021"}, "declare-helplines-desc", "Give each helpline a label of at most 80 characters, such as “Embassy 24x7”."),
    ],
)
def test_each_bad_input_is_named_next_to_its_field_and_nothing_is_stored(overrides, field_id, message):
    client = verified_client(pge_official())
    response = client.post(DECLARE, declare_form(**overrides))
    assert response.status_code == 400
    text = body(response)
    assert next_to(text, field_id, message), text[text.find("<form") :][:4000]
    assert "Some details need correcting." in text and 'href="#action-declare"' in text
    assert not Crisis.objects.exists()
    assert not AuditEvent.objects.filter(action="crisis.declared").exists()


def test_what_was_typed_is_kept_when_the_form_comes_back():
    client = verified_client(pge_official())
    text = body(client.post(DECLARE, declare_form(countries=["AE", "OM"], advisory="")))
    assert '<option value="AE" selected>' in text and '<option value="OM" selected>' in text
    assert "Floods in the northern emirates" in text and "Embassy 24x7" in text


# --- the crisis page --------------------------------------------------------------------------------------------


def test_the_crisis_page_shows_phase_area_basis_links_and_the_response(world):
    text = body(verified_client(world["pge"]).get(url(world["gulf"])))
    gulf = world["gulf"]
    assert gulf.reference in text and "Unrest in the Gulf" in text and "Conflict" in text and "Precautionary" in text
    assert "nobody is asked to leave yet" in text and "United Arab Emirates, Oman" in text and "The whole countries" in text
    assert "Legitimate use without consent" in text and "Digital Personal Data Protection Act 2023" in text and "CRISIS_LEGITIMATE_USE_KINDS" in text
    assert reverse("portal:crisis", args=[gulf.reference]) in text and reverse("portal:cap_feed") in text
    assert "No alert has been written for this crisis yet." in text and reverse("workspace:crisis_alert_new", args=[gulf.id]) in text
    for name in ("crisis_checkins", "crisis_triage", "crisis_unaccounted", "crisis_evacuation", "crisis_certificates"):
        assert reverse(f"workspace:{name}", args=[gulf.id]) in text
    assert url(gulf, "change") in text and url(gulf, "end") in text and url(gulf, "contacts") in text
    assert "No change since the crisis was declared." in text


def test_a_consent_crisis_names_its_basis():
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data(kind="OTHER"))
    text = body(verified_client(pge).get(url(crisis)))
    assert "Consent: only the people who consented to be contacted in a crisis are reached" in text


def test_a_mission_that_only_sees_a_crisis_gets_no_actions_and_no_people(world):
    """The Gulf crisis touches the UAE, but the PGE declared it and it spans Oman too."""
    uae = verified_client(world["uae"])
    page = uae.get(url(world["gulf"]))
    assert page.status_code == 200
    text = body(page)
    assert url(world["gulf"], "change") not in text and url(world["gulf"], "end") not in text and url(world["gulf"], "contacts") not in text
    assert 'id="people-heading"' not in text and "<svg" not in text
    assert "Only the PGE, or a Mission holding every country of the area, changes or ends this crisis." in text
    assert uae.post(url(world["gulf"], "change"), {"change-phase": "RESTRICTION", "change-countries": ["AE", "OM"], "change-reason": "Escalation."}).status_code == 403
    assert uae.post(url(world["gulf"], "end"), {"end-reason": "Over."}).status_code == 403
    assert fresh(world["gulf"]).phase == "PRECAUTIONARY" and fresh(world["gulf"]).status == CrisisStatus.ACTIVE


def test_counts_of_the_people_in_the_area(registrar):
    pregnant = register(registrar, sex="F", given_name="Anitha")
    person_update_section(actor=registrar, person=pregnant, section="needs", data={"vuln_pregnancy": "on", "vuln_language": "on"})
    register(registrar, date_of_birth="1950-06-01", residence_region="Sharjah", consent=False)
    father = register(registrar, residence_region="Sharjah")
    family_member_add(actor=registrar, person=father, data={"name": "Lakshmi", "relation": "Wife", "sex": "F"})
    family_member_add(actor=registrar, person=father, data={"name": "Arjun", "relation": "Son", "sex": "M", "date_of_birth": "2015-02-02"})
    register(registrar, sex="F", consent=False)
    register(registrar, residence_country="QA", residence_region="Doha", sex="F")
    crisis = services.crisis_declare(actor=registrar, data=crisis_data(kind="OTHER"))

    text = body(verified_client(registrar).get(url(crisis)))
    totals = dict(re.findall(r'<span class="d-block small">([^<]+)</span><span class="d-block h4 mb-0">(\d+)</span>', text))
    assert totals == {"In the area": "4", "Reachable": "2", "With family abroad": "1", "Family members": "2"}
    assert text.count("<svg") == 5
    for chart in ("chart-overview", "chart-basis", "chart-vulnerabilities", "chart-sex", "chart-regions"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in text
    rows = dict(re.findall(r'<tr><th scope="row" class="fw-normal">([^<]+)</th><td class="text-end">(\d+)</td></tr>', text))
    assert rows["With consent"] == "2" and rows["Without consent (legitimate use)"] == "0"
    assert rows["Pregnancy"] == "1" and rows["Elderly"] == "1" and rows["Needs language support"] == "1" and rows["Disability"] == "0"
    assert rows["Female"] == "2" and rows["Male"] == "2"
    assert rows["Dubai"] == "2" and rows["Sharjah"] == "2" and "Doha" not in rows
    # Counts only: nobody's name is on the page, and nothing is logged as a look at a person.
    assert "Anitha" not in text and "Lakshmi" not in text and "Testperson" not in text
    assert not PersonalDataAccess.objects.exists()


def test_an_empty_area_says_so():
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data(countries=["NZ"]))
    text = body(verified_client(pge).get(url(crisis)))
    assert "Nobody registered lives in the area." in text and text.count("<svg") == 4


# --- changes ---------------------------------------------------------------------------------------------------


def change_form(crisis, **overrides) -> dict:
    data = {
        "change-phase": crisis.phase,
        "change-countries": list(crisis.countries),
        "change-regions": "\n".join(crisis.regions),
        "change-polygon": json.dumps({"type": "Polygon", "coordinates": crisis.polygon}) if crisis.polygon else "",
        "change-circle_latitude": "" if crisis.circle_latitude is None else str(crisis.circle_latitude),
        "change-circle_longitude": "" if crisis.circle_longitude is None else str(crisis.circle_longitude),
        "change-circle_radius_km": "" if crisis.circle_radius_km is None else str(crisis.circle_radius_km),
        "change-reason": "",
    }
    data.update(overrides)
    return data


def test_changing_the_phase_with_a_reason(world):
    pge = verified_client(world["pge"])
    gulf = world["gulf"]
    response = pge.post(url(gulf, "change"), change_form(gulf, **{"change-phase": "VOLUNTARY_RETURN", "change-reason": "Airports may close within days."}))
    assert response.status_code == 302 and response["Location"] == url(gulf)
    assert fresh(gulf).phase == "VOLUNTARY_RETURN" and fresh(gulf).countries == ["AE", "OM"]
    change = CrisisChange.objects.get(crisis=gulf)
    assert change.kind == ChangeKind.PHASE and change.changed_by == world["pge"] and change.reason == "Airports may close within days."
    text = body(pge.get(response["Location"]))
    assert "The change was recorded" in text
    assert "Phase changed" in text and "Precautionary → Voluntary return" in text and "Airports may close within days." in text


def test_a_change_without_a_reason_is_refused_and_nothing_changes(world):
    pge = verified_client(world["pge"])
    gulf = world["gulf"]
    response = pge.post(url(gulf, "change"), change_form(gulf, **{"change-phase": "RESTRICTION", "change-countries": ["AE"]}))
    assert response.status_code == 400
    text = body(response)
    assert next_to(text, "id_change-reason_desc", "Say why the phase or the area changes.")
    assert 'href="#action-change"' in text
    assert fresh(gulf).phase == "PRECAUTIONARY" and fresh(gulf).countries == ["AE", "OM"]
    assert not CrisisChange.objects.filter(crisis=gulf).exists()


def test_changing_the_area_keeps_before_and_after(world):
    pge = verified_client(world["pge"])
    gulf = world["gulf"]
    form = change_form(gulf, **{"change-countries": ["AE"], "change-regions": "Dubai", "change-circle_latitude": "25.2", "change-circle_longitude": "55.3", "change-circle_radius_km": "30"})
    response = pge.post(url(gulf, "change"), {**form, "change-reason": "The unrest is now confined to Dubai."})
    assert response.status_code == 302
    gulf = fresh(gulf)
    assert gulf.countries == ["AE"] and gulf.regions == ["Dubai"] and gulf.circle_radius_km == 30
    change = CrisisChange.objects.get(crisis=gulf)
    assert change.kind == ChangeKind.AREA and change.area_before["countries"] == ["AE", "OM"] and change.area_after["regions"] == ["Dubai"]
    text = body(pge.get(url(gulf)))
    assert "Area changed" in text and '<span class="d-block">United Arab Emirates, Oman</span>' in text
    assert '<span class="d-block">Regions: Dubai</span><span class="d-block">A circle of 30 km around latitude 25.2, longitude 55.3</span>' in text


def test_the_change_form_sends_back_a_polygon_unchanged():
    pge = pge_official()
    crisis = services.crisis_declare(actor=pge, data=crisis_data(polygon=NORTHERN_EMIRATES))
    client = verified_client(pge)
    page = body(client.get(url(crisis)))
    assert escape(json.dumps({"type": "Polygon", "coordinates": NORTHERN_EMIRATES})) in page and "A polygon of 4 points" in page
    response = client.post(url(crisis, "change"), change_form(crisis, **{"change-phase": "RESTRICTION", "change-reason": "Roads are closed."}))
    assert response.status_code == 302
    assert CrisisChange.objects.get(crisis=crisis).kind == ChangeKind.PHASE and fresh(crisis).polygon == NORTHERN_EMIRATES


def test_a_change_that_changes_nothing_says_so(world):
    pge = verified_client(world["pge"])
    response = pge.post(url(world["gulf"], "change"), change_form(world["gulf"]), follow=True)
    assert "Nothing changed: the phase and the area are as they were." in body(response)
    assert not CrisisChange.objects.filter(crisis=world["gulf"]).exists()


def test_a_mission_changes_the_area_only_within_its_countries():
    mission = mission_official(["AE"])
    crisis = services.crisis_declare(actor=mission, data=crisis_data())
    client = verified_client(mission)
    response = client.post(url(crisis, "change"), change_form(crisis, **{"change-countries": ["AE", "OM"], "change-reason": "Spreading to Oman."}))
    assert response.status_code == 400
    assert next_to(body(response), "id_change-countries_desc", "A Mission changes the area only within its own countries; ask the PGE for the others.")
    assert fresh(crisis).countries == ["AE"] and not CrisisChange.objects.exists()
    response = client.post(url(crisis, "change"), change_form(crisis, **{"change-countries": ["IN"], "change-reason": "Wrong."}))
    assert response.status_code == 400 and next_to(body(response), "id_change-countries_desc", "A crisis abroad cannot include India.")
    assert fresh(crisis).countries == ["AE"]


# --- the end -----------------------------------------------------------------------------------------------------


def test_ending_a_crisis(world):
    pge = verified_client(world["pge"])
    gulf = world["gulf"]
    refused = pge.post(url(gulf, "end"), {"end-reason": "  "})
    assert refused.status_code == 400 and next_to(body(refused), "id_end-reason_desc", "Say why the crisis ends.")
    assert fresh(gulf).status == CrisisStatus.ACTIVE
    response = pge.post(url(gulf, "end"), {"end-reason": "Calm has returned."})
    assert response.status_code == 302
    gulf = fresh(gulf)
    assert gulf.status == CrisisStatus.ENDED and gulf.ends_at is not None
    assert CrisisChange.objects.get(crisis=gulf).kind == ChangeKind.END
    text = body(pge.get(url(gulf)))
    assert "The crisis was ended" in text and "This crisis has ended." in text and "Crisis ended" in text and "Calm has returned." in text
    assert url(gulf, "change") not in text and url(gulf, "end") not in text
    again = pge.post(url(gulf, "end"), {"end-reason": "Again."}, follow=True)
    assert "This crisis has ended; declare a new one if the situation returns." in body(again) or "This crisis has already ended." in body(again)
    assert CrisisChange.objects.filter(crisis=gulf).count() == 1


def test_an_ended_crisis_cannot_be_changed(world):
    pge = verified_client(world["pge"])
    ended = world["ended"]
    response = pge.post(url(ended, "change"), change_form(ended, **{"change-phase": "RESTRICTION", "change-reason": "Back again."}), follow=True)
    assert "This crisis has ended; declare a new one if the situation returns." in body(response)
    assert fresh(ended).phase == "PRECAUTIONARY"


# --- the contact export ---------------------------------------------------------------------------------------


def test_the_export_is_logged_on_each_person_exported(registrar):
    mission = mission_official(["AE"])
    people = [register(registrar), register(registrar, residence_region="Sharjah"), register(registrar, mobile="+971 50 123 4567")]
    register(registrar, consent=False)  # not reachable: the crisis is of a kind that needs consent
    register(registrar, residence_country="QA", residence_region="Doha")
    crisis = services.crisis_declare(actor=mission, data=crisis_data(kind="OTHER"))
    client = verified_client(mission)
    assert client.get(url(crisis, "contacts")).status_code == 405
    response = client.post(url(crisis, "contacts"), REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;") and f"{crisis.reference}-contacts-" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert not PersonalDataAccess.objects.exists()  # streamed: each person is logged as their line is sent
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["person_id"] for row in rows} == {str(p.id) for p in people}
    logged = PersonalDataAccess.objects.filter(purpose="crisis-export")
    assert logged.count() == len(rows) == 3
    assert {str(pk) for pk in logged.values_list("person_id", flat=True)} == {str(p.id) for p in people}
    assert set(logged.values_list("source_ip", flat=True)) == {"10.9.8.7"}
    assert AuditEvent.objects.get(action="crisis.contacts_exported").summary == {"count": 3}


def test_the_export_is_404_for_those_who_may_not_see_the_people(world, registrar):
    register(registrar)
    gulf = world["gulf"]
    for user in (world["uae"], world["qatar"]):  # the UAE Mission sees the crisis, not its people
        assert verified_client(user).post(url(gulf, "contacts")).status_code == 404
    assert not PersonalDataAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="crisis.contacts_exported").exists()
    response = verified_client(world["pge"]).post(url(gulf, "contacts"))
    assert response.status_code == 200 and len(b"".join(response.streaming_content).splitlines()) == 2
    assert PersonalDataAccess.objects.count() == 1

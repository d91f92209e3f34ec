"""Public licensing API: verification of a certificate and the three public lists (shape, filters,
pages, errors, throttling). Anonymous callers, as partner systems and apps would call it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pravasi.accounts.models import Organisation
from pravasi.accounts.roles import OrganisationKind
from pravasi.licensing import services
from pravasi.licensing.models import Licence, LicenceKind
from pravasi.licensing.tests import factories

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/licensing/verify/"
AGENTS = "/api/v1/licensing/recruiting-agents/"
BLACKLIST = "/api/v1/licensing/blacklist/"
ILLEGAL = "/api/v1/licensing/illegal-agents/"
ORDER_TEXT = "Workers were charged fees above the limit; inquiry pending under section 14."


def _licence(name: str, number: str, *, state: str = "IN-KL", status: str = "ACTIVE") -> Licence:
    organisation = Organisation.objects.create(kind=OrganisationKind.RA, name=name)
    today = timezone.localdate()
    return Licence.objects.create(
        kind=LicenceKind.RC, number=number, organisation=organisation, status=status, valid_from_date=today, valid_to_date=today + timedelta(days=1800), premises_state=state, premises_city="Kochi"
    )


def test_verify_answers_what_the_certificate_shows(client):
    people = factories.officials()
    licence, applicant = factories.granted_rc(people)
    branch = services.branch_apply(actor=applicant, licence_id=licence.id, data={"address": "Near the bus stand", "state": "IN-TN", "city": "Chennai"})
    services.branch_decide(actor=people["pge"], branch_id=branch.id, approve=True)
    services.branch_apply(actor=applicant, licence_id=licence.id, data={"address": "MG Road", "state": "IN-KA", "city": "Bengaluru"})
    response = client.get(VERIFY, {"number": licence.number})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "number": licence.number,
        "kind": "RC",
        "status": "ACTIVE",
        "holder": licence.organisation.name,
        "valid_from": licence.valid_from_date.isoformat(),
        "valid_to": licence.valid_to_date.isoformat(),
        "premises_city": "Thiruvananthapuram",
        "premises_state": "IN-KL",
        "is_state_run": False,
        "branches": [{"city": "Chennai", "state": "IN-TN"}],
    }
    # No personal data of the applicant or the office travels with it.
    body = response.content.decode()
    assert applicant.email not in body and "premises_address" not in body


def test_verify_reports_a_suspension_and_accepts_a_loosely_typed_number(client):
    people = factories.officials()
    licence, _applicant = factories.granted_rc(people)
    services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground="14_1_A", order_text=ORDER_TEXT)
    response = client.get(VERIFY, {"number": f"  {licence.number.lower()} "})
    assert response.status_code == 200
    assert response.json()["status"] == "SUSPENDED"


def test_verify_unknown_number_is_404_with_the_error_shape(client):
    response = client.get(VERIFY, {"number": "B-99999/KL/2026"})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No licence with this number."}


@pytest.mark.parametrize("query", [{}, {"number": ""}, {"number": "   "}, {"number": "X" * 61}])
def test_verify_without_a_usable_number_is_400(client, query):
    response = client.get(VERIFY, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "number" in body["fields"]


def test_recruiting_agents_are_paginated_and_filtered(client):
    for i in range(27):
        _licence(f"Agency {i:02d}", f"B-{i + 100:05d}/KL/2026")
    _licence("Punjab Overseas Placements", "B-00002/PB/2026", state="IN-PB")
    _licence("Cochin Careers", "B-00003/KL/2026", status="SUSPENDED")
    first = client.get(AGENTS).json()
    assert first["count"] == 29 and len(first["results"]) == 25 and first["previous"] is None
    assert first["next"].endswith("page=2")
    assert set(first["results"][0]) == {"number", "holder", "status", "valid_from", "valid_to", "premises_city", "premises_state", "is_state_run"}
    second = client.get(AGENTS, {"page": 2}).json()
    assert len(second["results"]) == 4 and second["next"] is None
    assert client.get(AGENTS, {"state": "in-pb"}).json()["results"][0]["holder"] == "Punjab Overseas Placements"
    suspended = client.get(AGENTS, {"status": "SUSPENDED"}).json()
    assert [r["holder"] for r in suspended["results"]] == ["Cochin Careers"]
    assert [r["number"] for r in client.get(AGENTS, {"number": "b-00002"}).json()["results"]] == ["B-00002/PB/2026"]
    assert client.get(AGENTS, {"name": "agency 0"}).json()["count"] == 10
    # State filter and name filter together, with a page beyond the last.
    assert client.get(AGENTS, {"state": "IN-KL", "page": 5}).status_code == 404


@pytest.mark.parametrize(
    ("url", "query", "field"), [(AGENTS, {"state": "IN-XX"}, "state"), (AGENTS, {"status": "REVOKED"}, "status"), (BLACKLIST, {"country": "ZZ"}, "country"), (ILLEGAL, {"state": "KL"}, "state")]
)
def test_list_filters_with_unknown_values_are_400(client, url, query, field):
    response = client.get(url, query)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_blacklist_lists_current_entries_filtered_by_name_and_country(client):
    pge = factories.officials()["pge"]
    listed = timezone.localdate() - timedelta(days=30)
    services.blacklist_add(actor=pge, data={"name": "Gulf Star Contracting", "country": "AE", "city": "Sharjah", "reasons": "Wages unpaid.", "listed_date": listed.isoformat()})
    services.blacklist_add(actor=pge, data={"name": "Desert Rose Services", "country": "SA", "city": "Riyadh", "reasons": "Passports withheld.", "listed_date": listed.isoformat()})
    gone = services.blacklist_add(actor=pge, data={"name": "Old Listing Co", "country": "AE", "reasons": "Complaints.", "listed_date": listed.isoformat()})
    services.blacklist_remove(actor=pge, entry_id=gone.id, reasons="Dues settled with every worker; verified by the Mission.")
    body = client.get(BLACKLIST).json()
    assert body["count"] == 2
    assert {r["name"] for r in body["results"]} == {"Gulf Star Contracting", "Desert Rose Services"}
    assert client.get(BLACKLIST, {"country": "sa"}).json()["results"] == [
        {"name": "Desert Rose Services", "country": "SA", "city": "Riyadh", "listed_date": listed.isoformat(), "reasons": "Passports withheld."}
    ]
    assert [r["name"] for r in client.get(BLACKLIST, {"name": "gulf"}).json()["results"]] == ["Gulf Star Contracting"]


def test_illegal_agents_list_notices_in_force(client):
    pge = factories.officials()["pge"]
    day = timezone.localdate() - timedelta(days=5)
    services.illegal_agent_notify(
        actor=pge, data={"name": "Fast Visa Consultants", "state": "IN-KL", "city": "Kozhikode", "notified_date": day.isoformat(), "notification_reference": "PGE/IA/2026/17"}
    )
    withdrawn = services.illegal_agent_notify(actor=pge, data={"name": "Easy Jobs Abroad", "state": "IN-UP", "notified_date": day.isoformat()})
    services.illegal_agent_withdraw(actor=pge, agent_id=withdrawn.id, reasons="Notified in error: the firm holds a certificate.")
    body = client.get(ILLEGAL).json()
    assert body["results"] == [{"name": "Fast Visa Consultants", "city": "Kozhikode", "state": "IN-KL", "notified_date": day.isoformat(), "notification_reference": "PGE/IA/2026/17"}]
    assert client.get(ILLEGAL, {"state": "IN-UP"}).json()["count"] == 0
    assert client.get(ILLEGAL, {"name": "fast"}).json()["count"] == 1


def test_anonymous_callers_are_throttled_with_retry_after(client):
    statuses = [client.get(BLACKLIST).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    response = client.get(BLACKLIST)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/licensing/verify/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"number"}
    assert set(operation["responses"]) >= {"200", "400", "404", "429"}
    agents = schema["paths"]["/api/v1/licensing/recruiting-agents/"]["get"]
    assert {p["name"] for p in agents["parameters"]} >= {"name", "number", "state", "status", "page"}
    assert {} in operation["security"], "anonymous callers must be allowed"
    page = agents["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"count", "next", "previous", "results"} <= set(schema["components"]["schemas"][page]["properties"])

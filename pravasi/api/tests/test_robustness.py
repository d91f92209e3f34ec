"""Whatever a client sends, the API answers with a status it documents, never a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pravasi.accounts.roles import Role
from pravasi.api.registry import ABOUT_FIELDS, CONTACT_FIELDS, NEEDS_FIELDS, RESIDENCE_FIELDS, WORK_FIELDS

pytestmark = pytest.mark.django_db

ANSWERS = {200, 201, 400, 404, 409, 415}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=40),
    st.sampled_from(["1991-03-14", "2999-01-01", "0000-00-00", "+971501234567", "J8369854", "IN-KL", "AE", "<b>x</b>", "' OR 1=1 --", "P<IND" + "<" * 39]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=2))

ENDPOINTS = [
    ("post", "/api/v1/registry/me/", [*ABOUT_FIELDS, *RESIDENCE_FIELDS, *CONTACT_FIELDS, "consents"]),
    ("patch", "/api/v1/registry/me/about/", ABOUT_FIELDS),
    ("patch", "/api/v1/registry/me/residence/", RESIDENCE_FIELDS),
    ("patch", "/api/v1/registry/me/contacts/", CONTACT_FIELDS),
    ("patch", "/api/v1/registry/me/work/", WORK_FIELDS),
    ("patch", "/api/v1/registry/me/needs/", NEEDS_FIELDS),
    ("put", "/api/v1/registry/me/passport/", ["passport_number", "issue_date", "expiry_date", "place_of_issue", "is_ecr", "mrz_line1", "mrz_line2"]),
    ("post", "/api/v1/registry/me/moved/", RESIDENCE_FIELDS),
    ("post", "/api/v1/registry/me/returned/", ["returned_date"]),
    ("post", "/api/v1/registry/me/consents/", ["purpose", "given", "partner"]),
]


def bodies(field_names):
    known = st.dictionaries(st.sampled_from([*field_names, "unexpected"]), values, max_size=6)
    return st.one_of(known, values)


@pytest.mark.parametrize(("method", "url", "field_names"), ENDPOINTS, ids=[f"{m} {u}" for m, u, _f in ENDPOINTS])
def test_self_service_never_fails_on_input(emigrant_client, registered, method, url, field_names):
    @FUZZ
    @given(body=bodies(field_names))
    def check(body):
        response = getattr(emigrant_client, method)(url, body, content_type="application/json")
        assert response.status_code in ANSWERS, (body, response.status_code)
        if response.status_code >= 400:
            assert response.json()["code"]

    check()


SEARCH_KEYS = ["name", "passport_number", "mobile", "country", "region", "state", "vulnerability", "limit", "offset"]


def test_search_never_fails_on_input(official_client, world):
    client, _user = official_client(Role.PGE_OFFICER)

    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(SEARCH_KEYS), st.text(max_size=30), max_size=4))
    def check(params):
        from django.core.cache import cache

        cache.clear()  # stay under the search rate limit
        response = client.get("/api/v1/registry/persons/", params)
        assert response.status_code in {200, 400}, (params, response.content)

    check()

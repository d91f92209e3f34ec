"""Reviewing possible duplicates: merge, dismiss, reverse, and another official deciding first."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import login_verified, office_for, user_with_role
from pravasi.registry.models import DuplicateFlag, MergeRecord, Person

pytestmark = pytest.mark.django_db
DUPLICATES = reverse("workspace:duplicates")


@pytest.fixture
def pair(make_person):
    """Two records of (probably) one woman: same birth date, name spelt two ways."""
    first = make_person(given_name="Fathima", family_name="Shaikh", sex="F", date_of_birth="1990-05-04", state_of_origin="IN-KL", residence_country="AE")
    second = make_person(given_name="Fatima", family_name="Sheikh", sex="F", date_of_birth="1990-05-04", state_of_origin="IN-KL", residence_country="AE")
    flag = DuplicateFlag.objects.get(status=DuplicateFlag.Status.OPEN)
    assert {flag.person_a_id, flag.person_b_id} == {first.id, second.id}
    return flag, first, second


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_open_pairs_are_listed_side_by_side(official_client, pair):
    flag, first, second = pair
    client, _user = official_client(Role.POE_OFFICER)
    response = client.get(DUPLICATES)
    assert response.status_code == 200
    assert [f.id for f, _people in response.context["pairs"]] == [flag.id]
    body = response.content.decode()
    assert "Fathima Shaikh" in body and "Fatima Sheikh" in body
    assert "Same date of birth, similar name" in body
    assert body.count("Merge into this one") == 2
    assert "Not the same person" in body


def test_pairs_outside_the_jurisdiction_are_not_listed_nor_decidable(pair):
    flag, first, _second = pair
    mumbai = Client()
    login_verified(mumbai, user_with_role(Role.POE_OFFICER, office=office_for(OfficeKind.POE, states=["IN-MH"], name="PoE Mumbai")))
    assert list(mumbai.get(DUPLICATES).context["pairs"]) == []
    response = mumbai.post(reverse("workspace:duplicate_merge"), {"flag_id": flag.id, "survivor_id": first.id})
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.status == DuplicateFlag.Status.OPEN


def test_merge_then_reverse(official_client, pair):
    flag, first, second = pair
    client, user = official_client(Role.MISSION_OFFICER)
    response = client.post(reverse("workspace:duplicate_merge"), {"flag_id": flag.id, "survivor_id": first.id})
    assert response.status_code == 302 and response["Location"] == DUPLICATES
    flag.refresh_from_db()
    assert flag.status == DuplicateFlag.Status.MERGED and flag.decided_by_id == user.id
    merge = MergeRecord.objects.get()
    assert merge.survivor_id == first.id and merge.merged_id == second.id
    assert Person.objects.get(id=second.id).merged_into_id == first.id

    page = client.get(DUPLICATES)
    assert list(page.context["pairs"]) == []
    assert [m.id for m in page.context["merges"]] == [merge.id]
    assert "Reverse merge" in page.content.decode()
    # The merged record is gone from search and cannot be opened.
    assert client.get(reverse("workspace:person_detail", args=[second.id])).status_code == 404

    response = client.post(reverse("workspace:merge_revert"), {"merge_id": merge.id}, follow=True)
    assert "The merge was reversed" in response.content.decode()
    merge.refresh_from_db()
    flag.refresh_from_db()
    assert merge.reverted_at is not None and merge.reverted_by_id == user.id
    assert flag.status == DuplicateFlag.Status.OPEN
    assert Person.objects.get(id=second.id).merged_into_id is None
    assert client.get(reverse("workspace:person_detail", args=[second.id])).status_code == 200
    assert list(response.context["merges"]) == []

    again = client.post(reverse("workspace:merge_revert"), {"merge_id": merge.id})
    assert any("already reversed" in m for m in messages_of(again))


def test_dismiss(official_client, pair):
    flag, _first, _second = pair
    client, user = official_client(Role.PGE_OFFICER)
    response = client.post(reverse("workspace:duplicate_dismiss"), {"flag_id": flag.id}, follow=True)
    assert "Marked as two different people." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == DuplicateFlag.Status.DISMISSED and flag.decided_by_id == user.id
    assert list(response.context["pairs"]) == []
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_another_official_decided_first(official_client, pair):
    flag, first, second = pair
    client, _user = official_client(Role.POE_OFFICER)
    client.post(reverse("workspace:duplicate_dismiss"), {"flag_id": flag.id})
    # A second official still had the old page open and presses "Merge into this one".
    other = Client()
    login_verified(other, user_with_role(Role.MISSION_OFFICER))
    response = other.post(reverse("workspace:duplicate_merge"), {"flag_id": flag.id, "survivor_id": second.id}, follow=True)
    assert response.status_code == 200
    assert "Another official has already decided on this pair." in response.content.decode()
    assert not MergeRecord.objects.exists()
    flag.refresh_from_db()
    assert flag.status == DuplicateFlag.Status.DISMISSED


def test_survivor_must_be_one_of_the_pair(official_client, pair, make_person):
    flag, _first, _second = pair
    stranger = make_person(given_name="Priya")
    client, _user = official_client(Role.PGE_OFFICER)
    response = client.post(reverse("workspace:duplicate_merge"), {"flag_id": flag.id, "survivor_id": stranger.id}, follow=True)
    assert "Choose one of the two records to keep." in response.content.decode()
    assert not MergeRecord.objects.exists()

    response = client.post(reverse("workspace:duplicate_merge"), {"flag_id": "not-a-uuid", "survivor_id": ""}, follow=True)
    assert "Choose which record to keep." in response.content.decode()

"""Every workspace and API URL, requested as every role: allowed or denied as the policies say.

A person of Kerala origin living in the UAE is in the jurisdiction of the PoE office for Kerala and
of the Mission in Abu Dhabi; an import belongs to that Mission. Each role is a verified user of the
matching office or organisation.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import login_verified, office_for, user_with_role
from pravasi.registry.importer import import_job_create, import_template_csv
from pravasi.registry.models import ConsentPurpose
from pravasi.registry.services import person_register
from pravasi.registry.tests.factories import register_person

pytestmark = pytest.mark.django_db

SHEET_ROW = "Ravi,Kumar,M,1988-02-17,IN-KL,Kollam,AE,Dubai,,,,,,,,,yes\n"
ALL_ROLES = [r.value for r in Role] + ["ANONYMOUS"]
OFFICIALS = {Role.PGE_OFFICER, Role.POE_OFFICER, Role.MISSION_OFFICER}
RESTRICTED = set(Role) - {Role.EMIGRANT}


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    poe = office_for(OfficeKind.POE, states=["IN-KL"])
    mission = office_for(OfficeKind.MISSION, countries=["AE"])
    users = {role: user_with_role(role, office=poe if role == Role.POE_OFFICER else mission if role == Role.MISSION_OFFICER else None) for role in Role}
    person = register_person(users[Role.PGE_OFFICER], passport="J8369854", state_of_origin="IN-KL", residence_country="AE")
    emigrant = users[Role.EMIGRANT]
    own = person_register(
        actor=emigrant,
        user=emigrant,
        data={"given_name": "Mary", "sex": "F", "date_of_birth": "1990-01-01", "state_of_origin": "IN-KL", "residence_country": "AE"},
        consents=[ConsentPurpose.CRISIS_CONTACT],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(actor=users[Role.MISSION_OFFICER], office=mission, uploaded_file=SimpleUploadedFile("drive.csv", (import_template_csv() + SHEET_ROW).encode()))
    return {"users": users, "person": person, "own": own, "job": job, "receipt": own.consents.first()}


def urls(world):
    person, job = world["person"].id, world["job"].id
    return [
        # (url, roles allowed)
        (reverse("workspace:home"), RESTRICTED),
        (reverse("workspace:registry_search"), OFFICIALS | {Role.OWRC_AGENT}),
        (reverse("workspace:person_detail", args=[person]), OFFICIALS | {Role.OWRC_AGENT}),
        (reverse("workspace:duplicates"), OFFICIALS),
        (reverse("workspace:imports"), {Role.POE_OFFICER, Role.MISSION_OFFICER}),
        (reverse("workspace:import_template"), {Role.POE_OFFICER, Role.MISSION_OFFICER}),
        (reverse("workspace:import_detail", args=[job]), {Role.MISSION_OFFICER}),
        (reverse("workspace:import_progress", args=[job]), {Role.MISSION_OFFICER}),
        (reverse("workspace:outbox"), {Role.ADMINISTRATOR}),
        ("/api/v1/registry/persons/?country=AE", OFFICIALS),
        ("/api/v1/registry/persons/?name=Kumar", OFFICIALS),
        (f"/api/v1/registry/persons/{person}/", OFFICIALS | {Role.OWRC_AGENT}),
        ("/api/v1/registry/me/", {Role.EMIGRANT}),
        ("/api/v1/registry/me/consents/", {Role.EMIGRANT}),
        (f"/api/v1/registry/me/consents/{world['receipt'].id}/receipt/", {Role.EMIGRANT}),
        ("/api/v1/registry/me/export/", {Role.EMIGRANT}),
        (reverse("portal:profile"), {Role.EMIGRANT}),
        (reverse("portal:data_json"), {Role.EMIGRANT}),
        (reverse("portal:consents"), {Role.EMIGRANT}),
        (reverse("admin:policy_policyvalue_changelist"), {Role.PGE_OFFICER, Role.ADMINISTRATOR}),
        (reverse("admin:accounts_office_changelist"), {Role.ADMINISTRATOR}),
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_url_as_every_role(client, world, role):
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    failures = []
    for url, allowed in urls(world):
        response = client.get(url)
        granted = response.status_code == 200
        if role in {str(r) for r in allowed}:
            if not granted:
                failures.append(f"{url}: expected 200, got {response.status_code}")
        elif granted or response.status_code not in (302, 403, 404):
            failures.append(f"{url}: expected a refusal, got {response.status_code}")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", [r for r in Role if r not in OFFICIALS] + ["ANONYMOUS"])
def test_state_changing_posts_are_refused(client, world, role):
    if role != "ANONYMOUS":
        login_verified(client, world["users"][role])
    for url in (reverse("workspace:duplicate_merge"), reverse("workspace:duplicate_dismiss"), reverse("workspace:merge_revert")):
        response = client.post(url, {"flag_id": "00000000-0000-0000-0000-000000000000", "survivor_id": str(world["person"].id), "merge_id": "00000000-0000-0000-0000-000000000000"})
        assert response.status_code in (302, 403, 404), (url, response.status_code)

"""Every move of every licensing workflow, tried by every kind of actor: allowed ones happen, the rest
are refused (NotAllowed when the move exists but not for this actor, Conflict when it does not exist)."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.core.errors import Conflict, NotAllowed
from pravasi.core.models import StatusChange
from pravasi.core.workflow import SYSTEM, transition
from pravasi.licensing import policies
from pravasi.licensing.models import Appeal, AppealStatus, Application, ApplicationKind, ApplicationStatus, Branch, BranchStatus, Licence, LicenceKind, LicenceStatus
from pravasi.licensing.tests.factories import granted_rc, officials, submitted_rc
from pravasi.licensing.workflow import APPEAL, BRANCH, DIRECT_APPLICATION, LICENCE, RC_APPLICATION

A, L, B, P = ApplicationStatus, LicenceStatus, BranchStatus, AppealStatus

# Written out by hand from the rules, independently of workflow.py.
RC_APPLICATION_EXPECTED = {
    "applicant": {(A.DEFICIENCY, A.SCRUTINY), (A.SUBMITTED, A.WITHDRAWN), (A.SCRUTINY, A.WITHDRAWN), (A.DEFICIENCY, A.WITHDRAWN)},
    "poe": {(A.SUBMITTED, A.SCRUTINY), (A.SCRUTINY, A.DEFICIENCY), (A.SCRUTINY, A.FORWARDED)},
    "pge": {(A.FORWARDED, A.SCRUTINY), (A.FORWARDED, A.GRANTED), (A.FORWARDED, A.REFUSED), (A.REFUSED, A.FORWARDED)},
    "other_poe": set(),
    "mission": set(),
    "owrc": set(),
    "other_applicant": set(),
}
FE_APPLICATION_EXPECTED = {
    "applicant": {(A.DEFICIENCY, A.SCRUTINY), (A.SUBMITTED, A.WITHDRAWN), (A.SCRUTINY, A.WITHDRAWN), (A.DEFICIENCY, A.WITHDRAWN)},
    "mission": {(A.SUBMITTED, A.SCRUTINY), (A.SCRUTINY, A.DEFICIENCY), (A.SCRUTINY, A.GRANTED), (A.SCRUTINY, A.REFUSED)},
    "pge": {(A.REFUSED, A.SCRUTINY)},
    "other_mission": set(),
    "poe": set(),
    "owrc": set(),
}
RC_LICENCE_EXPECTED = {
    "holder": set(),
    "pge": {(L.ACTIVE, L.SUSPENDED), (L.SUSPENDED, L.ACTIVE), (L.ACTIVE, L.CANCELLED), (L.SUSPENDED, L.CANCELLED), (L.CANCELLED, L.ACTIVE)},
    "poe": set(),
    "mission": set(),
    "system": {(L.ACTIVE, L.EXPIRED), (L.SUSPENDED, L.EXPIRED)},
}
BRANCH_EXPECTED = {
    "holder": {(B.APPROVED, B.CLOSED)},
    "pge": {(B.PENDING, B.APPROVED), (B.PENDING, B.REFUSED), (B.APPROVED, B.CLOSED)},
    "poe": set(),
    "other_holder": set(),
}
APPEAL_EXPECTED = {
    "holder": set(),
    "pge": {(P.FILED, P.ALLOWED), (P.FILED, P.DISMISSED)},
    "poe": set(),
}


def _try_every_move(obj, workflow, actors: dict, capacities_of, expected: dict[str, set]) -> None:
    model = type(obj)
    statuses = list(workflow.statuses.values)
    for (name, actor), (source, target) in itertools.product(actors.items(), itertools.permutations(statuses, 2)):
        model.objects.filter(pk=obj.pk).update(status=source)
        before = StatusChange.objects.count()
        allowed = (source, target) in expected[name]
        try:
            with transaction.atomic():
                held = {SYSTEM} if actor == SYSTEM else (lambda locked, actor=actor: capacities_of(actor, locked))
                transition(obj=obj, workflow=workflow, target=target, actor=None if actor == SYSTEM else actor, capacities=held)
        except NotAllowed:
            assert not allowed, f"{name} should be able to move {source} -> {target}"
            assert workflow.move(source, target) is not None
        except Conflict:
            assert not allowed, f"{name} should be able to move {source} -> {target}"
            assert workflow.move(source, target) is None, f"{source} -> {target} exists; {name} should get NotAllowed"
        else:
            assert allowed, f"{name} must not move {source} -> {target}"
            assert model.objects.get(pk=obj.pk).status == target
            assert StatusChange.objects.count() == before + 1
        if not allowed:
            assert model.objects.get(pk=obj.pk).status == source
            assert StatusChange.objects.count() == before


@pytest.fixture
def people(db):
    found = officials()
    found["other_poe"] = user_with_role(Role.POE_OFFICER, office=office_for("POE", code="T-POE-2", states=["IN-MH"]))
    found["other_mission"] = user_with_role(Role.MISSION_OFFICER, office=office_for("MISSION", code="T-MSN-2", countries=["SA"]))
    found["owrc"] = user_with_role(Role.OWRC_AGENT)
    return found


@pytest.mark.django_db
def test_rc_application_moves(people):
    application, applicant = submitted_rc()
    _, other_applicant = submitted_rc()
    actors = {**{k: people[k] for k in ("poe", "pge", "other_poe", "mission", "owrc")}, "applicant": applicant, "other_applicant": other_applicant}
    _try_every_move(application, RC_APPLICATION, actors, policies.application_capacities, RC_APPLICATION_EXPECTED)


@pytest.mark.django_db
def test_fe_application_moves(people):
    application, applicant = submitted_rc()
    # The same record, read as an employer's registration routed to the Abu Dhabi Mission.
    Application.objects.filter(pk=application.pk).update(kind=ApplicationKind.FE_REGISTRATION, office=people["mission"].memberships.get().office)
    application.refresh_from_db()
    actors = {**{k: people[k] for k in ("mission", "pge", "other_mission", "poe", "owrc")}, "applicant": applicant}
    _try_every_move(application, DIRECT_APPLICATION, actors, policies.application_capacities, FE_APPLICATION_EXPECTED)


@pytest.mark.django_db
def test_licence_moves(people):
    licence, holder = granted_rc(people)
    actors = {"holder": holder, "pge": people["pge"], "poe": people["poe"], "mission": people["mission"], "system": SYSTEM}
    _try_every_move(licence, LICENCE, actors, policies.licence_capacities, RC_LICENCE_EXPECTED)


@pytest.mark.django_db
def test_employer_registration_is_suspended_by_its_mission(people):
    licence, holder = granted_rc(people)
    Licence.objects.filter(pk=licence.pk).update(kind=LicenceKind.FE, office=people["mission"].memberships.get().office)
    licence.refresh_from_db()
    assert "REGISTRAR" in policies.licence_capacities(people["mission"], licence)
    assert "REGISTRAR" not in policies.licence_capacities(people["other_mission"], licence)


@pytest.mark.django_db
def test_branch_moves(people):
    licence, holder = granted_rc(people)
    _, other = granted_rc(people)
    branch = Branch.objects.create(licence=licence, address="Near KSRTC stand", state="IN-KL", city="Kollam")
    actors = {"holder": holder, "pge": people["pge"], "poe": people["poe"], "other_holder": other}
    _try_every_move(branch, BRANCH, actors, policies.branch_capacities, BRANCH_EXPECTED)


@pytest.mark.django_db
def test_appeal_moves(people):
    from pravasi.licensing import services

    licence, holder = granted_rc(people)
    order = services.licence_suspend(actor=people["pge"], licence_id=licence.id, ground="14_1_C", order_text="Overcharging of workers established in inquiry.")
    appeal = services.appeal_file(actor=holder, order_id=order.id, grounds_text="The complaints were withdrawn by the workers themselves.")
    assert isinstance(appeal, Appeal)
    actors = {"holder": holder, "pge": people["pge"], "poe": people["poe"]}
    _try_every_move(appeal, APPEAL, actors, policies.appeal_capacities, APPEAL_EXPECTED)


def test_tables_name_only_known_statuses():
    for workflow in (RC_APPLICATION, DIRECT_APPLICATION, LICENCE, BRANCH, APPEAL):
        for source, target in workflow.moves:
            assert source in workflow.statuses.values and target in workflow.statuses.values

"""Every move of the clearance workflows tried by every kind of actor (tables written from the rules)."""

from __future__ import annotations

import pytest

from pravasi.accounts.models import Office
from pravasi.accounts.roles import OfficeKind, Role
from pravasi.accounts.tests.factories import office_for, user_with_role
from pravasi.clearance import policies
from pravasi.clearance.models import ClearanceStatus, DemandStatus, PolicyStatus
from pravasi.clearance.tests.factories import make_world, pbby_for, submitted_ec, worker
from pravasi.clearance.workflow import APPLICATION, DEMAND, PBBY
from pravasi.licensing.tests.test_workflow import _try_every_move

C, D, P = ClearanceStatus, DemandStatus, PolicyStatus

APPLICATION_EXPECTED = {
    "applicant": {(C.DEFICIENCY, C.SUBMITTED), (C.SUBMITTED, C.WITHDRAWN), (C.DEFICIENCY, C.WITHDRAWN)},
    "poe": {(C.SUBMITTED, C.GRANTED), (C.SUBMITTED, C.REFUSED), (C.SUBMITTED, C.DEFICIENCY)},
    "other_poe": set(),
    "pge": set(),
    "mission": set(),
    "employer": set(),
    "other_agent": set(),
    "worker": set(),  # an agent's application is the agent's to answer, not the worker's
}
DEMAND_EXPECTED = {
    "employer": {(D.OPEN, D.CLOSED)},
    "mission": {(D.PENDING_VERIFICATION, D.OPEN), (D.PENDING_VERIFICATION, D.REJECTED), (D.OPEN, D.CLOSED)},
    "other_mission": set(),
    "pge": set(),
    "agent": set(),
}
PBBY_EXPECTED = {"insurer": {(P.ACTIVE, P.CANCELLED)}, "other_insurer": set(), "agent": set(), "poe": set()}

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_application_moves(world):
    application = submitted_ec(world)
    # Moving to GRANTED here skips the grant service; a number keeps the table's rows within the constraint.
    type(application).objects.filter(pk=application.pk).update(emigration_number="EC/TEST/00000001")
    other = make_world()
    worker_user = user_with_role(Role.EMIGRANT)
    application.person.user = worker_user
    application.person.save(update_fields=["user"])
    actors = {
        "applicant": world.agent,
        "poe": world.poe,
        "other_poe": user_with_role(Role.POE_OFFICER, office=office_for(OfficeKind.POE, code="T-POE-MH", states=["IN-MH"])),
        "pge": world.pge,
        "mission": world.mission,
        "employer": world.employer_user,
        "other_agent": other.agent,
        "worker": worker_user,
    }
    _try_every_move(application, APPLICATION, actors, policies.application_capacities, APPLICATION_EXPECTED)


def test_demand_moves(world):
    other_mission = user_with_role(Role.MISSION_OFFICER, office=office_for(OfficeKind.MISSION, code="T-MSN-SA", countries=["SA"]))
    actors = {"employer": world.employer_user, "mission": world.mission, "other_mission": other_mission, "pge": world.pge, "agent": world.agent}
    assert world.demand.mission == Office.objects.get(code="T-MSN")
    _try_every_move(world.demand, DEMAND, actors, policies.demand_capacities, DEMAND_EXPECTED)


def test_pbby_moves(world):
    policy = pbby_for(world, worker())
    other = make_world()
    actors = {"insurer": world.insurer_user, "other_insurer": other.insurer_user, "agent": world.agent, "poe": world.poe}
    _try_every_move(policy, PBBY, actors, policies.policy_capacities, PBBY_EXPECTED)

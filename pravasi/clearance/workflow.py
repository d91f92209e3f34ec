"""Clearance lifecycles as transition tables: applications, demands, PBBY policies.

Capacities (policies.py): APPLICANT (the agent, exporter or emigrant who applied), PROTECTOR (the PoE
office the application is routed to), EMPLOYER (the demand's employer), VERIFIER (the Mission that
verifies demands for its countries), INSURER (the policy's insurer).
"""

from pravasi.core.workflow import Move, Workflow

from .models import ClearanceStatus, DemandStatus, PolicyStatus

APPLICANT = "APPLICANT"
PROTECTOR = "PROTECTOR"
EMPLOYER = "EMPLOYER"
VERIFIER = "VERIFIER"
INSURER = "INSURER"

C = ClearanceStatus
APPLICATION = Workflow(
    "clearance.application",
    ClearanceStatus,
    [
        Move.of(C.SUBMITTED, C.GRANTED, PROTECTOR),
        Move.of(C.SUBMITTED, C.REFUSED, PROTECTOR),
        Move.of(C.SUBMITTED, C.DEFICIENCY, PROTECTOR),
        Move.of(C.DEFICIENCY, C.SUBMITTED, APPLICANT),
        Move.of(C.SUBMITTED, C.WITHDRAWN, APPLICANT),
        Move.of(C.DEFICIENCY, C.WITHDRAWN, APPLICANT),
    ],
)

D = DemandStatus
DEMAND = Workflow(
    "clearance.demand",
    DemandStatus,
    [
        Move.of(D.PENDING_VERIFICATION, D.OPEN, VERIFIER),
        Move.of(D.PENDING_VERIFICATION, D.REJECTED, VERIFIER),
        Move.of(D.OPEN, D.CLOSED, EMPLOYER, VERIFIER),
    ],
)

P = PolicyStatus
PBBY = Workflow("clearance.pbby", PolicyStatus, [Move.of(P.ACTIVE, P.CANCELLED, INSURER)])

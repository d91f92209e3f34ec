"""Licensing lifecycles as transition tables: applications, licences, branches and appeals.

Capacities (who stands where towards the object) are answered by policies.py:
APPLICANT (the organisation's users), SCRUTINISER (the PoE office for certificates, the Mission
for employers, the PGE for exporters), DECIDER (the PGE; the Mission for employers),
REGISTRAR (who suspends and cancels), APPELLATE (who records appeal decisions), SYSTEM (tasks).
"""

from pravasi.core.workflow import SYSTEM, Move, Workflow

from .models import AppealStatus, ApplicationStatus, BranchStatus, LicenceStatus

APPLICANT = "APPLICANT"
SCRUTINISER = "SCRUTINISER"
DECIDER = "DECIDER"
REGISTRAR = "REGISTRAR"
APPELLATE = "APPELLATE"

A = ApplicationStatus
_WITHDRAW = [Move.of(s, A.WITHDRAWN, APPLICANT) for s in (A.SUBMITTED, A.SCRUTINY, A.DEFICIENCY)]

# Certificates: the PoE scrutinises and forwards, the PGE decides.
RC_APPLICATION = Workflow(
    "licensing.rc_application",
    ApplicationStatus,
    [
        Move.of(A.SUBMITTED, A.SCRUTINY, SCRUTINISER),
        Move.of(A.SCRUTINY, A.DEFICIENCY, SCRUTINISER),
        Move.of(A.DEFICIENCY, A.SCRUTINY, APPLICANT),
        Move.of(A.SCRUTINY, A.FORWARDED, SCRUTINISER),
        Move.of(A.FORWARDED, A.SCRUTINY, DECIDER),
        Move.of(A.FORWARDED, A.GRANTED, DECIDER),
        Move.of(A.FORWARDED, A.REFUSED, DECIDER),
        Move.of(A.REFUSED, A.FORWARDED, APPELLATE),
        *_WITHDRAW,
    ],
)

# Employers and exporters: one office scrutinises and decides.
DIRECT_APPLICATION = Workflow(
    "licensing.application",
    ApplicationStatus,
    [
        Move.of(A.SUBMITTED, A.SCRUTINY, SCRUTINISER),
        Move.of(A.SCRUTINY, A.DEFICIENCY, SCRUTINISER),
        Move.of(A.DEFICIENCY, A.SCRUTINY, APPLICANT),
        Move.of(A.SCRUTINY, A.GRANTED, DECIDER),
        Move.of(A.SCRUTINY, A.REFUSED, DECIDER),
        Move.of(A.REFUSED, A.SCRUTINY, APPELLATE),
        *_WITHDRAW,
    ],
)

L = LicenceStatus
LICENCE = Workflow(
    "licensing.licence",
    LicenceStatus,
    [
        Move.of(L.ACTIVE, L.SUSPENDED, REGISTRAR),
        Move.of(L.SUSPENDED, L.ACTIVE, REGISTRAR, APPELLATE),
        Move.of(L.ACTIVE, L.CANCELLED, REGISTRAR),
        Move.of(L.SUSPENDED, L.CANCELLED, REGISTRAR),
        Move.of(L.CANCELLED, L.ACTIVE, APPELLATE),
        Move.of(L.ACTIVE, L.EXPIRED, SYSTEM),
        Move.of(L.SUSPENDED, L.EXPIRED, SYSTEM),
    ],
)

B = BranchStatus
BRANCH = Workflow(
    "licensing.branch",
    BranchStatus,
    [
        Move.of(B.PENDING, B.APPROVED, DECIDER),
        Move.of(B.PENDING, B.REFUSED, DECIDER),
        Move.of(B.APPROVED, B.CLOSED, APPLICANT, DECIDER),
    ],
)

P = AppealStatus
APPEAL = Workflow(
    "licensing.appeal",
    AppealStatus,
    [
        Move.of(P.FILED, P.ALLOWED, APPELLATE),
        Move.of(P.FILED, P.DISMISSED, APPELLATE),
    ],
)


def application_workflow(application) -> Workflow:
    return RC_APPLICATION if application.kind in ("RC_NEW", "RC_RENEWAL") else DIRECT_APPLICATION

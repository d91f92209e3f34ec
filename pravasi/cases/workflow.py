"""The case lifecycle as a transition table. HANDLER: an official of the handling office (or the PGE);
FILER: the person who filed, signed in or holding a one-time code."""

from pravasi.core.workflow import Move, Workflow

from .models import CaseStatus, ReferralStatus

HANDLER = "HANDLER"
FILER = "FILER"
PARTNER = "PARTNER"
HELPLINE = "HELPLINE"  # files for a caller (the caller is the filer); in the timeline only, it moves nothing

S = CaseStatus
CASE = Workflow(
    "cases.case",
    CaseStatus,
    [
        Move.of(S.OPEN, S.IN_PROGRESS, HANDLER),
        Move.of(S.OPEN, S.CLOSED, HANDLER),
        Move.of(S.IN_PROGRESS, S.CLOSED, HANDLER),
        Move.of(S.CLOSED, S.IN_PROGRESS, FILER, HANDLER),
    ],
)

R = ReferralStatus
REFERRAL = Workflow(
    "cases.referral",
    ReferralStatus,
    [
        Move.of(R.SENT, R.ACCEPTED, PARTNER),
        Move.of(R.SENT, R.DECLINED, PARTNER),
        Move.of(R.ACCEPTED, R.DONE, PARTNER),
    ],
)

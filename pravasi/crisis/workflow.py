"""The crisis lifecycle as a transition table: an active crisis is ended by whoever may manage it."""

from pravasi.core.workflow import Move, Workflow

from .models import CrisisStatus

MANAGER = "MANAGER"  # the PGE, or the Mission holding every country of the area

CRISIS = Workflow("crisis", CrisisStatus, [Move.of(CrisisStatus.ACTIVE, CrisisStatus.ENDED, MANAGER)])

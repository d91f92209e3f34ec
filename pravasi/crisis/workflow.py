"""The crisis, alert and help-request lifecycles as transition tables."""

from pravasi.core.workflow import Move, Workflow

from .models import AlertStatus, AssetStatus, BoardingStatus, CrisisStatus, HelpStatus

MANAGER = "MANAGER"  # the PGE, or the Mission holding every country of the area

CRISIS = Workflow("crisis", CrisisStatus, [Move.of(CrisisStatus.ACTIVE, CrisisStatus.ENDED, MANAGER)])

# A draft alert is released (sent, and published when public) once.
ALERT = Workflow("crisis_alert", AlertStatus, [Move.of(AlertStatus.DRAFT, AlertStatus.PUBLISHED, MANAGER)])

RESPONDER = "RESPONDER"  # an official of the declaring office or the PGE

# A request for help is taken by an official and resolved; a new request follows a later call for help.
HELP = Workflow(
    "crisis_help",
    HelpStatus,
    [
        Move.of(HelpStatus.OPEN, HelpStatus.ASSIGNED, RESPONDER),
        Move.of(HelpStatus.ASSIGNED, HelpStatus.ASSIGNED, RESPONDER),
        Move.of(HelpStatus.OPEN, HelpStatus.RESOLVED, RESPONDER),
        Move.of(HelpStatus.ASSIGNED, HelpStatus.RESOLVED, RESPONDER),
    ],
)

# A transport asset boards, leaves and arrives, in that order; those aboard arrive with it.
ASSET = Workflow(
    "crisis_asset",
    AssetStatus,
    [
        Move.of(AssetStatus.PLANNED, AssetStatus.BOARDING, MANAGER),
        Move.of(AssetStatus.BOARDING, AssetStatus.DEPARTED, MANAGER),
        Move.of(AssetStatus.DEPARTED, AssetStatus.ARRIVED, MANAGER),
    ],
)

# A listed traveller is checked aboard once, at the departure point.
BOARDING = Workflow("crisis_boarding", BoardingStatus, [Move.of(BoardingStatus.LISTED, BoardingStatus.BOARDED, RESPONDER)])

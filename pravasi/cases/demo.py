"""Demo case data for `make run`: grievances and eventualities over the last ten weeks in the demo Missions,
the Thiruvananthapuram PoE and the PGE, at every stage (new, being handled, escalated, referred, closed and rated).

Every write goes through the case services, so notes, timelines, audit events and outbox messages exist
too; only the dates are moved back afterwards, so that ages, deadlines and the dashboard's weekly trend
look like ten weeks of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pravasi.accounts.models import Organisation, User
from pravasi.accounts.roles import OrganisationKind
from pravasi.core.models import StatusChange
from pravasi.licensing.models import Licence, LicenceKind

from . import services
from .models import Case, CaseAssistance, CaseDocument, CaseNote, CaseStatus, Channel, NoteKind, PBBYClaim, Referral

DEMO_PDF = b"%PDF-1.4\n% Pravasi demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_PARTNER = "International Organization for Migration, India"
# The demo emigrant's own grievance, filed from her profile: the case the printed line tells how to follow.
ANITHA_MOBILE = "+971501234567"
ANITHA_PASSPORT = "T4821907"


@dataclass
class Filed:
    """A case as filed, when it was filed and (for a closed case) closed, and how long handling took."""

    case: Case
    filed_at: datetime
    closed_at: datetime | None = None
    handled_days: float = 1.0
    extra: dict = field(default_factory=dict)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _file(now: datetime, *, days_ago: float, kind: str = "GRIEVANCE", actor=None, channel: str = Channel.WEB, files=None, **data) -> Filed:
    case = services.case_file(actor=actor, kind=kind, data=data, channel=channel, files=files)
    return Filed(case=case, filed_at=now - timedelta(days=days_ago))


def _backdate(item: Filed, now: datetime) -> None:
    """Moves the case and what was done on it back to when it happened: filing at filed_at, each later step
    spread in order over the handling days (and the closure at closed_at)."""
    case = item.case
    end = item.closed_at or min(now - timedelta(hours=1), item.filed_at + timedelta(days=item.handled_days))
    due_at = item.filed_at + timedelta(days=services.sla_days(case.category))
    Case.objects.filter(id=case.id).update(filed_at=item.filed_at, created_at=item.filed_at, due_at=due_at, closed_at=item.closed_at, updated_at=end)
    steps: list[tuple] = []
    for model in (CaseNote, CaseAssistance, CaseDocument, Referral, PBBYClaim):
        steps += [(created, model, pk) for pk, created in model.objects.filter(case=case).values_list("id", "created_at")]
    changes = list(StatusChange.objects.filter(target_type="cases.case", target_id=str(case.id)).order_by("at", "id").values_list("id", "at"))
    steps += [(at, StatusChange, pk) for pk, at in changes[1:]]
    if changes:
        StatusChange.objects.filter(id=changes[0][0]).update(at=item.filed_at)
    steps.sort(key=lambda s: s[0])
    for i, (_created, model, pk) in enumerate(steps, start=1):
        when = item.filed_at + (end - item.filed_at) * i / len(steps)
        if model is StatusChange:
            model.objects.filter(id=pk).update(at=when)
        elif model is CaseDocument:
            model.objects.filter(id=pk).update(created_at=item.filed_at, updated_at=item.filed_at)
        else:
            model.objects.filter(id=pk).update(created_at=when, updated_at=when)
    verified = next((n.created_at for n in CaseNote.objects.filter(case=case, kind=NoteKind.NOTE) if n.text.startswith("Verified:")), None)
    if verified:
        Case.objects.filter(id=case.id).update(verified_at=verified)
    if item.closed_at:
        StatusChange.objects.filter(target_type="cases.case", target_id=str(case.id), to_status=CaseStatus.CLOSED).update(at=item.closed_at)


def _escalate_as_the_task_would(since: datetime, now: datetime) -> None:
    """Runs the escalation job as the scheduler would have, every six hours from the first filing until now,
    and dates the notes it wrote to the moment of each run."""
    moment = since
    while moment < now:
        moment = min(moment + timedelta(hours=6), now)
        started = timezone.now()
        if services.cases_escalate(now=moment):
            CaseNote.objects.filter(kind=NoteKind.SYSTEM, author=None, created_at__gte=started).update(created_at=moment, updated_at=moment)


def _partner() -> Organisation:
    partners = Organisation.objects.filter(kind=OrganisationKind.PARTNER)
    partner = partners.filter(name=DEMO_PARTNER).first() or partners.order_by("name").first()
    return partner or Organisation.objects.create(kind=OrganisationKind.PARTNER, name=DEMO_PARTNER, country="IN")


def demo_case_number() -> str:
    """The tracking number of the demo emigrant's own grievance (empty before the demo is seeded)."""
    case = Case.objects.filter(filed_by__username="emigrant", channel=Channel.PROFILE).order_by("filed_at").first()
    return case.tracking_number if case else ""


def seed_cases_demo() -> str:
    """Seeds the demo cases unless some exist; returns the tracking number of the demo emigrant's grievance."""
    if Case.objects.exists():
        return demo_case_number()
    now = timezone.now()
    today = timezone.localdate()
    emigrant, mission, pge, poe, helpline, analyst = (User.objects.get(username=u) for u in ("emigrant", "mission.auh", "pge.officer", "poe.tvm", "owrc.agent", "partner.analyst"))
    employer = Licence.objects.select_related("organisation").get(kind=LicenceKind.FE, organisation__name="Gulf Coast Contracting LLC")
    suspended_agent = Licence.objects.get(kind=LicenceKind.RC, organisation__name="Deccan Overseas Employment")
    own_agent = Licence.objects.get(kind=LicenceKind.RC, organisation=User.objects.get(username="ra.staff").memberships.get().organisation)
    filed: list[Filed] = []

    # Abu Dhabi, yesterday: a worker died at his camp; his brother called the helpline. Verified with the hospital,
    # the welfare fund pays for the repatriation of the body, and the family is kept informed.
    remains = _file(
        now,
        days_ago=1,
        kind="EVENTUALITY",
        actor=helpline,
        channel=Channel.HELPLINE,
        eventuality="DEATH",
        country="AE",
        filer_name="Biju Mathew",
        filer_relation="Brother",
        filer_phone="+919895011221",
        person_name="Saji Mathew",
        where="Labour camp, Musaffah M-32, Abu Dhabi",
        happened_date=(today - timedelta(days=2)).isoformat(),
        description="My brother Saji, a welder with a contracting company, was found dead in his room at the camp. The company says it was a heart attack. We want his body brought home to Kottayam.",
    )
    remains.handled_days = 0.9
    c = remains.case
    services.case_take_up(actor=mission, case_id=c.id)
    services.eventuality_verify(actor=mission, case_id=c.id, note="Death confirmed by Mafraq Hospital (certificate seen) and by Abu Dhabi Police; no criminal case.")
    services.family_informed_record(
        actor=mission, case_id=c.id, whom="Biju Mathew (brother)", note="Told him the body is at Mafraq Hospital mortuary and that the Embassy is arranging the papers for repatriation."
    )
    services.assistance_record(
        actor=mission,
        case_id=c.id,
        data={
            "kind": "REMAINS_REPATRIATION",
            "provided_date": today.isoformat(),
            "amount_inr": "185000",
            "detail": "Embalming, coffin and cargo to Kochi paid from the welfare fund; the employer pays the final settlement.",
        },
    )
    services.filer_message_send(actor=mission, case_id=c.id, text="The papers are ready. The body leaves Abu Dhabi on Friday's flight to Kochi; the airline will call you with the arrival time.")
    filed.append(remains)

    # Abu Dhabi: the demo emigrant's own grievance, from her profile, about her previous employer's gratuity.
    anitha = _file(
        now,
        days_ago=9,
        actor=emigrant,
        channel=Channel.PROFILE,
        category="SALARY_DUES",
        country="AE",
        filer_name="Anitha Varghese",
        filer_relation="SELF",
        filer_phone=ANITHA_MOBILE,
        person_name="Anitha Varghese",
        person_passport=ANITHA_PASSPORT,
        where="Dubai",
        description="My previous employer, a clinic in Deira, has not paid my end-of-service gratuity for four years of work since my contract ended in August.",
    )
    anitha.handled_days = 4
    services.case_take_up(actor=mission, case_id=anitha.case.id)
    services.note_add(actor=mission, case_id=anitha.case.id, text="Spoke to the clinic's HR: they dispute the number of years. Asked for her contract and the labour card history.")
    services.filer_message_send(actor=mission, case_id=anitha.case.id, text="We have written to the clinic. Please add a copy of your contract and your last salary slip to this case.")
    filed.append(anitha)

    # Abu Dhabi: a contract complaint against the demo employer, filed on the website with the contract attached;
    # nobody took it up in time, so it is escalated.
    contract = _file(
        now,
        days_ago=19,
        category="CONTRACT",
        country="AE",
        files=[_pdf("contract.pdf")],
        filer_name="Rahim Khan",
        filer_relation="SELF",
        filer_phone="+971552100334",
        person_name="Rahim Khan",
        where="Mussafah, Abu Dhabi",
        employer_number=employer.number,
        description="I was recruited as an electrician at 2,200 dirhams but I am paid 1,400 as a helper, and the company keeps my passport.",
    )
    filed.append(contract)

    # Abu Dhabi: closed cases of earlier weeks, one of them an earlier death.
    for days_ago, handled, rating, note, data in (
        (
            44,
            4,
            4,
            "Called the sponsor and the police station in Al Ain; she is to be brought to the Embassy shelter.",
            {
                "category": "WORKER_ABUSE",
                "filer_name": "Fathima Beevi",
                "filer_relation": "Mother",
                "filer_phone": "+919447055120",
                "person_name": "Shameena Beevi",
                "where": "Al Ain",
                "description": "My daughter, a housemaid, says her sponsor's wife beats her and she is not allowed to call us.",
                "_resolution": "She was moved to the Embassy shelter, her passport was recovered and she flew home to Kozhikode with a ticket from the welfare fund.",
            },
        ),
        (
            62,
            12,
            5,
            "Wrote to the Ministry of Human Resources and Emiratisation about the sponsor's refusal.",
            {
                "category": "SPONSOR",
                "filer_name": "Joseph Abraham",
                "filer_relation": "SELF",
                "filer_email": "joseph.abraham@example.org",
                "person_name": "Joseph Abraham",
                "where": "Sharjah",
                "description": "My sponsor refuses to cancel my visa so that I can join a new employer, although my contract is over.",
                "_resolution": "The sponsor cancelled the visa after the Embassy's letter to the Ministry of Human Resources; he has joined the new employer.",
            },
        ),
    ):
        resolution = data.pop("_resolution")
        item = _file(now, days_ago=days_ago, country="AE", **data)
        item.closed_at = item.filed_at + timedelta(days=handled)
        services.case_take_up(actor=mission, case_id=item.case.id)
        services.note_add(actor=mission, case_id=item.case.id, text=note)
        services.case_close(actor=mission, case_id=item.case.id, resolution=resolution)
        services.case_rate(case=Case.objects.get(id=item.case.id), rating=rating)
        filed.append(item)
    earlier_death = _file(
        now,
        days_ago=52,
        kind="EVENTUALITY",
        eventuality="DEATH",
        country="AE",
        filer_name="Lakshmi Nair",
        filer_relation="Wife",
        filer_phone="+919847066101",
        person_name="Suresh Nair",
        where="Jebel Ali, Dubai",
        happened_date=(today - timedelta(days=53)).isoformat(),
        description="My husband died in a road accident on his way to the work site. His company has not told us anything about bringing him home.",
    )
    earlier_death.closed_at = earlier_death.filed_at + timedelta(days=1.5)
    c = earlier_death.case
    services.eventuality_verify(actor=mission, case_id=c.id, note="Dubai Police accident report and death certificate received.")
    services.family_informed_record(actor=mission, case_id=c.id, whom="Lakshmi Nair (wife)", note="Told her the employer pays the repatriation; the body arrives in Thiruvananthapuram on Thursday.")
    services.assistance_record(
        actor=mission,
        case_id=c.id,
        data={
            "kind": "REMAINS_REPATRIATION",
            "provided_date": (today - timedelta(days=51)).isoformat(),
            "detail": "Repatriation arranged with the employer, who paid for it; Embassy papers issued free.",
        },
    )
    services.case_close(actor=mission, case_id=c.id, resolution="The body was repatriated to Thiruvananthapuram on the employer's cost; the compensation claim is with the Dubai court.")
    filed.append(earlier_death)

    # Riyadh: workers stranded after their company closed, referred to the partner for shelter and return
    # (no consent on record, so on a recorded vital-interest ground); and a closed salary case.
    stranded = _file(
        now,
        days_ago=12,
        category="REPATRIATION",
        country="SA",
        filer_name="Mohammed Ansari",
        filer_relation="SELF",
        filer_phone="+966501220981",
        person_name="Mohammed Ansari",
        where="Al Kharj Road labour camp, Riyadh",
        description="Our company closed three months ago. Forty of us have had no salary since, the food has run out and our iqamas have expired.",
    )
    stranded.handled_days = 3
    services.case_take_up(actor=pge, case_id=stranded.case.id)
    referral = services.referral_create(
        actor=pge,
        case_id=stranded.case.id,
        partner_id=_partner().id,
        shared_fields=["person_name", "where", "description", "country"],
        override_reason="Forty workers without food or valid residence permits; the partner can provide shelter and return travel this week.",
    )
    services.referral_update(actor=analyst, referral_id=referral.id, target="ACCEPTED", note="Food distributed at the camp; return flights being booked with the Embassy.")
    filed.append(stranded)
    riyadh_salary = _file(
        now,
        days_ago=34,
        category="SALARY_DUES",
        country="SA",
        filer_name="Ramesh Yadav",
        filer_relation="SELF",
        filer_phone="+966551830227",
        person_name="Ramesh Yadav",
        where="Jeddah",
        description="I have not been paid for the last two months and the company says it has no money until the project is paid.",
    )
    riyadh_salary.closed_at = riyadh_salary.filed_at + timedelta(days=14)
    services.case_close(actor=pge, case_id=riyadh_salary.case.id, resolution="Two months' wages paid after the Labour Office hearing.")
    services.case_rate(case=Case.objects.get(id=riyadh_salary.case.id), rating=3)
    filed.append(riyadh_salary)

    # Kuwait: a wife who lost contact with her husband (new), and an old salary case closed unsatisfied.
    filed.append(
        _file(
            now,
            days_ago=2,
            category="WHEREABOUTS_UNKNOWN",
            country="KW",
            filer_name="Priya Kumar",
            filer_relation="Wife",
            filer_phone="+919846077342",
            person_name="Vinod Kumar",
            where="Farwaniya",
            description="My husband has not answered his phone for ten days. His roommate says he was taken away by the police at the workplace.",
        )
    )
    kuwait_salary = _file(
        now,
        days_ago=68,
        category="SALARY_DUES",
        country="KW",
        filer_name="Manoj Pillai",
        filer_relation="SELF",
        filer_email="manoj.pillai@example.org",
        person_name="Manoj Pillai",
        where="Kuwait City",
        description="My employer deducts 30 dinars every month for accommodation that the contract says is free.",
    )
    kuwait_salary.closed_at = kuwait_salary.filed_at + timedelta(days=13)
    services.case_close(actor=pge, case_id=kuwait_salary.case.id, resolution="The employer stopped the deduction from this month; past deductions are not refunded.")
    services.case_rate(case=Case.objects.get(id=kuwait_salary.case.id), rating=2)
    filed.append(kuwait_salary)

    # Thiruvananthapuram PoE: complaints against demo recruiting agents (routed to the PoE that licensed them).
    overcharged = _file(
        now,
        days_ago=47,
        category="RECRUITING_AGENT",
        country="KW",
        filer_name="Shibu Thomas",
        filer_relation="SELF",
        filer_phone="+919745088120",
        person_name="Shibu Thomas",
        where="Kuwait City",
        agent_number=suspended_agent.number,
        description="The agent took 1,20,000 rupees as service charge for a driver's job, and gave no receipt.",
    )
    overcharged.handled_days = 6
    services.case_take_up(actor=poe, case_id=overcharged.case.id)
    services.note_add(actor=poe, case_id=overcharged.case.id, text="Agent summoned for a hearing; eleven similar complaints; certificate suspended by the PGE.")
    filed.append(overcharged)
    refunded = _file(
        now,
        days_ago=70,
        category="RECRUITING_AGENT",
        country="AE",
        filer_name="Divya Menon",
        filer_relation="SELF",
        filer_email="divya.menon@example.org",
        person_name="Divya Menon",
        where="Abu Dhabi",
        agent_number=own_agent.number,
        description="The agent charged 45,000 rupees, above the 30,000 cap, for my nursing assistant job.",
    )
    refunded.closed_at = refunded.filed_at + timedelta(days=14)
    services.case_close(actor=poe, case_id=refunded.case.id, resolution="The agent refunded 15,000 rupees (the amount above the cap) in the presence of the Protector of Emigrants.")
    services.case_rate(case=Case.objects.get(id=refunded.case.id), rating=5)
    filed.append(refunded)

    # The PGE: Qatar has no demo Mission, so the case goes to the PGE.
    qatar = _file(
        now,
        days_ago=26,
        category="IMPRISONED",
        country="QA",
        filer_name="Abdul Rasheed",
        filer_relation="Father",
        filer_phone="+919562099003",
        person_name="Anas Rasheed",
        where="Central Prison, Doha",
        description="My son was arrested after a traffic accident in which a man was injured. We do not know if he has a lawyer.",
    )
    qatar.handled_days = 5
    services.note_add(actor=pge, case_id=qatar.case.id, text="Asked the Embassy in Doha for consular access and the panel lawyer.")
    filed.append(qatar)

    for item in filed:
        _backdate(item, now)
    _escalate_as_the_task_would(min(item.filed_at for item in filed), now)
    return anitha.case.tracking_number

"""Safety check-ins: the personal link each alert carries (signed, expiring, no login), the answers it and
SMS replies (SAFE, HELP) bring, the requests for help they open, and the officials' work on those requests.

A link names the alert and the person and when it stops working, and is signed with the site's key: it
is never stored, cannot be guessed or altered, and anyone holding it answers only for that person in that
crisis. Each answer carries a submission key (the form's, or the SMS's), so a resubmitted form or a
replayed SMS records nothing twice.
"""

from __future__ import annotations

import base64
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pravasi.audit.services import audit_record, pii_access_record, pii_access_record_many
from pravasi.core.errors import Conflict, DomainError, NotAllowed, NotFound, ValidationFailed
from pravasi.core.validation import CONTROL_RE
from pravasi.core.workflow import transition
from pravasi.messaging.models import InboundOutcome, OutboxMessage
from pravasi.policy.selectors import policy
from pravasi.registry.models import FamilyMember, Person, PersonStatus, Vulnerability

from . import policies, selectors
from .models import Alert, AlertStatus, CheckIn, CheckInChannel, CheckInStatus, Crisis, CrisisStatus, HelpNote, HelpRequest, HelpStatus, Need
from .workflow import HELP, RESPONDER

TOKEN_SALT = "pravasi.crisis.checkin"  # noqa: S105 (a key-derivation label, not a secret)
MAC_BYTES = 12
LINK_DAYS_POLICY = "CRISIS_CHECKIN_LINK_DAYS"
KEYWORDS_POLICY = "CRISIS_SMS_KEYWORDS"
MAX_NOTE = 500
ACCESS_PURPOSE = "crisis-help"
CALL_LIST_PURPOSE = "crisis-call-list"


class CheckInLinkInvalid(DomainError):
    status = 400
    code = "checkin_link_invalid"


class CheckInLinkExpired(DomainError):
    status = 410
    code = "checkin_link_expired"


# --- the personal link -----------------------------------------------------------------------------------


def _mac(payload: bytes) -> bytes:
    return salted_hmac(TOKEN_SALT, payload, algorithm="sha256").digest()[:MAC_BYTES]


def checkin_token(*, alert_id, person_id, expires_at: datetime) -> str:
    payload = uuid.UUID(str(alert_id)).bytes + uuid.UUID(str(person_id)).bytes + int(expires_at.timestamp()).to_bytes(5, "big")
    return base64.urlsafe_b64encode(payload + _mac(payload)).rstrip(b"=").decode()


def link_expiry(alert: Alert) -> datetime:
    days = int(policy(LINK_DAYS_POLICY, default=14))
    return (alert.published_at or alert.send_requested_at or timezone.now()) + timedelta(days=days)


def checkin_link(*, alert: Alert, person_id, expires_at: datetime | None = None) -> str:
    token = checkin_token(alert_id=alert.id, person_id=person_id, expires_at=expires_at or link_expiry(alert))
    return f"{settings.PRAVASI_PUBLIC_URL}/checkin/{token}/"


def read_token(token: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The alert and person a link names. A link that was altered or made up, and one past its date, are
    told apart (the second says to call the helpline or use a newer alert's link)."""
    invalid = CheckInLinkInvalid(_("This check-in link is not valid. Use the link in the latest alert you received, or reply to the SMS."))
    if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{40,120}", token):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raise invalid from None
    if len(raw) != 37 + MAC_BYTES:
        raise invalid
    payload, mac = raw[:37], raw[37:]
    if not hmac.compare_digest(mac, _mac(payload)):
        raise invalid
    expires_at = datetime.fromtimestamp(int.from_bytes(payload[32:37], "big"), tz=UTC)
    if expires_at <= timezone.now():
        raise CheckInLinkExpired(_("This check-in link has expired. Use the link in the latest alert you received, reply SAFE or HELP to the SMS, or call the helpline."))
    return uuid.UUID(bytes=payload[:16]), uuid.UUID(bytes=payload[16:32])


@dataclass
class CheckInPage:
    alert: Alert
    crisis: Crisis
    person: Person
    family: list[FamilyMember]
    latest: CheckIn | None


def checkin_page(token: str) -> CheckInPage:
    """What the check-in page shows to the holder of a valid link: the crisis, their first name, their
    family abroad to answer for, and their last answer."""
    alert_id, person_id = read_token(token)
    alert = Alert.objects.select_related("crisis").filter(id=alert_id, status=AlertStatus.PUBLISHED).first()
    # Only what the page and the answer need: the encrypted contact fields are not read (nor decrypted).
    person = Person.objects.filter(id=person_id, merged_into__isnull=True).only("id", "given_name", "preferred_language", "status", *VULNERABILITY_FIELDS).first()
    if alert is None or person is None:
        raise CheckInLinkInvalid(_("This check-in link is not valid. Use the link in the latest alert you received, or reply to the SMS."))
    if alert.crisis.status != CrisisStatus.ACTIVE:
        raise Conflict(_("This crisis has ended, so check-ins are closed. If you still need help, call the helpline or the Mission."), code="crisis_ended")
    latest = CheckIn.objects.filter(crisis=alert.crisis, person=person, is_latest=True).first()
    return CheckInPage(alert=alert, crisis=alert.crisis, person=person, family=list(person.family_members.order_by("name")), latest=latest)


# --- recording an answer -------------------------------------------------------------------------------


VULNERABILITY_FIELDS = tuple(Vulnerability(v).field for v in Vulnerability.values)


def _is_vulnerable(person: Person) -> bool:
    return any(getattr(person, field) for field in VULNERABILITY_FIELDS)


def priority_for(person: Person, needs: list[str]) -> int:
    """0: medical need or a vulnerable person; 1: asks to leave; 2: the rest."""
    if Need.MEDICAL in needs or _is_vulnerable(person):
        return 0
    if Need.EVACUATION in needs:
        return 1
    return 2


def _clean_answer(data: dict[str, Any], family: list[FamilyMember]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    status = str(data.get("status") or "").upper()
    if status not in CheckInStatus.values:
        errors["status"] = [_("Say whether you are safe or need help.")]
    needs = [str(n).upper() for n in (data.get("needs") or [])]
    unknown = [n for n in needs if n not in Need.values]
    if unknown:
        errors["needs"] = [_("Choose the help you need from the list.")]
    needs = [n for n in Need.values if n in needs]
    if status == CheckInStatus.HELP and not needs and not str(data.get("note") or "").strip():
        errors["needs"] = [_("Tell us what help you need: tick at least one, or write it in the box.")]
    if status == CheckInStatus.SAFE:
        needs = []
    known = {str(member.id) for member in family}
    chosen = [str(f) for f in (data.get("family") or [])]
    if any(f not in known for f in chosen):
        errors["family"] = [_("Choose family members from the list.")]
    note = str(data.get("note") or "").strip()
    if CONTROL_RE.search(note):
        errors["note"] = [_("This contains characters that cannot be stored; retype it.")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("Use at most %(n)s characters.") % {"n": MAX_NOTE}]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), fields=errors)
    return {"status": status, "needs": needs, "family_member_ids": sorted(chosen), "note": note}


def _record(*, crisis: Crisis, alert: Alert | None, person: Person, answer: dict[str, Any], channel: str, submission_key: str, recorded_by=None, source_ip=None) -> tuple[CheckIn, bool]:
    """Stores an answer as the person's latest in the crisis and opens or updates their request for help.
    Returns the check-in and whether it is new (False: this submission was recorded before)."""
    existing = CheckIn.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            # The person's row is the lock that orders two answers arriving at once.
            list(Person.objects.select_for_update().filter(pk=person.pk).values_list("id", flat=True))
            CheckIn.objects.filter(crisis=crisis, person=person, is_latest=True).update(is_latest=False)
            checkin = CheckIn.objects.create(crisis=crisis, alert=alert, person=person, channel=channel, submission_key=submission_key, recorded_by=recorded_by, is_latest=True, **answer)
            if checkin.status == CheckInStatus.HELP:
                _open_help(checkin, person)
            audit_record(
                actor=recorded_by,
                action="crisis.checkin_recorded",
                target=checkin,
                summary={"reference": crisis.reference, "status": checkin.status, "channel": channel},
                source_ip=source_ip,
            )
    except IntegrityError:
        existing = CheckIn.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return checkin, True


def _open_help(checkin: CheckIn, person: Person) -> HelpRequest:
    priority = priority_for(person, checkin.needs)
    request = HelpRequest.objects.select_for_update().filter(crisis=checkin.crisis, person=person).exclude(status=HelpStatus.RESOLVED).first()
    if request is None:
        return HelpRequest.objects.create(crisis=checkin.crisis, person=person, needs=checkin.needs, family_member_ids=checkin.family_member_ids, priority=priority, last_checkin=checkin)
    request.needs = sorted(set(request.needs) | set(checkin.needs), key=Need.values.index)
    request.family_member_ids = sorted(set(request.family_member_ids) | set(checkin.family_member_ids))
    request.priority = min(request.priority, priority_for(person, request.needs))
    request.last_checkin = checkin
    request.save(update_fields=["needs", "family_member_ids", "priority", "last_checkin", "updated_at"])
    return request


def checkin_submit(*, token: str, data: dict[str, Any], source_ip: str | None = None, page: CheckInPage | None = None) -> tuple[CheckIn, bool]:
    """An answer through the personal link. `data["submission"]` is the form's one-time key: the same form
    sent twice records one answer. `page` is the link's page when the caller has just read it."""
    page = page or checkin_page(token)
    answer = _clean_answer(data, page.family)
    submission = str(data.get("submission") or "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", submission):
        raise ValidationFailed(_("This form is out of date; reload the page and answer again."), code="stale_form")
    digest = salted_hmac(TOKEN_SALT, token, algorithm="sha256").hexdigest()[:24]
    return _record(crisis=page.crisis, alert=page.alert, person=page.person, answer=answer, channel=CheckInChannel.LINK, submission_key=f"link:{digest}:{submission}", source_ip=source_ip)


def checkin_record_by_staff(*, actor, crisis_id, person_id, data: dict[str, Any], source_ip: str | None = None) -> CheckIn:
    """An official records what a person said on the phone (from the list of the unaccounted for)."""
    crisis = selectors.crisis_for(actor=actor, crisis_id=crisis_id)
    if not policies.may_see_people(actor, crisis):
        raise NotAllowed(_("Only the declaring office and the PGE record answers for the people of a crisis."))
    if crisis.status != CrisisStatus.ACTIVE:
        raise Conflict(_("This crisis has ended, so check-ins are closed."))
    person = selectors.reachable(crisis).filter(id=_uuid(person_id)).first()
    if person is None:
        raise NotFound(_("This person is not among the people of this crisis."))
    answer = _clean_answer(data, list(person.family_members.all()))
    submission = str(data.get("submission") or uuid.uuid4().hex)
    checkin, _created = _record(
        crisis=crisis, alert=None, person=person, answer=answer, channel=CheckInChannel.STAFF, submission_key=f"staff:{actor.id}:{submission}"[:120], recorded_by=actor, source_ip=source_ip
    )
    return checkin


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- SMS replies ---------------------------------------------------------------------------------------


def _keywords() -> dict:
    return policy(KEYWORDS_POLICY, default={"SAFE": ["SAFE"], "HELP": ["HELP"], "needs": {}})


def parse_reply(text: str) -> tuple[str, list[str]] | None:
    """SAFE or HELP (in any of the policy's words) and, after HELP, the needs by word or number; None when
    the text is not a check-in reply."""
    words = [w for w in re.split(r"[\s,.;:!?]+", (text or "").strip().casefold()) if w]
    if not words:
        return None
    keywords = _keywords()
    status, rest = None, []
    for candidate in (CheckInStatus.SAFE, CheckInStatus.HELP):
        for keyword in sorted((str(k).casefold().split() for k in keywords.get(candidate, [])), key=len, reverse=True):
            if keyword and words[: len(keyword)] == keyword:
                status, rest = candidate, words[len(keyword) :]
                break
        if status:
            break
    if status is None:
        return None
    needs: list[str] = []
    if status == CheckInStatus.HELP:
        table = {str(word).casefold(): need for need, synonyms in (keywords.get("needs") or {}).items() for word in synonyms}
        needs = [need for need in Need.values if any(table.get(word) == need for word in rest)]
    return status, needs


def _latest_alert_for(person: Person) -> Alert | None:
    """The latest sent alert of an active crisis that reached this person."""
    batches = OutboxMessage.objects.filter(party=person.id, batch__startswith="alert:").order_by("-created_at").values_list("batch", flat=True)[:20]
    alert_ids = [_uuid(batch.split(":", 1)[1]) for batch in batches]
    return Alert.objects.select_related("crisis").filter(id__in=[a for a in alert_ids if a], status=AlertStatus.PUBLISHED, crisis__status=CrisisStatus.ACTIVE).order_by("-published_at").first()


@dataclass(frozen=True)
class InboundAnswer:
    outcome: str
    handled_as: str
    reply: str


def inbound_sms(*, sender: str, sender_index: str, text: str, message_key: str) -> InboundAnswer | None:
    """Handles an SMS reply to an alert. Not a SAFE/HELP reply: not ours (None). From a number not in the
    registry, or from someone no active alert reached: told so, with where to get help."""
    parsed = parse_reply(text)
    if parsed is None:
        return None
    status, needs = parsed
    person = Person.objects.filter(mobile_index=sender_index, status=PersonStatus.ABROAD, merged_into__isnull=True).order_by("-updated_at").first()
    if person is None:
        return InboundAnswer(
            InboundOutcome.UNKNOWN_SENDER,
            "crisis.checkin",
            _("Pravasi: this number is not in the registry of Indians abroad, so we could not record your answer. Call the helpline or the Indian Mission."),
        )
    with translation.override(person.preferred_language or "en"):
        alert = _latest_alert_for(person)
        if alert is None:
            return InboundAnswer(
                InboundOutcome.NO_ACTIVE_ALERT, "crisis.checkin", _("Pravasi: there is no crisis alert for you to answer now. If you need help, call the helpline or the Indian Mission.")
            )
        answer = {"status": status, "needs": needs, "family_member_ids": [], "note": ""}
        _record(crisis=alert.crisis, alert=alert, person=person, answer=answer, channel=CheckInChannel.SMS, submission_key=message_key[:120])
        if status == CheckInStatus.SAFE:
            reply = _("Pravasi: thank you, we have recorded that you are safe (%(reference)s). Reply HELP at any time if that changes.") % {"reference": alert.crisis.reference}
        else:
            reply = _(
                "Pravasi: we have recorded that you need help (%(reference)s). An official will contact you. For what you need, reply HELP and 1 medical, 2 food, 3 shelter, 4 evacuation, 5 documents lost."
            ) % {"reference": alert.crisis.reference}
        return InboundAnswer(InboundOutcome.HANDLED, "crisis.checkin", reply)


# --- the officials' work on requests for help ----------------------------------------------------------


def _request_for(actor, request_id) -> HelpRequest:
    request = HelpRequest.objects.select_related("crisis", "person").filter(id=_uuid(request_id), crisis__in=selectors.crises_for(actor=actor)).first()
    if request is None or not policies.may_see_people(actor, request.crisis):
        raise NotFound(_("No such request for help."))
    return request


def help_request_view(*, actor, request_id, source_ip: str | None = None) -> HelpRequest:
    """Opens a request for help; the read of the person's record is logged."""
    request = _request_for(actor, request_id)
    pii_access_record(actor=actor, person_id=request.person_id, purpose=ACCESS_PURPOSE, source_ip=source_ip)
    return request


def _responder(actor):
    return lambda locked: {RESPONDER} if policies.may_see_people(actor, locked.crisis) else set()


def help_assign(*, actor, request_id, expected: str | None = None, source_ip: str | None = None) -> HelpRequest:
    """The official takes the request (or takes it over from a colleague)."""
    request = _request_for(actor, request_id)

    def take(locked: HelpRequest) -> None:
        locked.assigned_to = actor

    return transition(
        obj=request,
        workflow=HELP,
        target=HelpStatus.ASSIGNED,
        actor=actor,
        capacities=_responder(actor),
        expected=expected,
        apply=take,
        summary={"reference": request.crisis.reference},
        source_ip=source_ip,
    )


@transaction.atomic
def help_note_add(*, actor, request_id, text: str, source_ip: str | None = None) -> HelpNote:
    request = _request_for(actor, request_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.on("text", _("Write the note."))
    if len(text) > 2000 or CONTROL_RE.search(text):
        raise ValidationFailed.on("text", _("Use at most %(n)s characters.") % {"n": 2000})
    if request.status == HelpStatus.RESOLVED:
        raise Conflict(_("This request is resolved; notes are closed."))
    note = HelpNote.objects.create(request=request, author=actor, text=text)
    audit_record(actor=actor, action="crisis.help_noted", target=request, summary={"reference": request.crisis.reference}, source_ip=source_ip)
    return note


def help_resolve(*, actor, request_id, resolution: str, expected: str | None = None, source_ip: str | None = None) -> HelpRequest:
    request = _request_for(actor, request_id)
    resolution = (resolution or "").strip()
    if len(resolution) < 5 or len(resolution) > 2000 or CONTROL_RE.search(resolution):
        raise ValidationFailed.on("resolution", _("Say in a few words how the request was resolved (5 to 2,000 characters)."))

    def close(locked: HelpRequest) -> None:
        locked.resolution = resolution
        locked.resolved_at = timezone.now()
        if locked.assigned_to_id is None:
            locked.assigned_to = actor

    return transition(
        obj=request,
        workflow=HELP,
        target=HelpStatus.RESOLVED,
        actor=actor,
        capacities=_responder(actor),
        expected=expected,
        apply=close,
        summary={"reference": request.crisis.reference},
        source_ip=source_ip,
    )


def call_list_page(*, actor, crisis: Crisis, number: int, size: int = 50, source_ip: str | None = None):
    """A page of the people not yet accounted for, to call; each person shown is logged as read."""
    page = Paginator(selectors.unaccounted(actor=actor, crisis=crisis), size).get_page(number)
    pii_access_record_many(actor=actor, person_ids=[person.id for person in page], purpose=CALL_LIST_PURPOSE, source_ip=source_ip)
    return page

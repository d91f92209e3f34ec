"""Reads of the registry, already scoped to what the actor may see."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from pravasi.core.contacts import normalise_phone, phone_index
from pravasi.core.crypto import blind_index
from pravasi.core.errors import NotAllowed, NotFound, ValidationFailed

from . import policies
from .models import ConsentPurpose, ConsentRecord, DuplicateFlag, ImportJob, MergeRecord, NameKey, NameToken, Passport, Person, PersonStatus, Vulnerability
from .mrz import normalise_passport_number
from .names import edit_distance_at_most_one, fold_token, name_keys, split_tokens

LIVE = Q(merged_into__isnull=True) & ~Q(status=PersonStatus.CLOSED)


def persons_visible_to(actor) -> QuerySet[Person]:
    scope = policies.jurisdiction_q(actor)
    if scope is None:
        return Person.objects.none()
    return Person.objects.filter(LIVE).filter(scope)


def person_of_user(user) -> Person | None:
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).filter(LIVE).first()


def passport_index(number: str) -> str:
    return blind_index("passport", number)


_KEY_CACHE: dict[str, object] = {"at": 0.0, "keys": frozenset()}
KEY_CACHE_SECONDS = 300


def _known_keys() -> frozenset[str]:
    if time.monotonic() - float(_KEY_CACHE["at"]) > KEY_CACHE_SECONDS:
        _KEY_CACHE["keys"] = frozenset(NameKey.objects.values_list("key", flat=True))
        _KEY_CACHE["at"] = time.monotonic()
    return _KEY_CACHE["keys"]  # type: ignore[return-value]


def forget_known_keys() -> None:
    _KEY_CACHE["at"] = 0.0


def similar_keys(key: str) -> set[str]:
    """The key itself and known keys one edit away (a typo, or a variant the folding missed)."""
    known = _known_keys()
    found = {key}
    if len(key) >= 3:
        found |= {k for k in known if abs(len(k) - len(key)) <= 1 and edit_distance_at_most_one(k, key)}
    return found


@dataclass
class SearchParams:
    name: str = ""
    passport_number: str = ""
    mobile: str = ""
    country: str = ""
    region: str = ""
    state: str = ""
    vulnerability: str = ""
    limit: int = 50
    offset: int = 0


def _on_person(condition: Q) -> Q:
    """The same condition, written from NameToken (every lookup prefixed with person__)."""
    moved = Q()
    moved.connector, moved.negated = condition.connector, condition.negated
    moved.children = [_on_person(child) if isinstance(child, Q) else (f"person__{child[0]}", child[1]) for child in condition.children]
    return moved


def _ids_by_name(condition: Q, tokens: list[str], *, offset: int, limit: int) -> list:
    """Person ids whose names match every token, in list order, one page.

    Each token matches its folded key and the known keys one edit away. One token: each of its keys'
    entries is walked in (sort_name, person) order with the person's scope and filters joined, and
    the walk stops at the page's end. Several tokens: one statement, the first token's entries
    joined to the person and semi-joined to each other token's entries, then ordered and cut; the
    planner hashes the other tokens' entries, which measured faster than any per-row probing.
    """
    keys_per_token = [sorted(similar_keys(fold_token(token))) for token in tokens]
    on_person = _on_person(condition)
    wanted = offset + limit
    if len(keys_per_token) == 1:
        rows: dict = {}
        for key in keys_per_token[0]:
            walk = NameToken.objects.filter(key=key).filter(on_person).order_by("sort_name", "person_id")
            for sort_name, person_id in walk.values_list("sort_name", "person_id")[:wanted]:
                rows.setdefault(person_id, sort_name)
        ordered = sorted(rows.items(), key=lambda item: (item[1], str(item[0])))
        return [person_id for person_id, _sort in ordered[offset:wanted]]
    matches = NameToken.objects.filter(key__in=keys_per_token[0]).filter(on_person)
    for keys in keys_per_token[1:]:
        matches = matches.filter(person_id__in=NameToken.objects.filter(key__in=keys).values("person_id"))
    page = matches.order_by("sort_name", "person_id").values_list("sort_name", "person_id").distinct()[offset:wanted]
    return [person_id for _sort, person_id in page]


def person_search(*, actor, params: SearchParams) -> list[Person]:
    """Staff search. Exact passport or mobile via blind indexes; fuzzy names via folded keys."""
    exact = params.passport_number or params.mobile
    if exact and not policies.can_lookup_exact(actor):
        raise NotAllowed("You may not search the registry.")
    if not exact and not policies.can_browse_registry(actor):
        raise NotAllowed("You may not browse the registry.")
    # Helpline agents reach anyone, but only by an exact identifier.
    scope = policies.jurisdiction_q(actor) if policies.can_browse_registry(actor) else Q()
    condition = LIVE & scope
    if params.passport_number:
        number = normalise_passport_number(params.passport_number)
        condition &= Q(id__in=Passport.objects.filter(number_index=passport_index(number)).values("person_id"))
    if params.mobile:
        condition &= Q(mobile_index=phone_index(normalise_phone(params.mobile)))
    if params.country:
        condition &= Q(residence_country=params.country.upper())
    if params.region:
        condition &= Q(residence_region__iexact=params.region.strip())
    if params.state:
        condition &= Q(state_of_origin=params.state.upper())
    if params.vulnerability:
        try:
            field = Vulnerability(params.vulnerability.upper()).field
        except ValueError as exc:
            raise ValidationFailed.on("vulnerability", "Unknown vulnerability.") from exc
        condition &= Q(**{field: True})
    limit = max(1, min(int(params.limit), 200))
    offset = max(0, int(params.offset))
    if params.name:
        tokens = split_tokens(params.name)[:4]
        if not tokens:
            raise ValidationFailed.on("name", "Enter at least one letter of the name.")
        ids = _ids_by_name(condition, tokens, offset=offset, limit=limit)
        found = Person.objects.in_bulk(ids)
        return [found[i] for i in ids if i in found]
    return list(Person.objects.filter(condition).order_by("family_name", "given_name", "id")[offset : offset + limit])


def person_named_with_passport(*, passport_number: str, name: str) -> Person | None:
    """The registered person holding this passport number, when the name given shares a name with them.

    For reports made by someone else (a relative, a colleague) who knows the number but not always the
    date of birth: a mistyped number that happens to be someone's passport does not link that stranger.
    The caller never shows the match to whoever typed the number."""
    found = Passport.objects.select_related("person").filter(number_index=passport_index(passport_number)).first()
    if found is None or not (name_keys(name) & name_keys(found.person.given_name, found.person.family_name)):
        return None
    return found.person


def person_visible_or_404(*, actor, person_id) -> Person:
    """A person the actor may open: their own record, or one in the official's jurisdiction."""
    person = Person.objects.filter(id=person_id).filter(LIVE).first() if person_id else None
    if person is None:
        raise NotFound("No such person in the registry.")
    if policies.is_owner(actor, person):
        return person
    if policies.can_lookup_exact(actor) and not policies.can_browse_registry(actor):
        # Helpline agents serve callers from anywhere: they open the record they found (and it is logged).
        return person
    if not persons_visible_to(actor).filter(id=person.id).exists():
        # Same answer as a missing record: officials cannot probe other jurisdictions.
        raise NotFound("No such person in the registry.")
    return person


def consent_state(person: Person) -> dict[str, ConsentRecord | None]:
    """The consent in force per purpose (partner sharing keyed by partner id)."""
    state: dict[str, ConsentRecord | None] = {p.value: None for p in ConsentPurpose if p != ConsentPurpose.PARTNER_SHARING}
    for record in ConsentRecord.objects.filter(person=person).select_related("partner", "notice").order_by("at"):
        key = record.purpose if record.purpose != ConsentPurpose.PARTNER_SHARING else f"{record.purpose}:{record.partner_id}"
        state[key] = record
    return state


def consent_history(person: Person) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(person=person).select_related("partner", "notice").order_by("-at")


def consent_record_of(person: Person, record_id) -> ConsentRecord:
    record = consent_history(person).filter(id=record_id).first() if record_id else None
    if record is None:
        raise NotFound("No such consent record.")
    return record


def has_consent(person: Person, purpose: str, partner_id=None) -> bool:
    qs = ConsentRecord.objects.filter(person=person, purpose=purpose)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    latest = qs.order_by("-at").first()
    return bool(latest and latest.given)


def duplicate_flags_for(*, actor, status: str = DuplicateFlag.Status.OPEN) -> QuerySet[DuplicateFlag]:
    visible = persons_visible_to(actor).values("id")
    return DuplicateFlag.objects.filter(status=status, person_a__in=visible, person_b__in=visible).select_related("person_a", "person_b").order_by("-created_at")


def merges_for(*, actor, limit: int = 20) -> QuerySet[MergeRecord]:
    """Recent merges the official may reverse: the kept record is in their jurisdiction."""
    visible = persons_visible_to(actor).values("id")
    return MergeRecord.objects.filter(reverted_at__isnull=True, survivor__in=visible).select_related("survivor", "merged", "merged_by").order_by("-created_at")[:limit]


def import_jobs_for(*, actor) -> QuerySet[ImportJob]:
    if not policies.can_import(actor):
        return ImportJob.objects.none()
    from pravasi.accounts.selectors import offices_of

    return ImportJob.objects.filter(office__in=offices_of(actor)).order_by("-created_at")


def import_job_for(*, actor, job_id) -> ImportJob:
    job = import_jobs_for(actor=actor).filter(id=job_id).first()
    if job is None:
        raise NotFound("No such import.")
    return job

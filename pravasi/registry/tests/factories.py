"""Building persons through the real services, as officials and emigrants would."""

from __future__ import annotations

import itertools

from pravasi.accounts.models import User
from pravasi.registry.models import ConsentPurpose, Person
from pravasi.registry.services import passport_record, person_register

_numbers = itertools.count(1000001)

# One person the tests of every interface register: the minimum "about you" and where she lives.
ANITHA = {
    "given_name": "Anitha",
    "family_name": "Varghese",
    "sex": "F",
    "date_of_birth": "1991-03-14",
    "state_of_origin": "IN-KL",
    "residence_country": "AE",
    "residence_region": "Dubai",
}


def next_passport_number() -> str:
    return f"K{next(_numbers)}"


def register_person(actor: User, *, passport: str | None = "auto", **data) -> Person:
    defaults = {
        "given_name": "Ravi",
        "family_name": "Kumar",
        "sex": "M",
        "date_of_birth": "1988-02-17",
        "state_of_origin": "IN-KL",
        "residence_country": "AE",
        "residence_region": "Dubai",
        "email": f"p{next(_numbers)}@example.org",
    }
    person = person_register(actor=actor, data={**defaults, **data}, consents=[ConsentPurpose.CRISIS_CONTACT])
    if passport:
        number = next_passport_number() if passport == "auto" else passport
        passport_record(actor=actor, person=person, data={"passport_number": number, "issue_date": "2018-01-10", "expiry_date": "2028-01-09"})
    return person

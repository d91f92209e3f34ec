"""The words people read for case codes, in their language: categories, shareable details, escalation levels.

The policy pack names categories in English (its data can change by circular); a category the pack adds
before its label is translated here is shown with the pack's own label.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pravasi.policy.selectors import policy

CATEGORY_LABELS = {
    "MORTAL_REMAINS": _("Mortal remains (bringing a body home)"),
    "SEXUAL_ABUSE": _("Sexual abuse"),
    "IMPRISONED": _("Imprisoned abroad"),
    "WHEREABOUTS_UNKNOWN": _("Whereabouts unknown"),
    "WORKER_ABUSE": _("Physical or mental abuse by the employer"),
    "REPATRIATION": _("Wants to come home (repatriation)"),
    "SALARY_DUES": _("Salary or dues not paid"),
    "CONTRACT": _("Contract problems"),
    "RECRUITING_AGENT": _("Complaint against a recruiting agent"),
    "SPONSOR": _("Sponsor (kafeel) problems"),
    "OTHER": _("Something else"),
}

# The details of a case an official may share with a partner on referral.
SHAREABLE = {
    "person_name": _("The person's name"),
    "where": _("Where the person is"),
    "description": _("What happened (the description)"),
    "filer_phone": _("The filer's phone number"),
    "country": _("The country"),
}

ESCALATION_LABELS = {
    "WELFARE_OFFICER": _("Welfare officer"),
    "DEPUTY_CHIEF_OF_MISSION": _("Deputy chief of mission"),
    "HEAD_OF_MISSION": _("Head of mission"),
}


def category_label(code: str) -> str:
    if code in CATEGORY_LABELS:
        return str(CATEGORY_LABELS[code])
    item = next((c for c in policy("GRIEVANCE_CATEGORIES") if c["code"] == code), None)
    return gettext(item["label"]) if item else code


def category_choices() -> list[tuple[str, str]]:
    return [(c["code"], category_label(c["code"])) for c in policy("GRIEVANCE_CATEGORIES")]


def shareable_label(field: str) -> str:
    return str(SHAREABLE.get(field, field))


def escalation_label(level: int, levels: list[str] | None = None) -> str:
    levels = levels if levels is not None else list(policy("CASE_ESCALATION_LEVELS"))
    code = levels[min(level, len(levels) - 1)] if levels else ""
    return str(ESCALATION_LABELS.get(code, code.replace("_", " ").capitalize()))

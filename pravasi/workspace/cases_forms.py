"""Workspace forms for the officials handling grievances and eventualities: the queue's filter and the
actions on a case (notes, messages, transfer, closure, verification, assistance, family, PBBY claims,
referrals).

Forms check shape only: the case services judge content and raise ValidationFailed with field names
that are the field names here (`text`, `reason`, `resolution`, `override_reason`...), so the official
reads the service's own message ("Write the note.") rather than a generic one.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.cases import selectors
from pravasi.cases.labels import SHAREABLE
from pravasi.cases.labels import category_choices as category_choices_of_policy
from pravasi.cases.models import AssistanceKind, ClaimKind
from pravasi.core.forms import StyledForm

from .clearance_forms import RawChoice, RawText, _date, _number
from .licensing_forms import DecisionForm

TEXT_MAX = 4000


def _area(label, *, rows: int = 3, help_text=""):
    return RawText(label=label, max_length=TEXT_MAX + 1000, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


def category_choices() -> list[tuple[str, str]]:
    return [("", _("Any category")), *category_choices_of_policy()]


def transfer_office_choices(current_office_id=None) -> list[tuple[str, str]]:
    """Where a case can go: any Mission, PoE office or the PGE but its own (the helpline takes no cases)."""
    offices = selectors.transfer_offices(exclude_id=current_office_id)
    return [("", _("Choose the office…")), *[(str(o.id), f"{o.name} ({o.get_kind_display()})") for o in offices]]


def partner_choices() -> list[tuple[str, str]]:
    partners = selectors.referral_partners()
    return [("", _("Choose the partner organisation…")), *[(str(p.id), p.name) for p in partners]]


class QueueFilterForm(StyledForm):
    category = forms.ChoiceField(label=_("Category"), required=False, choices=category_choices)
    rag = forms.ChoiceField(
        label=_("Service level"),
        required=False,
        choices=[("", _("Any")), ("RED", _("Red: overdue")), ("AMBER", _("Amber: due soon")), ("GREEN", _("Green: on time"))],
    )


class TakeUpForm(StyledForm):
    pass


class NoteForm(StyledForm):
    text = _area(_("Note"), rows=3)
    shared = forms.BooleanField(
        label=_("Share this note with the filer"), required=False, help_text=_("Left unticked, the note is internal: only officials read it. A shared note is shown on the filer's status page.")
    )


class MessageForm(StyledForm):
    text = _area(_("Message"), rows=3, help_text=_("Sent by SMS and e-mail to the filer's contact, and kept on the case."))


class TransferForm(StyledForm):
    office = RawChoice(label=_("Transfer to"), choices=transfer_office_choices)
    reason = _area(_("Reason for the transfer"), rows=2, help_text=_("Kept on the case for the receiving office."))

    def __init__(self, *args, current_office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(current_office_id)

    def offer(self, current_office_id) -> None:
        self.fields["office"].choices = transfer_office_choices(current_office_id)


class CloseForm(DecisionForm):
    resolution = _area(_("Resolution"), rows=3, help_text=_("How the case was resolved. The filer reads it on the status page."))


class VerifyForm(StyledForm):
    note = _area(_("How the report was confirmed"), rows=2, help_text=_("For example the hospital, the police, the employer or the family."))


class AssistanceForm(StyledForm):
    kind = RawChoice(label=_("Assistance given"), choices=[("", _("Choose…")), *AssistanceKind.choices])
    provided_date = _date(_("Date given"))
    amount_inr = _number(_("Amount from the welfare fund (Rs)"), decimal=True, help_text=_("Leave empty when nothing was paid."))
    detail = _area(_("Details"), rows=2)


class FamilyForm(StyledForm):
    whom = RawText(label=_("Whom you informed"), max_length=400, help_text=_("Name and relation, e.g. Lakshmi, wife."))
    note = _area(_("What the family was told"), rows=2)


class ClaimForm(StyledForm):
    policy = RawChoice(label=_("PBBY policy"), choices=[])
    kind = RawChoice(label=_("The claim is for"), choices=[("", _("Choose…")), *ClaimKind.choices])

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(policies)

    def offer(self, policies) -> None:
        self.fields["policy"].choices = [("", _("Choose the policy…"))] + [
            (
                str(p.id),
                _("%(number)s · %(insurer)s · %(start)s to %(end)s") % {"number": p.number, "insurer": p.insurer.name, "start": p.valid_from_date.isoformat(), "end": p.valid_to_date.isoformat()},
            )
            for p in policies
        ]


class RawMultipleChoice(forms.MultipleChoiceField):
    """Ticked boxes; an empty or unknown selection is judged by the service."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def validate(self, value):
        pass


class ReferForm(StyledForm):
    partner = RawChoice(label=_("Partner organisation"), choices=partner_choices)
    shared_fields = RawMultipleChoice(
        label=_("What to share with the partner"),
        choices=list(SHAREABLE.items()),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Share only what the partner needs to help; what was shared is recorded on the case."),
    )
    override_reason = _area(
        _("Reason to refer without the person's consent"),
        rows=3,
        help_text=_(
            "Needed only when the person has not consented to sharing with this partner: refer then only to protect their life or safety, "
            "and say why (at least 20 characters). The reason is kept on the case and in the audit trail."
        ),
    )

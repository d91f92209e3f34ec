"""Roles, office kinds and organisation kinds, and which role belongs to which kind of body."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    POE = "POE", _("Protector of Emigrants office")
    PGE = "PGE", _("Protector General of Emigrants")
    MISSION = "MISSION", _("Indian Mission")
    OWRC = "OWRC", _("Overseas Workers Resource Centre")


class OrganisationKind(models.TextChoices):
    RA = "RA", _("Recruiting agent")
    FE = "FE", _("Foreign employer")
    PE = "PE", _("Project exporter")
    INSURER = "INSURER", _("Insurance agency")
    PARTNER = "PARTNER", _("Partner organisation")


class Role(models.TextChoices):
    EMIGRANT = "EMIGRANT", _("Emigrant")
    RA_STAFF = "RA_STAFF", _("Recruiting agent staff")
    FE_STAFF = "FE_STAFF", _("Foreign employer staff")
    PE_STAFF = "PE_STAFF", _("Project exporter staff")
    INSURER_STAFF = "INSURER_STAFF", _("Insurer staff")
    PARTNER_ANALYST = "PARTNER_ANALYST", _("Partner analyst")
    POE_OFFICER = "POE_OFFICER", _("PoE officer")
    PGE_OFFICER = "PGE_OFFICER", _("PGE officer")
    MISSION_OFFICER = "MISSION_OFFICER", _("Mission officer")
    OWRC_AGENT = "OWRC_AGENT", _("OWRC helpline agent")
    ADMINISTRATOR = "ADMINISTRATOR", _("Administrator")


OFFICE_ROLES = {
    Role.POE_OFFICER: OfficeKind.POE,
    Role.PGE_OFFICER: OfficeKind.PGE,
    Role.MISSION_OFFICER: OfficeKind.MISSION,
    Role.OWRC_AGENT: OfficeKind.OWRC,
}
ORGANISATION_ROLES = {
    Role.RA_STAFF: OrganisationKind.RA,
    Role.FE_STAFF: OrganisationKind.FE,
    Role.PE_STAFF: OrganisationKind.PE,
    Role.INSURER_STAFF: OrganisationKind.INSURER,
    Role.PARTNER_ANALYST: OrganisationKind.PARTNER,
}
# Everyone but the emigrant works on the restricted website and must use two-factor authentication.
RESTRICTED_ROLES = set(OFFICE_ROLES) | set(ORGANISATION_ROLES) | {Role.ADMINISTRATOR}

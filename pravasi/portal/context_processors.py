"""Template context shared by every page of both websites."""

from django.conf import settings

from pravasi.accounts.selectors import is_restricted_user
from pravasi.policy.selectors import policy


def site(request):
    helpline = policy("HELPLINE", default={}).get("owrc_toll_free", "1800-11-3090")
    return {
        "HELPLINE": helpline,
        "SITE_NAME": "Pravasi",
        "DEBUG": settings.DEBUG,
        "IS_RESTRICTED_USER": is_restricted_user(getattr(request, "user", None)),
    }

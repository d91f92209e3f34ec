"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {"HELPLINE": "1800-11-3090", "SITE_NAME": "Pravasi", "DEBUG": settings.DEBUG}

"""Idle-session expiry, and two-factor authentication enforced for every staff and partner user."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import is_restricted_user

LAST_SEEN_KEY = "pravasi_last_seen"
OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/", "/favicon.ico")


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - int(last) > settings.PRAVASI_IDLE_TIMEOUT_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"code": "session_expired", "message": _("Your session expired. Sign in again.")}, status=401)
                return redirect(f"{reverse('accounts:login')}?expired=1&next={request.path}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class RestrictedAreaMiddleware:
    """A staff or partner user who has not passed TOTP can reach only the sign-in and 2FA pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and is_restricted_user(user) and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "two_factor_required", "message": _("Two-factor authentication is required.")}, status=403)
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)

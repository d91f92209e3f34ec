"""Scoped API keys for machine clients: made once, shown once, checked by hash in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from pravasi.audit.services import audit_record
from pravasi.core.errors import ValidationFailed

from .models import ApiClient

HEADER_PREFIX = "Api-Key "


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, actor, name: str, scopes: list[str], organisation=None) -> tuple[ApiClient, str]:
    """Returns the client and its key `<prefix>.<secret>`; only the hash is stored."""
    unknown = set(scopes) - set(ApiClient.Scope.values)
    if unknown or not scopes:
        raise ValidationFailed.on("scopes", _("Choose at least one known scope."))
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name.strip()[:120], scopes=sorted(set(scopes)), organisation=organisation, key_prefix=prefix, key_hash=_hash(secret))
    audit_record(actor=actor, action="accounts.api_client_created", target=client, summary={"scopes": client.scopes})
    return client, f"{prefix}.{secret}"


def client_for_key(key: str) -> ApiClient | None:
    prefix, _sep, secret = (key or "").strip().partition(".")
    if not prefix or not secret:
        return None
    client = ApiClient.objects.filter(key_prefix=prefix, is_active=True).select_related("organisation").first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(secret)):
        return None
    return client


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>`."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(HEADER_PREFIX):
            return None
        client = client_for_key(header[len(HEADER_PREFIX) :])
        if client is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key."))
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(id=client.id).update(last_used_at=now)
        return (client, client)

    def authenticate_header(self, request):
        return "Api-Key"


def has_scope(client, scope: str) -> bool:
    return isinstance(client, ApiClient) and scope in (client.scopes or [])

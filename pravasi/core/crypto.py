"""Encryption of personal data at rest (AES-256-GCM with key rotation) and HMAC blind indexes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


def _derive(label: bytes) -> bytes:
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()


@lru_cache(maxsize=1)
def _keyring() -> tuple[str, dict[str, AESGCM]]:
    """Returns the current key id and every known key. Newest key first in PRAVASI_DATA_KEYS."""
    configured = settings.PRAVASI_DATA_KEYS.strip()
    ring: dict[str, AESGCM] = {}
    order: list[str] = []
    if configured:
        for item in configured.split(","):
            kid, _, encoded = item.strip().partition(":")
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            if len(key) != 32 or not kid or "$" in kid:
                raise ValueError("PRAVASI_DATA_KEYS entries must be 'kid:<base64 32-byte key>'")
            ring[kid] = AESGCM(key)
            order.append(kid)
    else:
        ring["k0"] = AESGCM(_derive(b"pravasi-data-key"))
        order.append("k0")
    return order[0], ring


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    configured = settings.PRAVASI_BLIND_INDEX_KEY.strip()
    return configured.encode() if configured else _derive(b"pravasi-blind-index")


def encrypt(plaintext: str) -> str:
    kid, ring = _keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring[kid].encrypt(nonce, plaintext.encode("utf-8"), kid.encode())
    return f"{kid}${base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str) -> str:
    kid, _, payload = token.partition("$")
    _, ring = _keyring()
    if kid not in ring:
        raise DecryptionError("unknown key id")
    raw = base64.b64decode(payload)
    try:
        return ring[kid].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], kid.encode()).decode("utf-8")
    except Exception as exc:  # InvalidTag and decoding errors
        raise DecryptionError("ciphertext does not verify") from exc


def needs_rotation(token: str) -> bool:
    current, _ = _keyring()
    return not token.startswith(current + "$")


def blind_index(kind: str, normalised_value: str) -> str:
    """A keyed hash for exact lookups. `kind` separates domains (passport, phone, e-mail)."""
    digest = hmac.new(_index_key(), f"{kind}:{normalised_value}".encode(), hashlib.sha256).hexdigest()
    return digest[:40]


def reset_key_cache() -> None:
    _keyring.cache_clear()
    _index_key.cache_clear()


class EncryptedTextField(models.TextField):
    """A text column whose value is stored encrypted; it cannot be filtered on (use a blind index)."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

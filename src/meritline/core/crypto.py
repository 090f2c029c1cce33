"""Field encryption at rest (Fernet) and a keyed blind index for exact lookup."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def blind_index(value: str) -> str:
    """HMAC-SHA256 of the normalised value: equal inputs give equal digests, nothing leaks."""
    if not value:
        return ""
    normalised = value.strip().upper().replace(" ", "")
    return hmac.new(
        settings.BLIND_INDEX_KEY.encode(), normalised.encode(), hashlib.sha256
    ).hexdigest()


def mask_id_number(value: str) -> str:
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]

"""Helpers for calling the REST API as a given user (personal token or session)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.test import Client

from meritline.core.tokens import token_create


class ApiClient:
    """Calls /api/v1/ with a bearer token (or none) and English messages by default."""

    def __init__(self, token: str | None = None, language: str | None = "en") -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.headers["Accept-Language"] = language

    def request(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = "/api/v1" + path
        call = getattr(self.client, method.lower())
        if method.upper() in {"GET", "DELETE"}:
            return call(url, params, headers=self.headers)
        return call(
            url,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, body)


_names = itertools.count(1)


def token_for(user: Any, name: str | None = None) -> str:
    _token, raw = token_create(actor=user, name=name or f"tests {next(_names)}")
    return raw


@pytest.fixture
def api_as(world):
    """``api_as("hr_admin")`` → an ApiClient authenticated with a token of that role.

    The tokens are created up front, so their audit rows precede anything a test counts.
    """
    roles = ("hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor")
    tokens = {role: token_for(world.user(role)) for role in roles}

    def make(role: str, language: str | None = "en") -> ApiClient:
        return ApiClient(tokens[role], language=language)

    return make

"""A logged-in test client in a chosen language (the language cookie wins over the
browser's)."""

from __future__ import annotations

from django.test import Client


def client_for(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client

"""Web tests read English texts: the test client asks for English unless a test says otherwise
(the default UI language, Simplified Chinese, is tested on its own)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def english(client: Client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield

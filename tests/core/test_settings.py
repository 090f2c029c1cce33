"""Production settings pass `check --deploy`; env helpers fail loudly; security headers."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from meritline.config import env


def _production_env(**extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update(
        DJANGO_SECRET_KEY="k" * 20 + base64.b64encode(os.urandom(40)).decode(),
        MERITLINE_FIELD_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        MERITLINE_BLIND_INDEX_KEY="blind-index-key-for-the-test",
        DJANGO_ALLOWED_HOSTS="hr.example.com",
        DATABASE_URL="sqlite:////tmp/meritline-deploy-check.sqlite3",
    )
    environ.update(extra)
    return environ


def _check(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=meritline.config.settings.production",
        ],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_secrets():
    environ = _production_env()
    del environ["MERITLINE_FIELD_KEY"]
    result = _check(environ)
    assert result.returncode != 0
    assert "MERITLINE_FIELD_KEY" in result.stderr


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env.env_bool("X_BOOL")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]


def test_pages_carry_csp_and_no_framing(client, db):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_passwords_are_hashed_with_argon2():
    from meritline.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_open_in_chinese_whatever_the_browser_says(client, db):
    response = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert b'lang="zh-Hans"' in response.content


def test_the_api_follows_accept_language(client, db):
    response = client.get("/api/v1/org/employees", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.headers.get("Content-Language") == "en"

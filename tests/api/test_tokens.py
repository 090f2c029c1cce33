"""Personal API tokens: the services, API authentication and the tokens page."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import ApiToken, AuditLog, hash_token
from meritline.core.tokens import MAX_ACTIVE_TOKENS, token_create, token_revoke
from meritline.org.services.employees import employee_leave
from tests.api.conftest import ApiClient, token_for

TOKENS_URL = "/accounts/tokens/"
pytestmark = pytest.mark.urls("tests.api.token_urlconf")


# --- services -------------------------------------------------------------------------


def test_create_stores_only_the_hash_and_audits_without_the_secret(world):
    token, raw = token_create(actor=world.employee, name="  CRM sync  ")
    assert raw.startswith("ml_") and len(raw) > 30
    token.refresh_from_db()
    assert token.name == "CRM sync"
    assert token.key_hash == hash_token(raw)
    assert raw.startswith(token.prefix)
    assert raw not in {token.name, token.prefix, token.key_hash}
    entry = AuditLog.objects.get(action="core.api_token.create")
    assert entry.actor == world.employee
    dumped = json.dumps([entry.before, entry.after])
    assert raw not in dumped and token.key_hash not in dumped
    assert entry.after["prefix"] == token.prefix


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "required"), ("   ", "required"), ("x" * 101, "too_long")],
)
def test_create_refuses_a_bad_name_and_writes_nothing(world, name, code):
    with pytest.raises(DomainError) as exc:
        token_create(actor=world.employee, name=name)
    assert exc.value.code == code and exc.value.field == "name"
    assert not ApiToken.objects.exists() and not AuditLog.objects.exists()


def test_create_refuses_a_second_active_token_with_the_same_name(world):
    token_create(actor=world.employee, name="CRM")
    with pytest.raises(DomainError) as exc:
        token_create(actor=world.employee, name="CRM")
    assert exc.value.code == "duplicate_token_name"
    assert ApiToken.objects.count() == 1


def test_a_revoked_name_can_be_reused(world):
    token, _raw = token_create(actor=world.employee, name="CRM")
    token_revoke(actor=world.employee, token=token)
    token_create(actor=world.employee, name="CRM")
    assert ApiToken.objects.filter(name="CRM").count() == 2


def test_create_caps_the_number_of_active_tokens(world):
    for i in range(MAX_ACTIVE_TOKENS):
        token_create(actor=world.employee, name=f"t{i}")
    with pytest.raises(DomainError) as exc:
        token_create(actor=world.employee, name="one too many")
    assert exc.value.code == "too_many_tokens"
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_anonymous_cannot_create_a_token(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDeniedError):
        token_create(actor=AnonymousUser(), name="x")


def test_revoke_marks_the_token_and_audits(world):
    token, _raw = token_create(actor=world.employee, name="CRM")
    token_revoke(actor=world.employee, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditLog.objects.get(action="core.api_token.revoke")
    assert entry.before["revoked_at"] is None and entry.after["revoked_at"]


def test_only_the_owner_or_an_hr_admin_revokes(world):
    token, _raw = token_create(actor=world.employee, name="CRM")
    with pytest.raises(PermissionDeniedError):
        token_revoke(actor=world.other_employee, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    token_revoke(actor=world.hr_admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_twice_is_refused(world):
    token, _raw = token_create(actor=world.employee, name="CRM")
    token_revoke(actor=world.employee, token=token)
    with pytest.raises(DomainError) as exc:
        token_revoke(actor=world.employee, token=token)
    assert exc.value.code == "token_revoked"
    assert AuditLog.objects.filter(action="core.api_token.revoke").count() == 1


# --- API authentication ---------------------------------------------------------------


def test_a_bearer_token_authenticates_as_its_owner(world):
    response = ApiClient(token_for(world.employee)).get("/org/employees")
    assert response.status_code == 200
    assert [e["name"] for e in response.json()["items"]] == ["陈静"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_get_401(world, method):
    client = ApiClient()
    response = getattr(client, method)("/org/employees")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "Bearer" in body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_401(world):
    response = ApiClient("ml_not-a-real-token").get("/org/employees")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_gets_401(world):
    token, raw = token_create(actor=world.employee, name="CRM")
    token_revoke(actor=world.employee, token=token)
    assert ApiClient(raw).get("/org/employees").status_code == 401


def test_a_token_of_a_disabled_login_gets_401(world):
    raw = token_for(world.employee)
    world.employee.is_active = False
    world.employee.save()
    assert ApiClient(raw).get("/org/employees").status_code == 401


def test_a_token_of_an_employee_who_left_gets_401(world):
    raw = token_for(world.employee)
    employee_leave(
        actor=world.hr_admin,
        employee=world.chenjing,
        leave_date=date(2025, 6, 30),
        reason="resigned",
    )
    assert ApiClient(raw).get("/org/employees").status_code == 401


def test_a_bad_bearer_token_is_refused_even_with_a_session(world):
    client = ApiClient("ml_wrong")
    client.client.force_login(world.hr_admin)
    assert client.get("/org/employees").status_code == 401


def test_a_malformed_authorization_header_falls_back_to_401(world):
    client = ApiClient()
    client.headers["Authorization"] = "Basic dXNlcjpwYXNz"
    assert client.get("/org/employees").status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(world):
    token, raw = token_create(actor=world.employee, name="CRM")
    client = ApiClient(raw)
    client.get("/org/employees")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/org/employees")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/org/employees")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_the_session_authenticates_the_browser(world):
    client = Client()
    client.force_login(world.manager)
    response = client.get("/api/v1/org/employees", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert {e["name"] for e in response.json()["items"]} == {"张伟", "陈静", "孙磊"}


def test_an_unsafe_session_request_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.hr_admin)
    client.get(TOKENS_URL)  # sets the CSRF cookie
    body = json.dumps({"code": "NEW", "name": "新部门", "entity": "SH"})
    url = "/api/v1/org/departments"
    headers = {"Accept-Language": "en"}
    refused = client.post(url, body, content_type="application/json", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        url, body, content_type="application/json", headers={**headers, "X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


def test_a_token_request_needs_no_csrf_token(world):
    client = ApiClient(token_for(world.hr_admin))
    client.client = Client(enforce_csrf_checks=True)
    response = client.post("/org/departments", {"code": "NEW", "name": "新部门", "entity": "SH"})
    assert response.status_code == 201


# --- the tokens page ------------------------------------------------------------------


@pytest.fixture
def browser(world, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages ignore Accept-Language
    client.force_login(world.employee)
    return client


def test_the_tokens_page_needs_a_login(world):
    response = Client().get(TOKENS_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_tokens_page_lists_only_my_tokens(world, browser):
    token_create(actor=world.employee, name="Mine")
    token_create(actor=world.other_employee, name="Theirs")
    response = browser.get(TOKENS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine" in html and "Theirs" not in html


def test_the_tokens_page_shows_an_empty_state(world, browser):
    html = browser.get(TOKENS_URL).content.decode()
    assert "No API tokens yet" in html


def test_creating_shows_the_token_once(world, browser):
    response = browser.post(TOKENS_URL + "create/", {"name": "CRM sync"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=world.employee)
    raw = response.context["raw_token"]
    assert raw.startswith(token.prefix) and hash_token(raw) == token.key_hash
    assert raw in response.content.decode()
    again = browser.get(TOKENS_URL).content.decode()
    assert raw not in again and token.prefix in again
    assert ApiClient(raw).get("/org/employees").status_code == 200


def test_creating_with_no_name_shows_the_error_and_creates_nothing(world, browser):
    response = browser.post(TOKENS_URL + "create/", {"name": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_creating_a_duplicate_name_shows_the_service_message(world, browser):
    token_create(actor=world.employee, name="CRM")
    response = browser.post(TOKENS_URL + "create/", {"name": "CRM"})
    assert response.status_code == 400
    assert "already have an active token" in response.context["form"].errors["name"][0]
    assert ApiToken.objects.count() == 1


def test_revoking_from_the_page(world, browser):
    token, raw = token_create(actor=world.employee, name="CRM")
    response = browser.post(f"{TOKENS_URL}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = browser.get(response["Location"]).content.decode()
    assert "is revoked" in page
    assert ApiClient(raw).get("/org/employees").status_code == 401


def test_revoking_needs_a_post(world, browser):
    token, _raw = token_create(actor=world.employee, name="CRM")
    assert browser.get(f"{TOKENS_URL}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_users_token_is_not_found(world, browser):
    token, _raw = token_create(actor=world.other_employee, name="Theirs")
    assert browser.post(f"{TOKENS_URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

"""Sign in, sign out and the lockout after repeated failures (django-axes)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from meritline.core.models import User

LOGIN = "/accounts/login/"


@pytest.fixture
def alice(db: None) -> User:
    user = User.objects.create_user(username="alice", password="correct-horse-1")
    return user


@pytest.fixture(autouse=True)
def english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _fail(client, username: str = "alice", ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=ip)


def test_login_url_names_are_plain_for_login_url_setting() -> None:
    assert reverse(settings.LOGIN_URL) == LOGIN
    assert reverse("logout") == "/accounts/logout/"


def test_login_page_renders_branded_form_for_anonymous(client, db) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meritline" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "ml-sidebar" not in html  # no navigation before signing in


def test_login_with_right_password_goes_home(client, alice) -> None:
    response = client.post(LOGIN, {"username": "alice", "password": "correct-horse-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get("/").wsgi_request.user.username == "alice"


def test_login_follows_next_parameter(client, alice) -> None:
    response = client.post(
        LOGIN, {"username": "alice", "password": "correct-horse-1", "next": "/audit/"}
    )
    assert response["Location"] == "/audit/"


def test_login_with_wrong_password_shows_error_next_to_form(client, alice) -> None:
    response = _fail(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="login-error"' in html
    assert not response.wsgi_request.user.is_authenticated
    assert 'value="alice"' in html  # the username is kept


def test_signed_in_user_visiting_login_goes_home(client, alice) -> None:
    client.force_login(alice)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_home_requires_login(client, db) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=/")


def test_five_failures_lock_the_account_even_with_the_right_password(client, alice) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _fail(client).status_code == 200
    locked = _fail(client)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'id="lockout"' in html
    assert "alice" in html
    right = client.post(
        LOGIN, {"username": "alice", "password": "correct-horse-1"}, REMOTE_ADDR="10.0.0.1"
    )
    assert right.status_code == 429
    assert not right.wsgi_request.user.is_authenticated


def test_lockout_is_per_username_and_address(client, alice) -> None:
    User.objects.create_user(username="bob", password="correct-horse-2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client)
    other_user = client.post(
        LOGIN, {"username": "bob", "password": "correct-horse-2"}, REMOTE_ADDR="10.0.0.1"
    )
    assert other_user.status_code == 302
    client.logout()
    other_address = client.post(
        LOGIN, {"username": "alice", "password": "correct-horse-1"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_address.status_code == 302


def test_lockout_page_speaks_the_chosen_language(client, alice) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _fail(client)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Account temporarily locked" in html
    assert "1 hour" in html


def test_logout_needs_post_and_ends_the_session(client, alice) -> None:
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302

"""The product shell: navigation by role, language switch, messages, error pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.template.loader import get_template
from django.test import RequestFactory
from django.views.defaults import server_error

NAV = 'aria-label="Main navigation"'


def _nav(html: str) -> str:
    start = html.index(NAV)
    return html[start : html.index("</aside>", start)]


def test_layout_shows_brand_user_and_role_badges(client, world) -> None:
    client.force_login(world.hr_admin)
    html = client.get("/").content.decode()
    assert "Meritline" in html
    assert "王芳" in html
    assert "ml-role-hr_admin" in html
    assert 'action="/accounts/logout/"' in html and 'method="post"' in html
    assert 'href="/accounts/tokens/"' in html


@pytest.mark.parametrize(
    ("role", "sees_audit"),
    [
        ("hr_admin", True),
        ("auditor", True),
        ("hrbp", False),
        ("sales_manager", False),
        ("employee", False),
        ("finance", False),
    ],
)
def test_audit_log_link_only_for_audit_readers(client, world, role, sees_audit) -> None:
    client.force_login(world.user(role))
    nav = _nav(client.get("/").content.decode())
    assert ('href="/audit/"' in nav) is sees_audit
    assert 'href="/"' in nav


@pytest.mark.parametrize("role", ["hr_admin", "hrbp"])
def test_import_link_for_people_managers(client, world, role) -> None:
    from django.urls import reverse

    import_url = reverse("org_import:employees")
    client.force_login(world.user(role))
    assert f'href="{import_url}"' in _nav(client.get("/").content.decode())
    client.force_login(world.employee)
    assert f'href="{import_url}"' not in _nav(client.get("/").content.decode())


def test_no_inline_scripts_in_layout(client, world) -> None:
    client.force_login(world.hr_admin)
    html = client.get("/").content.decode()
    for chunk in html.split("<script")[1:]:
        head, _, rest = chunk.partition(">")
        assert "src=" in head or "application/json" in head, head
        if "src=" in head:
            assert rest.startswith("</script>")


def test_default_language_is_simplified_chinese(client, db) -> None:
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "用户名" in html  # Django's own translation of the username label
    assert "English" in html  # the switch offers the other language


def test_language_switch_changes_html_lang_and_texts(client, db) -> None:
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "用户名" in client.get("/accounts/login/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html and "用户名" not in html
    assert "简体中文" in html  # and back
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-Hans">' in client.get("/accounts/login/").content.decode()


def test_language_switch_in_layout_posts_to_set_language(client, world) -> None:
    client.force_login(world.employee)
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="zh-hans"' in html  # English is on: offer Chinese
    assert 'name="next" value="/"' in html


def test_messages_render_as_tabler_alerts(rf: RequestFactory, world) -> None:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    from meritline.web.views import home

    request = rf.get("/")
    request.user = world.employee
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(constants.ERROR, "Something failed")
    request._messages.add(constants.SUCCESS, "Saved")
    html = home(request).content.decode()
    assert "alert alert-danger" in html and "Something failed" in html
    assert "alert alert-success" in html and "Saved" in html


def test_404_page_uses_the_layout(client, world) -> None:
    client.force_login(world.employee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ml-sidebar" in html and "404" in html


def test_404_page_renders_for_anonymous_visitors(client, db) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404" in response.content.decode()


def test_500_page_renders_without_a_request_context(rf: RequestFactory) -> None:
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "500" in html and "Meritline" in html
    assert "/static/web/app.css" in get_template("500.html").render()


def test_403_page_uses_the_layout(client, world) -> None:
    client.force_login(world.employee)
    response = client.get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "403" in html and "ml-sidebar" in html

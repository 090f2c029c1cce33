"""The foundation's pages in a real browser (Playwright + Debian's chromium)."""

from __future__ import annotations

import re

import pytest

from meritline.org.models import Employee
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_refuses_a_wrong_password_then_lets_the_user_in(page):
    login(page, "wangfang", "wrong-password")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger, .invalid-feedback").first.is_visible()
    shot(page, "login-error")
    login(page, "wangfang")
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    assert page.locator("main, #main").first.get_by_text("王芳").first.is_visible()
    shot(page, "home-hr-admin")


def test_language_switch_turns_the_page_english_and_back(page):
    login(page, "wangfang")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto(page.base_url + "/org/employees/")
    page.locator("form.ml-lang-form button:visible").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/org/employees/" in page.url
    shot(page, "employees-en")
    page.locator("form.ml-lang-form button:visible").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_hr_admin_creates_an_employee_and_sees_field_errors_first(page, world):
    login(page, "wangfang")
    page.goto(page.base_url + "/org/employees/new/")
    page.fill("input[name=employee_no]", "XH00004")  # taken by 陈静
    page.fill("input[name=name]", "周新")
    page.select_option("select[name=entity]", str(world.sh.pk))
    page.fill("input[name=hire_date]", "2026-11-02")
    page.select_option("select[name=department]", str(world.team_a.pk))
    page.select_option("select[name=position]", str(world.rep.pk))
    page.fill("input[name=id_number]", "110105194912310021")  # wrong check digit
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    error = page.locator("input[name=employee_no] ~ .invalid-feedback, .invalid-feedback").first
    assert error.is_visible()
    shot(page, "employee-create-errors")
    assert not Employee.objects.filter(name="周新").exists()

    page.fill("input[name=employee_no]", "XH00100")
    page.fill("input[name=id_number]", "11010519491231002X")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    created = Employee.objects.get(employee_no="XH00100")
    assert re.search(rf"/org/employees/{created.pk}/$", page.url)
    assert page.locator("main, #main").first.get_by_text("周新").first.is_visible()
    shot(page, "employee-created")


def test_an_employee_sees_only_their_own_profile(page, world):
    login(page, "chenjing")
    page.goto(page.base_url + "/org/employees/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "陈静" in rows.first.inner_text()
    page.goto(page.base_url + f"/org/employees/{world.chenjing.pk}/")
    assert page.locator("main, #main").first.get_by_text("陈静").first.is_visible()
    shot(page, "employee-own-profile")
    response = page.goto(page.base_url + f"/org/employees/{world.sunlei.pk}/")
    assert response.status == 404
    assert "孙磊" not in page.content()


def test_org_chart_renders_on_a_phone(phone, world):
    login(phone, "zhangwei")
    phone.goto(phone.base_url + "/org/chart/")
    phone.wait_for_selector("#org-chart svg, #org-chart canvas")
    phone.wait_for_timeout(800)
    box = phone.locator("#org-chart").first.bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] > 200
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, "the page must not scroll sideways on a phone"
    for name in ("张伟", "陈静", "孙磊"):
        assert name in phone.content()
    assert "刘洋" not in phone.content()
    shot(phone, "org-chart-phone")

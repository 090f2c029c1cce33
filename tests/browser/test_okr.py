"""OKRs in a real browser: 陈静 checks in on a phone in two taps; 张伟 follows the
alignment tree and the progress line of her objective."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from meritline.performance.okr.models import CheckIn
from meritline.performance.okr.services.checkins import check_in_create
from tests.browser.conftest import login, shot
from tests.okr.builders import tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/okr")  # noqa: S108 - where the team looks at screenshots


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shot(pg, f"okr-{name}")


def test_a_check_in_in_two_taps_on_a_phone(phone, world):
    okr = tree(world)
    kr = okr["person"].key_results.first()
    login(phone, "chenjing")
    phone.goto(phone.base_url + "/performance/okr/")
    assert "陈静拓展央企客户" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "mine-phone")
    card = phone.locator(f"#kr-{kr.pk}")
    card.locator("summary").click()  # tap 1: open the check-in
    card.locator("input[name=value]").fill("4")
    _shot(phone, "check-in-open-phone")
    card.locator("button[type=submit]").click()  # tap 2: save
    phone.wait_for_load_state("networkidle")
    row = CheckIn.objects.get()
    assert (row.value, row.confidence) == (4, "high")
    assert "0.40" in phone.locator(f"#kr-{kr.pk}").inner_text()
    _shot(phone, "checked-in-phone")


def test_the_manager_follows_the_tree_and_the_progress_line(page, world):
    okr = tree(world)
    krs = list(okr["person"].key_results.all())
    start = okr["person"].period.starts_on
    for days, kr, value in [(5, krs[0], 2), (20, krs[0], 5), (30, krs[2], 1), (40, krs[1], 4e7)]:
        row = check_in_create(
            actor=world.employee, key_result=kr, value=Decimal(value), confidence="high"
        )
        moment = timezone.make_aware(
            timezone.datetime.combine(start + timedelta(days=days), timezone.datetime.min.time())
        )
        CheckIn.objects.filter(pk=row.pk).update(created_at=moment)
    login(page, "zhangwei")
    page.goto(page.base_url + "/performance/okr/tree/")
    text = page.locator(".ml-okr-tree").first.inner_text()
    assert text.index("成为政企客户首选") < text.index("政企大客户部拿下头部客户")
    _shot(page, "tree")
    page.goto(page.base_url + f"/performance/okr/{okr['person'].pk}/")
    page.wait_for_selector("#okr-chart svg")
    assert page.locator(".ml-okr-history tbody tr").count() == 4
    _shot(page, "detail")


def test_setting_an_objective_and_its_key_results_on_a_phone(phone, world):
    okr = tree(world)
    login(phone, "chenjing")
    phone.goto(phone.base_url + "/performance/okr/new/")
    phone.fill("input[name=title]", "打造行业标杆案例")
    phone.select_option("select[name=parent]", str(okr["team"].pk))
    _shot(phone, "new-objective-phone")
    phone.locator("form.ml-okr-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    phone.fill("input[name=form-0-title]", "标杆案例上线")
    phone.select_option("select[name=form-0-measure]", "milestone")
    phone.fill("input[name=form-0-weight]", "60")
    phone.fill("input[name=form-1-title]", "案例带来签约")
    phone.select_option("select[name=form-1-measure]", "currency")
    phone.fill("input[name=form-1-target]", "500000")
    phone.fill("input[name=form-1-weight]", "30")
    phone.locator("form.ml-okr-kr-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator(".ml-form-errors").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "key-results-error-phone")
    phone.fill("input[name=form-1-weight]", "40")
    phone.locator("form.ml-okr-kr-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert "/key-results/" not in phone.url
    assert "¥500,000.00" in phone.content()
    _shot(phone, "objective-phone")

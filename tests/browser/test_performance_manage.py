"""Performance management in a real browser: HR re-weights a KPI template (a set not
adding up to 100 % is refused with its sum), opens and scores a cycle; 张伟 calibrates a
grade of his team on a phone, with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from meritline.performance.models import Cycle
from tests.browser.conftest import ARTIFACTS, login
from tests.performance.conftest import chenjing_sales, pw  # noqa: F401 - the performance cast
from tests.sales.conftest import sw  # noqa: F401 - the sales cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots go beside the others unless MERITLINE_SHOTS names a folder.
SHOTS = Path(os.environ.get("MERITLINE_SHOTS", str(ARTIFACTS / "performance-manage")))


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_hr_reweights_a_template_then_opens_and_scores_a_cycle(page, chenjing_sales):  # noqa: F811
    template = chenjing_sales.templates["MATURE-PLATFORM"]
    login(page, "wangfang")
    page.goto(page.base_url + f"/performance/templates/{template.pk}/versions/new/")
    page.fill("input[name=valid_from]", "2027-01-01")
    page.fill("input[name='items-0-weight']", "45")  # 45 + 25 + 25 = 95
    page.locator("form.ml-kpi-editor button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "95" in page.locator(".ml-kpi-problems").inner_text()
    shot(page, "template-weights-refused")
    page.fill("input[name='items-0-weight']", "50")
    page.fill("input[name='items-1-weight']", "30")
    page.fill("input[name='items-2-weight']", "20")
    page.locator("form.ml-kpi-editor button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/performance/templates/{template.pk}/")
    assert "~" in page.locator(".ml-weight-diff").inner_text()
    shot(page, "template-history")

    page.goto(page.base_url + "/performance/cycles/new/")
    page.select_option("select[name=platform]", str(chenjing_sales.w.platform.pk))
    page.fill("input[name=period]", "2026-Q3")
    page.fill("input[name=min_team_size]", "1")
    page.locator("form.ml-performance-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    cycle = Cycle.objects.get(period="2026-Q3")
    page.locator(f"form[action='/performance/cycles/{cycle.pk}/score/'] button").click()
    page.wait_for_load_state("networkidle")
    cycle.refresh_from_db()
    assert cycle.status == "scoring"
    assert page.locator(".ml-appraisal-table").inner_text().count("陈静") == 1
    shot(page, "cycle-scored")
    chenjing = cycle.appraisals.get(employee__name="陈静")
    page.goto(page.base_url + f"/performance/appraisals/{chenjing.pk}/")
    assert "营收" in page.locator(".ml-kpi-table").inner_text()
    shot(page, "appraisal")


def test_a_manager_calibrates_on_a_phone_with_a_reason(phone, chenjing_sales):  # noqa: F811
    from meritline.performance.services.cycles import cycle_open
    from meritline.performance.services.scoring import cycle_score

    w = chenjing_sales.w
    cycle = cycle_open(
        actor=w.hr_admin,
        platform=w.platform,
        period="2026-Q3",
        guideline={"max_share": {"S": "10", "A": "20"}, "min_team_size": 1},
    )
    cycle_score(actor=w.hr_admin, cycle=cycle)
    sunlei = cycle.appraisals.get(employee=w.sunlei)
    login(phone, "zhangwei")
    phone.goto(phone.base_url + f"/performance/cycles/{cycle.pk}/calibration/")
    form = phone.locator(f"form[action='/performance/appraisals/{sunlei.pk}/calibrate/']")
    form.locator("select[name=grade]").select_option("S")
    form.locator("button").click()
    phone.wait_for_load_state("networkidle")
    assert "校准必须填写理由" in phone.content()
    sunlei.refresh_from_db()
    assert sunlei.calibrated_grade == ""
    phone.go_back()
    phone.wait_for_load_state("networkidle")
    form = phone.locator(f"form[action='/performance/appraisals/{sunlei.pk}/calibrate/']")
    form.locator("select[name=grade]").select_option("S")
    form.locator("input[name=reason]").fill("牵头完成省级政务云项目")
    form.locator("button").click()
    phone.wait_for_load_state("networkidle")
    sunlei.refresh_from_db()
    assert (sunlei.calibrated_grade, sunlei.calibration_reason) == ("S", "牵头完成省级政务云项目")
    assert phone.locator(".ml-calibration-warnings").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "calibration-phone")


def test_targets_cascade_and_cycle_list_pages(page, phone, pw):  # noqa: F811
    from meritline.performance.services.targets import target_set

    w = pw.w
    for level, value, extra in (
        ("company", 90_000_000, {}),
        ("platform", 60_000_000, {"platform": w.platform}),
        ("employee", 30_000_000, {"employee": w.chenjing}),
        ("employee", 20_000_000, {"employee": w.sunlei}),
    ):
        target_set(
            actor=w.hr_admin,
            level=level,
            period="2026-Q4",
            metric="sales_amount",
            value=value,
            **extra,
        )
    login(page, "wangfang")
    page.goto(page.base_url + "/performance/cycles/")
    assert page.locator(".ml-due-cycles").is_visible()
    shot(page, "cycle-list-due")
    page.goto(page.base_url + "/performance/cycles/new/")
    shot(page, "cycle-new")
    page.goto(page.base_url + "/performance/targets/?period=2026-Q4")
    assert page.locator(".ml-target-table").inner_text().count("陈静") == 1
    shot(page, "targets")
    page.goto(page.base_url + "/performance/targets/import/")
    shot(page, "targets-import")
    login(phone, "zhangwei")
    phone.goto(phone.base_url + "/performance/targets/cascade/?period=2026-Q4")
    assert phone.locator(".ml-target-gap").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "cascade-phone")

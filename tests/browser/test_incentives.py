"""Incentives in a real browser: finance calculates and approves a period; 陈静 opens her
statement on a phone, reads why she earns what she earns, and downloads the PDF."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest

from meritline.incentives.models import Run, RunStatus
from tests.browser.conftest import login, shot
from tests.incentives.conftest import iw, sign  # noqa: F401 - the incentive cast
from tests.sales.conftest import sw  # noqa: F401 - the sales cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENTENCE = "合同 D-1024 签约额 ¥1,200,000.00 达到 ≥¥1,000,000 档位，提成 2% → ¥24,000.00"


def test_finance_runs_a_period_and_the_rep_reads_her_statement_on_a_phone(
    page,
    phone,
    iw,  # noqa: F811
):
    sign(iw.sw, date(2026, 10, 8), 1_200_000, number="D-1024")
    sign(iw.sw, date(2026, 10, 9), 300_000, owner="XH00005")

    login(page, "zhouting")
    page.goto(page.base_url + "/incentives/runs/new/")
    page.select_option("select[name=plan_version]", str(iw.version.pk))
    page.fill("input[name=period]", "2026-10")
    shot(page, "incentives-calculate")
    page.locator("form.ml-incentive-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    run = Run.objects.get()
    assert page.url.endswith(f"/incentives/runs/{run.pk}/")
    assert "¥27,000.00" in page.content()
    shot(page, "incentives-run-draft")
    page.locator(f"form[action='/incentives/runs/{run.pk}/approve/'] button").click()
    page.wait_for_load_state("networkidle")
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    shot(page, "incentives-run-approved")

    login(phone, "chenjing")
    phone.goto(phone.base_url + "/incentives/statements/")
    assert SENTENCE in phone.locator(".ml-statement-part").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "incentives-statement-phone")
    with phone.expect_download() as info:
        phone.locator("a.ml-pdf").click()
    download = info.value
    assert download.suggested_filename == "statement-XH00004-2026-10.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_the_estimator_answers_on_a_phone(phone, iw):  # noqa: F811
    login(phone, "chenjing")
    phone.goto(phone.base_url + "/incentives/estimate/")
    phone.fill("input[name=amount]", "1200000")
    phone.get_by_role("button", name="估算").or_(
        phone.locator("form.ml-estimate-form button")
    ).first.click()
    phone.wait_for_load_state("networkidle")
    answer = phone.locator(".ml-estimate-answer").inner_text()
    assert "¥1,200,000.00" in answer
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "incentives-estimator-phone")


LIFECYCLE_SHOTS = Path(tempfile.gettempdir()) / "shots" / "incentive-lifecycle"


def lifecycle_shot(pg, name: str) -> None:
    shot(pg, name)
    LIFECYCLE_SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(LIFECYCLE_SHOTS / f"{name}.png"), full_page=True)


def test_the_run_page_follows_a_background_calculation_on_a_phone(phone, iw):  # noqa: F811
    from unittest import mock

    from meritline.incentives.services.jobs import run_calculation_execute, run_calculation_queue

    sign(iw.sw, date(2026, 10, 8), 1_200_000, number="D-1024")
    with mock.patch("meritline.incentives.tasks.calculate_run.delay"):  # no worker yet
        job = run_calculation_queue(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    login(phone, "zhouting")
    phone.goto(phone.base_url + f"/incentives/runs/{job.run_id}/")
    assert phone.locator(".ml-run-job .progress").is_visible()
    assert "等待" in phone.locator(".ml-run-job .ml-progress-phase").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    lifecycle_shot(phone, "incentives-run-queued-phone")
    run_calculation_execute(job.pk)  # the worker; the page polls and reloads itself
    phone.wait_for_selector(".ml-run-job", state="detached", timeout=15_000)
    assert "完成" in phone.locator(".ml-job-status").inner_text()
    assert "¥24,000.00" in phone.content()
    lifecycle_shot(phone, "incentives-run-done-phone")


def test_a_reviewer_sends_a_version_back_with_a_reason(page, iw):  # noqa: F811
    from meritline.incentives.services.plans import plan_version_create, plan_version_submit
    from tests.incentives.conftest import plan_text

    version = plan_version_submit(
        actor=iw.w.hr_admin,
        version=plan_version_create(
            actor=iw.w.hr_admin,
            plan=iw.plan,
            document=plan_text("pay2_tiered_commission"),
            valid_from=date(2026, 7, 1),
            note="第二档改为 2.5%",
        ),
    )
    login(page, "zhouting")
    page.goto(page.base_url + f"/incentives/versions/{version.pk}/")
    form = page.locator("form.ml-version-reject")
    form.locator("button[type=submit]").click()  # no reason: refused under the field
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_reason_error").is_visible()
    lifecycle_shot(page, "incentives-version-reject-refused")
    page.fill("form.ml-version-reject textarea[name=reason]", "第二档费率需财务总监确认")
    page.locator("form.ml-version-reject button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "第二档费率需财务总监确认" in page.locator(".ml-version-rejected").inner_text()
    version.refresh_from_db()
    assert version.status == "draft"
    lifecycle_shot(page, "incentives-version-sent-back")
    page.goto(page.base_url + f"/incentives/versions/{iw.version.pk}/")
    lifecycle_shot(page, "incentives-version-retire-form")
    page.fill("form.ml-version-retire input[name=retire_from]", "2026-06-01")
    page.fill("form.ml-version-retire input[name=reason]", "改用新方案")
    page.locator("form.ml-version-retire button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "2026-05-31" in page.locator(".ml-version-retired").inner_text()
    lifecycle_shot(page, "incentives-version-retired")

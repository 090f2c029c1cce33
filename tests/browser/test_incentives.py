"""Incentives in a real browser: finance calculates and approves a period; 陈静 opens her
statement on a phone, reads why she earns what she earns, and downloads the PDF."""

from __future__ import annotations

from datetime import date

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

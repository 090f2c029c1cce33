"""Importing a deals file in a real browser: upload, column mapping, check, import."""

from __future__ import annotations

import pytest

from meritline.sales.models import Deal
from tests.browser.conftest import login, shot
from tests.sales.conftest import sw  # noqa: F401 - the sales cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "单号,日期,成交价,客户编号,负责人工号,分成\n"
    'T-1,2026-03-01,"1,200,000.00",C-1,XH00004,XH00004:60%;XH00005:40%\n'
    "T-2,2026-03-02,abc,C-1,XH00004,\n"
    "T-3,2026-03-03,8000,NOPE,XH00004,\n"
).encode("gbk")


def test_finance_maps_checks_and_imports_a_deals_file(page, sw):  # noqa: F811
    login(page, "zhouting")
    page.goto(page.base_url + "/sales/imports/")
    page.select_option("select[name=kind]", "deals")
    page.select_option("select[name=platform]", "GOV")
    page.fill("input[name=source]", "crm")
    page.set_input_files(
        "input[name=file]", {"name": "天猫订单.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    shot(page, "sales-import-upload")
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state("networkidle")
    assert "各列对应的字段" in page.content()
    page.select_option("select[name=col_external_id]", "单号")
    page.select_option("select[name=col_signed_on]", "日期")
    page.select_option("select[name=col_amount]", "成交价")
    samples = page.locator("#samples-col_amount")
    assert "1,200,000.00" in samples.inner_text()
    page.check("input[name=save_mapping]")
    shot(page, "sales-import-mapping")
    page.get_by_role("button", name="仅检查").click()
    page.wait_for_load_state("networkidle")
    report = page.content()
    assert "这是一次检查" in report and "“abc”不是以元为单位的金额" in report
    assert not Deal.objects.exists()
    shot(page, "sales-import-check-report")
    page.get_by_role("button", name="只导入有效行").click()
    page.wait_for_load_state("networkidle")
    assert "已导入" in page.content()
    assert Deal.objects.get().amount_fen == 120_000_000
    shot(page, "sales-import-done")


def test_the_import_report_fits_a_phone(phone, sw):  # noqa: F811
    login(phone, "zhouting")
    phone.goto(phone.base_url + "/sales/imports/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "sales-import-phone")

"""What people see, in a real browser: 陈静's dashboard on a phone (live score, fourth of
six and what closes the gap to the top 3), the leaderboard with her row marked, her
performance report with what to improve, and 张伟's platform comparison with its charts."""

from __future__ import annotations

import pytest

from tests.analytics.conftest import aw  # noqa: F401 - the analytics cast
from tests.browser.conftest import login, shot
from tests.performance.conftest import chenjing_sales, pw  # noqa: F401 - the performance cast
from tests.sales.conftest import sw  # noqa: F401 - the sales cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chenjing_sees_where_she_stands_on_her_phone(phone, aw):  # noqa: F811
    login(phone, "chenjing")
    phone.goto(phone.base_url + "/analytics/me/")
    assert phone.get_by_test_id("final-score").inner_text().strip() == "105.00"
    standing = phone.get_by_test_id("team-standing").inner_text()
    assert "第 4 名，共 6 人" in standing and "营收" in standing
    assert "¥500,000.00" in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard is {width}px wide on a 390px phone"
    shot(phone, "analytics/dashboard-phone")

    phone.goto(phone.base_url + "/analytics/leaderboards/")
    mine = phone.locator("tr.ml-board-me")
    assert mine.count() == 1 and "陈静" in mine.inner_text()
    shot(phone, "analytics/leaderboard-phone")

    phone.goto(phone.base_url + "/analytics/report/")
    assert "陈静" in phone.content()
    shot(phone, "analytics/report-phone")


def test_the_manager_compares_platforms_with_charts(page, aw):  # noqa: F811
    login(page, "zhangwei")
    page.goto(page.base_url + "/analytics/platforms/")
    page.wait_for_selector("#compare-mean svg")
    page.wait_for_selector("#compare-trend svg")
    assert "政企大客户部" in page.content()
    page.wait_for_timeout(1500)  # let ECharts finish drawing before the screenshot
    shot(page, "analytics/platform-comparison")


def test_a_rep_may_not_compare_platforms(page, aw):  # noqa: F811
    login(page, "chenjing")
    response = page.goto(page.base_url + "/analytics/platforms/")
    assert response is not None and response.status == 403

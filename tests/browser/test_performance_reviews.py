"""Reviews in a real browser: 孙磊 rates his colleague 陈静 on a phone; a customer answers
through a one-time link and finds it used the second time; 张伟 chooses reviewers; 陈静
reads her results with her peers kept anonymous."""

from __future__ import annotations

from pathlib import Path

import pytest

from meritline.performance.models import ReviewAnswer
from meritline.performance.services.reviews import review_link_create
from tests.browser.conftest import login
from tests.performance.test_reviews_cast import rw  # noqa: F401 - the reviews cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/reviews")  # noqa: S108 - where the reviewers of the pages look


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_colleague_rates_on_a_phone(phone, rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    login(phone, "sunlei")
    phone.goto(phone.base_url + "/performance/reviews/")
    shot(phone, "todo-phone")
    phone.locator(".ml-review-todo a.card").first.click()
    phone.wait_for_load_state("networkidle")
    assert phone.url.endswith(f"/performance/reviews/{a.pk}/")
    phone.locator("input[name=score_teamwork][value='4'] + span").click()
    shot(phone, "rate-phone")
    phone.locator("form.ml-rating-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert phone.url.endswith(f"/performance/reviews/{a.pk}/")  # one item left unrated
    assert phone.locator(".ml-rating-item.has-error legend").inner_text() == "客户服务"
    assert not ReviewAnswer.objects.exists()
    phone.locator("input[name=score_service][value='5'] + span").click()
    phone.locator("form.ml-rating-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert phone.url.endswith("/performance/reviews/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "todo-done-phone")
    assert dict(ReviewAnswer.objects.values_list("item", "score")) == {"teamwork": 4, "service": 5}


def test_a_customer_answers_once_through_the_link(phone, rw):  # noqa: F811
    _a, token = review_link_create(
        actor=rw.w.hr_admin, appraisal=rw.appraisal(rw.w.chenjing), contact="华星科技 王总"
    )
    url = f"{phone.base_url}/performance/reviews/customer/{token}/"
    phone.goto(url)
    assert "华星科技 王总" in phone.content()
    phone.locator("input[name=score_teamwork][value='5'] + span").click()
    phone.locator("input[name=score_service][value='4'] + span").click()
    phone.fill("textarea[name=comment]", "响应很快")
    shot(phone, "customer-phone")
    phone.locator("form.ml-rating-form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator(".ml-link-thanks").count() == 1
    phone.goto(url)
    assert phone.locator(".ml-link-link_used").count() == 1
    shot(phone, "customer-used-phone")


def test_the_manager_chooses_reviewers_and_the_rep_reads_her_results(page, rw):  # noqa: F811
    w = rw.w
    pk = rw.appraisal(w.chenjing).pk
    login(page, "zhangwei")
    page.goto(f"{page.base_url}/performance/appraisals/{pk}/reviewers/")
    page.select_option(
        "select[name=peers]", [str(w.sunlei.pk), str(w.zhouting.pk), str(w.wuhao.pk)]
    )
    page.locator("form.ml-defaults-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.ml-reviewers tbody tr").count() == 5
    shot(page, "reviewers")
    for assignment in rw.appraisal(w.chenjing).review_assignments.select_related("rater__user"):
        rw.rate(assignment, 4 if assignment.group != "self" else 5, 4, f"{assignment.group}意见")
    page.context.clear_cookies()
    login(page, "chenjing")
    page.goto(f"{page.base_url}/performance/appraisals/{pk}/reviews/")
    text = page.content()
    assert "孙磊" not in text and "周婷" not in text and "吴昊" not in text
    assert "peer意见" in page.locator(".ml-anonymous-comments").inner_text()
    assert (
        page.locator(".ml-review-item[data-item=teamwork] .ml-review-value").inner_text() == "4.11"
    )  # (50 × 4 + 30 × 4 + 10 × 5) ÷ 90
    shot(page, "results")

"""Review pages and API: the rater's to-do list and form (a bad rating re-shows the form
with the reason and saves nothing), the customer's public page and its used / expired /
unknown states, choosing reviewers, and the results with anonymity honoured."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from meritline.performance.models import ReviewAnswer, ReviewAssignment
from meritline.performance.services.reviews import review_link_create
from tests.performance.test_reviews_cast import rw  # noqa: F401 - the reviews cast


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_rater_sees_the_review_to_give_and_rates_it(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    c = _client(w.other_employee)
    todo = c.get("/performance/reviews/").content.decode()
    assert "陈静" in todo and f"/performance/reviews/{a.pk}/" in todo
    form = c.get(f"/performance/reviews/{a.pk}/").content.decode()
    assert 'name="score_teamwork" value="5"' in form and "团队协作" in form
    response = c.post(
        f"/performance/reviews/{a.pk}/", {"score_teamwork": "4", "score_service": "5"}
    )
    assert response.status_code == 302
    assert dict(ReviewAnswer.objects.values_list("item", "score")) == {
        "teamwork": Decimal(4),
        "service": Decimal(5),
    }


def test_a_rating_off_the_scale_re_shows_the_form_with_the_reason(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    c = _client(w.other_employee)
    c.cookies["django_language"] = "en"
    response = c.post(
        f"/performance/reviews/{a.pk}/",
        {"score_teamwork": "7", "score_service": "5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "7 is outside the scale" in response.content.decode()
    assert not ReviewAnswer.objects.exists()


def test_someone_elses_review_is_not_found(rw):  # noqa: F811
    a = rw.ask(rw.w.chenjing, rw.w.sunlei)
    assert _client(rw.w.employee).get(f"/performance/reviews/{a.pk}/").status_code == 404
    assert _client(rw.w.hr_admin).post(f"/performance/reviews/{a.pk}/", {}).status_code == 404


def test_the_customer_rates_through_the_link_once(rw):  # noqa: F811
    _a, token = review_link_create(
        actor=rw.w.hr_admin, appraisal=rw.appraisal(rw.w.chenjing), contact="王总"
    )
    c = Client()
    page = c.get(f"/performance/reviews/customer/{token}/")
    assert page.status_code == 200 and "王总" in page.content.decode()
    bad = c.post(
        f"/performance/reviews/customer/{token}/", {"score_teamwork": "9", "score_service": "5"}
    )
    assert bad.status_code == 400 and not ReviewAnswer.objects.exists()
    ok = c.post(
        f"/performance/reviews/customer/{token}/", {"score_teamwork": "4", "score_service": "5"}
    )
    assert ok.status_code == 200 and "ml-link-thanks" in ok.content.decode()
    again = c.get(f"/performance/reviews/customer/{token}/")
    assert again.status_code == 410 and "ml-link-link_used" in again.content.decode()
    assert c.get("/performance/reviews/customer/nonsense/").status_code == 404


def test_an_expired_customer_link_says_so(rw):  # noqa: F811
    a, token = review_link_create(
        actor=rw.w.hr_admin, appraisal=rw.appraisal(rw.w.chenjing), contact="王总"
    )
    ReviewAssignment.objects.filter(pk=a.pk).update(
        link_expires_at=timezone.now() - timedelta(days=1)
    )
    page = Client().post(f"/performance/reviews/customer/{token}/", {"score_teamwork": "4"})
    assert page.status_code == 410 and "ml-link-link_expired" in page.content.decode()
    assert not ReviewAnswer.objects.exists()


def test_a_manager_chooses_reviewers_and_bad_choices_are_explained(rw):  # noqa: F811
    w = rw.w
    pk = rw.appraisal(w.chenjing).pk
    c = _client(w.manager)
    c.cookies["django_language"] = "en"
    assert c.get(f"/performance/appraisals/{pk}/reviewers/").status_code == 200
    response = c.post(
        f"/performance/appraisals/{pk}/reviewers/defaults/", {"peers": [w.sunlei.pk, w.wuhao.pk]}
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(appraisal_id=pk).count() == 4
    bad = c.post(
        f"/performance/appraisals/{pk}/reviewers/add/",
        {"group": "peer", "rater": w.chenjing.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and "cannot rate themself" in bad.content.decode()
    link = c.post(
        f"/performance/appraisals/{pk}/reviewers/customer-link/", {"contact": "王总", "days": "7"}
    )
    assert link.status_code == 200 and "/performance/reviews/customer/" in link.content.decode()
    assert ReviewAssignment.objects.filter(appraisal_id=pk).count() == 5
    bad_link = c.post(
        f"/performance/appraisals/{pk}/reviewers/customer-link/", {"contact": "王总", "days": "99"}
    )
    assert bad_link.status_code == 400
    assert ReviewAssignment.objects.filter(appraisal_id=pk).count() == 5


def test_the_employee_sees_aggregated_results_without_peer_names(rw):  # noqa: F811
    w = rw.w
    rw.rate(rw.ask(w.chenjing, w.zhangwei, "supervisor"), 4, 4)
    for rater in (w.sunlei, w.zhouting):
        rw.rate(rw.ask(w.chenjing, rater), 3, 3, "同事留言")
    page = _client(w.employee).get(
        f"/performance/appraisals/{rw.appraisal(w.chenjing).pk}/reviews/"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "张伟" in text and "孙磊" not in text and "周婷" not in text and "同事留言" not in text
    assert "ml-review-value" in text


def test_the_api_lists_my_reviews_takes_ratings_and_gives_results(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    c = _client(w.other_employee)
    mine = c.get("/api/v1/performance/reviews/mine").json()
    assert [r["id"] for r in mine] == [a.pk] and mine[0]["scale_max"] == "5"
    url = f"/api/v1/performance/reviews/{a.pk}/answers"
    bad = c.post(
        url,
        json.dumps({"scores": {"teamwork": "6", "service": "1"}}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "off_scale"
    ok = c.post(
        url,
        json.dumps({"scores": {"teamwork": "4", "service": "1"}}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["submitted_at"]
    results = _client(w.manager).get(
        f"/api/v1/performance/appraisals/{rw.appraisal(w.chenjing).pk}/reviews"
    )
    body = results.json()
    assert body["answers"] == [] and body["items"][0]["groups"][1]["counted"] is False

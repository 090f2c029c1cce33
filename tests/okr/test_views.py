"""The OKR pages: my OKRs with the two-tap check-in, the tree, an objective with its
history; bad input gives a specific message and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from meritline.performance.okr.models import CheckIn, KeyResult, Objective, OkrPeriod
from meritline.performance.okr.services.checkins import check_in_create
from meritline.performance.okr.services.common import current_period_code

BASE = "/performance/okr/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_my_okrs_shows_my_objectives_and_my_teams(world, okr):
    text = _client(world.manager).get(BASE).content.decode()
    assert okr["team"].title in text and okr["company"].title in text
    assert okr["person"].title in text  # 陈静's, under "my team's objectives"
    assert "check-in" in text


def test_a_quick_check_in_from_my_okrs(world, okr):
    kr = okr["person"].key_results.first()
    response = _client(world.employee).post(
        f"{BASE}key-results/{kr.pk}/check-in/",
        {"value": "4", "confidence": "medium", "comment": "进展顺利", "next": BASE},
    )
    assert response.status_code == 302 and response["Location"] == BASE
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.confidence, check_in.comment) == (4, "medium", "进展顺利")


def test_money_is_typed_in_yuan_and_stored_in_fen(world, okr):
    amount = okr["person"].key_results.all()[1]
    _client(world.employee).post(
        f"{BASE}key-results/{amount.pk}/check-in/",
        {"value": "12,345.67", "confidence": "high"},
    )
    amount.refresh_from_db()
    assert amount.current_value == 1_234_567


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [
        (1, "-5", "cannot be negative"),
        (0, "abc", "is not a number"),
        (1, "1.234", "is not an amount in yuan"),
        (2, "0.5", "done or not done"),
    ],
)
def test_a_bad_check_in_is_refused_with_a_message(world, okr, index, value, message):
    kr = okr["person"].key_results.all()[index]
    response = _en(_client(world.employee)).post(
        f"{BASE}key-results/{kr.pk}/check-in/", {"value": value, "confidence": "high"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_check_in_in_a_closed_period_says_so(world, okr):
    OkrPeriod.objects.update(status="closed")
    kr = okr["person"].key_results.first()
    response = _en(_client(world.employee)).post(
        f"{BASE}key-results/{kr.pk}/check-in/", {"value": "3", "confidence": "high"}
    )
    assert response.status_code == 400
    assert "is closed" in response.content.decode()


def test_a_colleague_may_not_check_in(world, okr):
    kr = okr["person"].key_results.first()
    response = _client(world.other_employee).post(
        f"{BASE}key-results/{kr.pk}/check-in/", {"value": "3", "confidence": "high"}
    )
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_the_tree_and_the_detail_page(world, okr):
    kr = okr["person"].key_results.first()
    check_in_create(actor=world.employee, key_result=kr, value=Decimal(5), confidence="high")
    client = _client(world.other_employee)
    tree = client.get(f"{BASE}tree/?period={current_period_code()}").content.decode()
    assert tree.index(okr["company"].title) < tree.index(okr["team"].title)
    assert tree.index(okr["team"].title) < tree.index(okr["person"].title)
    detail = client.get(f"{BASE}{okr['person'].pk}/").content.decode()
    assert 'id="okr-chart"' in detail and "okr-chart-data" in detail
    assert "0.25" in detail  # 0.5 × 0.5
    assert "Submit my grade" not in detail and "提交" not in detail  # 孙磊 only reads


def test_creating_an_objective_then_its_key_results(world, okr):
    client = _en(_client(world.employee))
    response = client.post(
        f"{BASE}new/",
        {
            "period": current_period_code(),
            "title": "打造行业标杆案例",
            "level": "person",
            "owner": world.chenjing.pk,
            "parent": okr["team"].pk,
            "visibility": "public",
        },
    )
    objective = Objective.objects.get(title="打造行业标杆案例")
    assert response.status_code == 302
    url = f"{BASE}{objective.pk}/key-results/"
    form = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-MAX_NUM_FORMS": "10"}
    rows = {
        "form-0-title": "标杆案例",
        "form-0-measure": "milestone",
        "form-0-weight": "60",
        "form-1-title": "案例带来签约",
        "form-1-measure": "currency",
        "form-1-start": "0",
        "form-1-target": "500000",
        "form-1-weight": "30",
    }
    bad = client.post(url, {**form, **rows})
    assert bad.status_code == 400
    assert "add up to 90 %" in bad.content.decode()
    assert not KeyResult.objects.filter(objective=objective).exists()
    same = client.post(url, {**form, **rows, "form-1-target": "0", "form-1-weight": "40"})
    assert same.status_code == 400
    assert "target equals the start" in same.content.decode()
    ok = client.post(url, {**form, **rows, "form-1-weight": "40"})
    assert ok.status_code == 302
    assert KeyResult.objects.get(objective=objective, measure="currency").target_value == 50_000_000


def test_a_parent_in_another_quarter_is_refused_on_the_form(world, okr):
    response = _en(_client(world.employee)).post(
        f"{BASE}new/",
        {
            "period": "2026-Q3" if current_period_code() != "2026-Q3" else "2026-Q2",
            "title": "跨期",
            "level": "person",
            "owner": world.chenjing.pk,
            "parent": okr["team"].pk,
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    assert not Objective.objects.filter(title="跨期").exists()


def test_grading_on_the_page(world, okr):
    url = f"{BASE}{okr['person'].pk}/"
    bad = _en(_client(world.employee)).post(url + "grade/", {"score": "1.5"})
    assert bad.status_code == 400
    assert "less than or equal to 1" in bad.content.decode()
    assert _client(world.employee).post(url + "grade/", {"score": "0.8"}).status_code == 302
    manager = _en(_client(world.manager))
    unexplained = manager.post(url + "review/", {"score": "0.6"})
    assert unexplained.status_code == 400
    assert "Say why" in unexplained.content.decode()
    assert manager.post(url + "review/", {"score": "0.6", "note": "偏高"}).status_code == 302
    okr["person"].refresh_from_db()
    assert okr["person"].final_score == Decimal("0.6")

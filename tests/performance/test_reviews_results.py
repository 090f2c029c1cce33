"""Review results (PRF-5): group weights, redistribution of groups that do not count,
anonymity of peers and subordinates below 3 answers, leniency normalisation — all by
the engine — and who may read them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.core.errors import NotFoundError, PermissionDeniedError
from meritline.performance.engine import RaterRules
from meritline.performance.engine.raters import aggregate
from meritline.performance.review_selectors import appraisal_review_results, appraisal_reviewers
from meritline.performance.services.reviews_data import review_answer_list
from tests.performance.test_reviews_cast import RULES, ReviewWorld, open_cycle, rw  # noqa: F401


def _answered(rw, peers: int) -> None:  # noqa: F811
    w = rw.w
    rw.rate(rw.ask(w.chenjing, w.zhangwei, "supervisor"), 4, 5, "客户关系扎实")
    rw.rate(rw.ask(w.chenjing, w.chenjing, "self"), 5, 5, "自评")
    for rater, score in list(zip([w.sunlei, w.zhouting, w.wuhao], [3, 4, 5], strict=True))[:peers]:
        rw.rate(rw.ask(w.chenjing, rater), score, score, f"同事意见{score}")


def _item(results, item):
    return next(i for i in results.items if i.item == item)


def test_two_peers_stay_hidden_and_their_weight_goes_to_the_groups_that_answered(rw):  # noqa: F811
    _answered(rw, peers=2)
    results = appraisal_review_results(user=rw.w.employee, pk=rw.appraisal(rw.w.chenjing).pk)
    teamwork = _item(results, "teamwork")
    assert teamwork.value == Decimal("4.17")  # (50 × 4 + 10 × 5) ÷ 60
    groups = {g.group: g for g in teamwork.groups}
    assert groups["supervisor"].weight == Decimal("83.33")
    assert not groups["peer"].counted and groups["peer"].answered == 2
    assert groups["peer"].mean is None and "3" in groups["peer"].reason
    assert not groups["customer"].counted and groups["customer"].reason
    assert {a.group for a in results.named} == {"supervisor", "self"}
    assert results.comments == {}
    assert all("同事意见" not in a.comment for a in results.named)


def test_three_peers_count_only_as_their_average_and_their_comments_unnamed(rw):  # noqa: F811
    _answered(rw, peers=3)
    results = appraisal_review_results(user=rw.w.employee, pk=rw.appraisal(rw.w.chenjing).pk)
    teamwork = _item(results, "teamwork")
    assert teamwork.value == Decimal("4.11")  # (50 × 4 + 30 × 4 + 10 × 5) ÷ 90
    peer = next(g for g in teamwork.groups if g.group == "peer")
    assert (peer.counted, peer.answered, peer.mean) == (True, 3, Decimal("4.0000"))
    assert {a.group for a in results.named} == {"supervisor", "self"}
    assert list(results.comments.values()) == [["同事意见3", "同事意见4", "同事意见5"]]


def test_normalisation_follows_the_cycle_and_is_the_engines(world):
    rw2 = ReviewWorld(world, open_cycle(world, normalise=True))
    w = world
    boss = rw2.ask(w.chenjing, w.zhangwei, "supervisor")
    rw2.rate(boss, 5, 5)
    rw2.rate(rw2.ask(w.sunlei, w.zhangwei, "supervisor"), 3, 3)
    rw2.rate(rw2.ask(w.chenjing, w.liuyang, "supervisor"), 2, 2)
    rw2.rate(rw2.ask(w.sunlei, w.liuyang, "supervisor"), 2, 4)
    results = appraisal_review_results(user=w.hr_admin, pk=rw2.appraisal(w.chenjing).pk)
    rules = RaterRules.parse({**RULES, "normalise": True})
    expected = {
        (r.ratee_id, r.item): r.value for r in aggregate(review_answer_list(rw2.cycle), rules)
    }
    assert _item(results, "teamwork").value == expected[(w.chenjing.pk, "teamwork")]
    assert _item(results, "teamwork").value != Decimal("3.50")  # the raw mean of 5 and 2
    assert results.rules.normalise


def test_results_are_read_within_scope_and_reviewer_lists_never_by_the_employee(rw):  # noqa: F811
    w = rw.w
    _answered(rw, peers=1)
    pk = rw.appraisal(w.chenjing).pk
    for user in (w.employee, w.manager, w.hrbp, w.hr_admin, w.auditor):
        assert appraisal_review_results(user=user, pk=pk).appraisal.pk == pk
    with pytest.raises(NotFoundError):
        appraisal_review_results(user=w.other_employee, pk=pk)
    with pytest.raises(PermissionDeniedError):
        appraisal_reviewers(user=w.employee, pk=pk)
    with pytest.raises(NotFoundError):
        appraisal_reviewers(user=w.manager, pk=rw.appraisal(w.liuyang).pk)
    _appraisal, rows = appraisal_reviewers(user=w.manager, pk=pk)
    assert rows.count() == 3

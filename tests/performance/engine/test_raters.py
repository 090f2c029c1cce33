"""Multi-rater aggregation: redistribution, anonymity, normalisation, bad answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.performance.engine import (
    Answer,
    InputError,
    RaterGroup,
    RaterRules,
    Reason,
    RulesError,
    aggregate_checked,
    aggregate_frame,
)
from meritline.performance.engine.raters_vectorized import answers_frame, ratings_frame
from tests.performance.engine.helpers import RATERS

D = Decimal
SUP, PEER, SUB, SELF = (
    RaterGroup.SUPERVISOR,
    RaterGroup.PEER,
    RaterGroup.SUBORDINATE,
    RaterGroup.SELF,
)


def _rate(answers, **rules):
    parsed = RaterRules.parse({**RATERS, **rules})
    reference = aggregate_checked(answers, parsed)
    vectorized = aggregate_frame(answers_frame(answers), parsed)
    assert ratings_frame(reference).equals(vectorized)
    return reference


def _peers(ratee, scores, start=20, group=PEER):
    return [Answer(ratee, start + i, group, "q", D(s)) for i, s in enumerate(scores)]


def test_all_groups_answered_use_configured_weights():
    answers = [Answer(1, 9, SUP, "q", D(4)), Answer(1, 1, SELF, "q", D(5)), *_peers(1, [3, 3, 4])]
    (rating,) = _rate(answers)
    # 60 × 4 + 30 × 3.3333 + 10 × 5 = 389.999 → 3.90
    assert rating.value == D("3.90")
    assert [(u.group, u.weight) for u in rating.used] == [(SUP, 60), (PEER, 30), (SELF, 10)]


def test_missing_group_weight_is_redistributed_proportionally():
    answers = [Answer(1, 9, SUP, "q", D(4)), Answer(1, 1, SELF, "q", D(2))]
    (rating,) = _rate(answers)
    # peers absent: supervisor 60/70, self 10/70 → (240 + 20) / 70 = 3.714… → 3.71
    assert rating.value == D("3.71")
    assert [(u.group, u.weight) for u in rating.used] == [(SUP, D("85.71")), (SELF, D("14.29"))]
    assert [(e.group, e.reason) for e in rating.excluded] == [(PEER, Reason.NO_ANSWERS)]


def test_only_self_answered_takes_the_whole_weight():
    (rating,) = _rate([Answer(1, 1, SELF, "q", D("3.5"))])
    assert rating.value == D("3.50")
    assert [(u.group, u.weight) for u in rating.used] == [(SELF, 100)]
    assert {e.group for e in rating.excluded} == {SUP, PEER}


@pytest.mark.parametrize(("count", "counts"), [(2, False), (3, True)])
def test_peers_count_only_from_three_answers(count, counts):
    answers = [Answer(1, 9, SUP, "q", D(4)), *_peers(1, [2] * count)]
    (rating,) = _rate(answers)
    assert (PEER in {u.group for u in rating.used}) is counts
    if not counts:
        excluded = next(e for e in rating.excluded if e.group is PEER)
        assert (excluded.reason, excluded.answered) == (Reason.BELOW_ANONYMITY_THRESHOLD, 2)
        assert rating.value == D(4)


def test_subordinates_follow_the_same_threshold():
    weights = {"supervisor": 50, "subordinate": 50}
    answers = [Answer(1, 9, SUP, "q", D(4)), *_peers(1, [2, 2], group=SUB)]
    (rating,) = _rate(answers, weights=weights)
    assert rating.excluded[0].reason is Reason.BELOW_ANONYMITY_THRESHOLD


def test_no_counted_group_gives_no_value():
    (rating,) = _rate(_peers(1, [2, 2]))
    assert rating.value is None


def test_normalisation_maps_each_rater_through_the_pooled_mean_and_spread():
    # rater 9 is lenient (5, 4), rater 8 strict (2, 1); each rates ratees 1 and 2
    answers = [
        Answer(1, 9, SUP, "q", D(5)),
        Answer(2, 9, SUP, "q", D(4)),
        Answer(1, 8, SUP, "q", D(2)),
        Answer(2, 8, SUP, "q", D(1)),
    ]
    # pool: mean 3, MAD 1.5; rater 9: mean 4.5, MAD 0.5 → 5 ↦ 3 + 1.5 × 0.5/0.5 = 4.5
    first, second = _rate(answers, normalise=True)
    assert (first.value, second.value) == (D("4.50"), D("1.50"))
    raw_first, raw_second = _rate(answers)
    assert (raw_first.value, raw_second.value) == (D("3.50"), D("2.50"))


def test_a_rater_with_one_rating_or_no_spread_keeps_raw_scores():
    answers = [
        Answer(1, 9, SUP, "q", D(5)),  # one rating
        Answer(2, 8, SUP, "q", D(3)),
        Answer(3, 8, SUP, "q", D(3)),  # no spread
        Answer(4, 7, SUP, "q", D(1)),
        Answer(5, 7, SUP, "q", D(5)),
    ]
    values = [r.value for r in _rate(answers, normalise=True)]
    assert values[:3] == [D(5), D(3), D(3)]


def test_normalised_scores_are_clamped_to_the_scale():
    answers = [
        Answer(1, 9, SUP, "q", D(1)),
        Answer(2, 9, SUP, "q", D(5)),
        Answer(1, 8, SUP, "q", D(5)),
        Answer(2, 8, SUP, "q", D(5)),
        Answer(3, 8, SUP, "q", D(5)),
        Answer(3, 7, SUP, "q", D(5)),
    ]
    for rating in _rate(answers, normalise=True):
        assert rating.value is None or D(1) <= rating.value <= D(5)


def test_bad_answers_are_refused_with_their_row():
    answers = [
        Answer(1, 9, SUP, "q", D(6)),
        Answer(1, 1, PEER, "q", D(3)),
        Answer(1, 2, SELF, "q", D(3)),
        Answer(1, 9, SUP, "q", D(3)),
    ]
    with pytest.raises(InputError) as caught:
        aggregate_checked(answers, RaterRules.parse(RATERS))
    assert [(i.location, i.code) for i in caught.value.issues] == [
        ("answers[0].score", "off_scale"),
        ("answers[1].rater_id", "self_as_peer"),
        ("answers[2].rater_id", "self_mismatch"),
        ("answers[3]", "duplicate_answer"),
    ]
    with pytest.raises(InputError):
        aggregate_checked([Answer(1, 9, SUP, "q", D("3.333"))], RaterRules.parse(RATERS))


def test_rater_weights_must_add_up_to_100():
    with pytest.raises(RulesError) as caught:
        RaterRules.parse(
            {"weights": {"supervisor": 60, "peer": 30}, "scale_min": 5, "scale_max": 1}
        )
    assert {(i.location, i.code) for i in caught.value.issues} == {
        ("weights", "weights_sum"),
        ("scale_max", "bad_scale"),
    }

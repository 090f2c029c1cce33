"""The analytics engine as plain functions: gap phrases, boards, suggestions, comparisons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from meritline.analytics.engine import (
    Advice,
    BoardEntry,
    GapUnit,
    KpiStanding,
    ScoredAppraisal,
    build_board,
    gap_phrase,
    percentile_rank,
    summarise_platform,
    trend,
    weakest_kpis,
)


@pytest.mark.parametrize(
    ("needed", "unit", "expected"),
    [
        (D("2"), "count", (GapUnit.COUNT, 2)),
        (D("9992475"), "fen", (GapUnit.MONEY, 9992475)),
        (D("0.0350"), "ratio", (GapUnit.PERCENT_POINTS, D("3.5"))),
        (D("0.0100"), "ratio", (GapUnit.PERCENT_POINTS, D("1"))),
        (D("-0.50"), "days", (GapUnit.DECREASE, D("0.5"))),
        (D("1.25"), "number", (GapUnit.NUMBER, D("1.25"))),
    ],
)
def test_the_fastest_kpis_change_is_said_in_its_own_unit(needed, unit, expected):
    phrase = gap_phrase(
        in_top=False, fastest="k", needed=needed, kpi_unit=unit, points_short=D("3")
    )
    assert (phrase.unit, phrase.amount, phrase.kpi_id) == (*expected, "k")


def test_percentage_points_never_print_as_an_exponent():
    phrase = gap_phrase(
        in_top=False, fastest="k", needed=D("1.0000"), kpi_unit="ratio", points_short=None
    )
    assert str(phrase.amount) == "100"


def test_in_the_top_or_no_single_kpi_closing_the_gap():
    assert (
        gap_phrase(in_top=True, fastest=None, needed=None, kpi_unit=None, points_short=None).unit
        is GapUnit.IN_TOP
    )
    fallback = gap_phrase(
        in_top=False, fastest=None, needed=None, kpi_unit=None, points_short=D("4.5")
    )
    assert (fallback.unit, fallback.amount) == (GapUnit.SCORE_POINTS, D("4.5"))


def _entries(n):
    return [BoardEntry(i, f"P{i:02d}", D(100 - i)) for i in range(1, n + 1)]


def test_a_board_ranks_by_score_with_shared_ranks_for_ties():
    entries = [BoardEntry(1, "A", D(90)), BoardEntry(2, "B", D(100)), BoardEntry(3, "C", D(90))]
    board = build_board(entries, viewer_id=None, visible=None)
    assert [(r.rank, r.name) for r in board.rows] == [(1, "B"), (2, "A"), (2, "C")]


def test_a_rep_sees_the_top_ten_and_themself_by_name_and_nobody_else():
    board = build_board(_entries(14), viewer_id=13, visible={13})
    named = [r.employee_id for r in board.rows if r.name]
    assert named == [*range(1, 11), 13]
    assert board.hidden == 3 and board.my_rank == 13
    hidden = next(r for r in board.rows if r.rank == 12)
    assert hidden.employee_id is None and hidden.score == D(88)


def test_a_manager_sees_their_people_below_the_top_ten():
    board = build_board(_entries(14), viewer_id=None, visible={12, 14})
    assert [r.employee_id for r in board.rows if r.name][-2:] == [12, 14]
    assert board.my_rank is None


def _kpi(kpi_id, score, weight="50", kind="metric", metric="sales_amount"):
    return KpiStanding(kpi_id, kind, metric, D(weight), D(score))


def test_the_weakest_kpi_is_the_one_whose_shortfall_costs_most():
    mine = [
        _kpi("revenue", "60", "50"),
        _kpi("repurchase", "40", "25", metric="repurchase_rate"),
        _kpi("margin", "110", "25", metric="gross_margin_rate"),
    ]
    peers = {
        "revenue": [D(100), D(90), D(80)],
        "repurchase": [D(70), D(60), D(50)],
        "margin": [D(100), D(100), D(100)],
    }
    weak = weakest_kpis(mine, peers)
    assert [w.kpi_id for w in weak] == ["revenue", "repurchase"]
    assert (weak[0].baseline, weak[0].impact, weak[0].advice) == (D(90), D(15), Advice.VOLUME)
    assert (weak[1].impact, weak[1].percentile, weak[1].advice) == (
        D("5.00"),
        0,
        Advice.RETAIN,
    )


def test_with_fewer_than_three_peers_the_target_is_the_baseline():
    weak = weakest_kpis([_kpi("x", "80", "100", kind="rating", metric=None)], {"x": [D(10)]})
    assert (weak[0].baseline, weak[0].percentile, weak[0].advice) == (
        D(100),
        None,
        Advice.FEEDBACK,
    )


def test_percentile_counts_ties_half():
    assert percentile_rank(D(5), [D(1), D(5), D(9), D(9)]) == 38  # (1 + 0.5) / 4
    assert percentile_rank(D(5), []) is None


def _row(platform, period, final, grade="B", kpis=None):
    start = date(int(period[:4]), int(period[6]) * 3 - 2, 1)
    return ScoredAppraisal(platform, period, start, D(final), grade, kpis or {})


def test_a_platform_summary_means_scores_and_counts_grades():
    rows = [
        _row(1, "2026-Q3", "90", "A", {"rev": (D(100), D(100)), "rep": (D(0), None)}),
        _row(1, "2026-Q3", "71", "B", {"rev": (D(50), D("75.5")), "rep": (D(60), D(80))}),
    ]
    summary = summarise_platform(1, "2026-Q3", rows)
    assert (summary.count, summary.mean_final, summary.grades) == (2, D("80.50"), {"A": 1, "B": 1})
    rev, rep = summary.kpis
    assert (rev.mean_score, rev.mean_attainment) == (D("75.00"), D("87.75"))
    assert (rep.mean_score, rep.mean_attainment) == (D("30.00"), D("80.00"))


def test_the_trend_is_oldest_first():
    rows = [_row(1, "2026-Q3", "80"), _row(1, "2026-Q2", "70"), _row(1, "2026-Q3", "90")]
    assert trend(rows) == [("2026-Q2", D("70.00"), 1), ("2026-Q3", D("85.00"), 2)]

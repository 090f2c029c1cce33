"""Ranks share ties; the distance to the top 3 comes in each KPI's own unit."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from meritline.performance.engine import (
    BlendRules,
    KpiValue,
    Standing,
    distance_to_top,
    final_score,
    parse_template,
    rank,
)
from tests.performance.engine.helpers import FOLLOW_UP_CURVE, item

D = Decimal
RULES = BlendRules()
TEMPLATE = parse_template(
    {
        "items": [
            item("big_clients", 50, metric="big_client_signing_count", unit="count", target=10),
            item("sales", 30, target=1_000_000_00),
            item(
                "follow_up",
                20,
                metric="avg_follow_up_days",
                unit="days",
                target=2,
                curve=FOLLOW_UP_CURVE,
            ),
        ]
    }
)


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert rank({1: D(100), 2: D(90), 3: D(90), 4: D(80)}) == {1: 1, 2: 2, 3: 2, 4: 4}


@given(
    st.dictionaries(st.integers(1, 50), st.integers(0, 20).map(D), min_size=1),
    st.randoms(use_true_random=False),
)
def test_rank_does_not_depend_on_order(scores, random):
    items = list(scores.items())
    random.shuffle(items)
    assert rank(dict(items)) == rank(scores)


def _person(emp, big, sales, days):
    return Standing(
        emp,
        {"big_clients": KpiValue(big), "sales": KpiValue(sales), "follow_up": KpiValue.of(D(days))},
    )


def test_fifth_place_is_two_big_client_signings_short_of_the_top_3():
    people = [
        _person(1, 12, 1_000_000_00, "2"),
        _person(2, 11, 1_000_000_00, "2"),
        _person(3, 10, 1_000_000_00, "2"),
        _person(4, 9, 1_000_000_00, "2"),
        _person(5, 8, 1_000_000_00, "2"),
    ]
    gap = distance_to_top(TEMPLATE, people, 5, RULES)
    assert (gap.rank, gap.ranked, gap.reference_id, gap.in_top) == (5, 5, 3, False)
    # 8 of 10 signings: 80 % → 50 points × 50 % = 25 points short of person 3's 100
    assert (gap.score, gap.bar, gap.points_short) == (D(75), D(100), D(25))
    by_kpi = {g.kpi_id: g for g in gap.kpis}
    assert by_kpi["big_clients"].value_gap == 2
    assert by_kpi["big_clients"].needed == 2
    assert by_kpi["sales"].needed is None  # capped at 120: +20 × 30 % = 6 points only
    assert by_kpi["follow_up"].needed is None  # best 120: +20 × 20 % = 4 points only
    assert gap.fastest == "big_clients"


def test_fastest_kpi_is_the_smallest_share_of_its_target():
    people = [_person(e, 10, 1_000_000_00, "2") for e in (1, 2, 3)]
    people.append(_person(4, 10, 990_000_00, "2.1"))
    gap = distance_to_top(TEMPLATE, people, 4, RULES)
    by_kpi = {g.kpi_id: g.needed for g in gap.kpis}
    # sales 99 % → 97.5 × 30 %, 2.1 days → 95 × 20 %, big clients 100 × 50 %: 98.25
    assert gap.points_short == D("1.75")
    assert by_kpi["big_clients"] == 1
    assert by_kpi["follow_up"] == D("-0.29")  # 2.1 → 1.81 days: 103.75 × 20 %
    sales = by_kpi["sales"]
    assert sales is not None

    def final_with(fen):
        values = {**people[3].values, "sales": KpiValue(fen)}
        return final_score(TEMPLATE, Standing(4, values), RULES)

    assert final_with(990_000_00 + int(sales)) >= gap.bar > final_with(990_000_00 + int(sales) - 1)
    assert gap.fastest == "sales"


def test_someone_in_the_top_3_gets_no_gaps():
    people = [_person(e, 10 - e, 1_000_000_00, "2") for e in (1, 2, 3, 4)]
    gap = distance_to_top(TEMPLATE, people, 3, RULES)
    assert (gap.rank, gap.in_top, gap.kpis, gap.fastest) == (3, True, (), None)


def test_tied_third_place_counts_as_top_3():
    people = [
        _person(1, 12, 0, "2"),
        _person(2, 11, 0, "2"),
        _person(3, 10, 0, "2"),
        _person(4, 10, 0, "2"),
    ]
    assert distance_to_top(TEMPLATE, people, 4, RULES).rank == 3

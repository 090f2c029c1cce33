"""Scoring a cycle: KPIs from the sales records through the metrics engine, manual
values, own targets, team blend and awards (PRF-2, PRF-4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.metrics import compute
from meritline.performance.models import Appraisal, CycleStatus, TeamAward
from meritline.performance.services.awards import team_award_grant
from meritline.performance.services.cycles import appraisal_manual_value_set, cycle_open
from meritline.performance.services.scoring import cycle_score
from meritline.performance.services.targets import target_set
from meritline.sales import frames


def _open(pw, **rules):
    return cycle_open(actor=pw.w.hr_admin, platform=pw.w.platform, period="2026-Q3", **rules)


def test_chenjings_kpis_come_from_her_sales_through_the_metrics_engine(chenjing_sales):
    w = chenjing_sales.w
    cycle = _open(chenjing_sales)
    cycle_score(actor=w.hr_admin, cycle=cycle)
    mine = Appraisal.objects.get(cycle=cycle, employee=w.chenjing)
    expected = compute(
        ["sales_amount", "repurchase_rate", "gross_margin_rate"],
        frames.frames_unscoped(),
        [(date(2026, 7, 1), date(2026, 9, 30))],
        groups=[w.chenjing.pk],
    ).row(0, named=True)
    assert mine.kpis["revenue"]["num"] == expected["sales_amount"] == 50_000_000
    assert (
        (mine.kpis["repurchase"]["num"], mine.kpis["repurchase"]["den"])
        == (
            expected["repurchase_rate__num"],
            expected["repurchase_rate__den"],
        )
        == (1, 1)
    )
    assert (mine.kpis["gross_margin"]["num"], mine.kpis["gross_margin"]["den"]) == (
        15_000_000,
        50_000_000,
    )
    assert {k: v["score"] for k, v in mine.kpis.items()} == {
        "revenue": "100.00",
        "repurchase": "120.00",
        "gross_margin": "100.00",
    }
    assert mine.individual_score == Decimal("105.00") == mine.final_score
    assert (mine.grade, mine.coefficient) == ("A", Decimal("1.2000"))
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SCORING


def test_someone_without_sales_scores_zero_with_the_reason_stored(chenjing_sales):
    w = chenjing_sales.w
    cycle = _open(chenjing_sales)
    cycle_score(actor=w.hr_admin, cycle=cycle)
    his = Appraisal.objects.get(cycle=cycle, employee=w.sunlei)
    assert his.kpis["revenue"]["status"] == "ok" and his.kpis["revenue"]["score"] == "0.00"
    assert his.kpis["repurchase"]["status"] == "missing_value"
    assert (his.final_score, his.grade, his.coefficient) == (Decimal("0.00"), "D", Decimal("0.5"))


def test_the_final_score_blends_in_the_teams_mean_by_the_team_weight(chenjing_sales):
    w = chenjing_sales.w
    cycle = _open(chenjing_sales, team_weight="20")
    cycle_score(actor=w.hr_admin, cycle=cycle)
    mine = Appraisal.objects.get(cycle=cycle, employee=w.chenjing)
    his = Appraisal.objects.get(cycle=cycle, employee=w.sunlei)
    assert mine.team_score == his.team_score == Decimal("52.50")
    assert mine.final_score == Decimal("94.50")  # 105 × 0.8 + 52.5 × 0.2
    assert his.final_score == Decimal("10.50")
    assert mine.grade == "B"


def test_an_employees_own_target_replaces_the_templates(chenjing_sales):
    w = chenjing_sales.w
    target_set(
        actor=w.manager,
        level="employee",
        period="2026-Q3",
        metric="sales_amount",
        value=100_000_000,
        employee=w.chenjing,
    )
    cycle = _open(chenjing_sales)
    cycle_score(actor=w.hr_admin, cycle=cycle)
    revenue = Appraisal.objects.get(cycle=cycle, employee=w.chenjing).kpis["revenue"]
    assert (revenue["target"], revenue["attainment"], revenue["score"]) == (
        "100000000.000000",
        "50.0000",
        "0.00",
    )


def test_awards_add_points_within_the_cycles_maximum(chenjing_sales):
    w = chenjing_sales.w
    cycle = _open(chenjing_sales, max_points="8")
    mine = cycle.appraisals.get(employee=w.chenjing)
    team_award_grant(
        actor=w.manager,
        cycle=cycle,
        kind="breakthrough",
        points="6",
        reason="拿下省政务云项目",
        appraisal=mine,
    )
    team_award_grant(
        actor=w.hr_admin,
        cycle=cycle,
        kind="collaboration",
        points="3",
        reason="联合投标",
        department=w.team_a,
    )
    cycle_score(actor=w.hr_admin, cycle=cycle)
    mine.refresh_from_db()
    his = cycle.appraisals.get(employee=w.sunlei)
    assert (mine.points, mine.final_score) == (Decimal("8.00"), Decimal("113.00"))
    assert (his.points, his.final_score) == (Decimal("3.00"), Decimal("3.00"))
    assert mine.grade == "S"


@pytest.mark.parametrize(
    ("points", "reason", "code"),
    [("-2", "好", "not_positive"), ("0", "好", "not_positive"), ("2", "  ", "reason_required")],
)
def test_bad_awards_are_refused(pw, points, reason, code):
    cycle = _open(pw)
    with pytest.raises(DomainError) as caught:
        team_award_grant(
            actor=pw.w.hr_admin,
            cycle=cycle,
            kind="collaboration",
            points=points,
            reason=reason,
            department=pw.w.team_a,
        )
    assert caught.value.code == code
    assert not TeamAward.objects.exists()


def test_a_manager_grants_points_only_to_people_they_lead(pw):
    cycle = cycle_open(actor=pw.w.hr_admin, period="2026-10", cadence="monthly")
    his = cycle.appraisals.get(employee=pw.w.liuyang)
    with pytest.raises(PermissionDeniedError):
        team_award_grant(
            actor=pw.w.manager,
            cycle=cycle,
            kind="collaboration",
            points="2",
            reason="协作",
            appraisal=his,
        )
    assert not TeamAward.objects.exists()


def test_manual_kpis_take_the_value_entered_with_evidence(pw):
    w = pw.w
    cycle = cycle_open(actor=w.hr_admin, platform=pw.sw.web, period="2026-10")
    his = cycle.appraisals.get()
    with pytest.raises(DomainError) as caught:
        appraisal_manual_value_set(
            actor=w.hr_admin, appraisal=his, kpi_id="growth", value="3", evidence="表"
        )
    assert caught.value.code == "not_manual"
    with pytest.raises(DomainError) as caught:
        appraisal_manual_value_set(
            actor=w.hr_admin, appraisal=his, kpi_id="products_listed", value="20", evidence=" "
        )
    assert caught.value.code == "required"
    his.refresh_from_db()
    assert his.manual == {}
    appraisal_manual_value_set(
        actor=w.hr_admin,
        appraisal=his,
        kpi_id="products_listed",
        value="24",
        evidence="上架清单 2026-10",
    )
    cycle_score(actor=w.hr_admin, cycle=cycle)
    his.refresh_from_db()
    assert his.kpis["products_listed"]["score"] == "120.00"
    assert his.kpis["growth"]["status"] == "missing_value"
    assert his.individual_score == Decimal("30.00")  # 25 % × 120


def test_scoring_is_for_hr_admins(chenjing_sales):
    cycle = _open(chenjing_sales)
    with pytest.raises(PermissionDeniedError):
        cycle_score(actor=chenjing_sales.w.manager, cycle=cycle)
    assert not Appraisal.objects.exclude(grade="").exists()


def test_rating_kpis_take_the_aggregated_multi_rater_rating(world):
    """PRF-5 into PRF-4: with two peers only (below the anonymity threshold) the
    supervisor's 60 → 50/60 and self's 10 → 10/60 of the rating."""
    from tests.performance.test_reviews_cast import ReviewWorld, open_cycle

    rw = ReviewWorld(world, open_cycle(world))
    w = world
    rw.rate(rw.ask(w.chenjing, w.zhangwei, "supervisor"), 4, "3.5")
    rw.rate(rw.ask(w.chenjing, w.chenjing, "self"), 5, 5)
    rw.rate(rw.ask(w.chenjing, w.sunlei), 1, 1)
    rw.rate(rw.ask(w.chenjing, w.zhouting), 1, 1)
    cycle_score(actor=w.hr_admin, cycle=rw.cycle)
    mine = Appraisal.objects.get(cycle=rw.cycle, employee=w.chenjing)
    assert (mine.kpis["teamwork"]["num"], mine.kpis["teamwork"]["den"]) == (417, 100)
    assert mine.kpis["teamwork"]["score"] == "104.25"  # 4.17 ÷ 4
    assert mine.kpis["service"]["num"] == 375  # (50 × 3.5 + 10 × 5) ÷ 60
    his = Appraisal.objects.get(cycle=rw.cycle, employee=w.sunlei)
    assert his.kpis["teamwork"]["status"] == "missing_value"

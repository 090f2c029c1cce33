"""The rep dashboard (PRF-7): live KPIs through the metrics engine, ranks and the gap to
the top 3 in words, the pipeline and the expected commission."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from meritline.analytics.selectors.dashboard import rep_dashboard
from meritline.analytics.selectors.standing import ranks
from meritline.performance.services.cycles import cycle_open
from meritline.sales.models import Lead
from tests.performance.conftest import sell


def test_chenjings_kpis_are_live_from_her_sales(aw):
    board = rep_dashboard(user=aw.w.employee)
    revenue = next(k for k in board.kpis if k.kpi_id == "revenue")
    assert (revenue.value, revenue.target, revenue.score, revenue.live) == (
        "¥500,000.00",
        "¥500,000.00",
        Decimal("100.00"),
        True,
    )
    assert board.final == Decimal("105.00")
    # a deal signed after the scoring shows at once
    sell(aw.pw, "D-9", date(2026, 9, 1), 5_000_000, 3_500_000)
    board = rep_dashboard(user=aw.w.employee)
    revenue = next(k for k in board.kpis if k.kpi_id == "revenue")
    assert revenue.value == "¥550,000.00" and revenue.score == Decimal("110.00")
    assert board.final == Decimal("110.00")


def test_fourth_of_six_with_the_revenue_that_closes_the_gap_in_words(aw):
    with translation.override("en"):
        board = rep_dashboard(user=aw.w.employee)
    assert (board.team.rank, board.team.total) == (4, 6)
    assert (board.platform.rank, board.platform.total) == (4, 6)
    # 营收 +¥99,924.75 lifts her revenue score to 120.00 (half-up) and her score to 115
    assert board.team_text == "No. 4 of 6, ¥99,924.75 more 营收 to reach the top 3"


def test_a_star_is_in_the_top_3(aw):
    star = aw.stars[0].user
    with translation.override("en"):
        board = rep_dashboard(user=star)
    assert board.team.rank == 1 and board.team_text.endswith("in the top 3")


def test_no_ranks_before_the_cycle_is_scored(pw):
    cycle = cycle_open(actor=pw.w.hr_admin, platform=pw.w.platform, period="2026-Q4")
    board = rep_dashboard(user=pw.w.employee)
    assert board.appraisal.cycle == cycle
    assert (board.team, board.platform) == (None, None)
    assert [k.status for k in board.kpis] == ["ok", "missing_value", "missing_value"]


def test_pipeline_counts_her_open_leads_by_step(aw):
    now = timezone.now()
    for i, step in enumerate(["entered", "intent", "intent", "settled"]):
        Lead.objects.create(
            source="t", external_id=f"L{i}", number=f"L{i}", company_name="甲",
            company_name_normalised="甲", source_kind="self_sourced", owner=aw.w.chenjing,
            platform=aw.w.platform, step=step, step_at=now, entered_at=now,
            customer=aw.pw.sw.customer,
        )  # fmt: skip
    board = rep_dashboard(user=aw.w.employee)
    counts = {s.step: s.count for s in board.pipeline}
    assert counts == {"entered": 1, "visited": 0, "received": 0, "intent": 2, "contract": 0}
    # two open deals at her customer's average contract (250,000 CNY) → one estimate
    assert (board.commission.deals, board.commission.amount_fen) == (2, 50_000_000)
    assert board.commission.earned_fen is None  # no incentive plan in this world
    assert board.commission.text


def test_nobodys_login_has_no_dashboard(aw, django_user_model):
    stranger = django_user_model.objects.create(username="stranger")
    assert rep_dashboard(user=stranger) is None
    client = Client()
    client.force_login(stranger)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "no employee record"
        in client.get("/analytics/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_the_page_shows_her_standing(aw):
    client = Client()
    client.force_login(aw.w.employee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        page = client.get("/analytics/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="final-score">105.00' in page
    assert "No. 4 of 6" in page and "营收" in page


def test_ranks_count_everyone_on_the_leaderboard_whatever_their_template(aw):
    from meritline.analytics.selectors.boards import leaderboard
    from meritline.analytics.selectors.dashboard import current_appraisal
    from meritline.analytics.selectors.live import live_score
    from meritline.performance.models import Appraisal

    # a star appraised on another template (another position's) still ranks above her
    other = Appraisal.objects.get(cycle=aw.cycle, employee=aw.stars[0])
    other.template = {**other.template, "id": "another-template"}
    other.save(update_fields=["template"])
    live = live_score(user=aw.w.employee, appraisal=current_appraisal(aw.w.chenjing.pk))
    team, platform = ranks(live)
    board = leaderboard(user=aw.w.hr_admin, cycle_id=aw.cycle.pk).board
    mine = next(r for r in board.rows if r.employee_id == aw.w.chenjing.pk)
    assert (platform.rank, platform.total) == (mine.rank, board.size) == (4, 6)
    assert (team.rank, team.total) == (4, 6)
    # the gap is still said on her own KPIs: the bar is the 3rd-best score, whoever has it
    assert platform.kpi_name == "营收" and platform.phrase.amount is not None

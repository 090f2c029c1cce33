"""Leaderboards, reports and the platform comparison: scope, names and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from meritline.analytics.api import analytics_dashboard_mine, analytics_leaderboard
from meritline.analytics.selectors.boards import leaderboard
from meritline.analytics.selectors.compare import platform_comparison
from meritline.analytics.selectors.reports import employee_report
from meritline.core.errors import NotFoundError, PermissionDeniedError


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_the_platform_board_ranks_the_cycle(aw):
    result = leaderboard(user=aw.w.employee)
    assert result.cycle == aw.cycle
    rows = result.board.rows
    assert [r.rank for r in rows] == [1, 1, 1, 4, 5, 6]
    assert rows[3].name == "陈静" and rows[3].is_me and result.board.my_rank == 4


def test_a_team_board_and_an_unknown_team_or_cycle(aw):
    team = leaderboard(user=aw.w.employee, team_id=aw.w.team_a.pk)
    assert team.team == aw.w.team_a and team.board.size == 6
    with pytest.raises(NotFoundError):
        leaderboard(user=aw.w.employee, team_id=aw.w.hr.pk)
    with pytest.raises(NotFoundError):
        leaderboard(user=aw.w.employee, cycle_id=aw.cycle.pk + 99)


@pytest.mark.parametrize("query", ["?cycle=abc", "?cycle=-1", "?team=9999", "?cycle=99999"])
def test_bad_board_choices_show_a_message_and_the_default_board(aw, query):
    with translation.override("en"):
        response = _get(aw.w.employee, f"/analytics/leaderboards/{query}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "alert" in page and "陈静" in page


def test_liuyang_sees_no_board_of_a_cycle_he_is_not_in(aw):
    assert leaderboard(user=aw.w.liuyang.user).cycle is None
    with pytest.raises(NotFoundError):
        leaderboard(user=aw.w.liuyang.user, cycle_id=aw.cycle.pk)


def test_the_report_suggests_what_to_improve_from_the_weakest_kpi(aw):
    mazhun = aw.lower[0]
    with translation.override("en"):
        report = employee_report(user=aw.w.manager, employee_id=mazhun.pk)
    assert report.appraisal.final_score == Decimal("55.00") and report.peers == 5
    first = report.suggestions[0]
    assert (first.weakness.kpi_id, first.name) == ("revenue", "营收")
    assert first.weakness.baseline == Decimal("120.00")  # the peers' median revenue score
    assert "sales volume" in first.text
    revenue = next(k for k in report.kpis if k.kpi_id == "revenue")
    assert revenue.peer_median == Decimal("120.00")


def test_a_report_outside_the_scope_is_not_found(aw):
    with pytest.raises(NotFoundError):
        employee_report(user=aw.w.employee, employee_id=aw.lower[0].pk)
    assert _get(aw.w.employee, f"/analytics/report/{aw.lower[0].pk}/").status_code == 404
    assert _get(aw.w.employee, "/analytics/report/").status_code == 200


def test_managers_compare_platforms_and_reps_may_not(aw):
    result = platform_comparison(user=aw.w.manager)
    (column,) = result.columns
    assert (column.label, column.summary.count, column.summary.mean_final) == (
        "政企大客户部",
        6,
        Decimal("84.17"),  # (105 + 0 + 3 × 115 + 55) / 6
    )
    assert column.kpi_names["revenue"] == "营收" and column.trend == [
        ("2026-Q3", Decimal("84.17"), 6)
    ]
    with pytest.raises(PermissionDeniedError):
        platform_comparison(user=aw.w.employee)
    page = _get(aw.w.hr_admin, "/analytics/platforms/").content.decode()
    assert "compare-data" in page and "echarts.min.js" in page


class _Request:
    def __init__(self, user):
        self.auth = user


def test_the_api_gives_the_dashboard_and_a_board(aw):
    with translation.override("en"):
        data = analytics_dashboard_mine(_Request(aw.w.employee))
    assert data["final"] == Decimal("105.00") and data["team"]["rank"] == 4
    assert (data["team"]["gap_unit"], data["team"]["gap_kpi"]) == ("money", "revenue")

    class Filters:
        cycle = None
        team = None

    board = analytics_leaderboard(_Request(aw.w.employee), Filters())
    assert board["my_rank"] == 4 and board["size"] == 6

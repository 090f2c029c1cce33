"""The calibration page (PRF-5): per team the grade distribution against the cycle's
guideline, a warning where a team departs from it, adjustments with a mandatory reason;
team points granted from the cycle page."""

from __future__ import annotations

import pytest

from meritline.performance.models import TeamAward
from meritline.performance.services.calibration import GradeChange, cycle_calibrate
from meritline.performance.services.cycles import cycle_open
from meritline.performance.services.scoring import cycle_score
from tests.performance.clients import client_for


@pytest.fixture
def scored(chenjing_sales):
    w = chenjing_sales.w
    cycle = cycle_open(
        actor=w.hr_admin,
        platform=w.platform,
        period="2026-Q3",
        guideline={"max_share": {"S": "10", "A": "20"}, "min_team_size": 1},
    )
    return cycle_score(actor=w.hr_admin, cycle=cycle)


def test_the_page_shows_each_teams_grades_against_the_guideline(scored, pw):
    page = client_for(pw.w.manager).get(f"/performance/cycles/{scored.pk}/calibration/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "政企大客户部" in text and "陈静" in text and "孙磊" in text
    assert "(≤ 10 %)" in text and "(≤ 20 %)" in text


def test_a_team_departing_from_the_guideline_is_warned(scored, pw):
    w = pw.w
    cycle_calibrate(
        actor=w.hr_admin,
        cycle=scored,
        changes=[GradeChange(employee_id=w.sunlei.pk, grade="S", reason="年度最佳新人")],
    )
    text = client_for(w.hr_admin).get(f"/performance/cycles/{scored.pk}/calibration/").content
    text = text.decode()
    assert "depart from the guideline distribution" in text
    assert "1 of 2 (50.00 %) graded S, above the guideline" in text
    assert "年度最佳新人" in text


def test_adjusting_from_the_page_returns_to_it_and_a_missing_reason_changes_nothing(scored, pw):
    w = pw.w
    client = client_for(w.manager)
    here = f"/performance/cycles/{scored.pk}/calibration/"
    sunlei = scored.appraisals.get(employee=w.sunlei)
    url = f"/performance/appraisals/{sunlei.pk}/calibrate/"
    refused = client.post(url, {"grade": "B", "reason": "", "next": here})
    assert refused.status_code == 400
    sunlei.refresh_from_db()
    assert sunlei.calibrated_grade == ""
    done = client.post(url, {"grade": "B", "reason": "项目交付质量高", "next": here})
    assert (done.status_code, done["Location"]) == (302, here)
    evil = client.post(url, {"grade": "C", "reason": "x", "next": "https://evil.example/"})
    assert evil["Location"] == f"/performance/appraisals/{sunlei.pk}/"


def test_a_rep_may_not_see_the_calibration_page(scored, pw):
    response = client_for(pw.w.employee).get(f"/performance/cycles/{scored.pk}/calibration/")
    assert response.status_code == 403


def test_team_points_from_the_cycle_page(pw):
    w = pw.w
    cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    client = client_for(w.hr_admin)
    url = f"/performance/cycles/{cycle.pk}/team-award/"
    data = {"department": w.team_a.pk, "kind": "collaboration", "points": "3", "reason": "联合投标"}
    refused = client.post(url, {**data, "reason": ""})
    assert refused.status_code == 400 and "An award needs a reason" in refused.content.decode()
    assert client.post(url, {**data, "points": "abc"}).status_code == 400
    assert not TeamAward.objects.exists()
    assert client.post(url, data).status_code == 302
    award = TeamAward.objects.get()
    assert (award.department, award.granted_by, award.reason) == (w.team_a, w.hr_admin, "联合投标")
    page = client.get(f"/performance/cycles/{cycle.pk}/").content.decode()
    assert "联合投标" in page
    # 张伟 is himself in neither cycle nor team here, but 华南 is not his to award
    other = client_for(w.manager).post(url, {**data, "department": w.sales_south.pk})
    assert other.status_code in (400, 403)

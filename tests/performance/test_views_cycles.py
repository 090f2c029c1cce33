"""Cycle pages: opening one (its rules checked), the cycle with its scoped appraisals,
scoring and closing it, and the due cycles opened from the list."""

from __future__ import annotations

import pytest

from meritline.performance.models import Cycle
from meritline.performance.services.cycles import cycle_open
from tests.performance.clients import client_for


def opening(**changes: str) -> dict[str, str]:
    data = {
        "platform": "",
        "period": "2026-Q3",
        "cadence": "",
        "team_weight": "20",
        "max_points": "10",
        "grades": "S 110 1.5\nA 100 1.2\nB 85 1.0\nC 70 0.8\nD 0 0.5",
        "guideline_max": "S=10, A=20",
        "guideline_min": "",
        "min_team_size": "1",
        "rater_weights": "supervisor=60, peer=30, self=10",
    }
    return {**data, **changes}


def test_hr_opens_a_platform_cycle_with_its_rules(pw):
    w = pw.w
    response = client_for(w.hr_admin).post(
        "/performance/cycles/new/", opening(platform=str(w.platform.pk))
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(platform=w.platform, period="2026-Q3")
    assert (cycle.cadence, str(cycle.team_weight)) == ("quarterly", "20.00")
    assert cycle.guideline == {"min_team_size": 1, "max_share": {"S": "10", "A": "20"}}
    assert cycle.rater_rules["weights"] == {"supervisor": "60", "peer": "30", "self": "10"}
    assert cycle.appraisals.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"period": "2026-13"}, "period", "is not a period"),
        ({"cadence": "monthly"}, "cadence", "its cycles are"),
        ({"grades": "S 110\nD 0 0.5"}, "grades", "Line 1"),
        ({"grades": "S 50 1.5\nA 100 1.2\nD 0 0.5"}, "grades", ""),
        ({"rater_weights": "supervisor=60, peer=30"}, "rater_weights", "100"),
        ({"rater_weights": "boss=100"}, "rater_weights", "Unknown rater group boss"),
        ({"guideline_max": "S10"}, "guideline_max", "name=value"),
        ({"team_weight": "abc"}, "team_weight", ""),
    ],
)
def test_bad_rules_are_refused_with_a_message_and_nothing_opens(pw, changes, field, words):
    w = pw.w
    response = client_for(w.hr_admin).post(
        "/performance/cycles/new/", opening(platform=str(w.platform.pk), **changes)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors, changes
    text = " ".join(str(e) for e in errors.get(field, errors.get("__all__", [])))
    assert words in text or words in " ".join(str(v) for v in errors.values()), errors
    assert not Cycle.objects.exists()


def test_a_second_cycle_for_the_same_period_is_refused(pw):
    w = pw.w
    cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    response = client_for(w.hr_admin).post(
        "/performance/cycles/new/", opening(platform=str(w.platform.pk))
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Cycle.objects.count() == 1


def test_the_cycle_page_shows_only_the_appraisals_in_scope(pw):
    w = pw.w
    cycle = cycle_open(actor=w.hr_admin, period="2026-10", cadence="monthly")
    everyone = client_for(w.hr_admin).get(f"/performance/cycles/{cycle.pk}/").content.decode()
    assert "刘洋" in everyone and "陈静" in everyone
    manager = client_for(w.manager).get(f"/performance/cycles/{cycle.pk}/").content.decode()
    assert "陈静" in manager and "孙磊" in manager and "刘洋" not in manager
    mine = client_for(w.employee).get(f"/performance/cycles/{cycle.pk}/").content.decode()
    assert "陈静" in mine and "孙磊" not in mine


def test_hr_scores_and_closes_a_cycle(chenjing_sales):
    w = chenjing_sales.w
    cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    client = client_for(w.hr_admin)
    early = client.post(f"/performance/cycles/{cycle.pk}/close/", follow=True)
    assert "cannot be done now" in early.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == "open"
    assert client.post(f"/performance/cycles/{cycle.pk}/score/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "scoring"
    chenjing = cycle.appraisals.get(employee=w.chenjing)
    assert chenjing.final_score is not None and chenjing.grade
    page = client.get(f"/performance/cycles/{cycle.pk}/").content.decode()
    assert str(chenjing.final_score) in page
    assert client.post(f"/performance/cycles/{cycle.pk}/close/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    again = client.post(f"/performance/cycles/{cycle.pk}/score/", follow=True)
    assert "cannot be done now" in again.content.decode()


def test_the_list_offers_the_due_cycles_and_opens_them(pw):
    w = pw.w
    client = client_for(w.hr_admin)
    page = client.get("/performance/cycles/").content.decode()
    assert "are due" in page or "is due" in page
    response = client.post("/performance/cycles/open-due/", follow=True)
    assert "cycles opened" in response.content.decode()
    assert Cycle.objects.filter(platform=w.platform).exists()
    assert Cycle.objects.filter(platform=pw.sw.web).exists()
    assert client_for(w.manager).post("/performance/cycles/open-due/").status_code == 403


def test_a_rep_sees_only_their_own_cycles(pw):
    w = pw.w
    theirs = cycle_open(actor=w.hr_admin, platform=pw.sw.web, period="2026-10")
    page = client_for(w.employee).get("/performance/cycles/")
    assert page.status_code == 200
    assert theirs.label not in page.content.decode()
    assert client_for(w.employee).get(f"/performance/cycles/{theirs.pk}/").status_code == 404

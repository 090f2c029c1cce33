"""The demo company's performance data (DEMO.md stories, issue 5): cycles by cadence,
scored from the sales history, targets cascaded, awards and a calibration."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.db import transaction

from meritline.core.models import User
from meritline.demo.build import Summary, build
from meritline.demo.catalogue import DEFAULT_SEED
from meritline.performance.models import Appraisal, Cycle, Target, TeamAward
from meritline.performance.services.targets import target_gaps


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        summary = build(seed=DEFAULT_SEED)
        print(f"demo built in {time.monotonic() - started:.1f} s")
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def company(demo: Summary, db: None) -> Summary:
    return demo


def test_every_platform_has_a_closed_and_a_current_cycle_by_its_cadence(company: Summary) -> None:
    by_platform: dict[str, list[Cycle]] = {}
    for cycle in Cycle.objects.select_related("platform").order_by("as_of"):
        by_platform.setdefault(cycle.platform.code, []).append(cycle)
    assert len(by_platform) == 12
    for code, cycles in by_platform.items():
        assert [c.status for c in cycles] == ["closed", "scoring"], code
        expected = "monthly" if code in {"DOUYIN", "WXSHOP", "XHS"} else "quarterly"
        assert {c.cadence for c in cycles} == {expected}, code
    assert [c.period for c in by_platform["GOV"]] == ["2026-Q3", "2026-Q4"]
    assert [c.period for c in by_platform["DOUYIN"]] == ["2026-10", "2026-11"]


def test_appraisals_are_scored_from_the_sales_history(company: Summary) -> None:
    gov = Cycle.objects.get(platform__code="GOV", period="2026-Q3")
    appraisals = list(gov.appraisals.all())
    assert len(appraisals) >= 8
    assert all(a.final_score is not None and a.grade and a.coefficient for a in appraisals)
    chenjing = gov.appraisals.get(employee__user__username="chenjing")
    revenue = chenjing.kpis["revenue"]
    assert revenue["num"] > 0 and revenue["target"] is not None
    assert len({a.final_score for a in appraisals}) > 1


def test_zhengkai_misses_his_revenue_target(company: Summary) -> None:
    appraisal = Appraisal.objects.get(cycle__period="2026-Q3", employee__user__username="zhengkai")
    assert Decimal(appraisal.kpis["revenue"]["attainment"]) < 100


def test_zhangwei_awarded_chenjing_and_calibrated_a_grade_with_a_reason(company: Summary) -> None:
    zhangwei = User.objects.get(username="zhangwei")
    award = TeamAward.objects.get(kind="breakthrough", granted_by=zhangwei)
    assert award.appraisal.employee.user.username == "chenjing"
    calibrated = Appraisal.objects.filter(cycle__period="2026-Q3", calibrated_by=zhangwei)
    assert calibrated.count() == 1
    one = calibrated.get()
    assert one.calibration_reason and one.calibrated_grade != one.grade
    current = Cycle.objects.get(platform__code="GOV", period="2026-Q4")
    assert current.status == "scoring"  # 张伟 may calibrate the current quarter
    assert TeamAward.objects.filter(cycle=current, department__isnull=False).exists()


def test_new_platforms_have_manual_values_with_evidence(company: Summary) -> None:
    appraisal = Appraisal.objects.filter(
        cycle__platform__code="DOUYIN", cycle__period="2026-11"
    ).first()
    entry = appraisal.manual["products_listed"]
    assert Decimal(entry["value"]) > 0 and entry["evidence"]
    assert appraisal.kpis["products_listed"]["score"] is not None


def test_targets_cascade_with_one_platform_short_of_its_target(company: Summary) -> None:
    admin = User.objects.get(username="wangfang")
    assert Target.objects.filter(level="company", period="2026-Q4").exists()
    gaps = target_gaps(user=admin, period="2026-Q4", metric="sales_amount")
    assert [g.parent.platform.code for g in gaps if g.parent is not None] == ["JD"]
    jd = gaps[0]
    assert jd.difference < 0  # the teams' targets add up to less than the platform's


def test_zhangwei_finds_his_cycle_and_calibrates_from_the_menu(company: Summary) -> None:
    from tests.performance.clients import client_for

    client = client_for(User.objects.get(username="zhangwei"))
    home = client.get("/").content.decode()
    assert "/performance/cycles/" in home
    cycles = client.get("/performance/cycles/").content.decode()
    assert "政企大客户部 2026-Q4" in cycles
    current = Cycle.objects.get(platform__code="GOV", period="2026-Q4")
    page = client.get(f"/performance/cycles/{current.pk}/calibration/").content.decode()
    assert "陈静" in page and "ml-inline-grade" in page
    assert "刘洋" not in page


def test_zhengkai_reads_his_own_appraisal_only(company: Summary) -> None:
    from tests.performance.clients import client_for

    client = client_for(User.objects.get(username="zhengkai"))
    mine = Appraisal.objects.get(cycle__period="2026-Q3", employee__user__username="zhengkai")
    assert client.get(f"/performance/appraisals/{mine.pk}/").status_code == 200
    other = Appraisal.objects.filter(cycle=mine.cycle).exclude(pk=mine.pk).first()
    assert client.get(f"/performance/appraisals/{other.pk}/").status_code == 404

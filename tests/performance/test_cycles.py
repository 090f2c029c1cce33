"""Opening and closing cycles: cadence by platform stage, frozen templates (PRF-3)."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.performance.models import Appraisal, Cycle, CycleStatus
from meritline.performance.services.cycles import cycle_close, cycle_open
from meritline.performance.services.scoring import cycle_score
from meritline.performance.services.seed import KEY_ACCOUNTS_V2
from meritline.performance.services.templates import template_version_create
from meritline.sales.models import PlatformStage


def test_a_mature_platform_cycles_quarterly_and_freezes_its_template(pw):
    w = pw.w
    cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    assert (cycle.cadence, cycle.status, cycle.as_of) == ("quarterly", "open", date(2026, 9, 30))
    appraisals = list(cycle.appraisals.order_by("employee_id"))
    assert [a.employee for a in appraisals] == [w.chenjing, w.sunlei]
    assert {a.template_version.template.code for a in appraisals} == {"MATURE-PLATFORM"}
    assert [i["id"] for i in appraisals[0].template["items"]] == [
        "revenue",
        "repurchase",
        "gross_margin",
    ]
    assert appraisals[0].department == w.team_a


def test_a_later_reweighting_does_not_change_an_open_cycle(pw):
    w = pw.w
    cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    frozen = cycle.appraisals.first().template
    template_version_create(
        actor=w.hr_admin,
        template=pw.templates["MATURE-PLATFORM"],
        items=KEY_ACCOUNTS_V2,
        valid_from=date(2026, 10, 1),
    )
    assert cycle.appraisals.first().template == frozen


def test_the_template_version_in_force_follows_the_stage_and_the_period(pw):
    w = pw.w
    PlatformStage.objects.create(platform=w.platform, stage="growing", valid_from=date(2026, 1, 1))
    before = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q2")
    after = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    assert before.appraisals.first().template_version.label == "KEY-ACCOUNTS v1"
    assert after.appraisals.first().template_version.label == "KEY-ACCOUNTS v2"
    assert before.appraisals.first().template["id"] == "KEY-ACCOUNTS@v1"


def test_a_new_platform_cycles_monthly_only(pw):
    w, web = pw.w, pw.sw.web
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=w.hr_admin, platform=web, period="2026-Q3", cadence="quarterly")
    assert caught.value.code == "bad_cadence"
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=w.hr_admin, platform=web, period="2026-Q3")
    assert (caught.value.code, caught.value.field) == ("bad_period", "period")
    cycle = cycle_open(actor=w.hr_admin, platform=web, period="2026-10")
    assert cycle.cadence == "monthly"
    assert [a.employee for a in cycle.appraisals.all()] == [w.liuyang]


def test_a_mature_platform_may_choose_half_yearly_but_not_monthly(pw):
    w = pw.w
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-10", cadence="monthly")
    assert (caught.value.code, caught.value.field) == ("bad_cadence", "cadence")
    cycle = cycle_open(
        actor=w.hr_admin, platform=w.platform, period="2026-H1", cadence="half_yearly"
    )
    assert cycle.cadence == "half_yearly"


def test_a_company_wide_cycle_takes_everyone_with_a_template(pw):
    w = pw.w
    cycle = cycle_open(actor=w.hr_admin, period="2026-10", cadence="monthly")
    assert cycle.platform is None
    assert {a.employee for a in cycle.appraisals.all()} == {w.chenjing, w.sunlei, w.liuyang}


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"team_weight": "150"}, "team_weight"),
        ({"grades": {"bands": [{"grade": "A", "min_score": 50, "coefficient": 1}]}}, "grades"),
        ({"guideline": {"max_share": {"Z": 10}}}, "guideline"),
        ({"rater_rules": {"weights": {"supervisor": 60, "peer": 30}}}, "rater_rules"),
    ],
)
def test_bad_rules_are_refused_with_their_field(pw, rules, field):
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=pw.w.hr_admin, platform=pw.w.platform, period="2026-Q3", **rules)
    assert (caught.value.code, caught.value.field) == ("bad_rules", field)
    assert not Cycle.objects.exists()


def test_a_second_cycle_for_the_same_period_is_refused(pw):
    cycle_open(actor=pw.w.hr_admin, platform=pw.w.platform, period="2026-Q3")
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=pw.w.hr_admin, platform=pw.w.platform, period="2026-Q3")
    assert caught.value.code == "cycle_exists"
    assert Appraisal.objects.count() == 2


def test_bad_periods_and_empty_scopes_are_refused(pw):
    w = pw.w
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-13")
    assert caught.value.code == "bad_period"
    empty = type(w.platform).objects.create(
        code="EMPTY", name="空平台", launched_on=date(2020, 1, 1)
    )
    with pytest.raises(DomainError) as caught:
        cycle_open(actor=w.hr_admin, platform=empty, period="2026-Q3")
    assert caught.value.code == "nobody_in_scope"
    assert not Cycle.objects.exists()


def test_only_an_hr_admin_opens_a_cycle(pw):
    with pytest.raises(PermissionDeniedError):
        cycle_open(actor=pw.w.manager, platform=pw.w.platform, period="2026-Q3")


def test_a_closed_cycle_is_locked(chenjing_sales):
    w = chenjing_sales.w
    cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    with pytest.raises(DomainError) as caught:
        cycle_close(actor=w.hr_admin, cycle=cycle)
    assert caught.value.code == "cycle_status"
    cycle_score(actor=w.hr_admin, cycle=cycle)
    cycle_close(actor=w.hr_admin, cycle=cycle)
    scores = list(Appraisal.objects.values_list("final_score", "grade"))
    with pytest.raises(DomainError) as caught:
        cycle_score(actor=w.hr_admin, cycle=cycle)
    assert caught.value.code == "cycle_status"
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED
    assert list(Appraisal.objects.values_list("final_score", "grade")) == scores

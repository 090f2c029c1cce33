"""The demo company's performance management (issue 5): the seed KPI templates (PRF-2)
with the re-weighted key-accounts history (PRF-6); per platform and by its cadence
(PRF-3) the last cycle — targeted, scored from the sales history, calibrated and closed —
and the current one, scored so far; targets cascaded company → platform → team →
employee (PRF-1), with one platform whose teams fall short of it; a few collaboration
points and breakthrough awards (PRF-4).

The stories: 张伟 grants a breakthrough award to 陈静 and calibrates a grade of his team
with a reason, and may calibrate the current quarter; 郑凯 misses his revenue target;
黄蕾's new platform cycles monthly with new products listed entered with evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from meritline.core.access import forget_scope
from meritline.core.models import User
from meritline.core.periods import Period
from meritline.demo import catalogue as c
from meritline.org.models import Platform
from meritline.performance.models import (
    Appraisal,
    Cycle,
    KpiTemplate,
    KpiTemplateVersion,
    Target,
    TeamAward,
)
from meritline.performance.services.awards import team_award_grant
from meritline.performance.services.calibration import GradeChange, cycle_calibrate
from meritline.performance.services.cycles import (
    DEFAULT_CADENCE,
    PERIOD_KIND,
    appraisal_manual_value_set,
    cycle_close,
    cycle_open,
)
from meritline.performance.services.evidence import delete_evidence
from meritline.performance.services.scoring import cycle_score
from meritline.performance.services.seed import seed_templates
from meritline.performance.services.targets import target_set
from meritline.sales import frames as sales_frames
from meritline.sales.models import Deal
from meritline.sales.selectors import platform_stage_on

# Children before parents.
_WIPE_ORDER = (TeamAward, Target, Appraisal, Cycle, KpiTemplateVersion, KpiTemplate)
METRIC = "sales_amount"
TEAM_WEIGHT = "20"
GROWTH = Decimal("1.10")  # a target is last period's sales plus 10 %
MISSES = {"zhengkai": Decimal("1.60")}  # 郑凯's targets are far above his sales
SHORT_PLATFORM = "JD"  # its teams' targets fall short of the platform's target
ROUND_TO = 100_000  # targets in whole thousands of yuan


def generate(*, admin: User) -> dict[str, int]:
    """Write the templates, cycles, targets, awards and calibration (inside the build's
    transaction)."""
    forget_scope(admin)
    seed_templates(admin)
    zhangwei = User.objects.filter(username="zhangwei").first()
    cycles: list[tuple[Cycle, bool]] = []
    for platform in Platform.objects.order_by("code"):
        stage = platform_stage_on(platform, c.TODAY)
        current = Period.containing(c.TODAY, PERIOD_KIND[DEFAULT_CADENCE[stage]])
        for period, last in ((current.previous(), True), (current, False)):
            if period.end < platform.launched_on:
                continue
            cycle = cycle_open(
                actor=admin, platform=platform, period=str(period), team_weight=TEAM_WEIGHT
            )
            cycles.append((cycle, last))
    periods: dict[str, list[Cycle]] = defaultdict(list)
    for cycle, _last in cycles:
        periods[cycle.period].append(cycle)
    for period, group in periods.items():
        _cascade(admin, period, group)
    with _sales_frames_loaded_once():
        for cycle, last in cycles:
            _manual_values(admin, cycle)
            _awards(admin, zhangwei, cycle, last)
            cycle_score(actor=admin, cycle=cycle)
            if last:
                _calibrate(zhangwei, cycle)
                cycle_close(actor=admin, cycle=cycle)
    return {
        "kpi_templates": KpiTemplate.objects.count(),
        "performance_cycles": Cycle.objects.count(),
        "appraisals": Appraisal.objects.count(),
        "performance_targets": Target.objects.count(),
    }


@contextmanager
def _sales_frames_loaded_once() -> Iterator[None]:
    """Scoring loads every sales record as frames; the history does not change while the
    demo scores its 24 cycles, so load it once (a 3-second load each time otherwise)."""
    original = sales_frames.frames_unscoped
    loaded = original()

    def frames_unscoped(names: Any = None) -> Any:
        return loaded

    sales_frames.frames_unscoped = frames_unscoped  # type: ignore[assignment]
    try:
        yield
    finally:
        sales_frames.frames_unscoped = original  # type: ignore[assignment]


def _sales(period: Period, employee_ids: list[int]) -> dict[int, int]:
    rows = (
        Deal.objects.filter(
            owner_id__in=employee_ids, signed_on__gte=period.start, signed_on__lte=period.end
        )
        .values("owner_id")
        .annotate(total=Sum("amount_fen"))
    )
    return {row["owner_id"]: int(row["total"] or 0) for row in rows}


def _rounded(value: Decimal) -> int:
    steps = (value / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(int(steps), 1) * ROUND_TO


def _cascade(admin: User, period: str, cycles: list[Cycle]) -> None:
    """Employee targets from last period's sales (+10 %), teams and platforms as the sum
    of their children — except the short platform, set 5 % above its teams — and the
    company as the sum of its platforms."""
    previous = Period.parse(period).previous()
    company = 0
    for cycle in cycles:
        appraisals = list(cycle.appraisals.select_related("employee__user", "department"))
        sold = _sales(previous, [a.employee_id for a in appraisals])
        teams: dict[Any, int] = defaultdict(int)
        for a in appraisals:
            user = getattr(a.employee, "user", None)
            factor = MISSES.get(user.username if user else "", GROWTH)
            value = _rounded(Decimal(sold.get(a.employee_id, 0) or 2_000_000) * factor)
            target_set(
                actor=admin,
                level="employee",
                period=period,
                metric=METRIC,
                value=value,
                platform=cycle.platform,
                department=a.department,
                employee=a.employee,
            )
            teams[a.department] += value
        for department, value in teams.items():
            target_set(
                actor=admin,
                level="team",
                period=period,
                metric=METRIC,
                value=value,
                platform=cycle.platform,
                department=department,
            )
        total = sum(teams.values())
        if cycle.platform and cycle.platform.code == SHORT_PLATFORM:
            total = _rounded(Decimal(total) * Decimal("1.05"))
        target_set(
            actor=admin,
            level="platform",
            period=period,
            metric=METRIC,
            value=total,
            platform=cycle.platform,
        )
        company += total
    target_set(actor=admin, level="company", period=period, metric=METRIC, value=company)


def _manual_values(admin: User, cycle: Cycle) -> None:
    """New products listed on the new platforms, entered with evidence."""
    for index, appraisal in enumerate(cycle.appraisals.order_by("employee__employee_no")):
        kinds = {item["id"]: item["kind"] for item in appraisal.template["items"]}
        if kinds.get("products_listed") != "manual":
            continue
        appraisal_manual_value_set(
            actor=admin,
            appraisal=appraisal,
            kpi_id="products_listed",
            value=12 + (index * 7) % 15,
            evidence=f"{cycle.period} 上架商品清单（平台后台导出，编号 {index + 1:02d}）",
        )


def _awards(admin: User, zhangwei: User | None, cycle: Cycle, last: bool) -> None:
    """张伟's breakthrough award to 陈静 in the last quarter; collaboration points from
    HR to 张伟's team in the current one and to the 抖音 team."""
    if cycle.platform and cycle.platform.code == "GOV" and zhangwei is not None:
        chenjing = cycle.appraisals.filter(employee__user__username="chenjing").first()
        if last and chenjing is not None:
            team_award_grant(
                actor=zhangwei,
                cycle=cycle,
                kind="breakthrough",
                points="5",
                reason="突破省级政务云大客户，签约金额创部门单笔新高",
                appraisal=chenjing,
            )
        elif not last and chenjing is not None:
            team_award_grant(
                actor=admin,
                cycle=cycle,
                kind="collaboration",
                points="3",
                reason="与市场部联合完成政企客户巡展，线索转化协作顺畅",
                department=chenjing.department,
            )
    if cycle.platform and cycle.platform.code == "DOUYIN" and not last:
        first = cycle.appraisals.order_by("employee__employee_no").first()
        if first is not None:
            team_award_grant(
                actor=admin,
                cycle=cycle,
                kind="collaboration",
                points="2",
                reason="新平台直播带货协作，跨团队支援到位",
                department=first.department,
            )


def _calibrate(zhangwei: User | None, cycle: Cycle) -> None:
    """张伟 lifts the best-scored member of his team below the top grade by one grade."""
    if zhangwei is None or not (cycle.platform and cycle.platform.code == "GOV"):
        return
    grades = [band["grade"] for band in cycle.grades["bands"]]
    forget_scope(zhangwei)
    for appraisal in cycle.appraisals.exclude(employee__user=zhangwei).order_by("-final_score"):
        position = grades.index(appraisal.grade)
        if position > 0:
            cycle_calibrate(
                actor=zhangwei,
                cycle=cycle,
                changes=[
                    GradeChange(
                        employee_id=appraisal.employee_id,
                        grade=grades[position - 1],
                        reason="季度末签约的大客户项目回款在下季度入账，业绩贡献未在本期数据中体现",
                    )
                ],
            )
            return


def wipe() -> dict[str, int]:
    """Delete all performance data and the evidence files (before the people go)."""
    counts = {
        "kpi_templates": KpiTemplate.objects.count(),
        "performance_cycles": Cycle.objects.count(),
    }
    for manual in Appraisal.objects.exclude(manual={}).values_list("manual", flat=True):
        for entry in manual.values():
            if isinstance(entry, dict) and isinstance(entry.get("file"), dict):
                delete_evidence(str(entry["file"].get("path", "")))
    for model in _WIPE_ORDER:
        model._default_manager.all().delete()
    return counts

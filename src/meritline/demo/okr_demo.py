"""The demo company's OKRs (PRF-9): the 线索运营组 of 市场部 runs on OKR instead of KPIs
this quarter. A company objective owned by the marketing director, the group's team
objective aligned to it, 赵敏's objective aligned to the team's (her conversion rate sits
near the gate: she follows it from the sales data) and a colleague's private one; a few
weeks of check-ins, so that the pages show progress lines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from meritline.core.models import User
from meritline.core.periods import Period, PeriodKind
from meritline.demo import catalogue as c
from meritline.org.models import Employee
from meritline.org.selectors import assignments_on
from meritline.performance.okr.models import (
    CheckIn,
    KeyResult,
    Level,
    Measure,
    Objective,
    OkrPeriod,
    Visibility,
)
from meritline.performance.okr.services.checkins import check_in_create
from meritline.performance.okr.services.key_results import KeyResultInput, key_results_save
from meritline.performance.okr.services.metrics import members_of, metric_values, objective_refresh
from meritline.performance.okr.services.objectives import objective_create

GROUP = "MKT-LEADS"
D = Decimal


def _kr(
    title: str, measure: str, weight: int, start: object = 0, target: object = 1, metric: str = ""
) -> KeyResultInput:
    return KeyResultInput(
        title=title,
        measure=measure,
        weight=D(weight),
        start=D(str(start)),
        target=D(str(target)),
        metric=metric,
    )


def _stretch(objective: Objective, metric: str, factor: str, unit: str = "1") -> Decimal:
    """A stretch target: this quarter's figure so far × ``factor`` (at least one ``unit``)."""
    period = objective.period
    end = min(c.TODAY, period.ends_on)
    value = metric_values([metric], members_of(objective, end), period.starts_on, end)[metric]
    target = (value * D(factor)).quantize(D(unit))
    return max(target, D(unit))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


def _history(
    actor: User, kr: KeyResult, steps: list[tuple[int, object, str, str]], start: date
) -> int:
    """Check-ins ``(days after start, value, confidence, comment)``, dated as they were."""
    for days, value, confidence, comment in steps:
        row = check_in_create(
            actor=actor, key_result=kr, value=D(str(value)), confidence=confidence, comment=comment
        )
        CheckIn.objects.filter(pk=row.pk).update(created_at=_at(start + timedelta(days=days)))
    return len(steps)


def generate(*, admin: User) -> dict[str, int]:
    """Build the OKRs of 线索运营组 for the demo's current quarter."""
    period = str(Period.containing(c.TODAY, PeriodKind.QUARTER))
    zhaomin = Employee.objects.get(user__username="zhaomin")
    zhaomin_user = zhaomin.user
    current = assignments_on(c.TODAY).select_related("manager")
    lead = current.get(employee=zhaomin).manager
    director = current.get(employee=lead).manager or lead
    colleague = (
        current.filter(department__code=GROUP)
        .exclude(employee__in=[zhaomin, lead])
        .order_by("employee__employee_no")
        .first()
    )
    company = objective_create(
        actor=admin,
        period=period,
        title="线索驱动增长:市场带来的新客户成为签约主力",
        level=Level.COMPANY,
        owner=director,
        description="公司 OKR(市场部试点,替代本季度 KPI 考核)。",
    )
    key_results_save(
        actor=admin,
        objective=company,
        rows=[
            _kr(
                "本季度新客户数",
                Measure.NUMBER,
                50,
                0,
                _stretch(company, "new_customers", "1.5"),
                "new_customers",
            ),
            _kr(
                "全公司线索转化率(%)",
                Measure.PERCENT,
                50,
                0,
                _stretch(company, "conversion_rate", "1.4", "0.1"),
                "conversion_rate",
            ),
        ],
    )
    team = objective_create(
        actor=admin,
        period=period,
        title="线索运营组:合格线索翻一番,转化率过门槛",
        level=Level.TEAM,
        owner=lead,
        team=zhaomin_team(zhaomin),
        parent=company,
    )
    team_krs = key_results_save(
        actor=admin,
        objective=team,
        rows=[
            _kr(
                "组内线索转化率(%)",
                Measure.PERCENT,
                40,
                0,
                _stretch(team, "conversion_rate", "1.3", "0.1"),
                "conversion_rate",
            ),
            _kr("合格线索(有联系人和电话)占比(%)", Measure.PERCENT, 30, 55, 90),
            _kr("上线线索评分模型", Measure.MILESTONE, 30),
        ],
    )
    person = objective_create(
        actor=zhaomin_user,
        period=period,
        title="提升我的线索质量,把转化率稳稳拉过门槛",
        level=Level.PERSON,
        owner=zhaomin,
        parent=team,
    )
    person_krs = key_results_save(
        actor=zhaomin_user,
        objective=person,
        rows=[
            _kr(
                "我的线索转化率(%)",
                Measure.PERCENT,
                50,
                0,
                _stretch(person, "conversion_rate", "1.25", "0.1"),
                "conversion_rate",
            ),
            _kr("与销售的线索复盘会(次)", Measure.NUMBER, 30, 0, 12),
            _kr("完成线索登记规范培训", Measure.MILESTONE, 20),
        ],
    )
    start = Period.parse(period).start
    check_ins = _history(
        admin,
        team_krs[1],
        [
            (14, 61, "medium", "补齐联系人字段"),
            (35, 68, "medium", ""),
            (49, 74, "high", "电话核验上线"),
        ],
        start,
    )
    check_ins += _history(admin, team_krs[2], [(40, 1, "high", "评分模型 v1 已上线")], start)
    check_ins += _history(
        zhaomin_user,
        person_krs[1],
        [
            (7, 1, "high", "和张伟团队第一次复盘"),
            (21, 3, "high", ""),
            (42, 5, "medium", "双十一期间暂停两周"),
        ],
        start,
    )
    check_ins += _history(zhaomin_user, person_krs[2], [(10, 1, "high", "")], start)
    objectives = [company, team, person]
    if colleague is not None:
        private = objective_create(
            actor=admin,
            period=period,
            title="沉淀渠道线索获客手册",
            level=Level.PERSON,
            owner=colleague.employee,
            parent=team,
            visibility=Visibility.PRIVATE,
        )
        krs = key_results_save(
            actor=admin,
            objective=private,
            rows=[_kr("手册章节(篇)", Measure.NUMBER, 100, 0, 8)],
        )
        check_ins += _history(admin, krs[0], [(20, 2, "medium", ""), (45, 5, "high", "")], start)
        objectives.append(private)
    for objective in (company, team, person):
        check_ins += objective_refresh(actor=admin, objective=objective)
    return {"okr_objectives": len(objectives), "okr_check_ins": check_ins}


def zhaomin_team(zhaomin: Employee) -> object:
    return assignments_on(c.TODAY).select_related("department").get(employee=zhaomin).department


def wipe() -> dict[str, int]:
    """Delete every OKR (before the people go)."""
    counts = {"okr_objectives": Objective.objects.count()}
    CheckIn.objects.all().delete()
    KeyResult.objects.all().delete()
    Objective.objects.update(parent=None)
    Objective.objects.all().delete()
    OkrPeriod.objects.all().delete()
    return counts

"""OKR rows for tests, built through the services (idempotent where the matrix needs it)."""

from __future__ import annotations

from decimal import Decimal

from meritline.performance.okr.models import KeyResult, Level, Measure, Objective, Visibility
from meritline.performance.okr.services.common import current_period_code
from meritline.performance.okr.services.key_results import KeyResultInput, key_results_save
from meritline.performance.okr.services.objectives import objective_create
from tests.conftest import World

PRIVATE_TITLE = "矩阵私密目标"


def kr(
    title: str, measure: str, weight: int, start: int = 0, target: int = 10, **kw
) -> KeyResultInput:
    return KeyResultInput(
        title=title,
        measure=measure,
        weight=Decimal(weight),
        start=Decimal(start),
        target=Decimal(target),
        **kw,
    )


def liuyang_private(w: World) -> Objective:
    """刘洋's private objective with one KR: outside every scoped role's reach."""
    found = Objective.objects.filter(title=PRIVATE_TITLE).first()
    if found is not None:
        return found
    objective = objective_create(
        actor=w.hr_admin,
        period=current_period_code(),
        title=PRIVATE_TITLE,
        level=Level.PERSON,
        owner=w.liuyang,
        visibility=Visibility.PRIVATE,
    )
    key_results_save(
        actor=w.hr_admin,
        objective=objective,
        rows=[kr("华南新签客户", Measure.NUMBER, 100, 0, 8)],
    )
    return objective


def liuyang_kr(w: World) -> KeyResult:
    return liuyang_private(w).key_results.get()


def tree(w: World) -> dict[str, Objective]:
    """Company → team (张伟, 政企大客户部) → person (陈静), in the current quarter."""
    period = current_period_code()
    company = objective_create(
        actor=w.hr_admin,
        period=period,
        title="成为政企客户首选",
        level=Level.COMPANY,
        owner=w.zhangwei,
    )
    key_results_save(
        actor=w.hr_admin,
        objective=company,
        rows=[kr("政企签约额", Measure.CURRENCY, 100, 0, 500_000_000)],
    )
    team = objective_create(
        actor=w.manager,
        period=period,
        title="政企大客户部拿下头部客户",
        level=Level.TEAM,
        owner=w.zhangwei,
        team=w.team_a,
        parent=company,
    )
    key_results_save(
        actor=w.manager,
        objective=team,
        rows=[
            kr("新签企业客户", Measure.NUMBER, 60, 0, 20),
            kr("续约率", Measure.PERCENT, 40, 70, 90),
        ],
    )
    person = objective_create(
        actor=w.employee,
        period=period,
        title="陈静拓展央企客户",
        level=Level.PERSON,
        owner=w.chenjing,
        parent=team,
    )
    key_results_save(
        actor=w.employee,
        objective=person,
        rows=[
            kr("新签央企客户", Measure.NUMBER, 50, 0, 10),
            kr("签约额", Measure.CURRENCY, 30, 0, 100_000_000),
            kr("完成行业方案", Measure.MILESTONE, 20),
        ],
    )
    return {"company": company, "team": team, "person": person}

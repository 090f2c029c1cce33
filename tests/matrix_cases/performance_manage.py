"""Access-matrix cases: performance_manage (templates, cycles, appraisals, targets,
calibration, awards).

The objects: 刘洋 (华南, outside every scoped role's reach) sells on the GOV platform,
made a new platform, so his June 2026 cycle holds only his appraisal — with a manual KPI
value and its evidence file — scored; and his employee target for June.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from tests.matrix_cases import ALL_ROWS, HR_ADMIN, PEOPLE, SCOPED, Case

PERIOD = "2026-06"
LEADERS = frozenset({"hr_admin", "hrbp", "sales_manager"})
READERS = ALL_ROWS | {"hrbp", "sales_manager"}
SCOPED_LEADERS = frozenset({"hrbp", "sales_manager"})
EMPLOYEE = frozenset({"employee"})
PDF = b"%PDF-1.4\n% matrix evidence\n"


@dataclass(frozen=True)
class Objects:
    template: int
    cycle: int
    appraisal: int
    target: int


def _objects(w: World) -> Objects:
    """Idempotent: the url builders call it more than once."""
    from meritline.org.models import Assignment
    from meritline.performance.models import Appraisal, Cycle, KpiTemplate, Target
    from meritline.performance.services.cycles import appraisal_manual_value_set, cycle_open
    from meritline.performance.services.scoring import cycle_score
    from meritline.performance.services.seed import seed_templates
    from meritline.performance.services.targets import target_set
    from meritline.sales.models import PlatformStage

    cycle = Cycle.objects.filter(platform=w.platform, period=PERIOD).first()
    if cycle is None:
        PlatformStage.objects.get_or_create(
            platform=w.platform, valid_from=date(2020, 1, 1), defaults={"stage": "new"}
        )
        Assignment.objects.filter(employee=w.liuyang).update(platform=w.platform)
        seed_templates(w.hr_admin)
        cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period=PERIOD)
        appraisal = cycle.appraisals.get(employee=w.liuyang)
        appraisal_manual_value_set(
            actor=w.hr_admin,
            appraisal=appraisal,
            kpi_id="products_listed",
            value="12",
            evidence="矩阵上架清单",
            evidence_file=SimpleUploadedFile("list.pdf", PDF, "application/pdf"),
        )
        cycle = cycle_score(actor=w.hr_admin, cycle=cycle)
        target_set(
            actor=w.hr_admin,
            level="employee",
            period=PERIOD,
            metric="sales_amount",
            value="3000000",
            employee=w.liuyang,
        )
    return Objects(
        template=KpiTemplate.objects.get(code="NEW-PLATFORM").pk,
        cycle=cycle.pk,
        appraisal=Appraisal.objects.get(cycle=cycle, employee=w.liuyang).pk,
        target=Target.objects.get(employee=w.liuyang, period=PERIOD).pk,
    )


def _perf(path: str) -> Callable[[World], str]:
    """A url builder; ``{template}``, ``{cycle}``, ``{appraisal}``, ``{sales_south}`` and
    ``{liuyang_no}``."""

    def build(w: World) -> str:
        o = _objects(w)
        return path.format(
            template=o.template,
            cycle=o.cycle,
            appraisal=o.appraisal,
            sales_south=w.sales_south.pk,
            liuyang_no=w.liuyang.employee_no,
        )

    return build


PAGES: dict[str, Case] = {
    "performance:template_list": Case(_perf("/performance/templates/")),
    "performance:template_new": Case(lambda w: "/performance/templates/new/", allowed=HR_ADMIN),
    "performance:template_detail": Case(_perf("/performance/templates/{template}/")),
    "performance:version_new": Case(
        _perf("/performance/templates/{template}/versions/new/"), allowed=HR_ADMIN
    ),
    "performance:cycle_list": Case(_perf("/performance/cycles/")),
    "performance:cycle_new": Case(lambda w: "/performance/cycles/new/", allowed=HR_ADMIN),
    "performance:cycle_open_due": Case(
        lambda w: "/performance/cycles/open-due/", method="POST", allowed=HR_ADMIN, ok=(302,)
    ),
    "performance:cycle_detail": Case(
        _perf("/performance/cycles/{cycle}/"), outside=EMPLOYEE, lists=PEOPLE
    ),
    "performance:cycle_score": Case(
        _perf("/performance/cycles/{cycle}/score/"), method="POST", allowed=HR_ADMIN, ok=(302,)
    ),
    "performance:cycle_close": Case(
        _perf("/performance/cycles/{cycle}/close/"), method="POST", allowed=HR_ADMIN, ok=(302,)
    ),
    "performance:calibration": Case(
        _perf("/performance/cycles/{cycle}/calibration/"),
        allowed=READERS,
        outside=EMPLOYEE,
        lists=PEOPLE,
    ),
    "performance:team_award": Case(
        _perf("/performance/cycles/{cycle}/team-award/"),
        method="POST",
        allowed=HR_ADMIN,
        body=lambda w: {
            "department": w.sales_south.pk,
            "kind": "collaboration",
            "points": "2",
            "reason": "矩阵协作分",
        },
        ok=(302,),
    ),
    "performance:appraisal_detail": Case(
        _perf("/performance/appraisals/{appraisal}/"), outside=SCOPED
    ),
    "performance:appraisal_manual": Case(
        _perf("/performance/appraisals/{appraisal}/manual/"),
        method="POST",
        allowed=HR_ADMIN,
        outside=SCOPED_LEADERS,
        body=lambda w: {"kpi_id": "products_listed", "value": "13", "evidence": "矩阵"},
        ok=(302,),
    ),
    "performance:appraisal_evidence": Case(
        _perf("/performance/appraisals/{appraisal}/evidence/products_listed/"), outside=SCOPED
    ),
    "performance:appraisal_calibrate": Case(
        _perf("/performance/appraisals/{appraisal}/calibrate/"),
        method="POST",
        allowed=HR_ADMIN,
        outside=SCOPED_LEADERS,
        body=lambda w: {"grade": "A", "reason": "矩阵校准"},
        ok=(302,),
    ),
    "performance:appraisal_award": Case(
        _perf("/performance/appraisals/{appraisal}/award/"),
        method="POST",
        allowed=HR_ADMIN,
        outside=SCOPED_LEADERS,
        body=lambda w: {"kind": "breakthrough", "points": "3", "reason": "矩阵突破奖"},
        ok=(302,),
    ),
    "performance:target_list": Case(_perf("/performance/targets/?period=2026-06"), lists=PEOPLE),
    "performance:target_new": Case(lambda w: "/performance/targets/new/", allowed=LEADERS),
    "performance:target_import": Case(lambda w: "/performance/targets/import/", allowed=LEADERS),
    "performance:target_cascade": Case(
        _perf("/performance/targets/cascade/?period=2026-06"), allowed=READERS, lists=PEOPLE
    ),
}

API_OPERATIONS: dict[str, Case] = {
    "performance_cycle_list": Case(_perf("/api/v1/performance/cycles")),
    "performance_cycle_get": Case(_perf("/api/v1/performance/cycles/{cycle}"), outside=EMPLOYEE),
    "performance_cycle_appraisals": Case(
        _perf("/api/v1/performance/cycles/{cycle}/appraisals"), outside=EMPLOYEE, lists=PEOPLE
    ),
    "performance_appraisal_get": Case(
        _perf("/api/v1/performance/appraisals/{appraisal}"), outside=SCOPED
    ),
    "performance_target_list": Case(
        _perf("/api/v1/performance/targets?period=2026-06"), lists=PEOPLE
    ),
    "performance_target_set": Case(
        _perf("/api/v1/performance/targets"),
        method="POST",
        allowed=HR_ADMIN,
        body=lambda w: {
            "level": "employee",
            "period": PERIOD,
            "metric": "sales_amount",
            "value": "4000000",
            "employee": w.liuyang.employee_no,
        },
    ),
    "performance_template_list": Case(_perf("/api/v1/performance/templates")),
    "performance_template_get": Case(_perf("/api/v1/performance/templates/NEW-PLATFORM")),
}

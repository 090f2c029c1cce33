"""The performance engine — pure: KPI templates, scoring curves, composite and final
scores, grades, multi-rater aggregation, calibration and rankings.

Imports only the standard library, pydantic, polars and ``meritline.core``. KPI values
from sales data arrive as plain numbers computed by the metrics engine; this package
never re-implements a metric. Every rule is stated in docs/performance-scoring.md.
"""

from meritline.performance.engine.calibration import (
    Adjustment,
    Calibrated,
    DistributionWarning,
    Guideline,
    calibrate,
    check_distribution,
)
from meritline.performance.engine.curves import LinearCurve, LowerIsBetterCurve, StepCurve
from meritline.performance.engine.cycle import (
    EMPLOYEES_SCHEMA,
    KPIS_SCHEMA,
    RESULTS_SCHEMA,
    VALUES_SCHEMA,
    CycleResult,
    CycleRules,
    score_cycle,
)
from meritline.performance.engine.errors import (
    EngineError,
    InputError,
    Issue,
    RulesError,
    TemplateError,
)
from meritline.performance.engine.grades import GradeBand, GradeTable, parse_grades
from meritline.performance.engine.ranking import (
    KpiGap,
    Standing,
    TopGap,
    distance_to_top,
    final_score,
    gaps_to_bar,
    rank,
)
from meritline.performance.engine.raters import (
    Answer,
    Excluded,
    GroupShare,
    RaterGroup,
    RaterRules,
    Rating,
    Reason,
)
from meritline.performance.engine.raters_vectorized import (
    ANSWERS_SCHEMA,
    RATINGS_SCHEMA,
    aggregate_checked,
    aggregate_frame,
)
from meritline.performance.engine.scoring import (
    BlendRules,
    Final,
    KpiScore,
    KpiValue,
    Status,
    attainment,
    blend,
    composite,
    score_kpi,
    score_person,
)
from meritline.performance.engine.template import (
    KpiItem,
    KpiKind,
    Template,
    Unit,
    parse_template,
)

__all__ = [
    "ANSWERS_SCHEMA",
    "EMPLOYEES_SCHEMA",
    "KPIS_SCHEMA",
    "RATINGS_SCHEMA",
    "RESULTS_SCHEMA",
    "VALUES_SCHEMA",
    "Adjustment",
    "Answer",
    "BlendRules",
    "Calibrated",
    "CycleResult",
    "CycleRules",
    "DistributionWarning",
    "EngineError",
    "Excluded",
    "Final",
    "GradeBand",
    "GradeTable",
    "GroupShare",
    "Guideline",
    "InputError",
    "Issue",
    "KpiGap",
    "KpiItem",
    "KpiKind",
    "KpiScore",
    "KpiValue",
    "LinearCurve",
    "LowerIsBetterCurve",
    "RaterGroup",
    "RaterRules",
    "Rating",
    "Reason",
    "RulesError",
    "Standing",
    "Status",
    "StepCurve",
    "Template",
    "TemplateError",
    "TopGap",
    "Unit",
    "aggregate_checked",
    "aggregate_frame",
    "attainment",
    "blend",
    "calibrate",
    "check_distribution",
    "composite",
    "distance_to_top",
    "final_score",
    "gaps_to_bar",
    "parse_grades",
    "parse_template",
    "rank",
    "score_cycle",
    "score_kpi",
    "score_person",
]

"""The incentive app's models, one module per topic."""

from meritline.incentives.models.jobs import ACTIVE_JOB, CalculationJob, JobStatus
from meritline.incentives.models.plans import Plan, PlanVersion, VersionStatus
from meritline.incentives.models.runs import (
    ADJUSTMENT_KIND,
    CarriedState,
    DisputeStatus,
    LineDispute,
    ResultLine,
    Run,
    RunStatus,
    StatementTotal,
)
from meritline.incentives.models.terms import CommissionTerms, TermsKind

__all__ = [
    "ACTIVE_JOB",
    "ADJUSTMENT_KIND",
    "CalculationJob",
    "CarriedState",
    "CommissionTerms",
    "DisputeStatus",
    "JobStatus",
    "LineDispute",
    "Plan",
    "PlanVersion",
    "ResultLine",
    "Run",
    "RunStatus",
    "StatementTotal",
    "TermsKind",
    "VersionStatus",
]

"""The demo company's incentives: the tiered deal commission of PAY-2 (written by 王芳,
approved by 周婷), commission rates per sales level (PAY-1: a rep earns 1 %), 郑凯's
−0.5 pt after two quarters below target (PAY-3), and the runs of the last months —
two closed, the last complete month approved and awaiting 周婷's close — so that
every rep has statements to read and finance has a run to close."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from meritline.core.access import forget_scope
from meritline.core.models import User
from meritline.core.periods import Period, PeriodKind
from meritline.demo import catalogue as c
from meritline.incentives.models import (
    CalculationJob,
    CarriedState,
    CommissionTerms,
    LineDispute,
    Plan,
    PlanVersion,
    ResultLine,
    Run,
    StatementTotal,
    TermsKind,
)
from meritline.incentives.services.plans import (
    plan_create,
    plan_version_approve,
    plan_version_create,
)
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from meritline.incentives.services.terms import commission_terms_set
from meritline.org.models import Employee, JobLevel

PLANS_DIR = Path(__file__).resolve().parents[3] / "examples" / "plans"
PLAN_FILE = "pay2_tiered_commission.yaml"
# PAY-1: sales levels and their commission rate on deals below the first tier.
LEVEL_RATES = {"S1": "0.01", "S2": "0.015", "S3": "0.015", "S4": "0.02", "S5": "0.02"}
CLOSED_MONTHS = 2


def _document() -> str:
    """The plan as shipped in examples/plans/ (the demo runs from a checkout)."""
    return (PLANS_DIR / PLAN_FILE).read_text(encoding="utf-8")


# Children before parents.
_WIPE_ORDER = (
    LineDispute,
    ResultLine,
    StatementTotal,
    CarriedState,
    CalculationJob,
    Run,
    CommissionTerms,
    PlanVersion,
    Plan,
)
DEMO_PLANS = {"PAY2"}


def foreign_plans() -> list[str]:
    """Incentive plans the demo did not write."""
    others = list(Plan.objects.exclude(code__in=DEMO_PLANS).values_list("code", flat=True))
    return [_("incentive plans not in the demo: %s") % ", ".join(others)] if others else []


def wipe() -> dict[str, int]:
    """Delete all incentive data (before the people go)."""
    counts = {"incentive_runs": Run.objects.count()}
    for model in _WIPE_ORDER:
        model._default_manager.all().delete()
    return counts


def generate(*, admin: User, finance: User) -> dict[str, int]:
    """Write the demo's plan, terms and runs (inside the build's transaction)."""
    forget_scope(admin)
    forget_scope(finance)
    first_day = date(c.TODAY.year - 2, 1, 1)
    plan = plan_create(actor=admin, code="PAY2", name="签约提成（分档）")
    version = plan_version_create(
        actor=admin,
        plan=plan,
        document=_document(),
        valid_from=first_day,
        note="PAY-2：≥50万 1.5%，≥100万 2%，以下按职级提成率",
    )
    plan_version_approve(actor=finance, version=version)
    for code, rate in LEVEL_RATES.items():
        level = JobLevel.objects.filter(code=code).first()
        if level is not None:
            commission_terms_set(
                actor=admin,
                kind=TermsKind.LEVEL_RATE,
                valid_from=first_day,
                rate=Decimal(rate),
                level=level,
                reason="PAY-1 职级提成率",
            )
    zhengkai = Employee.objects.filter(user__username="zhengkai").first()
    quarter = Period.containing(c.TODAY, PeriodKind.QUARTER)
    if zhengkai is not None:
        commission_terms_set(
            actor=admin,
            kind=TermsKind.ADJUSTMENT,
            valid_from=quarter.start,
            rate=Decimal("-0.005"),
            employee=zhengkai,
            reason="连续两个季度未完成目标（PAY-3）",
        )
    month = Period.containing(c.TODAY, PeriodKind.MONTH).previous()
    months = [month]
    for _i in range(CLOSED_MONTHS):
        months.insert(0, months[0].previous())
    for index, period in enumerate(months):
        run = run_calculate(actor=finance, plan_version=version, period=str(period))
        run_approve(actor=finance, run=run)
        if index < CLOSED_MONTHS:
            run_close(actor=finance, run=run)
    return {"incentive_runs": Run.objects.count()}

"""Incentive fixtures on top of the sales cast: the example plans approved and in force,
level rates for the team, and helpers to sign deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from meritline.incentives.models import Plan, PlanVersion, TermsKind
from meritline.incentives.services.plans import (
    plan_create,
    plan_version_approve,
    plan_version_create,
)
from meritline.incentives.services.terms import commission_terms_set
from meritline.sales.models import Deal
from meritline.sales.services.deals import deal_upsert
from tests.sales.conftest import SalesWorld, sw  # noqa: F401 - the sales cast

PLANS = Path(__file__).resolve().parents[2] / "examples" / "plans"
START = date(2026, 1, 1)


def plan_text(name: str) -> str:
    return (PLANS / f"{name}.yaml").read_text(encoding="utf-8")


@dataclass
class IncentiveWorld:
    sw: SalesWorld
    plan: Plan
    version: PlanVersion

    @property
    def w(self):
        return self.sw.w


def approved(cast: SalesWorld, code: str, text: str, valid_from: date = START) -> PlanVersion:
    """A plan ``code`` (created if needed) with ``text`` approved from ``valid_from``:
    written by the HR admin, approved by finance."""
    w = cast.w
    plan = Plan.objects.filter(code=code).first() or plan_create(
        actor=w.hr_admin, code=code, name=code
    )
    version = plan_version_create(actor=w.hr_admin, plan=plan, document=text, valid_from=valid_from)
    return plan_version_approve(actor=w.finance, version=version)


def level_rate(cast: SalesWorld, employee, rate: str, valid_from: date = date(2025, 1, 1)):
    return commission_terms_set(
        actor=cast.w.finance,
        kind=TermsKind.LEVEL_RATE,
        employee=employee,
        valid_from=valid_from,
        rate=Decimal(rate),
        reason="职级提成",
    )


_counter = {"n": 0}


def sign(
    cast: SalesWorld,
    day: date,
    amount_yuan: int,
    owner: str = "XH00004",
    *,
    number: str | None = None,
    splits=(),
    lead: str = "",
) -> Deal:
    """A deal signed on ``day`` for ``amount_yuan`` (yuan) by employee number ``owner``."""
    _counter["n"] += 1
    ext = number or f"D-{_counter['n']:04d}"
    deal, _ = deal_upsert(
        actor=cast.w.finance,
        source="crm",
        external_id=ext,
        number=ext,
        signed_on=day,
        amount_fen=amount_yuan * 100,
        platform="GOV",
        customer="C-1",
        owner=owner,
        splits=splits,
        lead=lead,
    )
    return deal


@pytest.fixture
def iw(sw: SalesWorld) -> IncentiveWorld:  # noqa: F811 - the imported fixture
    """PAY-2's tiered commission approved from 2026-01-01; 陈静 and 孙磊 at a 1 % level rate."""
    version = approved(sw, "PAY2", plan_text("pay2_tiered_commission"))
    level_rate(sw, sw.w.chenjing, "0.01")
    level_rate(sw, sw.w.sunlei, "0.01")
    return IncentiveWorld(sw=sw, plan=version.plan, version=version)


def counts() -> dict[str, int]:
    """Rows of every incentive table and of the audit log: a refused write changes none."""
    from meritline.core.models import AuditLog
    from meritline.incentives import models as m

    tables = [
        m.CalculationJob,
        m.Plan,
        m.PlanVersion,
        m.CommissionTerms,
        m.Run,
        m.ResultLine,
        m.StatementTotal,
        m.CarriedState,
        m.LineDispute,
        AuditLog,
    ]
    return {t.__name__: t.objects.count() for t in tables}

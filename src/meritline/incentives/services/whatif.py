"""What-if: a draft plan version run against a past period beside the version that was
in force — total cost, per-payee delta, biggest winners and losers — before anyone
activates it. Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import PlanVersion
from meritline.incentives.services.common import parse_period, require_manager
from meritline.incentives.services.fetch import fetch
from meritline.incentives.services.measures import FrameSource
from meritline.incentives.services.plans import plan_of, version_in_force
from meritline.incentives.services.runs import evaluate_or_refuse
from meritline.org.models import Employee

TOP = 5


@dataclass(frozen=True)
class PayeeDelta:
    employee_id: int
    employee_no: str
    name: str
    before_fen: int
    after_fen: int

    @property
    def delta_fen(self) -> int:
        return self.after_fen - self.before_fen


@dataclass(frozen=True)
class WhatIf:
    period: str
    baseline: str
    draft: str
    before_fen: int
    after_fen: int
    payees: list[PayeeDelta] = field(default_factory=list)

    @property
    def delta_fen(self) -> int:
        return self.after_fen - self.before_fen

    @property
    def winners(self) -> list[PayeeDelta]:
        gains = [p for p in self.payees if p.delta_fen > 0]
        return sorted(gains, key=lambda p: (-p.delta_fen, p.employee_no))[:TOP]

    @property
    def losers(self) -> list[PayeeDelta]:
        losses = [p for p in self.payees if p.delta_fen < 0]
        return sorted(losses, key=lambda p: (p.delta_fen, p.employee_no))[:TOP]


def what_if(*, actor: Any, draft_version: PlanVersion, period: str) -> WhatIf:
    """Compare ``draft_version`` with the version of its plan in force at the start of
    ``period`` (the payees' net amounts of the period, before carried balances)."""
    require_manager(actor)
    parsed = parse_period(period)
    baseline = version_in_force(draft_version.plan_id, parsed.start)
    if baseline is None:
        raise DomainError(
            ErrorCode.NO_BASELINE,
            _("No version of this plan was in force in %(period)s to compare with.")
            % {"period": str(parsed)},
            field="period",
        )
    source = FrameSource()
    totals = []
    for version in (baseline, draft_version):
        plan = plan_of(version)
        fetched = fetch(plan, version.plan, parsed, None, source=source)
        totals.append(evaluate_or_refuse(plan, fetched.inputs).totals())
    before, after = totals
    ids = sorted(set(before) | set(after))
    people = {e.pk: e for e in Employee.objects.filter(pk__in=ids)}
    payees = [
        PayeeDelta(
            employee_id=pk,
            employee_no=people[pk].employee_no if pk in people else "",
            name=people[pk].name if pk in people else str(pk),
            before_fen=before.get(pk, 0),
            after_fen=after.get(pk, 0),
        )
        for pk in ids
    ]
    return WhatIf(
        period=str(parsed),
        baseline=baseline.label,
        draft=draft_version.label,
        before_fen=sum(before.values()),
        after_fen=sum(after.values()),
        payees=payees,
    )

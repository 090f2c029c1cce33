"""The estimator (PRF-7): "if this deal closes at X this month, you earn Y, and it moves
you from bracket A to B" — the same engine over the payee's own period only: their deals
signed this month, their level rate and adjustment, their gate metrics."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.core.money import format_fen
from meritline.core.periods import Period, PeriodKind
from meritline.incentives import access
from meritline.incentives.engine import Deal, Plan, make_inputs
from meritline.incentives.engine.components.rate import bracket_of
from meritline.incentives.engine.inputs import ADJUSTMENT_SCHEMA, METRIC_SCHEMA, deal_frames_of
from meritline.incentives.engine.schema import Bracket, RateComponent, Role
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import PlanVersion
from meritline.incentives.services.common import require, today
from meritline.incentives.services.fetch import deal_frames, level_rates
from meritline.incentives.services.measures import FrameSource, measure
from meritline.incentives.services.plans import IN_FORCE, plan_of
from meritline.incentives.services.runs import evaluate_or_refuse
from meritline.incentives.services.terms_lookup import adjustments_on
from meritline.org.models import Employee
from meritline.sales import frames as sales_frames

HYPOTHETICAL = -1
MAX_AMOUNT_FEN = 10**12
_OWN_ROLES = (Role.OWNER, Role.CREDITED)


@dataclass(frozen=True)
class PlanEstimate:
    plan: str
    version: str
    earned_fen: int
    before_fen: int
    after_fen: int
    bracket_from: str | None
    bracket_to: str | None


@dataclass(frozen=True)
class Estimate:
    employee_id: int
    period: str
    amount_fen: int
    earned_fen: int
    plans: list[PlanEstimate] = field(default_factory=list)
    text: str = ""


def _tier_label(comp: RateComponent, index: int) -> str:
    tier = comp.tiers[index]
    if tier.label:
        return tier.label
    upper = comp.tiers[index + 1].from_ if index + 1 < len(comp.tiers) else None
    if upper is None:
        return f"≥{format_fen(tier.from_)}"
    if tier.from_ == 0:
        return f"<{format_fen(upper)}"
    return f"{format_fen(tier.from_)}–{format_fen(upper)}"


def _brackets(plan: Plan, base: pl.DataFrame, after: pl.DataFrame) -> tuple[str | None, str | None]:
    for comp in plan.components:
        if not isinstance(comp, RateComponent) or comp.payee not in _OWN_ROLES:
            continue
        mine = after.filter(pl.col("component_id") == comp.id)
        deal = mine.filter(pl.col("source_id") == HYPOTHETICAL)
        if deal.is_empty():
            continue
        if comp.bracket is Bracket.CUMULATIVE:
            before_total = base.filter(pl.col("component_id") == comp.id)["cumulative_fen"].max()
            after_total = mine["cumulative_fen"].max()
            low = bracket_of(comp, int(before_total or 0))  # type: ignore[arg-type]
            high = bracket_of(comp, int(after_total or 0))  # type: ignore[arg-type]
            return _tier_label(comp, low), _tier_label(comp, high)
        index = deal["tier_index"].max()
        return None, _tier_label(comp, int(index or 0))  # type: ignore[arg-type]
    return None, None


def _check(actor: Any, employee: Employee, amount_fen: int) -> None:
    visible = access.visible_payee_ids(actor)
    require(
        visible is None or employee.pk in visible,
        _("You may estimate only your own commission or your team's."),
    )
    if not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_AMOUNT_FEN:
        raise DomainError(
            ErrorCode.BAD_AMOUNT, _("Give the deal's amount in fen, above 0."), field="amount_fen"
        )


def _versions(day: date) -> list[PlanVersion]:
    rows = PlanVersion.objects.filter(status__in=IN_FORCE, valid_from__lte=day)
    return [
        v
        for v in rows.select_related("plan").order_by("plan__code")
        if v.valid_to is None or day <= v.valid_to
    ]


def estimate(
    *,
    actor: Any,
    employee: Employee,
    amount_fen: int,
    on: date | None = None,
    is_repurchase: bool = False,
    is_new_customer: bool = False,
    customer_kind: str = "enterprise",
    lead_source_kind: str = "self",
    platform: str = "",
) -> Estimate:
    """What ``employee`` earns if a deal of ``amount_fen`` with this context closes on
    ``on`` (today), under every plan version in force then; nothing is written."""
    _check(actor, employee, amount_fen)
    day = on or today()
    period = Period.containing(day, PeriodKind.MONTH)
    own, credits = deal_frames(period, {employee.pk}, signed_only=True)
    segment = sales_frames.segment()
    deal = Deal(
        deal_id=HYPOTHETICAL,
        number=_("this deal"),
        signed_on=day,
        amount_fen=amount_fen,
        owner_id=employee.pk,
        segment="big" if segment and amount_fen >= segment.threshold_on(day) else "small",
        is_repurchase=is_repurchase,
        is_new_customer=is_new_customer,
        platform=platform,
        customer_kind=customer_kind,
        lead_source_kind=lead_source_kind,
    )
    hypothetical, _none = deal_frames_of([deal])
    with_deal = pl.concat([own, hypothetical], how="vertical_relaxed")
    adjustments = pl.DataFrame(
        list(adjustments_on(period.start, [employee.pk]).items()),
        schema=ADJUSTMENT_SCHEMA,
        orient="row",
    )
    results = []
    for version in _versions(day):
        plan = plan_of(version)
        values = []
        if any(getattr(c, "gate", None) for c in plan.components):
            source = FrameSource(user=employee.user) if employee.user_id else FrameSource()
            values, _counts = measure(plan, period, source, payees=[employee.pk], with_counts=False)
        metrics = pl.DataFrame([asdict(v) for v in values], schema=METRIC_SCHEMA, orient="row")
        # One lookup of the level rates serves both runs (the deals before are a subset).
        rates = level_rates(plan, with_deal, period)
        after = make_inputs(
            period,
            deals=with_deal,
            credits=credits,
            level_rates=rates,
            adjustments=adjustments,
            metrics=metrics,
        )
        hypothetical_id = pl.col("deal_id") == HYPOTHETICAL
        before = replace(
            after,
            deals=after.deals.filter(~hypothetical_id),
            credits=after.credits.filter(~hypothetical_id),
        )
        frames = []
        for inputs in (before, after):
            lines = evaluate_or_refuse(plan, inputs, "reference").lines
            frames.append(lines.filter(pl.col("payee_id") == employee.pk))
        before, after = (int(f["amount_fen"].sum() or 0) for f in frames)
        low, high = _brackets(plan, frames[0], frames[1])
        results.append(
            PlanEstimate(version.plan.code, version.label, after - before, before, after, low, high)
        )
    earned = sum(p.earned_fen for p in results)
    text = _("If it closes at %(amount)s this month, you earn %(earned)s.") % {
        "amount": format_fen(amount_fen),
        "earned": format_fen(earned),
    }
    moves = [p for p in results if p.bracket_from and p.bracket_to != p.bracket_from]
    if moves:
        text += " " + _("It moves you from bracket %(low)s to %(high)s.") % {
            "low": moves[0].bracket_from,
            "high": moves[0].bracket_to,
        }
    return Estimate(employee.pk, str(period), amount_fen, earned, results, text)

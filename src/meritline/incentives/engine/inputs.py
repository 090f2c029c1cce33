"""What a calculation reads: dataclasses for callers and tests, polars frames for the engine.

The service fetches records and hands them over either as dataclasses
(:func:`build_inputs`) or directly as frames (:func:`make_inputs`, the fast path);
both end as :class:`Inputs`, checked once. Frame schemas (``*_SCHEMA``) are the
contract: money is Int64 fen, rates and shares ``Decimal(38, 6)``.

``deals`` holds every deal the run needs: those signed in the period (they earn) and
older ones with collections or refunds (they release held money or are clawed back,
against ``deal_state``, what earlier periods recorded). Cancelled deals are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any, Final

import polars as pl

from meritline.core.periods import Period
from meritline.incentives.engine.errors import InputError, Issue
from meritline.incentives.engine.numbers import MAX_AMOUNT_FEN, RATE_DTYPE, RATE_PLACES, places


@dataclass(frozen=True)
class Split:
    employee_id: int
    share: Decimal


@dataclass(frozen=True)
class Deal:
    deal_id: int
    number: str
    signed_on: date
    amount_fen: int
    owner_id: int
    collected_fen: int = 0  # collected up to the period's end
    refunded_fen: int = 0  # refunded up to the period's end
    segment: str = "small"  # "big" / "small", decided by the sales app's threshold
    is_repurchase: bool = False
    is_new_customer: bool = False
    platform: str = ""
    customer_kind: str = "enterprise"
    lead_source_id: int | None = None
    lead_source_kind: str = "self"  # marketing / self / referral
    team_lead_id: int | None = None
    splits: tuple[Split, ...] = ()  # collaborators; shares add up to 1; empty = owner alone


@dataclass(frozen=True)
class Lead:
    lead_id: int
    number: str
    owner_id: int
    source_id: int | None = None
    source_kind: str = "marketing"
    platform: str = ""
    customer_kind: str = "enterprise"
    qualified_on: date | None = None
    converted_on: date | None = None


@dataclass(frozen=True)
class LevelRate:
    """The commission rate of a payee's level, in force from ``valid_from``."""

    employee_id: int
    valid_from: date
    rate: Decimal


@dataclass(frozen=True)
class Adjustment:
    """A per-payee rate adjustment in force for the period (PAY-3's −0.005)."""

    employee_id: int
    rate: Decimal


@dataclass(frozen=True)
class MetricValue:
    employee_id: int
    metric: str
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Count:
    employee_id: int
    name: str
    value: int


@dataclass(frozen=True)
class DealState:
    """What earlier periods recorded for one (component, deal, payee)."""

    component_id: str
    deal_id: int
    employee_id: int
    earned_fen: int
    released_fen: int = 0
    clawed_back_fen: int = 0


@dataclass(frozen=True)
class AwardState:
    component_id: str
    employee_id: int
    blocks: int


@dataclass(frozen=True)
class Balance:
    """A negative balance carried in from the previous period."""

    employee_id: int
    carried_fen: int


I64, STR, DATE, BOOL = pl.Int64(), pl.String(), pl.Date(), pl.Boolean()

DEAL_SCHEMA: Final[dict[str, pl.DataType]] = {
    "deal_id": I64,
    "number": STR,
    "signed_on": DATE,
    "amount_fen": I64,
    "owner_id": I64,
    "collected_fen": I64,
    "refunded_fen": I64,
    "segment": STR,
    "is_repurchase": BOOL,
    "is_new_customer": BOOL,
    "platform": STR,
    "customer_kind": STR,
    "lead_source_id": I64,
    "lead_source_kind": STR,
    "team_lead_id": I64,
    "has_collaborators": BOOL,
}
CREDIT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "deal_id": I64,
    "employee_id": I64,
    "share": RATE_DTYPE,
    "split_index": I64,
}
LEAD_SCHEMA: Final[dict[str, pl.DataType]] = {
    "lead_id": I64,
    "number": STR,
    "owner_id": I64,
    "source_id": I64,
    "source_kind": STR,
    "platform": STR,
    "customer_kind": STR,
    "qualified_on": DATE,
    "converted_on": DATE,
}
LEVEL_RATE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "employee_id": I64,
    "valid_from": DATE,
    "rate": RATE_DTYPE,
}
ADJUSTMENT_SCHEMA: Final[dict[str, pl.DataType]] = {"employee_id": I64, "rate": RATE_DTYPE}
METRIC_SCHEMA: Final[dict[str, pl.DataType]] = {
    "employee_id": I64,
    "metric": STR,
    "numerator": I64,
    "denominator": I64,
}
COUNT_SCHEMA: Final[dict[str, pl.DataType]] = {"employee_id": I64, "name": STR, "value": I64}
DEAL_STATE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "component_id": STR,
    "deal_id": I64,
    "employee_id": I64,
    "earned_fen": I64,
    "released_fen": I64,
    "clawed_back_fen": I64,
}
AWARD_STATE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "component_id": STR,
    "employee_id": I64,
    "blocks": I64,
}
BALANCE_SCHEMA: Final[dict[str, pl.DataType]] = {"employee_id": I64, "carried_fen": I64}

SCHEMAS: Final[dict[str, dict[str, pl.DataType]]] = {
    "deals": DEAL_SCHEMA,
    "credits": CREDIT_SCHEMA,
    "leads": LEAD_SCHEMA,
    "level_rates": LEVEL_RATE_SCHEMA,
    "adjustments": ADJUSTMENT_SCHEMA,
    "metrics": METRIC_SCHEMA,
    "counts": COUNT_SCHEMA,
    "deal_state": DEAL_STATE_SCHEMA,
    "award_state": AWARD_STATE_SCHEMA,
    "balances": BALANCE_SCHEMA,
}


@dataclass(frozen=True)
class Inputs:
    """Checked frames for one period (build with :func:`build_inputs` or :func:`make_inputs`)."""

    period: Period
    deals: pl.DataFrame
    credits: pl.DataFrame
    leads: pl.DataFrame
    level_rates: pl.DataFrame
    adjustments: pl.DataFrame
    metrics: pl.DataFrame
    counts: pl.DataFrame
    deal_state: pl.DataFrame
    award_state: pl.DataFrame
    balances: pl.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)


def make_inputs(period: Period | str, **frames: pl.DataFrame) -> Inputs:
    """Inputs from frames named as in ``SCHEMAS``; missing ones are empty, ``credits`` is
    completed with the owner (share 1) of every deal that has no credit rows."""
    unknown = set(frames) - set(SCHEMAS)
    if unknown:
        raise InputError([Issue(name, "unknown_frame", "unknown input frame") for name in unknown])
    issues: list[Issue] = []
    checked: dict[str, pl.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        frame = frames.get(name)
        if frame is None:
            checked[name] = pl.DataFrame(schema=schema)
            continue
        missing = [column for column in schema if column not in frame.columns]
        if missing:
            issues.append(Issue(name, "missing_columns", f"missing columns: {', '.join(missing)}"))
            continue
        checked[name] = frame.select([pl.col(c).cast(t) for c, t in schema.items()])
    if issues:
        raise InputError(issues)
    deals = checked["deals"]
    owners = deals.join(checked["credits"], on="deal_id", how="anti").select(
        "deal_id",
        pl.col("owner_id").alias("employee_id"),
        pl.lit(Decimal(1), dtype=RATE_DTYPE).alias("share"),
        pl.lit(0, dtype=I64).alias("split_index"),
    )
    checked["credits"] = pl.concat([checked["credits"], owners]).sort("deal_id", "split_index")
    inputs = Inputs(
        period=_period(period),
        deals=checked["deals"],
        credits=checked["credits"],
        leads=checked["leads"],
        level_rates=checked["level_rates"],
        adjustments=checked["adjustments"],
        metrics=checked["metrics"],
        counts=checked["counts"],
        deal_state=checked["deal_state"],
        award_state=checked["award_state"],
        balances=checked["balances"],
    )
    _check(inputs)
    return inputs


def build_inputs(
    period: Period | str,
    *,
    deals: Iterable[Deal] = (),
    leads: Iterable[Lead] = (),
    level_rates: Iterable[LevelRate] = (),
    adjustments: Iterable[Adjustment] = (),
    metrics: Iterable[MetricValue] = (),
    counts: Iterable[Count] = (),
    deal_state: Iterable[DealState] = (),
    award_state: Iterable[AwardState] = (),
    balances: Iterable[Balance] = (),
) -> Inputs:
    """Inputs from dataclasses (tests, the CLI, small services)."""
    deal_frame, credit_frame = deal_frames_of(deals)
    given: dict[str, Sequence[Any]] = {
        "leads": list(leads),
        "level_rates": list(level_rates),
        "adjustments": list(adjustments),
        "metrics": list(metrics),
        "counts": list(counts),
        "deal_state": list(deal_state),
        "award_state": list(award_state),
        "balances": list(balances),
    }
    frames = {
        "deals": deal_frame,
        "credits": credit_frame,
        **{name: _frame([asdict(r) for r in rows], SCHEMAS[name]) for name, rows in given.items()},
    }
    return make_inputs(period, **frames)


def deal_frames_of(deals: Iterable[Deal]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``deals`` and ``credits`` input frames of dataclass deals."""
    deal_list = list(deals)
    credits = [
        {"deal_id": d.deal_id, "employee_id": s.employee_id, "share": s.share, "split_index": i}
        for d in deal_list
        for i, s in enumerate(d.splits)
    ]
    deal_rows = [
        {
            **{f.name: getattr(d, f.name) for f in fields(d) if f.name != "splits"},
            "has_collaborators": len(d.splits) > 1,
        }
        for d in deal_list
    ]
    return _frame(deal_rows, DEAL_SCHEMA), _frame(credits, CREDIT_SCHEMA)


def _frame(rows: list[dict[str, Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def _check(inputs: Inputs) -> None:
    issues: list[Issue] = []
    deals = inputs.deals
    duplicated = deals.filter(pl.col("deal_id").is_duplicated())["number"].unique().sort()
    issues += [
        Issue(f"deals[{n}]", "duplicate_deal", f"deal {n} appears twice") for n in duplicated
    ]
    money = ("amount_fen", "collected_fen", "refunded_fen")
    bad = deals.filter(
        pl.any_horizontal([pl.col(c).is_null() | (pl.col(c) < 0) for c in money])
        | pl.any_horizontal([pl.col(c) > MAX_AMOUNT_FEN for c in money])
    )
    issues += [
        Issue(
            f"deals[{n}]", "bad_amount", f"deal {n}: amounts must be between 0 and 10 billion yuan"
        )
        for n in bad["number"]
    ]
    missing = deals.filter(pl.col("signed_on").is_null() | pl.col("owner_id").is_null())
    issues += [
        Issue(f"deals[{n}]", "missing_value", f"deal {n} needs signed_on and owner_id")
        for n in missing["number"]
    ]
    shares = inputs.credits.group_by("deal_id").agg(
        pl.col("share").sum().alias("total"), (pl.col("share") < 0).any().alias("negative")
    )
    wrong = shares.filter((pl.col("total") != Decimal(1)) | pl.col("negative")).join(
        deals.select("deal_id", "number"), on="deal_id"
    )
    issues += [
        Issue(f"deals[{n}].splits", "bad_splits", f"deal {n}: split shares must add up to 1")
        for n in wrong.sort("deal_id")["number"]
    ]
    for name in ("level_rates", "adjustments"):
        for value in inputs.__dict__[name]["rate"].to_list():
            if value is None or places(value) > RATE_PLACES or abs(value) > 1:
                issues.append(
                    Issue(name, "bad_rate", f"{name}: rate {value} must be within ±1, 6 places")
                )
                break
    if issues:
        raise InputError(issues)

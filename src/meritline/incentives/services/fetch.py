"""Fetch: everything one plan needs for one period, as the engine's ``Inputs``.

Deals signed in the period (not cancelled) with their splits, and older deals with a
collection or refund in it; collected and refunded amounts as of the period's last day
(so a later payment never changes a closed period's figures); the big-client segment by
the threshold in force on the signing date; the owner's team lead on that date; leads
qualified or converted in the period; the level rate in force on each signing date; the
rate adjustments in force on the period's first day; gate metrics and award counts from
the metrics engine; and what the previous period of the plan carried forward.

A month may hold millions of deals: they are read with one query per frame (deals,
splits, collection and refund sums) straight into polars frames — on PostgreSQL through
``COPY … TO STDOUT`` — and looked up with as-of joins; no Python object is made per deal.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.core.periods import Period, PeriodError
from meritline.incentives.engine import (
    Adjustment,
    AwardState,
    Balance,
    DealState,
    Inputs,
    Lead,
    Plan,
    make_inputs,
)
from meritline.incentives.engine.inputs import SCHEMAS
from meritline.incentives.engine.schema import LEVEL_RATE, PointsComponent, RateComponent, Role
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import CarriedState
from meritline.incentives.models import Plan as PlanRow
from meritline.incentives.services.measures import FrameSource, measure
from meritline.incentives.services.terms_lookup import adjustments_on, in_force, level_rate_frame
from meritline.org.models import Assignment, Department, Platform
from meritline.org.selectors import assignments_on
from meritline.sales import frames as sales_frames
from meritline.sales.models import (
    Collection,
    Customer,
    DealSplit,
    DealStatus,
    LeadStep,
    Refund,
    Step,
)
from meritline.sales.models import Deal as DealRow
from meritline.sales.models import Lead as LeadRow

ALL = "all"
SOURCE_KINDS = {"marketing": "marketing", "self_sourced": "self", "referral": "referral"}
I64, STR, DATE = pl.Int64(), pl.String(), pl.Date()


@dataclass
class Fetched:
    inputs: Inputs
    scope_ids: set[int] | None


def scope_people(scope: str, period: Period) -> set[int] | None:
    """Who a run's scope covers: None for ``all``, else the people assigned to the
    department (or below it) on the period's last day."""
    if scope == ALL:
        return None
    department = Department.objects.filter(code=scope).first()
    if department is None:
        raise DomainError(
            ErrorCode.UNKNOWN_SCOPE,
            _("Unknown scope “%(scope)s”: give “all” or a department code.") % {"scope": scope},
            field="scope",
        )
    subtree = Department.objects.filter(path__startswith=department.path).values("pk")
    return set(
        assignments_on(period.end)
        .filter(department__in=subtree)
        .values_list("employee_id", flat=True)
    )


# Reading SQL into frames


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model: type[models.Model], name: str) -> str:
    found: Any = model._meta.get_field(name)
    return connection.ops.quote_name(found.column)


def _among(column: str, values: Iterable[int]) -> tuple[str, list[Any]]:
    ids = sorted(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def read_frame(
    sql: str, params: Sequence[Any], schema: dict[str, pl.DataType], *, few: bool = False
) -> pl.DataFrame:
    """The rows of ``sql`` as a frame of ``schema`` (columns in order). On PostgreSQL the
    rows come as CSV through ``COPY (…) TO STDOUT`` into a temporary file that polars
    parses in parallel — or, for ``few`` rows (one person's), straight from the cursor,
    whose values psycopg has already typed; elsewhere the cursor's rows are written to a
    CSV file the same way."""
    if few:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            rows = cursor.fetchall()
        if connection.vendor == "postgresql":
            return pl.DataFrame(rows, schema=schema, orient="row")
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
        return _parse_csv(buffer.getvalue().encode(), schema)
    with tempfile.TemporaryDirectory(prefix="meritline-fetch-") as folder:
        path = Path(folder) / "rows.csv"
        with connection.cursor() as cursor, path.open("wb") as out:
            if connection.vendor == "postgresql":
                ops: Any = connection.ops  # PostgreSQL's, which composes client-side
                query = ops.compose_sql(sql, list(params))
                with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for block in copy:
                        out.write(block)
            else:
                cursor.execute(sql, list(params))
                text = io.TextIOWrapper(out, encoding="utf-8", newline="")
                writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC)  # NULL unquoted, '' quoted
                while rows := cursor.fetchmany(10_000):
                    writer.writerows(rows)
                text.flush()
                text.detach()
        return _parse_csv(path, schema)


def _parse_csv(source: Path | bytes, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    if (source.stat().st_size if isinstance(source, Path) else len(source)) == 0:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(source, has_header=False, new_columns=list(schema), schema=schema)


# Deals

FEW_PAYEES = 20  # a scope this small reads its rows straight from the cursor


def _selection(
    period: Period, scope_ids: set[int] | None, signed_only: bool = False
) -> tuple[str, list[Any]]:
    """``WHERE`` of the deals of a run (alias ``d``): active, signed in the period or
    older with a collection or refund in it (``signed_only``: signed in the period, no
    older ones); with a scope, credited to someone in it."""
    start, end = period.start.isoformat(), period.end.isoformat()
    signed, deal_id = _col(DealRow, "signed_on"), _col(Collection, "deal")
    paid = (
        f"SELECT {deal_id} FROM {_table(Collection)} "  # noqa: S608 - quoted names, bound values
        f"WHERE {_col(Collection, 'received_on')} BETWEEN %s AND %s"
    )
    refunded = (
        f"SELECT {_col(Refund, 'deal')} FROM {_table(Refund)} "  # noqa: S608 - quoted names, bound values
        f"WHERE {_col(Refund, 'refunded_on')} BETWEEN %s AND %s"
    )
    where = (
        f"d.{_col(DealRow, 'status')} = %s AND (d.{signed} BETWEEN %s AND %s OR "
        f"(d.{signed} < %s AND (d.id IN ({paid}) OR d.id IN ({refunded}))))"
    )
    params: list[Any] = [DealStatus.ACTIVE, start, end, start, start, end, start, end]
    if signed_only:
        where = f"d.{_col(DealRow, 'status')} = %s AND d.{signed} BETWEEN %s AND %s"
        params = [DealStatus.ACTIVE, start, end]
    if scope_ids is not None:
        owner, owner_params = _among(f"d.{_col(DealRow, 'owner')}", scope_ids)
        split, split_params = _among(_col(DealSplit, "employee"), scope_ids)
        source, source_params = _among(_col(LeadRow, "source_employee"), scope_ids)
        where += (
            f" AND ({owner} OR d.id IN (SELECT {_col(DealSplit, 'deal')} "  # noqa: S608 - quoted names, bound values
            f"FROM {_table(DealSplit)} WHERE {split}) OR d.{_col(DealRow, 'lead')} IN "
            f"(SELECT id FROM {_table(LeadRow)} WHERE {source}))"
        )
        params += owner_params + split_params + source_params
    return where, params


_RAW_DEAL = {
    "deal_id": I64,
    "number": STR,
    "signed_on": DATE,
    "amount_fen": I64,
    "owner_id": I64,
    "platform": STR,
    "customer_kind": STR,
    "is_new_customer": pl.Int8(),
    "is_repurchase": pl.Int8(),
    "lead_source_id": I64,
    "lead_source_kind": STR,
}


def _deal_rows(where: str, params: list[Any], few: bool = False) -> pl.DataFrame:
    number, signed = _col(DealRow, "number"), _col(DealRow, "signed_on")
    sql = (
        f"SELECT d.id, CASE WHEN d.{number} IS NULL OR d.{number} = '' "  # noqa: S608 - quoted names, bound values
        f"THEN d.{_col(DealRow, 'source')} || ':' || d.{_col(DealRow, 'external_id')} "
        f"ELSE d.{number} END, d.{signed}, d.{_col(DealRow, 'amount_fen')}, "
        f"d.{_col(DealRow, 'owner')}, p.{_col(Platform, 'code')}, c.{_col(Customer, 'kind')}, "
        f"CASE WHEN c.{_col(Customer, 'first_purchase_on')} = d.{signed} THEN 1 ELSE 0 END, "
        f"CASE WHEN d.{_col(DealRow, 'is_repurchase')} THEN 1 ELSE 0 END, "
        f"l.{_col(LeadRow, 'source_employee')}, l.{_col(LeadRow, 'source_kind')} "
        f"FROM {_table(DealRow)} d "
        f"LEFT JOIN {_table(Platform)} p ON p.id = d.{_col(DealRow, 'platform')} "
        f"LEFT JOIN {_table(Customer)} c ON c.id = d.{_col(DealRow, 'customer')} "
        f"LEFT JOIN {_table(LeadRow)} l ON l.id = d.{_col(DealRow, 'lead')} "
        f"WHERE {where} ORDER BY d.id"
    )
    return read_frame(sql, params, _RAW_DEAL, few=few)


def _sums(
    model: type[models.Model], day: str, where: str, params: list[Any], end: date, few: bool
) -> Any:
    deal = _col(model, "deal")
    sql = (
        f"SELECT {deal}, SUM({_col(model, 'amount_fen')}) FROM {_table(model)} "  # noqa: S608 - quoted names, bound values
        f"WHERE {_col(model, day)} <= %s AND {deal} IN "
        f"(SELECT d.id FROM {_table(DealRow)} d WHERE {where}) GROUP BY {deal}"
    )
    schema = {"deal_id": I64, "total": I64}
    return read_frame(sql, [end.isoformat(), *params], schema, few=few)


def _split_rows(where: str, params: list[Any], few: bool = False) -> pl.DataFrame:
    deal = _col(DealSplit, "deal")
    share = _col(DealSplit, "share")
    sql = (
        f"SELECT {deal}, {_col(DealSplit, 'employee')}, {share} FROM {_table(DealSplit)} "  # noqa: S608 - quoted names, bound values
        f"WHERE {deal} IN (SELECT d.id FROM {_table(DealRow)} d WHERE {where}) "
        f"ORDER BY {deal}, {share} DESC, id"
    )
    schema = {"deal_id": I64, "employee_id": I64, "share": SCHEMAS["credits"]["share"]}
    rows = read_frame(sql, params, schema, few=few)
    return rows.with_columns(pl.int_range(pl.len()).over("deal_id").cast(I64).alias("split_index"))


def _segment_expr() -> pl.Expr:
    """ "big" when the amount reaches the threshold in force on the signing date (the
    earliest threshold also applies before its start, as ``Segment.threshold_on``)."""
    segment = sales_frames.segment()
    if segment is None:
        return pl.lit("small")
    (_first, threshold), *later = segment.thresholds
    limit = pl.lit(threshold, dtype=I64)
    for start, fen in later:
        limit = pl.when(pl.col("signed_on") >= start).then(pl.lit(fen, dtype=I64)).otherwise(limit)
    return pl.when(pl.col("amount_fen") >= limit).then(pl.lit("big")).otherwise(pl.lit("small"))


def _team_leads(deals: pl.DataFrame) -> pl.Series:
    """The manager of the owner's assignment in force on each deal's signing date."""
    owners = deals["owner_id"].unique().to_list()
    rows = list(
        Assignment.objects.filter(employee_id__in=owners).values_list(
            "employee_id", "valid_from", "valid_to", "manager_id"
        )
    )
    spans = pl.DataFrame(
        rows,
        schema={"key": I64, "valid_from": DATE, "valid_to": DATE, "value": I64},
        orient="row",
    )
    return in_force(deals.select(key="owner_id", day="signed_on"), spans)


def deal_frames(
    period: Period, scope_ids: set[int] | None, signed_only: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The run's deals (``DEAL_SCHEMA``) and their credit rows (``CREDIT_SCHEMA``: the
    splits, largest share first; deals without splits get none, i.e. the owner alone).
    ``signed_only``: only the deals signed in the period (see ``_selection``)."""
    where, params = _selection(period, scope_ids, signed_only)
    few = scope_ids is not None and len(scope_ids) <= FEW_PAYEES
    deals = _deal_rows(where, params, few)
    credits = _split_rows(where, params, few)
    collected = _sums(Collection, "received_on", where, params, period.end, few)
    refunded = _sums(Refund, "refunded_on", where, params, period.end, few)
    kinds = pl.col("lead_source_kind").fill_null("").replace_strict(SOURCE_KINDS, default="self")
    collaborators = credits.group_by("deal_id").agg((pl.len() > 1).alias("has_collaborators"))
    deals = (
        deals.join(collected.rename({"total": "collected_fen"}), on="deal_id", how="left")
        .join(refunded.rename({"total": "refunded_fen"}), on="deal_id", how="left")
        .join(collaborators, on="deal_id", how="left")
        .with_columns(
            pl.min_horizontal(pl.col("collected_fen").fill_null(0), "amount_fen"),
            pl.min_horizontal(pl.col("refunded_fen").fill_null(0), "amount_fen"),
            _segment_expr().alias("segment"),
            pl.col("is_repurchase").cast(pl.Boolean),
            pl.col("is_new_customer").cast(pl.Boolean),
            pl.col("platform").fill_null(""),
            pl.col("customer_kind").fill_null(""),
            kinds.alias("lead_source_kind"),
            pl.col("has_collaborators").fill_null(False),
        )
        .sort("deal_id")
    )
    deals = deals.with_columns(_team_leads(deals).alias("team_lead_id"))
    return deals.select(list(SCHEMAS["deals"])), credits


def fetch_leads(period: Period, scope_ids: set[int] | None) -> list[Lead]:
    """Leads qualified (reviewed as qualified) or converted (contract step) in the period."""
    tz = timezone.get_current_timezone()
    steps = LeadStep.objects.filter(
        step=Step.CONTRACT, at__date__range=(period.start, period.end)
    ).values_list("lead_id", "at")
    converted = {lead: timezone.localtime(at, tz).date() for lead, at in steps}
    leads = LeadRow.objects.filter(
        Q(qualified=True, reviewed_at__date__range=(period.start, period.end))
        | Q(pk__in=list(converted))
    )
    if scope_ids is not None:
        leads = leads.filter(Q(owner_id__in=scope_ids) | Q(source_employee_id__in=scope_ids))
    out = []
    for pk, number, owner, source, kind, platform, customer_kind, qualified, reviewed in (
        leads.order_by("pk").values_list(
            "pk", "number", "owner_id", "source_employee_id", "source_kind", "platform__code",
            "customer__kind", "qualified", "reviewed_at",
        )
    ):  # fmt: skip
        out.append(
            Lead(
                lead_id=pk,
                number=number,
                owner_id=owner,
                source_id=source,
                source_kind=SOURCE_KINDS.get(kind, kind),
                platform=platform or "",
                customer_kind=customer_kind or "",
                qualified_on=timezone.localtime(reviewed, tz).date()
                if qualified and reviewed
                else None,
                converted_on=converted.get(pk),
            )
        )
    return out


_ROLE_COLUMN = {
    Role.OWNER: "owner_id",
    Role.CREDITED: "owner_id",
    Role.LEAD_SOURCE: "lead_source_id",
    Role.TEAM_LEAD: "team_lead_id",
}


def _level_rate_pairs(plan: Plan, deals: pl.DataFrame, period: Period) -> pl.DataFrame:
    """(employee_id, day): each payee of a ``level_rate`` tier on each signing date."""
    signed = deals.filter(pl.col("signed_on").is_between(period.start, period.end))
    parts = []
    for comp in plan.components:
        if not isinstance(comp, RateComponent):
            continue
        if not any(tier.rate == LEVEL_RATE for tier in comp.tiers):
            continue
        payee = (
            pl.lit(comp.employee_id, dtype=I64)
            if comp.payee is Role.EMPLOYEE
            else pl.col(_ROLE_COLUMN[comp.payee])
        )
        parts.append(signed.select(payee.cast(I64).alias("employee_id"), day="signed_on"))
    if not parts:
        return pl.DataFrame(schema={"employee_id": I64, "day": DATE})
    return pl.concat(parts).drop_nulls().unique()


def level_rates(plan: Plan, deals: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The level rate in force for each payee of a ``level_rate`` tier on each signing
    date in the period of ``deals`` (``DEAL_SCHEMA``), as the ``level_rates`` frame."""
    return level_rate_frame(_level_rate_pairs(plan, deals, period))


def _frame(rows: Sequence[Any], name: str) -> pl.DataFrame:
    schema = SCHEMAS[name]
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([asdict(r) for r in rows], schema=schema, orient="row")


def carried_rows(
    plan: PlanRow, period: Period, scope_ids: set[int] | None, scope: str = ALL
) -> tuple[list[DealState], list[AwardState], list[Balance]]:
    """The latest state carried forward before ``period`` under ``plan`` by runs of the
    same ``scope``, per payee."""
    rows = CarriedState.objects.filter(plan=plan, scope=scope, period__lt=str(period))
    if scope_ids is not None:
        rows = rows.filter(payee_id__in=scope_ids)
    latest: dict[int, tuple[str, dict[str, Any]]] = {}
    for payee, when, state in rows.order_by("period").values_list("payee_id", "period", "state"):
        try:
            if Period.parse(when).kind is not period.kind:
                continue
        except PeriodError:
            continue
        latest[payee] = (when, state)
    deal_state, award_state, balances = [], [], []
    for payee, (_when, state) in sorted(latest.items()):
        deal_state += [DealState(*row) for row in state.get("deal_state", [])]
        award_state += [AwardState(*row) for row in state.get("award_state", [])]
        if state.get("balance_fen"):
            balances.append(Balance(payee, state["balance_fen"]))
    return deal_state, award_state, balances


def fetch(
    plan: Plan,
    plan_row: PlanRow,
    period: Period,
    scope_ids: set[int] | None,
    *,
    source: FrameSource | None = None,
    scope: str = ALL,
) -> Fetched:
    """The engine's inputs for ``plan`` over ``period``, for the run ``scope`` whose
    people are ``scope_ids`` (None: everyone)."""
    deals, credits = deal_frames(period, scope_ids)
    wants_leads = any(
        isinstance(c, PointsComponent) and c.records == "leads" for c in plan.components
    )
    leads = fetch_leads(period, scope_ids) if wants_leads else []
    adjusting = any(isinstance(c, RateComponent) and c.payee_adjustment for c in plan.components)
    adjustments = adjustments_on(period.start, scope_ids) if adjusting else {}
    metrics, counts = measure(plan, period, source or FrameSource(), payees=scope_ids)
    deal_state, award_state, balances = carried_rows(plan_row, period, scope_ids, scope)
    inputs = make_inputs(
        period,
        deals=deals,
        credits=credits,
        leads=_frame(leads, "leads"),
        level_rates=level_rates(plan, deals, period),
        adjustments=_frame(
            [Adjustment(e, r) for e, r in sorted(adjustments.items())], "adjustments"
        ),
        metrics=_frame(metrics, "metrics"),
        counts=_frame(counts, "counts"),
        deal_state=_frame(deal_state, "deal_state"),
        award_state=_frame(award_state, "award_state"),
        balances=_frame(balances, "balances"),
    )
    return Fetched(inputs=inputs, scope_ids=scope_ids)

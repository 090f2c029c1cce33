"""The rep dashboard kept between views (PRF-7 under load): a cache that cannot go stale.

Computing a dashboard reads the person's sales records through the metrics engine, the
peers' scores and the incentive estimator: about 100 ms of CPU. Most views repeat the
previous one's inputs, so each person's last dashboard is kept with a *fingerprint* of
everything it was computed from, and served again only while a fresh fingerprint of
those inputs is the same. The fingerprint is read on every view (one query over
indexes and small tables) and covers:

- the day, the language and what the viewer may see (their scope);
- the appraisal (its frozen template, manual values, stored KPI values and scores) and
  its cycle (rules, status, when it was last scored — which is when peers' scores and
  rating KPIs change), the awards of the cycle;
- the person's own sales records, as ``sales.frames.person_frames`` and the estimator
  read them: the deals credited to them, owned by them or signed on leads they brought
  (count, last change, and sums of the fields themselves: amounts, costs, collected,
  refunded, signing dates, customer, platform, status, repurchase), every split of those
  deals, their collections and refunds, their customers, the leads they own or brought
  (with their owner, customer and step); and the deals of the customers of their open
  leads (the estimate values open deals by those customers' contracts);
- their targets, their commission terms, their assignments (job level, team), the job
  level rates, the posts' job levels, the platforms' codes, the plan versions (status
  and validity) and the big-client thresholds.

A change to any of these (a saved row changes its ``updated_at`` or id; bulk writes stamp
``updated_at`` too; a write committed after a later-stamped one still moves the sums)
changes the fingerprint, and the next view computes the dashboard again. Not covered:
which deals a *manager* sees for the customers' averages when people join or leave their
team, and a signing date moved inside the person's first and last — both at worst until
the next day (the day is part of the fingerprint).

``services.warm_dashboards`` computes them ahead for everyone who has a login and an
appraisal (the beat schedule runs it each morning, after the day changed every
fingerprint).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict
from decimal import Decimal
from functools import cache
from importlib import metadata
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from meritline.analytics.engine import GapPhrase, GapUnit
from meritline.analytics.models import DashboardSnapshot
from meritline.analytics.selectors.board import (
    OPEN_DEAL_STEPS,
    Commission,
    Dashboard,
    KpiRow,
    StepCount,
)
from meritline.analytics.selectors.standing import Rank
from meritline.core.access import scope_for
from meritline.incentives.models import CommissionTerms, PlanVersion
from meritline.org.models import Assignment, Employee, Platform, Position
from meritline.org.selectors import today
from meritline.performance.models import Appraisal, Target, TeamAward
from meritline.sales.models import (
    Collection,
    Customer,
    Deal,
    DealSplit,
    DealStatus,
    Lead,
    Refund,
    SegmentThreshold,
    Step,
)

log = logging.getLogger(__name__)

# Bump when the payload's shape or the dashboard's computation changes: old snapshots
# then no longer match. A new release's version does the same (and the day, at the
# latest, after a deploy that changed neither).
FORMAT = "3"
try:
    RELEASE = metadata.version("meritline")
except metadata.PackageNotFoundError:  # running from a source tree without install
    RELEASE = "source"


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _person_sql() -> str:
    """One row per kind of record in five columns: (kind, then counts, highest ids, last
    changes and sums of the fields, as each kind needs)."""
    deal, split, lead = _table(Deal), _table(DealSplit), _table(Lead)
    collection, refund = _table(Collection), _table(Refund)
    open_steps = ", ".join(f"'{step}'" for step in OPEN_DEAL_STEPS)
    steps = "CASE step " + " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(Step.values, 1))
    steps += " ELSE 0 END"
    cancelled = DealStatus.CANCELLED.value
    mine = "SELECT id FROM mine"
    person = "owner_id = %(person)s OR source_employee_id = %(person)s"
    return f"""
    WITH mine AS (
      -- a union, not an OR: PostgreSQL keeps to the split, owner and lead indexes
      SELECT deal_id AS id FROM {split} WHERE employee_id = %(person)s
      UNION SELECT id FROM {deal} WHERE owner_id = %(person)s
      UNION SELECT id FROM {deal} WHERE lead_id IN
        (SELECT id FROM {lead} WHERE source_employee_id = %(person)s)
    )
    SELECT 'deal', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), SUM(amount_fen)
      FROM {deal} WHERE id IN ({mine})
    -- the fields themselves too: a write committed after a later-stamped one would not
    -- move MAX(updated_at)
    UNION ALL SELECT 'deal fields', SUM(cost_fen), SUM(collected_fen),
        CAST(MIN(signed_on) AS TEXT) || '/' || CAST(MAX(signed_on) AS TEXT), SUM(refunded_fen)
      FROM {deal} WHERE id IN ({mine})
    UNION ALL SELECT 'deal links', SUM(customer_id), SUM(platform_id),
        CAST(SUM(CASE WHEN status = '{cancelled}' THEN id ELSE 0 END) AS TEXT),
        SUM(CASE WHEN is_repurchase THEN id ELSE 0 END)
      FROM {deal} WHERE id IN ({mine})
    UNION ALL SELECT 'split', COUNT(*), MAX(id), NULL, SUM(share)
      FROM {split} WHERE deal_id IN ({mine})
    UNION ALL SELECT 'collection', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), SUM(amount_fen)
      FROM {collection} WHERE deal_id IN ({mine})
    UNION ALL SELECT 'refund', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), SUM(amount_fen)
      FROM {refund} WHERE deal_id IN ({mine})
    UNION ALL SELECT 'customer', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), NULL
      FROM {_table(Customer)} WHERE id IN (SELECT customer_id FROM {deal} WHERE id IN ({mine}))
    UNION ALL SELECT 'lead', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), NULL
      FROM {lead} WHERE {person}
    UNION ALL SELECT 'lead fields', SUM(owner_id), SUM(customer_id),
        CAST(SUM(id * ({steps})) AS TEXT), SUM(COALESCE(source_employee_id, 0))
      FROM {lead} WHERE {person}
    UNION ALL SELECT 'valued by', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), SUM(amount_fen)
      FROM {deal} WHERE customer_id IN
        (SELECT customer_id FROM {lead} WHERE owner_id = %(person)s AND step IN ({open_steps}))
    UNION ALL SELECT 'target', COUNT(*), MAX(id), CAST(MAX(updated_at) AS TEXT), SUM(value)
      FROM {_table(Target)} WHERE employee_id = %(person)s
    UNION ALL SELECT 'terms', COUNT(*), MAX(id), NULL, SUM(rate)
      FROM {_table(CommissionTerms)} WHERE employee_id = %(person)s
    UNION ALL SELECT 'assignment', COUNT(*), MAX(id), CAST(MAX(valid_to) AS TEXT), NULL
      FROM {_table(Assignment)} WHERE employee_id = %(person)s
    UNION ALL SELECT 'award', COUNT(*), MAX(id), NULL, SUM(points)
      FROM {_table(TeamAward)} WHERE cycle_id = %(cycle)s
    """  # noqa: S608 - table names quoted, values as parameters


def _shared_sql() -> str:
    """The small tables every dashboard depends on, row by row, in the same five columns
    (kind, id, -, the row as text, -): plan versions, big-client thresholds, level rates,
    posts' job levels (their holders' level rate) and platform codes."""

    def text(*columns: str) -> str:
        return " || '/' || ".join(f"COALESCE(CAST({c} AS TEXT), '')" for c in columns)

    return f"""
    UNION ALL SELECT 'plan version', id, NULL, {text("status", "valid_from", "valid_to")}, NULL
      FROM {_table(PlanVersion)}
    UNION ALL SELECT 'threshold', id, NULL, {text("valid_from", "big_client_min_fen")}, NULL
      FROM {_table(SegmentThreshold)}
    UNION ALL SELECT 'level rate', id, NULL, {text("level_id", "valid_from", "rate")}, NULL
      FROM {_table(CommissionTerms)} WHERE level_id IS NOT NULL
    UNION ALL SELECT 'post', id, NULL, {text("level_id")}, NULL FROM {_table(Position)}
    UNION ALL SELECT 'platform', id, NULL, {text("code")}, NULL FROM {_table(Platform)}
    """  # noqa: S608 - table and column names are ours


@cache
def _sql() -> str:
    """The fingerprint's one query (built once: table names do not change)."""
    return _person_sql() + _shared_sql()


def _appraisal_key(appraisal: Appraisal | None) -> list[Any]:
    if appraisal is None:
        return [None]
    cycle = appraisal.cycle
    return [
        appraisal.pk,
        appraisal.department_id,
        appraisal.template,
        appraisal.manual,
        appraisal.kpis,
        appraisal.team_score,
        appraisal.points,
        appraisal.final_score,
        cycle.pk,
        cycle.period,
        cycle.status,
        cycle.scored_at,
        cycle.team_weight,
        cycle.max_points,
        cycle.grades,
        cycle.rater_rules,
    ]


def fingerprint(user: Any, employee: Employee, appraisal: Appraisal | None) -> str:
    """The fingerprint of every input of ``employee``'s dashboard as ``user`` sees it."""
    scope = scope_for(user)
    parts: list[Any] = [
        FORMAT,
        RELEASE,
        today(),
        translation.get_language(),
        sorted(scope.roles),
        scope.all_rows,
        sorted(scope.region_ids),
        sorted(scope.department_ids),
        sorted(scope.team_manager_ids),
        scope.self_employee_id,
        *_appraisal_key(appraisal),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(), {"person": employee.pk, "cycle": appraisal.cycle_id if appraisal else None}
        )
        # one round trip; rows in a fixed order whatever order the database returns them
        parts.extend(sorted(cursor.fetchall(), key=lambda row: (row[0], str(row[1]))))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


# The payload: the computed parts of a ``Dashboard`` as JSON (Decimals as strings).


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _rank_out(rank: Rank | None) -> dict[str, Any] | None:
    if rank is None:
        return None
    amount = rank.phrase.amount
    return {
        "rank": rank.rank,
        "total": rank.total,
        "kpi_name": rank.kpi_name,
        "unit": rank.phrase.unit.value,
        "amount": None if amount is None else [type(amount).__name__, str(amount)],
        "kpi_id": rank.phrase.kpi_id,
    }


def _rank_in(data: dict[str, Any] | None) -> Rank | None:
    if data is None:
        return None
    amount: Decimal | int | None = None
    if data["amount"] is not None:
        kind, text = data["amount"]
        amount = int(text) if kind == "int" else Decimal(text)
    phrase = GapPhrase(GapUnit(data["unit"]), amount, data["kpi_id"])
    return Rank(data["rank"], data["total"], phrase, data["kpi_name"])


def to_payload(board: Dashboard) -> dict[str, Any]:
    return {
        "kpis": [
            {
                **asdict(k),
                "weight": _dec(k.weight),
                "attainment": _dec(k.attainment),
                "score": _dec(k.score),
            }
            for k in board.kpis
        ],
        "composite": _dec(board.composite),
        "final": _dec(board.final),
        "team": _rank_out(board.team),
        "platform": _rank_out(board.platform),
        "team_text": board.team_text,
        "platform_text": board.platform_text,
        "pipeline": [asdict(s) for s in board.pipeline],
        "commission": None if board.commission is None else asdict(board.commission),
    }


def from_payload(
    data: dict[str, Any], employee: Employee, appraisal: Appraisal | None
) -> Dashboard:
    kpis = [
        KpiRow(
            **{
                **k,
                "weight": Decimal(k["weight"]),
                "attainment": _undec(k["attainment"]),
                "score": Decimal(k["score"]),
            }
        )
        for k in data["kpis"]
    ]
    commission = data["commission"]
    return Dashboard(
        employee=employee,
        appraisal=appraisal,
        kpis=kpis,
        composite=_undec(data["composite"]),
        final=_undec(data["final"]),
        team=_rank_in(data["team"]),
        platform=_rank_in(data["platform"]),
        team_text=data["team_text"],
        platform_text=data["platform_text"],
        pipeline=[StepCount(**s) for s in data["pipeline"]],
        commission=None if commission is None else Commission(**commission),
    )


def load(employee: Employee, key: str, appraisal: Appraisal | None) -> Dashboard | None:
    """The kept dashboard of ``employee`` if it was computed from inputs fingerprinted
    ``key``; None otherwise (or when it cannot be read back)."""
    row = (
        DashboardSnapshot.objects.filter(employee=employee, fingerprint=key)
        .values_list("payload", flat=True)
        .first()
    )
    if row is None:
        return None
    try:
        return from_payload(row, employee, appraisal)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        log.warning("dashboard snapshot of %s unreadable; computing it again", employee.pk)
        return None


def store(employee: Employee, key: str, board: Dashboard) -> None:
    """Keep ``board`` under ``key``. A failure to keep it (two views racing to insert)
    costs only the next view's time, never the page."""
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.update_or_create(
                employee=employee,
                defaults={
                    "fingerprint": key,
                    "payload": to_payload(board),
                    "computed_at": timezone.now(),
                },
            )
    except DatabaseError:
        log.info("dashboard snapshot of %s not kept (concurrent write)", employee.pk)

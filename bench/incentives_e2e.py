"""An incentive run end to end on PostgreSQL: `run_calculate` fetching the month's deals,
splits, collections and refunds, level rates and metrics from the database, evaluating
the plan, and saving every result line, statement and carried state.

Prints figures; not part of `make test`. Run:
`uv run python bench/incentives_e2e.py [--scale 0.05]` (1.0 = 20,000 payees and
5,000,000 deals in one month, as bench/incentives.py measures from frames). Works in
its own database (`meritline_bench_incentives`, emptied and loaded each run; loading is
not timed). The plan is bench/incentives.py's every-component plan without its two lead
components (lead points, the marketing share gated on conversion): this bench loads no
leads.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _django

PERIOD = "2026-10"
FIRST, DAYS = date(2026, 10, 1), 31


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _plan_text() -> str:
    import yaml
    from bench.incentives import PLAN

    plan = {
        **PLAN,
        "components": [
            c for c in PLAN["components"] if c["id"] not in ("marketing_share", "lead_points")
        ],
    }
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def load(payees: int, deals: int) -> tuple[object, object]:
    """Org, customers, the month's deals with splits, collections and refunds, a plan and
    level rates; returns (finance login, approved plan version)."""
    from django.utils import timezone
    from tests import factories as f

    from meritline.core.models import User
    from meritline.incentives.models import TermsKind
    from meritline.incentives.services.plans import (
        plan_create,
        plan_version_approve,
        plan_version_create,
    )
    from meritline.incentives.services.terms import commission_terms_set
    from meritline.org.models import Assignment, Employee, RoleGrant
    from meritline.sales.models import Collection, Customer, Deal, DealSplit, Refund
    from meritline.sales.services.bulkdb import insert_rows

    rng = random.Random(20261123)
    entity = f.EntityFactory(code="BENCH")
    dept = f.DepartmentFactory(code="BENCH-D", entity=entity)
    level = f.LevelFactory(code="S1")
    post = f.PositionFactory(code="REP", is_sales_post=True)
    platform = f.PlatformFactory(code="BENCH-P")
    people = Employee.objects.bulk_create(
        Employee(
            employee_no=f"B{i:06d}", name=f"员工{i}", entity=entity, hire_date=date(2022, 1, 1)
        )
        for i in range(payees)
    )
    leads = people[:: max(1, payees // 1000)] or people[:1]
    Assignment.objects.bulk_create(
        Assignment(
            employee=p,
            valid_from=date(2022, 1, 1),
            department=dept,
            position=post,
            level=level,
            manager=None if p in leads else leads[i % len(leads)],
        )
        for i, p in enumerate(people)
    )
    admin = User.objects.create_user("bench_admin", is_superuser=True)
    finance = User.objects.create_user("bench_finance")
    RoleGrant.objects.create(user=finance, role="finance")
    customers = Customer.objects.bulk_create(
        Customer(
            source="bench",
            external_id=f"C{i}",
            name=f"客户{i}",
            name_normalised=f"客户{i}",
            kind="enterprise" if i % 5 == 0 else "smb",
            platform=platform,
        )
        for i in range(max(10, deals // 5))
    )
    now = timezone.now()
    rows, owners = [], []
    for i in range(deals):
        owner = rng.choice(people)
        owners.append(owner)
        amount = rng.randint(80_000, 150_000_000)
        collected = amount // 2 if i % 2 == 0 else 0
        refunded = amount // 10 if i % 100 == 0 else 0
        rows.append(
            (
                "bench", f"D{i}", f"HT{i}", FIRST.replace(day=1 + rng.randrange(DAYS)),
                amount, 0, platform.pk, rng.choice(customers).pk, owner.pk, None, [], "",
                i % 7 == 0, "active", collected, refunded, now, now,
            )
        )  # fmt: skip
    columns = (
        "source", "external_id", "number", "signed_on", "amount_fen", "cost_fen",
        "platform_id", "customer_id", "owner_id", "lead_id", "products", "fingerprint",
        "is_repurchase", "status", "collected_fen", "refunded_fen", "created_at", "updated_at",
    )  # fmt: skip
    ids = insert_rows(Deal, columns, rows)
    splits, collections, refunds = [], [], []
    for i, (deal_id, owner, row) in enumerate(zip(ids, owners, rows, strict=True)):
        partner = rng.choice(people) if i % 12 == 0 else owner
        if partner.pk != owner.pk:
            splits += [(deal_id, owner.pk, Decimal("0.6")), (deal_id, partner.pk, Decimal("0.4"))]
        else:
            splits.append((deal_id, owner.pk, Decimal(1)))
        if row[14]:
            collections.append(("bench", f"P{i}", deal_id, row[3], row[14], "", now, now))
        if row[15]:
            refunds.append(("bench", f"R{i}", deal_id, row[3], row[15], "", "refund", now, now))
    insert_rows(DealSplit, ("deal_id", "employee_id", "share"), splits)
    line = ("source", "external_id", "deal_id")
    stamps = ("created_at", "updated_at")
    insert_rows(Collection, (*line, "received_on", "amount_fen", "note", *stamps), collections)
    insert_rows(Refund, (*line, "refunded_on", "amount_fen", "reason", "kind", *stamps), refunds)
    plan = plan_create(actor=admin, code="BENCH", name="bench")
    version = plan_version_create(actor=admin, plan=plan, document=_plan_text(), valid_from=FIRST)
    plan_version_approve(actor=finance, version=version)
    commission_terms_set(
        actor=admin, kind=TermsKind.LEVEL_RATE, valid_from=date(2022, 1, 1),
        rate=Decimal("0.01"), level=level, reason="bench",
    )  # fmt: skip
    return finance, version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/meritline_bench_incentives"
    )
    args = parser.parse_args()
    payees, deals = max(20, int(20_000 * args.scale)), max(100, int(5_000_000 * args.scale))
    name = _django.setup(args.database_url)
    from django.db import connection

    from meritline.core.models import User
    from meritline.incentives import models as inc
    from meritline.incentives.services.runs import run_calculate
    from meritline.org import models as org
    from meritline.sales import models as sales

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # the audit-log trigger
    _django.empty_tables(
        inc.ResultLine, inc.StatementTotal, inc.CarriedState, inc.LineDispute, inc.Run,
        inc.CommissionTerms, inc.PlanVersion, inc.Plan, sales.Collection, sales.Refund,
        sales.DealSplit, sales.Deal, sales.Customer, org.Assignment, org.RoleGrant,
        org.Employee, org.Position, org.JobLevel, org.Department, org.Platform,
        org.LegalEntity, User,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    started = time.perf_counter()
    finance, version = load(payees, deals)
    print(
        f"{payees:,} payees, {deals:,} deals in {PERIOD} ({name}); "
        f"loaded in {time.perf_counter() - started:.1f} s (not timed)"
    )
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    run = run_calculate(
        actor=finance,
        plan_version=version,
        period=PERIOD,
        progress=lambda phase, _percent: marks.append((phase, time.perf_counter())),
    )
    seconds = time.perf_counter() - started
    ends = [at for _phase, at in marks[1:]] + [started + seconds]
    print(
        "phases: "
        + ", ".join(
            f"{phase} {end - at:.1f} s" for (phase, at), end in zip(marks, ends, strict=True)
        )
    )
    print(
        f"run_calculate end to end: {seconds:.1f} s, {run.line_count:,} lines saved, "
        f"payable ¥{run.payable_fen / 100:,.2f}, peak RSS {_peak_mb():,.0f} MB"
    )
    print(f"per 1,000,000 deals: {seconds / deals * 1_000_000:.1f} s (linear extrapolation)")


if __name__ == "__main__":
    main()

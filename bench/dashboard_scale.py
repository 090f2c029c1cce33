"""Scale the demo company to N employees for the dashboard load test (bench only).

Each demo sales rep with a platform is cloned until the company has ``target``
employees: the clone gets its own login (no usable password), the rep's current
assignment (team, post, platform, manager), copies of the rep's deals signed since
``since`` (one split row each, new external ids) and of the rep's open leads. The
demo's distributions (platform mix, seasonality, deal sizes) carry over; history older
than ``since`` is not copied — the dashboard reads one cycle and the one before it.
Rows are written with ``bulk_create`` in the bench database only.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

UNUSABLE = "!"  # a password hash no password matches: bench users sign in by session


def scale(*, target: int, since: date, batch: int = 2000) -> dict[str, int]:
    from django.db import transaction

    from meritline.core.models import User
    from meritline.org.models import Assignment, Employee, EmployeeStatus
    from meritline.org.selectors import assignments_on, today
    from meritline.sales.models import TERMINAL, Deal, DealSplit, Lead

    started = time.perf_counter()
    present = Employee.objects.count()
    if present >= target:
        return {"employees": present, "added": 0}
    day = today()
    reps = list(
        assignments_on(day)
        .filter(platform__isnull=False, employee__status=EmployeeStatus.ACTIVE)
        .filter(position__is_sales_post=True)
        .select_related("employee")
        .order_by("employee_id")
    )
    if not reps:
        raise SystemExit("the demo company has no sales rep with a platform")
    deal_fields = [
        "signed_on", "amount_fen", "cost_fen", "platform_id", "customer_id", "products",
        "is_repurchase", "status", "cancelled_on", "collected_fen", "refunded_fen",
    ]  # fmt: skip
    deals_of: dict[int, list[dict[str, Any]]] = {}
    for row in Deal.objects.filter(signed_on__gte=since).values("owner_id", *deal_fields):
        deals_of.setdefault(row.pop("owner_id"), []).append(row)
    lead_fields = [
        "company_name", "company_name_normalised", "contact_name", "source_kind",
        "platform_id", "step", "step_at", "entered_at", "customer_id",
    ]  # fmt: skip
    leads_of: dict[int, list[dict[str, Any]]] = {}
    for row in Lead.objects.exclude(step__in=TERMINAL).values("owner_id", *lead_fields):
        if row["owner_id"] is not None:
            leads_of.setdefault(row.pop("owner_id"), []).append(row)
    needed = target - present
    counts = {"employees": 0, "deals": 0, "leads": 0}
    n = 0
    while n < needed:
        chunk = min(batch, needed - n)
        with transaction.atomic():
            sources = [reps[(n + i) % len(reps)] for i in range(chunk)]
            users = User.objects.bulk_create(
                [User(username=f"bench{n + i:06d}", password=UNUSABLE) for i in range(chunk)]
            )
            people = Employee.objects.bulk_create(
                [
                    Employee(
                        employee_no=f"B{n + i:07d}",
                        name=f"{a.employee.name}{n + i}",
                        entity_id=a.employee.entity_id,
                        hire_date=a.employee.hire_date,
                        status=EmployeeStatus.ACTIVE,
                        user=users[i],
                    )
                    for i, a in enumerate(sources)
                ]
            )
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        employee=people[i],
                        valid_from=a.valid_from,
                        department_id=a.department_id,
                        position_id=a.position_id,
                        level_id=a.level_id,
                        manager_id=a.manager_id,
                        platform_id=a.platform_id,
                        reason="bench",
                    )
                    for i, a in enumerate(sources)
                ]
            )
            deals, owners = [], []
            leads = []
            for i, a in enumerate(sources):
                for k, row in enumerate(deals_of.get(a.employee_id, [])):
                    deals.append(
                        Deal(source="bench", external_id=f"{n + i}-{k}", owner=people[i], **row)
                    )
                    owners.append(people[i])
                for k, row in enumerate(leads_of.get(a.employee_id, [])):
                    leads.append(
                        Lead(
                            source="bench",
                            external_id=f"{n + i}-{k}",
                            number=f"BL{n + i:07d}{k:03d}",
                            owner=people[i],
                            **row,
                        )
                    )
            Deal.objects.bulk_create(deals, batch_size=5000)
            DealSplit.objects.bulk_create(
                [
                    DealSplit(deal=d, employee=o, share=1)
                    for d, o in zip(deals, owners, strict=True)
                ],
                batch_size=5000,
            )
            Lead.objects.bulk_create(leads, batch_size=5000)
        counts["employees"] += chunk
        counts["deals"] += len(deals)
        counts["leads"] += len(leads)
        n += chunk
        print(f"  scaled: +{n:,} employees ({time.perf_counter() - started:.0f} s)", flush=True)
    return {"employees": Employee.objects.count(), "added": counts["employees"], **counts}


def enrol() -> int:
    """Give every cloned rep an appraisal in the open (not closed) cycle of their
    platform, with the template frozen into a colleague's appraisal of that cycle (same
    team when there is one): the clones are added after the demo opened its cycles."""
    from meritline.org.models import Employee
    from meritline.org.selectors import assignments_on, today
    from meritline.performance.models import Appraisal, Cycle, CycleStatus

    added = 0
    current = {
        a.employee_id: a
        for a in assignments_on(today()).filter(
            employee__in=Employee.objects.filter(employee_no__startswith="B")
        )
    }
    for cycle in Cycle.objects.exclude(status=CycleStatus.CLOSED).exclude(platform=None):
        existing = list(cycle.appraisals.order_by("pk"))
        if not existing:
            continue
        present = {a.employee_id for a in existing}
        by_team = {a.department_id: a for a in existing}
        rows = []
        for employee_id, assignment in current.items():
            if assignment.platform_id != cycle.platform_id or employee_id in present:
                continue
            model = by_team.get(assignment.department_id, existing[0])
            rows.append(
                Appraisal(
                    cycle=cycle,
                    employee_id=employee_id,
                    department_id=assignment.department_id,
                    template_version_id=model.template_version_id,
                    template=model.template,
                )
            )
        Appraisal.objects.bulk_create(rows, batch_size=5000)
        added += len(rows)
    return added

"""Facts a run takes from other engines, measured on the simulation's files instead.

A gate reads a metric (``conversion_rate``, from the metrics engine over the leads
file, grouped by the gated component's payee role) and an award reads a count
(``new_enterprise_clients``: enterprise customers whose first deal in the deals file
was signed in the period, per owner). Other metrics and counts need the database;
a plan naming them is refused with a message saying so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl
from django.utils.translation import gettext as _

from meritline.core.periods import Period
from meritline.incentives.engine import Count, Deal, Lead, MetricValue, Plan
from meritline.incentives.engine.schema import AwardComponent, Role
from meritline.metrics import LEADS, Frames, compute

LEAD_METRICS = ("conversion_rate",)
COUNTS = ("new_enterprise_clients",)


class FactsError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def metrics_for(
    plan: Plan, period: Period, leads: Sequence[Lead], entered: Mapping[int, date]
) -> list[MetricValue]:
    """The value of every gate's metric for every person, from the leads file."""
    roles: dict[str, Role] = {}
    for comp in plan.components:
        gate = getattr(comp, "gate", None)
        if gate is None:
            continue
        if gate.metric not in LEAD_METRICS:
            raise FactsError(
                _(
                    "Component %(component)s is gated on %(metric)s, which a simulation on "
                    "files cannot measure; it can measure %(known)s."
                )
                % {"component": comp.id, "metric": gate.metric, "known": ", ".join(LEAD_METRICS)}
            )
        role = Role.OWNER if isinstance(comp, AwardComponent) else comp.payee  # type: ignore[union-attr]
        role = Role.LEAD_SOURCE if role is Role.LEAD_SOURCE else Role.OWNER
        if roles.setdefault(gate.metric, role) is not role:
            raise FactsError(
                _("Gates on %(metric)s are measured both for owners and for lead sources.")
                % {"metric": gate.metric}
            )
    values: list[MetricValue] = []
    for metric, role in roles.items():
        person = [
            (lead.source_id if role is Role.LEAD_SOURCE else lead.owner_id, lead) for lead in leads
        ]
        rows = [(who, lead) for who, lead in person if who is not None]
        if not rows:
            continue
        frame = pl.DataFrame(
            {
                "lead_id": [lead.lead_id for _who, lead in rows],
                "employee_id": [who for who, _lead in rows],
                "source_employee_id": [lead.source_id for _who, lead in rows],
                "platform_id": [0] * len(rows),
                "created_on": [entered[lead.lead_id] for _who, lead in rows],
                "first_follow_up_on": [None] * len(rows),
                "won_on": [lead.converted_on for _who, lead in rows],
            },
            schema=LEADS,
        )
        result = compute([metric], Frames(leads=frame), [(period.start, period.end)])
        values += [
            MetricValue(row["employee_id"], metric, row[f"{metric}__num"], row[f"{metric}__den"])
            for row in result.iter_rows(named=True)
        ]
    return values


def counts_for(
    plan: Plan, period: Period, deals: Sequence[Deal], customers: Mapping[int, str]
) -> list[Count]:
    """Every award's count for every owner, from the deals file."""
    names = {comp.count for comp in plan.components if isinstance(comp, AwardComponent)}
    unknown = sorted(names - set(COUNTS))
    if unknown:
        raise FactsError(
            _(
                "The plan counts %(counts)s, which a simulation on files cannot measure; "
                "it can count %(known)s."
            )
            % {"counts": ", ".join(unknown), "known": ", ".join(COUNTS)}
        )
    if not names:
        return []
    clients: dict[int, set[str]] = defaultdict(set)
    for deal in deals:
        if (
            deal.is_new_customer
            and deal.customer_kind == "enterprise"
            and period.contains(deal.signed_on)
        ):
            clients[deal.owner_id].add(customers[deal.deal_id])
    return [
        Count(owner, name, len(found)) for owner, found in sorted(clients.items()) for name in names
    ]

"""A payee's statement for a period, as the page and the PDF show it: per run (plan), the
lines grouped by component, each in words in the user's language, and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meritline.core.errors import NotFoundError
from meritline.incentives import access, selectors
from meritline.incentives.models import (
    ADJUSTMENT_KIND,
    DisputeStatus,
    LineDispute,
    ResultLine,
    RunStatus,
    StatementTotal,
)
from meritline.incentives.services.plans import plan_of
from meritline.incentives.text import line_text
from meritline.org.models import Employee

KIND_LABELS = {
    "earned": gettext_lazy("Earned"),
    "true_up": gettext_lazy("True-up"),
    "points": gettext_lazy("Points"),
    "points_bonus": gettext_lazy("Conversion bonus"),
    "award": gettext_lazy("Award"),
    "award_clawback": gettext_lazy("Award taken back"),
    "cap_cut": gettext_lazy("Cut by cap"),
    "held": gettext_lazy("Held until collected"),
    "released": gettext_lazy("Released"),
    "clawback": gettext_lazy("Clawed back"),
    ADJUSTMENT_KIND: gettext_lazy("Adjustment"),
}
TOTAL_FIELDS = (
    "earned_fen",
    "cap_cut_fen",
    "held_fen",
    "released_fen",
    "clawed_back_fen",
    "adjustment_fen",
    "carried_in_fen",
    "net_fen",
    "payable_fen",
    "carried_out_fen",
    "points",
)


@dataclass
class LineRow:
    line: ResultLine
    text: str
    kind_label: str
    dispute: LineDispute | None = None
    disputable: bool = False


@dataclass
class ComponentGroup:
    component_id: str
    name: str
    lines: list[LineRow] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(row.line.amount_fen for row in self.lines)


@dataclass
class RunPart:
    statement: StatementTotal
    groups: list[ComponentGroup]

    @property
    def run(self) -> Any:
        return self.statement.run

    @property
    def is_draft(self) -> bool:
        return bool(self.statement.run.status == RunStatus.DRAFT)


@dataclass
class StatementData:
    employee: Employee
    period: str
    parts: list[RunPart]
    totals: dict[str, int]
    periods: list[str]
    is_own: bool

    @property
    def line_count(self) -> int:
        return sum(len(g.lines) for p in self.parts for g in p.groups)


def _component_name(version: Any, component_id: str, english: bool) -> str:
    try:
        comp = plan_of(version).component(component_id)
    except KeyError:
        return component_id
    name = (comp.name_en if english else None) or comp.name
    return name or component_id


def _groups(
    user: Any, statement: StatementTotal, disputes: dict[int, LineDispute], own: bool
) -> list[ComponentGroup]:
    language = translation.get_language()
    english = (language or "").startswith("en")
    run = statement.run
    published = run.status != RunStatus.DRAFT
    groups: dict[str, ComponentGroup] = {}
    for line in selectors.line_list(user=user, run=run, payee_id=statement.payee_id):
        key = line.component_id
        if key not in groups:
            groups[key] = ComponentGroup(
                key, _component_name(run.plan_version, key, english) or _("Adjustments")
            )
        dispute = disputes.get(line.pk)
        open_dispute = dispute is not None and dispute.status == DisputeStatus.OPEN
        groups[key].lines.append(
            LineRow(
                line=line,
                text=line_text(line, language),
                kind_label=str(KIND_LABELS.get(line.line_kind, line.line_kind)),
                dispute=dispute,
                disputable=own and published and not open_dispute,
            )
        )
    return list(groups.values())


def statement_data(*, user: Any, employee_id: int, period: str | None) -> StatementData:
    """The statement of ``employee_id`` for ``period`` (their latest when None), as far as
    ``user`` may see it; NotFoundError when there is nothing to see."""
    visible = selectors.statement_list(user=user).filter(payee_id=employee_id)
    periods = sorted(set(visible.values_list("run__period", flat=True)), reverse=True)
    if not periods:
        raise NotFoundError(_("Statement not found."))
    chosen = period or periods[0]
    rows = list(visible.filter(run__period=chosen).order_by("run__plan_version__plan__code"))
    if not rows:
        raise NotFoundError(_("Statement not found."))
    own = access.self_employee_id(user) == employee_id
    disputes: dict[int, LineDispute] = {}
    for dispute in (
        selectors.dispute_list(user=user)
        .filter(payee_id=employee_id, run__period=chosen)
        .order_by("raised_at", "pk")
    ):
        disputes[dispute.line_id] = dispute  # the latest per line wins
    parts = [RunPart(row, _groups(user, row, disputes, own)) for row in rows]
    totals = {name: sum(getattr(r, name) for r in rows) for name in TOTAL_FIELDS}
    return StatementData(
        employee=rows[0].payee,
        period=chosen,
        parts=parts,
        totals=totals,
        periods=periods,
        is_own=own,
    )

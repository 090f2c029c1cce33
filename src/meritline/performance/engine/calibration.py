"""Calibration: grade adjustments with a mandatory reason, and the distribution check.

- An adjustment moves one employee to another grade of the table; its reason must not
  be blank, its grade must exist, its employee must be in the cycle, and an employee
  is adjusted at most once per call. Any problem refuses the whole batch (nothing is
  applied). The coefficient follows the new grade.
- The guideline caps (``max_share``) and floors (``min_share``) the share of each
  grade, in percent, per team. A team with fewer than ``min_team_size`` people is not
  checked. A warning is given when count × 100 > max × team size (or < min × team
  size); its ``share`` is count ÷ team size × 100 rounded half-up to 2 places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from meritline.performance.engine.errors import InputError, Issue, RulesError, issues_from
from meritline.performance.engine.grades import GradeTable
from meritline.performance.engine.numbers import HUNDRED, PERCENT_PLACES, divide, read_decimal


@dataclass(frozen=True)
class Adjustment:
    """A manager's or HR's change of one employee's grade, with who and why."""

    employee_id: int
    to_grade: str
    reason: str
    by: int


@dataclass(frozen=True)
class Calibrated:
    """An employee's grade after calibration (``reason`` None: not adjusted)."""

    employee_id: int
    grade_before: str
    grade: str
    coefficient: Decimal
    reason: str | None = None
    by: int | None = None


def calibrate(
    grades: Mapping[int, str], adjustments: Sequence[Adjustment], table: GradeTable
) -> dict[int, Calibrated]:
    """Apply every adjustment or none; :class:`InputError` lists each bad one."""
    issues: list[Issue] = []
    seen: set[int] = set()
    for i, adj in enumerate(adjustments):
        where = f"adjustments[{i}]"
        if not adj.reason.strip():
            issues.append(
                Issue(f"{where}.reason", "reason_required", "a calibration needs a reason")
            )
        if adj.to_grade not in table.grades:
            issues.append(
                Issue(
                    f"{where}.to_grade",
                    "unknown_grade",
                    f"unknown grade {adj.to_grade!r}; the table has {', '.join(table.grades)}",
                    {"grade": adj.to_grade},
                )
            )
        if adj.employee_id not in grades:
            issues.append(
                Issue(
                    f"{where}.employee_id",
                    "unknown_employee",
                    "the employee is not in this cycle",
                    {"employee_id": adj.employee_id},
                )
            )
        elif adj.employee_id in seen:
            issues.append(
                Issue(
                    f"{where}.employee_id",
                    "duplicate_adjustment",
                    "the employee is adjusted twice in one calibration",
                    {"employee_id": adj.employee_id},
                )
            )
        seen.add(adj.employee_id)
    if issues:
        raise InputError(issues)
    result = {
        emp: Calibrated(emp, grade, grade, table.by_grade(grade).coefficient)
        for emp, grade in grades.items()
    }
    for adj in adjustments:
        before = grades[adj.employee_id]
        result[adj.employee_id] = Calibrated(
            adj.employee_id,
            before,
            adj.to_grade,
            table.by_grade(adj.to_grade).coefficient,
            adj.reason.strip(),
            adj.by,
        )
    return result


def _percent(value: Any) -> Decimal:
    return read_decimal(value, what="a percentage", max_places=PERCENT_PLACES)


Share = Annotated[Decimal, BeforeValidator(_percent), Field(ge=0, le=100)]


class Guideline(BaseModel):
    """The guideline distribution, e.g. ``{"max_share": {"S": 10, "A": 20}}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_share: dict[str, Share] = Field(default_factory=dict)
    min_share: dict[str, Share] = Field(default_factory=dict)
    min_team_size: int = Field(default=1, ge=1)

    @classmethod
    def parse(cls, document: Mapping[str, Any], table: GradeTable) -> Guideline:
        """Validate against the grade table; :class:`RulesError` lists every issue."""
        try:
            guideline = cls.model_validate(document)
        except ValidationError as exc:
            raise RulesError(issues_from(exc)) from None
        issues = [
            Issue(f"{field}.{grade}", "unknown_grade", f"unknown grade {grade!r}", {"grade": grade})
            for field, shares in (
                ("max_share", guideline.max_share),
                ("min_share", guideline.min_share),
            )
            for grade in shares
            if grade not in table.grades
        ]
        issues += [
            Issue(
                f"min_share.{grade}",
                "bad_share",
                f"grade {grade}'s minimum share is above its maximum",
                {"grade": grade},
            )
            for grade, low in guideline.min_share.items()
            if grade in guideline.max_share and low > guideline.max_share[grade]
        ]
        if issues:
            raise RulesError(issues)
        return guideline


@dataclass(frozen=True)
class DistributionWarning:
    """A team whose share of a grade departs from the guideline."""

    team: str
    grade: str
    count: int
    total: int
    share: Decimal  # percent, 2 places
    limit: Decimal  # percent
    bound: Literal["max", "min"]

    @property
    def message(self) -> str:
        """English text; the Django layer words it from the fields."""
        word = "above the maximum" if self.bound == "max" else "below the minimum"
        return (
            f"team {self.team}: {self.count} of {self.total} ({self.share} %) graded "
            f"{self.grade}, {word} of {self.limit} %"
        )


def check_distribution(
    grades_by_team: Mapping[str, Sequence[str]], guideline: Guideline, table: GradeTable
) -> list[DistributionWarning]:
    """Warnings per team and grade, teams in name order, grades in table order."""
    warnings: list[DistributionWarning] = []
    for team in sorted(grades_by_team):
        grades = grades_by_team[team]
        total = len(grades)
        if total < guideline.min_team_size:
            continue
        for grade in table.grades:
            count = sum(1 for g in grades if g == grade)
            share = divide(Decimal(count) * HUNDRED, Decimal(total), 2)
            high = guideline.max_share.get(grade)
            low = guideline.min_share.get(grade)
            if high is not None and count * HUNDRED > high * total:
                warnings.append(DistributionWarning(team, grade, count, total, share, high, "max"))
            if low is not None and count * HUNDRED < low * total:
                warnings.append(DistributionWarning(team, grade, count, total, share, low, "min"))
    return warnings

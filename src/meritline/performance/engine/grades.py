"""Grades: a score → a grade (S/A/B/C/D…) → a bonus coefficient, from a table.

The table lists bands from the best grade down, each with the lowest score that earns
it (inclusive) and its bonus coefficient (up to 4 places, between 0 and 10). It is
valid when: grades are distinct; minimum scores fall strictly from band to band;
coefficients never rise from band to band; and the last band starts at 0, so every
score ≥ 0 has exactly one grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from meritline.performance.engine.errors import Issue, RulesError, issues_from
from meritline.performance.engine.numbers import COEF_PLACES, SCORE_PLACES, read_decimal, show


def _score(value: Any) -> Decimal:
    return read_decimal(value, what="a score", max_places=SCORE_PLACES)


def _coefficient(value: Any) -> Decimal:
    return read_decimal(value, what="a coefficient", max_places=COEF_PLACES)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GradeBand(_Model):
    """One grade: scores from ``min_score`` up (to the next band) earn it."""

    grade: str = Field(min_length=1, max_length=8)
    min_score: Annotated[Decimal, BeforeValidator(_score), Field(ge=0)]
    coefficient: Annotated[Decimal, BeforeValidator(_coefficient), Field(ge=0, le=10)]


class GradeTable(_Model):
    """A validated grade table (build it with :func:`parse_grades`)."""

    bands: list[GradeBand] = Field(min_length=1, max_length=20)

    @property
    def grades(self) -> list[str]:
        """The grades from best to worst."""
        return [band.grade for band in self.bands]

    def band(self, score: Decimal) -> GradeBand:
        """The band of ``score``: the first (best) whose minimum it reaches."""
        for band in self.bands:
            if score >= band.min_score:
                return band
        return self.bands[-1]  # scores below 0 cannot happen; the worst grade if they do

    def by_grade(self, grade: str) -> GradeBand:
        """The band of a grade (KeyError when the table has no such grade)."""
        for band in self.bands:
            if band.grade == grade:
                return band
        raise KeyError(grade)


def parse_grades(document: Mapping[str, Any]) -> GradeTable:
    """Validate a grade table document; :class:`RulesError` lists every issue."""
    try:
        table = GradeTable.model_validate(document)
    except ValidationError as exc:
        raise RulesError(issues_from(exc)) from None
    issues = check_grades(table)
    if issues:
        raise RulesError(issues)
    return table


def check_grades(table: GradeTable) -> list[Issue]:
    """Monotonicity and coverage problems of ``table`` (empty when valid)."""
    issues: list[Issue] = []
    seen: set[str] = set()
    for i, band in enumerate(table.bands):
        if band.grade in seen:
            issues.append(
                Issue(
                    f"bands[{i}].grade",
                    "duplicate_grade",
                    f"grade {band.grade!r} appears twice",
                    {"grade": band.grade},
                )
            )
        seen.add(band.grade)
        if i == 0:
            continue
        above = table.bands[i - 1]
        if band.min_score >= above.min_score:
            issues.append(
                Issue(
                    f"bands[{i}].min_score",
                    "not_monotone",
                    f"grade {band.grade} starts at {show(band.min_score)}, which must be "
                    f"below {above.grade}'s {show(above.min_score)}",
                    {"grade": band.grade, "above": above.grade},
                )
            )
        if band.coefficient > above.coefficient:
            issues.append(
                Issue(
                    f"bands[{i}].coefficient",
                    "not_monotone",
                    f"grade {band.grade}'s coefficient {show(band.coefficient)} must not "
                    f"exceed {above.grade}'s {show(above.coefficient)}",
                    {"grade": band.grade, "above": above.grade},
                )
            )
    last = table.bands[-1]
    if last.min_score != 0:
        issues.append(
            Issue(
                f"bands[{len(table.bands) - 1}].min_score",
                "not_covered",
                f"scores from 0 to below {show(last.min_score)} have no grade; "
                "the last band must start at 0",
                {"min_score": show(last.min_score)},
            )
        )
    return issues

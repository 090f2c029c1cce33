"""Commission terms in force: level rates per (employee, day) and adjustments per period."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from meritline.incentives.models import CommissionTerms, TermsKind
from meritline.org.models import Assignment

Series = tuple[list[date], list[Decimal]]


def _series(rows: Iterable[tuple[int, date, Decimal]]) -> dict[int, Series]:
    table: dict[int, Series] = {}
    for key, day, rate in sorted(rows, key=lambda r: (r[0], r[1])):
        days, rates = table.setdefault(key, ([], []))
        days.append(day)
        rates.append(rate)
    return table


def _at(series: Series | None, day: date) -> Decimal | None:
    if series is None:
        return None
    position = bisect_right(series[0], day)
    return series[1][position - 1] if position else None


def level_rates(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], Decimal]:
    """The level rate in force for each (employee, day): the employee's own terms, else
    the terms of the job level of the assignment in force that day (its level, or its
    post's). Pairs without terms are left out."""
    wanted = set(pairs)
    people = {employee for employee, _ in wanted}
    if not people:
        return {}
    terms = CommissionTerms.objects.filter(kind=TermsKind.LEVEL_RATE)
    own = _series(
        terms.filter(employee_id__in=people).values_list("employee_id", "valid_from", "rate")
    )
    by_level = _series(
        terms.filter(level__isnull=False).values_list("level_id", "valid_from", "rate")
    )
    assignments: dict[int, list[tuple[date, date | None, int | None]]] = defaultdict(list)
    if by_level:
        for employee, start, end, level, post_level in Assignment.objects.filter(
            employee_id__in=people
        ).values_list("employee_id", "valid_from", "valid_to", "level_id", "position__level_id"):
            assignments[employee].append((start, end, level or post_level))
    found: dict[tuple[int, date], Decimal] = {}
    for employee, day in wanted:
        rate = _at(own.get(employee), day)
        if rate is None:
            for start, end, level in assignments.get(employee, ()):
                if start <= day and (end is None or day <= end) and level is not None:
                    rate = _at(by_level.get(level), day)
                    break
        if rate is not None:
            found[(employee, day)] = rate
    return found


def adjustments_on(day: date, people: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Every non-zero rate adjustment in force on ``day`` (the first day of a period)."""
    rows = CommissionTerms.objects.filter(kind=TermsKind.ADJUSTMENT, valid_from__lte=day)
    if people is not None:
        rows = rows.filter(employee_id__in=list(people))
    latest: dict[int, Decimal] = {}
    for employee, rate in rows.order_by("valid_from").values_list("employee_id", "rate"):
        latest[employee] = rate
    return {employee: rate for employee, rate in latest.items() if rate}

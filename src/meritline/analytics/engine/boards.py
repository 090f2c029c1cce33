"""Leaderboards (PRF-8): competition ranks by final score, and which names a viewer sees.

Rules (also in docs/dashboards.md):
- Ranks are the performance engine's competition ranks (100, 90, 90, 80 → 1, 2, 2, 4);
  rows are ordered by rank, then name, then employee id.
- A viewer sees the name of: everyone in the top ``named_top`` (public recognition),
  themself, and anyone in ``visible`` (their scope; None = everyone). Every other row
  keeps its rank and score but shows no name and no employee id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from meritline.performance.engine.ranking import rank

NAMED_TOP = 10


@dataclass(frozen=True)
class BoardEntry:
    employee_id: int
    name: str
    score: Decimal
    grade: str = ""


@dataclass(frozen=True)
class BoardRow:
    rank: int
    score: Decimal
    grade: str
    employee_id: int | None  # None: the viewer may not see who this is
    name: str | None
    is_me: bool = False


@dataclass(frozen=True)
class Board:
    rows: tuple[BoardRow, ...]
    size: int
    my_rank: int | None

    @property
    def hidden(self) -> int:
        """How many rows show no name."""
        return sum(1 for row in self.rows if row.employee_id is None)


def build_board(
    entries: Sequence[BoardEntry],
    *,
    viewer_id: int | None,
    visible: Iterable[int] | None,
    named_top: int = NAMED_TOP,
) -> Board:
    """The board of ``entries`` as ``viewer_id`` may see it."""
    ranks = rank({e.employee_id: e.score for e in entries})
    allowed = None if visible is None else set(visible)
    ordered = sorted(entries, key=lambda e: (ranks[e.employee_id], e.name, e.employee_id))
    rows = []
    for entry in ordered:
        position = ranks[entry.employee_id]
        me = entry.employee_id == viewer_id
        named = me or position <= named_top or allowed is None or entry.employee_id in allowed
        rows.append(
            BoardRow(
                rank=position,
                score=entry.score,
                grade=entry.grade,
                employee_id=entry.employee_id if named else None,
                name=entry.name if named else None,
                is_me=me,
            )
        )
    my_rank = ranks.get(viewer_id) if viewer_id is not None else None
    return Board(tuple(rows), len(rows), my_rank)

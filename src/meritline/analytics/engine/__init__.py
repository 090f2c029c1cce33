"""The analytics engine — pure: the gap to the top 3 as a phrase, leaderboards with the
names a viewer may see, the weakest KPIs relative to peers with improvement
suggestions, and platform-by-platform comparisons.

Imports only the standard library and ``meritline.core``; never Django. Every input is
plain data prepared by the selectors (fetch → compute → show).
"""

from meritline.analytics.engine.boards import Board, BoardEntry, BoardRow, build_board
from meritline.analytics.engine.compare import (
    KpiSummary,
    PlatformSummary,
    ScoredAppraisal,
    summarise_platform,
    trend,
)
from meritline.analytics.engine.gaps import GapPhrase, GapUnit, gap_phrase
from meritline.analytics.engine.suggestions import (
    Advice,
    KpiStanding,
    Weakness,
    advice_for,
    percentile_rank,
    weakest_kpis,
)

__all__ = [
    "Advice",
    "Board",
    "BoardEntry",
    "BoardRow",
    "GapPhrase",
    "GapUnit",
    "KpiStanding",
    "KpiSummary",
    "PlatformSummary",
    "ScoredAppraisal",
    "Weakness",
    "advice_for",
    "build_board",
    "gap_phrase",
    "percentile_rank",
    "summarise_platform",
    "trend",
    "weakest_kpis",
]

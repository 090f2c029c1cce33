"""docs/metrics.md lists every metric the engine knows, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from meritline.metrics import metric_names

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_the_definitions_table_lists_every_metric_once() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert sorted(rows) == sorted(metric_names())

"""Access-matrix cases: performance_reviews."""

from __future__ import annotations

from tests.matrix_cases import Case

PAGES: dict[str, Case] = {}
API_OPERATIONS: dict[str, Case] = {}

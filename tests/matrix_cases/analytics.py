"""Access-matrix cases: analytics."""

from __future__ import annotations

from tests.matrix_cases import Case

PAGES: dict[str, Case] = {}
API_OPERATIONS: dict[str, Case] = {}

"""What an access-matrix case is, and the role sets the cases name.

Each app's cases may live in a module of this package exporting ``PAGES`` and
``API_OPERATIONS`` dicts; ``tests/test_access_matrix.py`` merges every module listed in
``MODULES`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import World

ROLES = ("hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor")
ALL = frozenset(ROLES)
ALL_ROWS = frozenset({"hr_admin", "finance", "auditor"})
SCOPED = frozenset({"hrbp", "sales_manager", "employee"})
PEOPLE_MANAGERS = frozenset({"hr_admin", "hrbp"})
HR_ADMIN = frozenset({"hr_admin"})
PEOPLE = ("XH00006", "刘洋")  # 刘洋 of 华南: outside every scoped role's reach
SOUTH = ("华南销售部",)  # the 华南 sales department: outside every scoped role's reach


@dataclass(frozen=True)
class Case:
    """How to call an endpoint and who may.

    ``url`` builds the path from the world; ``allowed`` roles get 200 (or a redirect after a
    POST); other roles get 403. ``outside`` marks a URL naming an object outside the scoped
    roles' reach: those of them that are allowed get 404; roles that are not allowed get 403
    (or 404, when the object is outside their scope as well). ``lists`` names texts of rows
    outside the scoped roles' reach that a list or export must never show them.
    """

    url: Callable[[World], str]
    allowed: frozenset[str] = ALL
    outside: frozenset[str] = frozenset()
    lists: tuple[str, ...] = ()
    method: str = "GET"
    body: Callable[[World], dict] | None = None
    public: bool = False
    ok: tuple[int, ...] = (200,)


# Modules of this package whose PAGES / API_OPERATIONS join the matrix.
MODULES: tuple[str, ...] = (
    "incentives_lifecycle",
    "performance_manage",
    "performance_reviews",
    "performance_okr",
    "analytics",
)

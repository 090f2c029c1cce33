"""Access-matrix cases: performance_okr.

刘洋's private objective is outside every scoped role's reach, and private objectives are
read by their owner, the owner's managers and HR only — so finance and auditors, who see
every row elsewhere, get 404 here too. Writes (check-ins, grades, key results) belong to
the owner, their managers and HR admins.
"""

from __future__ import annotations

from tests.matrix_cases import ALL, HR_ADMIN, SCOPED, Case
from tests.okr.builders import PRIVATE_TITLE, liuyang_kr, liuyang_private

NOT_READERS = SCOPED | {"finance", "auditor"}
PRIVATE = (PRIVATE_TITLE,)


def _objective(suffix: str = ""):
    return lambda w: f"/performance/okr/{liuyang_private(w).pk}/{suffix}"


PAGES: dict[str, Case] = {
    "okr:mine": Case(lambda w: "/performance/okr/"),
    "okr:tree": Case(lambda w: (liuyang_private(w), "/performance/okr/tree/")[1], lists=PRIVATE),
    "okr:objective_new": Case(lambda w: "/performance/okr/new/"),
    "okr:objective_detail": Case(_objective(), outside=NOT_READERS),
    "okr:objective_edit": Case(_objective("edit/"), allowed=HR_ADMIN, outside=NOT_READERS),
    "okr:key_results": Case(_objective("key-results/"), allowed=HR_ADMIN, outside=NOT_READERS),
    "okr:grade": Case(
        _objective("grade/"),
        method="POST",
        allowed=HR_ADMIN,
        outside=NOT_READERS,
        body=lambda w: {"score": "0.5", "note": "矩阵"},
    ),
    "okr:review": Case(
        _objective("review/"),
        method="POST",
        allowed=HR_ADMIN,
        outside=NOT_READERS,
        body=lambda w: {"score": "0.5", "note": "矩阵"},
        ok=(400,),
    ),
    "okr:refresh": Case(
        _objective("refresh/"), method="POST", allowed=HR_ADMIN, outside=NOT_READERS
    ),
    "okr:check_in": Case(
        lambda w: f"/performance/okr/key-results/{liuyang_kr(w).pk}/check-in/",
        allowed=HR_ADMIN,
        outside=NOT_READERS,
    ),
    "okr:close_period": Case(
        lambda w: f"/performance/okr/periods/{liuyang_private(w).period.code}/close/",
        method="POST",
        allowed=HR_ADMIN,
    ),
}

API_OPERATIONS: dict[str, Case] = {
    "okr_objective_list": Case(
        lambda w: (liuyang_private(w), "/api/v1/performance/okr/objectives")[1], lists=PRIVATE
    ),
    "okr_objective_get": Case(
        lambda w: f"/api/v1/performance/okr/objectives/{liuyang_private(w).pk}",
        outside=NOT_READERS,
    ),
    "okr_check_in_list": Case(
        lambda w: f"/api/v1/performance/okr/objectives/{liuyang_private(w).pk}/check-ins",
        outside=NOT_READERS,
    ),
    "okr_check_in_create": Case(
        lambda w: f"/api/v1/performance/okr/key-results/{liuyang_kr(w).pk}/check-ins",
        method="POST",
        allowed=HR_ADMIN,
        outside=NOT_READERS,
        body=lambda w: {"value": 3, "confidence": "high", "comment": "矩阵"},
        ok=(201,),
    ),
}

assert ALL

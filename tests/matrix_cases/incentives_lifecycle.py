"""Access-matrix cases: incentives_lifecycle (a run's background calculation, a plan
version's review and retirement)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.conftest import World
from tests.matrix_cases import ALL_ROWS, Case

MANAGERS = frozenset({"hr_admin", "finance"})
DOCUMENT = (
    "name: 矩阵方案\ncomponents:\n  - {id: c, kind: rate, payee: owner, "
    'tiers: [{from: 0, rate: "0.01"}]}\n'
)


def _matrix(name: str) -> Callable[..., object]:
    """A fixture builder of tests/test_access_matrix.py, imported when a case runs."""
    from tests import test_access_matrix

    return getattr(test_access_matrix, name)


def _version(w: World, status: str) -> int:
    """A version of the matrix plan written by the plain employee (so every manager may
    review it): a draft, or one pending review."""
    from meritline.incentives.models import PlanVersion
    from meritline.incentives.services.plans import digest_of

    approved = _matrix("_incentive_version")(w)
    number = {"draft": 3, "pending": 4}[status]
    version, _ = PlanVersion.objects.get_or_create(
        plan=approved.plan,
        number=number,
        defaults={
            "document": DOCUMENT,
            "digest": digest_of(DOCUMENT),
            "valid_from": date(2030 + number, 1, 1),
            "created_by": w.employee,
            "status": status,
        },
    )
    return version.pk


def _approved(w: World) -> int:
    """The matrix plan's first version (approved; retired once a case retired it)."""
    from meritline.incentives.models import PlanVersion

    found = PlanVersion.objects.filter(plan__code="MATRIX", number=1).first()
    return found.pk if found is not None else _matrix("_incentive_version")(w).pk


def _run(w: World) -> int:
    return _matrix("_incentive_run")(w)


PAGES: dict[str, Case] = {
    "incentives:run_progress": Case(
        lambda w: f"/incentives/runs/{_run(w)}/progress/", allowed=ALL_ROWS
    ),
    "incentives:version_submit": Case(
        lambda w: f"/incentives/versions/{_version(w, 'draft')}/submit/",
        method="POST",
        allowed=MANAGERS,
        ok=(302,),
    ),
    "incentives:version_withdraw": Case(
        # only the author withdraws: a manager who is not is told so (400), others 403
        lambda w: f"/incentives/versions/{_version(w, 'pending')}/withdraw/",
        method="POST",
        allowed=MANAGERS,
        ok=(400,),
    ),
    "incentives:version_reject": Case(
        lambda w: f"/incentives/versions/{_version(w, 'pending')}/reject/",
        method="POST",
        allowed=MANAGERS,
        body=lambda w: {"reason": "矩阵退回"},
        ok=(302,),
    ),
    "incentives:version_retire": Case(
        lambda w: f"/incentives/versions/{_approved(w)}/retire/",
        method="POST",
        allowed=MANAGERS,
        body=lambda w: {"retire_from": "2020-02-01", "reason": "矩阵停用"},
        ok=(302,),
    ),
}
API_OPERATIONS: dict[str, Case] = {}

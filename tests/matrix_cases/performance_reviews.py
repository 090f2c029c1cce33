"""Access-matrix cases: multi-rater reviews (PRF-5) and the inbox.

刘洋 (华南, outside every scoped role's reach) has an appraisal in a company-wide cycle
with a customer link and an unanswered peer assignment; he himself is asked to rate 陈静
and has an inbox message. Only he may answer his assignment or read his message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tests.conftest import World
from tests.matrix_cases import ALL, ALL_ROWS, HR_ADMIN, PEOPLE, SCOPED, Case

CURVE = {"kind": "linear", "points": [[60, 0], [100, 100], [120, 120]]}
ITEMS = [
    {
        "id": "sales",
        "kind": "manual",
        "unit": "number",
        "target": "100",
        "curve": CURVE,
        "weight": 50,
    },
    {
        "id": "teamwork",
        "kind": "rating",
        "unit": "score",
        "target": "4",
        "curve": CURVE,
        "weight": 50,
    },
]
RULES = {
    "weights": {"supervisor": "50", "peer": "30", "customer": "10", "self": "10"},
    "scale_min": "1",
    "scale_max": "5",
}
TOKEN = "matrix-review-token"


@dataclass(frozen=True)
class Reviews:
    cycle: int
    liuyang: int  # 刘洋's appraisal
    his_task: int  # 刘洋 asked to rate 陈静
    removable: int  # 孙磊 asked to rate 刘洋 (unanswered)
    message: int  # 刘洋's inbox message


def _reviews(w: World) -> Reviews:
    """Idempotent: the url builders call it more than once."""
    from meritline.performance.models import (
        Appraisal,
        Cycle,
        KpiTemplate,
        KpiTemplateVersion,
        ReviewAssignment,
    )
    from meritline.performance.services.cycles import DEFAULT_GRADES

    template, _ = KpiTemplate.objects.get_or_create(
        code="MATRIX-REV", defaults={"name": "矩阵评审"}
    )
    version, _ = KpiTemplateVersion.objects.get_or_create(
        template=template, number=1, defaults={"items": ITEMS, "valid_from": date(2025, 1, 1)}
    )
    cycle, _ = Cycle.objects.get_or_create(
        platform=None,
        period="2026-Q3",
        defaults={
            "cadence": "quarterly",
            "as_of": date(2026, 9, 30),
            "grades": DEFAULT_GRADES,
            "rater_rules": RULES,
        },
    )
    frozen = {"id": "MATRIX-REV@v1", "items": ITEMS}

    def appraisal(employee, department):
        return Appraisal.objects.get_or_create(
            cycle=cycle,
            employee=employee,
            defaults={"department": department, "template_version": version, "template": frozen},
        )[0]

    ly = appraisal(w.liuyang, w.sales_south)
    cj = appraisal(w.chenjing, w.team_a)
    his_task = ReviewAssignment.objects.get_or_create(
        appraisal=cj, rater=w.liuyang, defaults={"group": "peer"}
    )[0]
    removable = ReviewAssignment.objects.get_or_create(
        appraisal=ly, rater=w.sunlei, defaults={"group": "peer"}
    )[0]
    ReviewAssignment.objects.get_or_create(
        appraisal=ly,
        group="customer",
        token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
        defaults={"contact": "王总", "link_expires_at": timezone.now() + timedelta(days=7)},
    )
    return Reviews(cycle.pk, ly.pk, his_task.pk, removable.pk, _message(w))


def _message(w: World) -> int:
    from meritline.notify.models import Message

    return Message.objects.get_or_create(
        recipient=w.liuyang.user, key="matrix", defaults={"subject": "矩阵消息"}
    )[0].pk


def _r(path: str):
    def build(w: World) -> str:
        r = _reviews(w)
        return path.format(
            cycle=r.cycle,
            liuyang=r.liuyang,
            task=r.his_task,
            removable=r.removable,
            message=r.message,
        )

    return build


NOT_EMPLOYEE = ALL - {"employee"}
NOBODY = frozenset()

PAGES: dict[str, Case] = {
    "performance:review_todo": Case(_r("/performance/reviews/")),
    "performance:review_rate": Case(
        _r("/performance/reviews/{task}/"), allowed=NOBODY, outside=ALL
    ),
    "performance:review_customer": Case(_r(f"/performance/reviews/customer/{TOKEN}/"), public=True),
    "performance:review_overview": Case(
        _r("/performance/reviews/team/"), allowed=NOT_EMPLOYEE, lists=PEOPLE
    ),
    "performance:appraisal_reviewers": Case(
        _r("/performance/appraisals/{liuyang}/reviewers/"), allowed=ALL_ROWS, outside=SCOPED
    ),
    "performance:appraisal_reviewer_add": Case(
        _r("/performance/appraisals/{liuyang}/reviewers/add/"),
        method="POST",
        body=lambda w: {"group": "peer", "rater": w.chenjing.pk},
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "performance:appraisal_reviewer_defaults": Case(
        _r("/performance/appraisals/{liuyang}/reviewers/defaults/"),
        method="POST",
        body=lambda w: {},
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "performance:appraisal_customer_link": Case(
        _r("/performance/appraisals/{liuyang}/reviewers/customer-link/"),
        method="POST",
        body=lambda w: {"contact": "李经理", "days": "7"},
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "performance:review_assignment_remove": Case(
        _r("/performance/reviews/assignments/{removable}/remove/"),
        method="POST",
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "performance:review_deadline": Case(
        _r("/performance/cycles/{cycle}/review-deadline/"),
        method="POST",
        body=lambda w: {"deadline": "2099-12-31"},
        allowed=HR_ADMIN,
    ),
    "performance:appraisal_reviews": Case(
        _r("/performance/appraisals/{liuyang}/reviews/"), allowed=ALL_ROWS, outside=SCOPED
    ),
    "notify:inbox": Case(_r("/inbox/")),  # own messages only: tests/notify/test_views.py
    "notify:message_read": Case(
        _r("/inbox/{message}/read/"), method="POST", allowed=NOBODY, outside=ALL
    ),
    "notify:read_all": Case(_r("/inbox/read-all/"), method="POST"),
}

API_OPERATIONS: dict[str, Case] = {
    "performance_review_mine": Case(_r("/api/v1/performance/reviews/mine")),
    "performance_review_submit": Case(
        _r("/api/v1/performance/reviews/{task}/answers"),
        method="POST",
        body=lambda w: {"scores": {"teamwork": "4"}},
        allowed=NOBODY,
        outside=ALL,
    ),
    "performance_review_results": Case(
        _r("/api/v1/performance/appraisals/{liuyang}/reviews"), allowed=ALL_ROWS, outside=SCOPED
    ),
}

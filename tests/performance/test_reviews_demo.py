"""The demo's reviews: assigned and mostly answered on open cycles with rating items,
feeding the scores; nothing where no template has rating items; wiped cleanly."""

from __future__ import annotations

from meritline.demo import reviews_demo
from meritline.notify.models import Message
from meritline.performance.models import (
    Appraisal,
    CycleStatus,
    ReviewAnswer,
    ReviewAssignment,
    ReviewWindow,
)
from tests.performance.test_reviews_cast import rw  # noqa: F401 - the reviews cast


def test_the_demo_assigns_answers_and_scores_the_open_cycles_reviews(rw):  # noqa: F811
    w = rw.w
    counts = reviews_demo.generate(admin=w.hr_admin)
    assert counts["review_cycles"] == 1
    assert counts["review_answers"] > 0 and counts["review_assignments"] > 0
    mine = ReviewAssignment.objects.filter(appraisal__employee=w.chenjing)
    assert {"supervisor", "self", "peer", "customer"} <= set(mine.values_list("group", flat=True))
    assert ReviewWindow.objects.get(cycle=rw.cycle)
    rw.cycle.refresh_from_db()
    assert rw.cycle.status == CycleStatus.SCORING
    scored = Appraisal.objects.get(cycle=rw.cycle, employee=w.chenjing)
    assert scored.kpis["teamwork"]["den"] == 100
    assert Message.objects.filter(link__startswith="/performance/reviews/").exists()
    again = reviews_demo.wipe()
    assert again["review_assignments"] == counts["review_assignments"]
    assert not ReviewAssignment.objects.exists() and not ReviewAnswer.objects.exists()
    assert not Message.objects.filter(link__startswith="/performance/reviews/").exists()


def test_nothing_happens_without_rating_items(world):
    assert reviews_demo.generate(admin=world.hr_admin) == {
        "review_cycles": 0,
        "review_assignments": 0,
        "review_answers": 0,
    }

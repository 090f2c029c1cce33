"""The demo's OKRs: 线索运营组 runs on OKR this quarter (DEMO.md, PRF-9)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from meritline.core.models import User
from meritline.demo import okr_demo
from meritline.demo.build import build
from meritline.demo.catalogue import DEFAULT_SEED
from meritline.performance.okr import selectors
from meritline.performance.okr.models import CheckIn, Level, Objective, Visibility


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        build(seed=DEFAULT_SEED)
        yield {"okr_objectives": Objective.objects.count()}
        transaction.set_rollback(True)


@pytest.fixture
def okrs(demo, db):
    return demo


def test_the_marketing_group_runs_on_okr(okrs):
    assert okrs["okr_objectives"] == 4
    zhaomin = User.objects.get(username="zhaomin")
    mine = Objective.objects.get(owner__user=zhaomin)
    assert mine.parent.level == Level.TEAM and mine.parent.team.name == "线索运营组"
    assert mine.parent.parent.level == Level.COMPANY
    assert CheckIn.objects.filter(key_result__objective=mine).count() >= 4
    assert any(kr.metric == "conversion_rate" for kr in mine.key_results.all())
    assert 0 < mine.score() < 1


def test_zhaomin_sees_her_okrs_and_not_her_colleagues_private_one(okrs):
    zhaomin = User.objects.get(username="zhaomin")
    client = Client()
    client.force_login(zhaomin)
    text = client.get("/performance/okr/").content.decode()
    assert "提升我的线索质量" in text
    private = Objective.objects.get(visibility=Visibility.PRIVATE)
    assert client.get(f"/performance/okr/{private.pk}/").status_code == 404
    period = private.period.code
    titles = {n.objective.title for n in selectors.alignment_tree(user=zhaomin, period=period)}
    assert titles == {"线索驱动增长:市场带来的新客户成为签约主力"}


def test_wipe_removes_every_okr(okrs):
    assert okr_demo.wipe()["okr_objectives"] == 4
    assert not Objective.objects.exists()

"""The rep dashboard kept between views (``analytics.snapshots``): served again only while
every record it was computed from is unchanged, computed again as soon as one changes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone, translation

from meritline.analytics import services, snapshots
from meritline.analytics.models import DashboardSnapshot
from meritline.analytics.selectors import dashboard
from meritline.analytics.selectors.dashboard import current_appraisal, rep_dashboard
from meritline.incentives.models import CommissionTerms, TermsKind
from meritline.performance.models import Target, TargetLevel
from meritline.performance.services.scoring import cycle_score
from meritline.sales.models import Collection, Deal, DealSplit, Lead
from tests.performance.conftest import sell


@pytest.fixture
def computed(monkeypatch):
    """Counts the dashboards computed (rather than served as kept)."""
    calls: list[int] = []
    real = dashboard.compute_dashboard

    def spy(user, employee, appraisal):
        calls.append(employee.pk)
        return real(user, employee, appraisal)

    monkeypatch.setattr(dashboard, "compute_dashboard", spy)
    return calls


def _lead(aw, key, **fields):
    """A lead of 华星科技 (C-1) on her platform; 陈静's open one unless ``fields`` say."""
    now = timezone.now()
    values = {"owner": aw.w.chenjing, "step": "intent", "company_name": "甲", **fields}
    return Lead.objects.create(
        source="t", external_id=key, number=key, company_name_normalised=values["company_name"],
        source_kind="self_sourced", platform=aw.w.platform, step_at=now, entered_at=now,
        customer=aw.pw.sw.customer, **values,
    )  # fmt: skip


def _view(user):
    with translation.override("zh-hans"):
        return rep_dashboard(user=user)


def test_a_second_view_is_served_the_kept_dashboard_equal_to_a_fresh_one(aw, computed):
    user = aw.w.employee
    first = _view(user)
    second = _view(user)
    assert len(computed) == 1
    assert second == first  # every field, ranks and their gap phrases included
    assert second.team is not None and second.kpis
    assert DashboardSnapshot.objects.filter(employee=aw.w.chenjing).count() == 1


def test_the_payload_reads_back_as_the_board_it_was_made_from(aw):
    user = aw.w.employee
    appraisal = current_appraisal(aw.w.chenjing.pk)
    board = dashboard.compute_dashboard(user, aw.w.chenjing, appraisal)
    data = snapshots.to_payload(board)
    assert snapshots.from_payload(data, aw.w.chenjing, appraisal) == board
    assert isinstance(data["final"], str)  # Decimals kept exactly, as text


def _changes(aw):
    """Each a change to one input of 陈静's dashboard, by the route the product takes."""
    w = aw.w
    deal = Deal.objects.filter(splits__employee=w.chenjing).order_by("pk").first()

    def new_deal():
        sell(aw.pw, "D-NEW", date(2026, 9, 3), 1_000_000, 700_000)

    def edited_deal():
        deal.amount_fen += 100
        deal.save()

    def split_with_a_colleague():
        DealSplit.objects.filter(deal=deal).update(share=Decimal("0.5"))
        DealSplit.objects.create(deal=deal, employee=aw.stars[0], share=Decimal("0.5"))

    def collection():
        Collection.objects.create(
            deal=deal, source="t", external_id="P-1", received_on=date(2026, 9, 2),
            amount_fen=10_000,
        )  # fmt: skip

    def lead():
        _lead(aw, "L-X")

    def target():
        Target.objects.create(
            level=TargetLevel.EMPLOYEE, employee=w.chenjing, period=aw.cycle.period,
            metric="sales_amount", value=Decimal("60000000"), platform=w.platform,
        )  # fmt: skip

    def manual_value():
        appraisal = current_appraisal(w.chenjing.pk)
        appraisal.manual = {**appraisal.manual, "note": {"value": "1"}}
        appraisal.save(update_fields=["manual"])

    def scored_again():
        cycle_score(actor=w.hr_admin, cycle=aw.cycle)

    def own_level_rate():
        CommissionTerms.objects.create(
            kind=TermsKind.LEVEL_RATE, employee=w.chenjing, valid_from=date(2026, 1, 1),
            rate=Decimal("0.015"),
        )  # fmt: skip

    return [
        new_deal,
        edited_deal,
        split_with_a_colleague,
        collection,
        lead,
        target,
        manual_value,
        scored_again,
        own_level_rate,
    ]


@pytest.mark.parametrize("index", range(9))
def test_a_change_to_any_input_computes_the_dashboard_again(aw, computed, index):
    user = aw.w.employee
    change = _changes(aw)[index]
    _view(user)
    change()
    _view(user)
    assert len(computed) == 2, change.__name__


def test_a_new_deal_shows_at_once(aw):
    user = aw.w.employee
    before = _view(user)
    sell(aw.pw, "D-NEW", date(2026, 9, 3), 5_000_000, 3_500_000)
    after = _view(user)
    old, new = ({k.kpi_id: k.value for k in b.kpis}["revenue"] for b in (before, after))
    assert old != new


def test_a_colleagues_sale_leaves_her_dashboard_kept(aw, computed):
    user = aw.w.employee
    _view(user)
    sell(aw.pw, "D-OTHER", date(2026, 9, 3), 1_000_000, 700_000, owner=aw.lower[0].employee_no)
    _view(user)
    assert len(computed) == 1


def test_a_new_day_and_another_language_compute_it_again(aw, computed, monkeypatch):
    user = aw.w.employee
    _view(user)
    with translation.override("en"):
        english = rep_dashboard(user=user)
    assert len(computed) == 2
    assert any("No." in t for t in (english.team_text, english.platform_text))
    tomorrow = snapshots.today() + timedelta(days=1)
    monkeypatch.setattr(snapshots, "today", lambda: tomorrow)
    _view(user)
    assert len(computed) == 3


def test_a_sale_to_the_customer_of_her_open_lead_computes_it_again(aw, computed):
    w = aw.w
    _lead(aw, "L-Y")
    _view(w.employee)
    # a contract with that customer may change its average contract, which values the lead
    # (for a viewer who sees it: a manager's open deals are valued by their team's)
    sell(aw.pw, "D-C1", date(2026, 9, 3), 90_000_000, 63_000_000, owner=aw.lower[0].employee_no)
    _view(w.employee)
    assert len(computed) == 2


def test_each_person_is_served_only_their_own(aw):
    star = aw.stars[0].user
    mine = _view(aw.w.employee)
    theirs = _view(star)
    assert theirs.employee == aw.stars[0] and mine.employee == aw.w.chenjing
    assert _view(star) == theirs and _view(aw.w.employee) == mine
    assert theirs.final != mine.final
    # a snapshot is looked up by the viewer's own employee and inputs only
    row = DashboardSnapshot.objects.get(employee=aw.w.chenjing)
    DashboardSnapshot.objects.filter(employee=aw.stars[0]).update(fingerprint=row.fingerprint)
    assert _view(star).final == theirs.final


def test_an_unreadable_kept_dashboard_is_computed_again(aw, computed):
    user = aw.w.employee
    first = _view(user)
    DashboardSnapshot.objects.filter(employee=aw.w.chenjing).update(payload={"kpis": "?"})
    assert _view(user) == first
    assert len(computed) == 2


def test_a_failure_to_keep_it_costs_nothing_but_time(aw, computed, monkeypatch):
    def refuse(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(DashboardSnapshot.objects, "update_or_create", refuse)
    client = Client()
    client.force_login(aw.w.employee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/analytics/me/")
    assert response.status_code == 200 and b'data-testid="final-score"' in response.content
    assert not DashboardSnapshot.objects.exists()


def test_warming_computes_each_dashboard_once_and_the_page_then_serves_it(aw, computed):
    count = services.warm_dashboards()
    people = {aw.w.chenjing.pk, *(e.pk for e in aw.stars + aw.lower)}
    assert count >= len(people) and people <= set(computed)
    assert services.warm_dashboards() == count
    assert len(computed) == count  # nothing changed: nothing computed the second time
    client = Client()
    client.force_login(aw.w.employee)
    assert client.get("/analytics/me/").status_code == 200
    assert len(computed) == count
    out = StringIO()
    call_command("warm_dashboards", "--employee", str(aw.w.chenjing.pk), stdout=out)
    assert out.getvalue().strip()
    assert len(computed) == count


def test_a_deal_on_a_lead_she_brought_computes_it_again(aw, computed):
    """Her lead-source earnings and gates read deals of leads she brought, whoever owns
    them."""
    w = aw.w
    lead = _lead(
        aw, "L-S", company_name="乙", source_employee=w.chenjing, owner=aw.lower[0], step="contract"
    )
    deal = sell(aw.pw, "D-LS", date(2026, 9, 3), 1_000_000, 700_000, owner=aw.lower[0].employee_no)
    Deal.objects.filter(pk=deal.pk).update(lead=lead)
    _view(w.employee)
    # the colleague's deal changes without any row of hers being written
    Deal.objects.filter(pk=deal.pk).update(amount_fen=2_000_000)
    _view(w.employee)
    assert len(computed) == 2


def test_a_field_written_without_a_newer_stamp_is_still_seen(aw, computed):
    """A bulk write committed after a later-stamped one leaves MAX(updated_at) where it
    was: the fields' own sums still move."""
    user = aw.w.employee
    deal = Deal.objects.filter(splits__employee=aw.w.chenjing).order_by("pk").first()
    _view(user)
    Deal.objects.filter(pk=deal.pk).update(cost_fen=deal.cost_fen + 1)
    _view(user)
    Deal.objects.filter(pk=deal.pk).update(status="cancelled")
    _view(user)
    assert len(computed) == 3


def test_a_posts_new_job_level_computes_it_again(aw, computed):
    """Her level rate follows her post's job level when she has none of her own."""
    from meritline.org.models import JobLevel

    user = aw.w.employee
    _view(user)
    post = aw.w.rep
    other = JobLevel.objects.exclude(pk=post.level_id).first() or JobLevel.objects.create(
        code="P9", name="P9", rank=9
    )
    type(post).objects.filter(pk=post.pk).update(level=other)
    _view(user)
    assert len(computed) == 2

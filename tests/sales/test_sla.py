"""SLA alerts (LED-4): the pure overdue rule, the idempotent daily scan, the to-do list."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.sales import sla
from meritline.sales.models import LeadAlert, SlaRule, SourceKind, Step
from meritline.sales.selectors import todo_for
from meritline.sales.services.config import sla_rule_set
from meritline.sales.services.lead_actions import lead_advance, lead_assign
from meritline.sales.services.leads import lead_register
from meritline.sales.services.sla_scan import sla_scan
from meritline.sales.tasks import sla_scan_daily
from tests.sales.conftest import at

TZ = timezone.get_fixed_timezone(8 * 60)


def t(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=TZ)


# The pure rule

RULES = [
    sla.Rule("entered", 48, date(2025, 1, 1)),
    sla.Rule("entered", 24, date(2025, 3, 10)),
    sla.Rule("received", 72, date(2025, 1, 1)),
    sla.Rule("intent", 0, date(2025, 1, 1)),
]


@pytest.mark.parametrize(
    ("clock", "now", "due"),
    [
        # 48 h rule in force when the step began
        (sla.Clock(1, "entered", t(1), 7), t(3, 10), t(3)),
        (sla.Clock(1, "entered", t(1), 7), t(3, 9), None),  # exactly due: not yet overdue
        (sla.Clock(1, "entered", t(1), 7), t(2), None),
        # a later, stricter rule applies to steps begun after it
        (sla.Clock(2, "entered", t(10), 7), t(11, 10), t(11)),
        (sla.Clock(3, "entered", t(9), 7), t(10, 10), None),
        # no rule for the step, or a rule of 0 hours: no limit
        (sla.Clock(4, "visited", t(1), 7), t(30), None),
        (sla.Clock(5, "intent", t(1), 7), t(30), None),
        # before any rule started
        (sla.Clock(6, "entered", datetime(2024, 12, 1, tzinfo=TZ), 7), t(30), None),
    ],
)
def test_a_lead_is_overdue_after_the_limit_in_force_when_its_step_began(clock, now, due):
    found = sla.overdue([clock], RULES, now)
    assert [o.due_at for o in found] == ([due] if due else [])
    if due:
        assert found[0].responsible_id == 7 and found[0].step == clock.step


def test_overdue_leads_come_oldest_first():
    clocks = [sla.Clock(1, "received", t(5), 1), sla.Clock(2, "entered", t(1), 2)]
    assert [o.lead_id for o in sla.overdue(clocks, RULES, t(30))] == [2, 1]


# Rules


def test_sla_rules_are_effective_dated_and_checked(sw):
    sla_rule_set(actor=sw.w.hr_admin, step=Step.ENTERED, max_hours=48, valid_from=date(2025, 1, 1))
    for kwargs, code in [
        (dict(step=Step.ENTERED, max_hours=24, valid_from=date(2024, 6, 1)), "sla_backdated"),
        (dict(step=Step.SETTLED, max_hours=24, valid_from=date(2025, 6, 1)), "bad_choice"),
        (dict(step=Step.LOST, max_hours=24, valid_from=date(2025, 6, 1)), "bad_choice"),
        (dict(step=Step.VISITED, max_hours=-1, valid_from=date(2025, 6, 1)), "not_positive"),
    ]:
        with pytest.raises(DomainError) as exc:
            sla_rule_set(actor=sw.w.hr_admin, **kwargs)
        assert exc.value.code == code
    assert SlaRule.objects.count() == 1
    with pytest.raises(PermissionDeniedError):
        sla_rule_set(
            actor=sw.w.manager, step=Step.VISITED, max_hours=8, valid_from=date(2025, 1, 1)
        )


# The scan


@pytest.fixture
def overdue_world(sw):
    sla_rule_set(actor=sw.w.hr_admin, step=Step.ENTERED, max_hours=48, valid_from=date(2025, 1, 1))
    sla_rule_set(actor=sw.w.hr_admin, step=Step.RECEIVED, max_hours=72, valid_from=date(2025, 1, 1))
    unassigned = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        entered_at=at(date(2025, 3, 1)),
    )
    sunleis = lead_register(
        actor=sw.w.other_employee,
        company_name="远山制造",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
        entered_at=at(date(2025, 3, 1)),
    )
    lead_advance(
        actor=sw.w.other_employee, lead=sunleis, step=Step.RECEIVED, at=at(date(2025, 3, 2))
    )
    fresh = lead_register(
        actor=sw.w.employee,
        company_name="白云电子",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
        entered_at=at(date(2025, 3, 9)),
    )
    return sw, unassigned, sunleis, fresh


def test_the_scan_raises_alerts_with_the_responsible_person(overdue_world):
    sw, unassigned, sunleis, fresh = overdue_world
    result = sla_scan(now=at(date(2025, 3, 10)))
    assert (result.overdue, result.raised, result.resolved) == (2, 2, 0)
    alerts = {a.lead_id: a for a in LeadAlert.objects.all()}
    assert set(alerts) == {unassigned.pk, sunleis.pk}
    assert fresh.pk not in alerts
    assert alerts[unassigned.pk].responsible == sw.zhaomin  # nobody owns it yet
    assert alerts[unassigned.pk].due_at == at(date(2025, 3, 3))
    assert alerts[sunleis.pk].responsible == sw.w.sunlei
    assert alerts[sunleis.pk].step == "received"
    assert AuditLog.objects.filter(action="sales.sla.scan").count() == 1


def test_the_scan_is_idempotent(overdue_world):
    sla_scan(now=at(date(2025, 3, 10)))
    rows = list(LeadAlert.objects.values())
    audits = AuditLog.objects.count()
    again = sla_scan(now=at(date(2025, 3, 10), 15))
    assert (again.raised, again.resolved, again.reassigned) == (0, 0, 0)
    assert list(LeadAlert.objects.values()) == rows
    assert AuditLog.objects.count() == audits


def test_moving_on_resolves_and_reassigning_moves_the_alert(overdue_world):
    sw, unassigned, sunleis, _fresh = overdue_world
    sla_scan(now=at(date(2025, 3, 10)))
    lead_advance(
        actor=sw.w.other_employee, lead=sunleis, step=Step.INTENT, at=at(date(2025, 3, 10), 10)
    )
    # moving on resolves the alert at once, not at the next scan
    assert LeadAlert.objects.get(lead=sunleis).resolved_at == at(date(2025, 3, 10), 10)
    lead_assign(actor=sw.w.manager, lead=unassigned, owner=sw.w.chenjing)
    result = sla_scan(now=at(date(2025, 3, 10), 12))
    assert (result.resolved, result.reassigned) == (0, 1)
    assert LeadAlert.objects.get(lead=sunleis).resolved_at == at(date(2025, 3, 10), 10)
    assert LeadAlert.objects.get(lead=unassigned).responsible == sw.w.chenjing


def test_todo_lists_the_owners_and_their_managers_overdue_leads(overdue_world):
    sw, unassigned, sunleis, _fresh = overdue_world
    lead_assign(actor=sw.w.manager, lead=unassigned, owner=sw.w.chenjing)
    sla_scan(now=at(date(2025, 3, 10)))
    assert [a.lead for a in todo_for(user=sw.w.employee)] == [unassigned]
    assert [a.lead for a in todo_for(user=sw.w.other_employee)] == [sunleis]
    assert {a.lead for a in todo_for(user=sw.w.manager)} == {unassigned, sunleis}
    assert list(todo_for(user=sw.zhaomin_user)) == []
    assert list(todo_for(user=sw.w.hr_admin)) == []  # not in the reporting line


def test_the_daily_task_runs_the_scan(overdue_world, monkeypatch):
    from meritline.sales.services import sla_scan as module

    monkeypatch.setattr(module.timezone, "now", lambda: at(date(2025, 3, 10)))
    result = sla_scan_daily.delay().get()
    assert result["raised"] == 2 and result["platform_stages_changed"] == 0


def test_the_beat_schedule_runs_the_scan_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["sales-sla-scan-daily"]
    assert entry["task"] == "sales.tasks.sla_scan_daily"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)


def test_the_navigation_counts_overdue_leads_for_their_owner(sw, client):
    from meritline.sales.models import Lead, LeadAlert
    from meritline.sales.selectors import todo_count

    lead = Lead.objects.create(
        source="crm",
        external_id="L-NAV",
        number="L-NAV-1",
        company_name="导航测试有限公司",
        company_name_normalised="导航测试",
        source_kind="self_sourced",
        owner=sw.w.chenjing,
        platform=sw.w.platform,
        step="entered",
        step_at=timezone.now(),
        entered_at=timezone.now(),
    )
    LeadAlert.objects.create(
        lead=lead,
        step="entered",
        due_at=timezone.now(),
        responsible=sw.w.chenjing,
        raised_at=timezone.now(),
    )
    assert todo_count(user=sw.w.employee) == 1
    assert todo_count(user=sw.w.manager) == 1
    assert todo_count(user=sw.w.finance) == 0
    client.force_login(sw.w.employee)
    page = client.get("/sales/leads/mine/").content.decode()
    assert "ml-todo-badge" in page

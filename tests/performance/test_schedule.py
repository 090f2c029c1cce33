"""Cycles created on schedule (PRF-3): monthly for new platforms, quarterly (or the
half-yearly cadence once chosen) for mature ones; idempotent; by service, task and
command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from meritline.core.errors import PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.models import Cycle
from meritline.performance.services.cycles import cycle_open
from meritline.performance.services.schedule import cycles_open_due, platform_cadence
from meritline.performance.tasks import open_due_cycles
from meritline.sales.models import PlatformStage


def test_each_platform_gets_the_cycle_its_cadence_calls_for(pw):
    w, web = pw.w, pw.sw.web
    result = cycles_open_due(as_of=date(2026, 10, 1))
    opened = {(c.platform.code, c.period, c.cadence) for c in result.opened}
    assert opened == {("GOV", "2026-Q4", "quarterly"), ("WEB", "2026-10", "monthly")}
    assert Cycle.objects.get(platform=web).appraisals.get().employee == w.liuyang
    assert AuditLog.objects.filter(action="performance.cycle.open", actor=None).count() == 2


def test_running_it_again_opens_nothing(pw):
    cycles_open_due(as_of=date(2026, 10, 1))
    again = cycles_open_due(as_of=date(2026, 10, 20))
    assert again.opened == [] and len(again.existing) == 2
    assert Cycle.objects.count() == 2
    november = cycles_open_due(as_of=date(2026, 11, 2))
    assert [(c.platform.code, c.period) for c in november.opened] == [("WEB", "2026-11")]


def test_a_mature_platform_that_chose_half_yearly_stays_half_yearly(pw):
    w = pw.w
    cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-H1", cadence="half_yearly")
    assert platform_cadence(w.platform, date(2026, 7, 1)) == "half_yearly"
    result = cycles_open_due(as_of=date(2026, 7, 1))
    gov = [c for c in result.opened if c.platform == w.platform]
    assert [(c.period, c.cadence) for c in gov] == [("2026-H2", "half_yearly")]


def test_a_platform_that_matured_moves_from_monthly_to_quarterly(pw):
    web = pw.sw.web
    cycles_open_due(as_of=date(2026, 9, 1))
    PlatformStage.objects.create(platform=web, stage="mature", valid_from=date(2026, 10, 1))
    result = cycles_open_due(as_of=date(2026, 10, 1))
    assert ("WEB", "2026-Q4") in {(c.platform.code, c.period) for c in result.opened}


def test_the_next_cycle_keeps_the_platforms_rules(pw):
    w = pw.w
    cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3", team_weight="25")
    cycles_open_due(as_of=date(2026, 10, 1))
    assert str(Cycle.objects.get(platform=w.platform, period="2026-Q4").team_weight) == "25.00"


def test_a_platform_without_people_is_skipped_with_the_reason(pw):
    from tests import factories as f

    f.PlatformFactory(code="XHS", name="小红书企业号", launched_on=date(2026, 7, 1))
    result = cycles_open_due(as_of=date(2026, 10, 1))
    assert [where for where, _why in result.skipped] == ["小红书企业号 2026-Q4"]
    assert len(result.opened) == 2


def test_a_person_running_it_must_be_hr(pw):
    with pytest.raises(PermissionDeniedError):
        cycles_open_due(as_of=date(2026, 10, 1), actor=pw.w.manager)
    assert not Cycle.objects.exists()


def test_the_task_and_the_command(pw):
    out, quiet = StringIO(), StringIO()
    with translation.override("en"):
        call_command("performance", "open-due", "--as-of", "2026-10-01", stdout=out)
        call_command("performance", "open-due", "--as-of", "2026-10-01", stdout=quiet)
    assert "opened 政企大客户部 2026-Q4" in out.getvalue()
    assert "0 cycles opened" in quiet.getvalue()
    done = open_due_cycles()  # today's due cycles: at least 官网直销's month
    assert done["opened"] and not done["skipped"]
    with pytest.raises(CommandError):
        call_command("performance", "open-due", "--as-of", "tomorrow")

"""The audit log page and its export: who may read it, filters, sorting, pay redaction."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from openpyxl import load_workbook

from meritline.core import audit
from meritline.core.errors import PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.web import selectors
from meritline.web.views.audit import diff_rows, redact

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _record(actor, action, target, *, at: datetime, before=None, after=None) -> AuditLog:
    with mock.patch("django.utils.timezone.now", return_value=at), transaction.atomic():
        return audit.record(actor=actor, action=action, target=target, before=before, after=after)


@pytest.fixture
def log(world):
    """Three records on three days by two actors."""
    return [
        _record(
            world.hr_admin,
            "org.employee.create",
            world.chenjing,
            at=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
            after={"employee_no": "XH00004", "name": "陈静"},
        ),
        _record(
            world.hr_admin,
            "org.salary.change",
            world.chenjing,
            at=datetime(2026, 3, 15, 9, 0, tzinfo=SHANGHAI),
            before={"base_salary_fen": 800_000, "reason": "入职定薪"},
            after={"base_salary_fen": 950_000, "reason": "晋升调薪"},
        ),
        _record(
            world.hrbp,
            "org.employee.update",
            world.sunlei,
            at=datetime(2026, 4, 2, 23, 30, tzinfo=SHANGHAI),
            before={"phone": "13800000000"},
            after={"phone": "13900000001"},
        ),
    ]


def _actions(response) -> list[str]:
    return [entry.record.action for entry in response.context["entries"]]


@pytest.mark.parametrize("role", ["employee", "sales_manager", "hrbp", "finance"])
def test_audit_log_is_forbidden_to_other_roles(client, world, log, role) -> None:
    client.force_login(world.user(role))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export/?format=csv").status_code == 403


@pytest.mark.parametrize("role", ["hr_admin", "auditor"])
def test_audit_log_is_open_to_hr_admin_and_auditor(client, world, log, role) -> None:
    client.force_login(world.user(role))
    response = client.get("/audit/")
    assert response.status_code == 200
    assert _actions(response) == ["org.employee.update", "org.salary.change", "org.employee.create"]


def test_audit_log_needs_login(client, db) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_selector_refuses_users_without_audit_scope(world) -> None:
    with pytest.raises(PermissionDeniedError):
        selectors.audit_log_list(user=world.employee)
    with pytest.raises(PermissionDeniedError):
        selectors.audit_actions(user=world.manager)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=liqiang", ["org.employee.update"]),
        ("actor=WANG", ["org.salary.change", "org.employee.create"]),
        ("action=org.salary.change", ["org.salary.change"]),
        (
            "target_type=org.employee",
            ["org.employee.update", "org.salary.change", "org.employee.create"],
        ),
        ("date_from=2026-03-10", ["org.employee.update", "org.salary.change"]),
        ("date_to=2026-03-15", ["org.salary.change", "org.employee.create"]),
        ("date_from=2026-04-02&date_to=2026-04-02", ["org.employee.update"]),
        ("actor=wangfang&date_from=2026-03-02", ["org.salary.change"]),
        ("actor=nobody", []),
    ],
)
def test_filters_narrow_the_log(client, world, log, query, expected) -> None:
    client.force_login(world.auditor)
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert _actions(response) == expected


def test_action_filter_offers_the_recorded_actions(client, world, log) -> None:
    client.force_login(world.auditor)
    html = client.get("/audit/").content.decode()
    for action in ("org.employee.create", "org.salary.change", "org.employee.update"):
        assert f'<option value="{action}">' in html


def test_reversed_dates_are_reported_next_to_the_field(client, world, log) -> None:
    client.force_login(world.auditor)
    response = client.get("/audit/?date_from=2026-04-01&date_to=2026-03-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_date_to_error"' in html
    assert "The end date is before the start date." in html
    assert _actions(response) == ["org.employee.update"]  # the valid start date still applies


def test_bad_date_is_reported_and_ignored(client, world, log) -> None:
    client.force_login(world.auditor)
    response = client.get("/audit/?date_from=yesterday")
    assert 'id="id_date_from_error"' in response.content.decode()
    assert len(_actions(response)) == 3


def test_empty_result_shows_an_empty_state_with_reset(client, world, log) -> None:
    client.force_login(world.auditor)
    html = client.get("/audit/?actor=nobody").content.decode()
    assert "No records match these filters" in html
    assert 'href="/audit/"' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("actor", ["liqiang", "wangfang", "wangfang"]),
        ("-actor", ["wangfang", "wangfang", "liqiang"]),
        ("at", ["wangfang", "wangfang", "liqiang"]),
        ("bogus", ["liqiang", "wangfang", "wangfang"]),  # falls back to newest first
    ],
)
def test_log_sorts_by_whitelisted_columns(client, world, log, sort, expected) -> None:
    client.force_login(world.auditor)
    response = client.get(f"/audit/?sort={sort}")
    assert [e.record.actor_name for e in response.context["entries"]] == expected


def test_sort_links_keep_the_filters(client, world, log) -> None:
    client.force_login(world.auditor)
    html = client.get("/audit/?actor=wang&sort=at").content.decode()
    assert 'href="?actor=wang&amp;sort=-at"' in html
    assert 'href="?actor=wang&amp;sort=actor"' in html


def test_log_is_paginated_and_pages_keep_filters(client, world) -> None:
    with transaction.atomic():
        for i in range(60):
            audit.record(actor=world.hr_admin, action="org.test.bulk", target_type="x", target_id=i)
    client.force_login(world.auditor)
    first = client.get("/audit/?action=org.test.bulk")
    assert len(first.context["entries"]) == 50
    html = first.content.decode()
    assert "action=org.test.bulk&amp;page=2" in html
    second = client.get("/audit/?action=org.test.bulk&page=2")
    assert len(second.context["entries"]) == 10


def test_auditor_sees_pay_amounts_redacted(client, world, log) -> None:
    client.force_login(world.auditor)
    response = client.get("/audit/?action=org.salary.change")
    [entry] = response.context["entries"]
    rows = {row.key: row for row in entry.diff}
    assert rows["base_salary_fen"].before == "—" and rows["base_salary_fen"].after == "—"
    assert rows["reason"].after == "晋升调薪"
    html = response.content.decode()
    assert "950000" not in html and "9,500.00" not in html and "800000" not in html
    assert "hidden for your role" in html


def test_hr_admin_sees_pay_amounts_as_money(client, world, log) -> None:
    client.force_login(world.hr_admin)
    response = client.get("/audit/?action=org.salary.change")
    html = response.content.decode()
    assert "¥9,500.00" in html and "¥8,000.00" in html


def test_export_csv_contains_the_filtered_rows(client, world, log) -> None:
    client.force_login(world.hr_admin)
    response = client.get("/audit/export/?format=csv&actor=wangfang")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # header + two records by wangfang
    assert [r[2] for r in rows[1:]] == ["org.salary.change", "org.employee.create"]
    assert rows[1][0] == "2026-03-15 09:00:00"  # local time
    assert '"base_salary_fen": 950000' in rows[1][7]  # HR admin may see pay


def test_export_xlsx_contains_the_filtered_rows(client, world, log) -> None:
    client.force_login(world.auditor)
    response = client.get("/audit/export/?format=xlsx&action=org.employee.update")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2
    assert values[1][1] == "liqiang" and values[1][2] == "org.employee.update"


def test_export_redacts_pay_for_the_auditor(client, world, log) -> None:
    client.force_login(world.auditor)
    response = client.get("/audit/export/?format=csv&action=org.salary.change")
    text = response.content.decode("utf-8-sig")
    assert "950000" not in text and "800000" not in text
    assert '"base_salary_fen": "—"' in text.replace('""', '"')


def test_export_rejects_unknown_format(client, world, log) -> None:
    client.force_login(world.auditor)
    assert client.get("/audit/export/?format=pdf").status_code == 400


def test_export_links_carry_the_current_filters(client, world, log) -> None:
    client.force_login(world.auditor)
    html = client.get("/audit/?actor=wang&page=1").content.decode()
    assert 'href="/audit/export/?actor=wang&amp;format=csv"' in html
    assert 'href="/audit/export/?actor=wang&amp;format=xlsx"' in html


def test_redact_hides_nested_pay_keys_only_without_pay_rights() -> None:
    value = {"a_fen": 1, "lines": [{"b_fen": 2, "name": "x"}], "name": "y"}
    assert redact(value, show_pay=False) == {
        "a_fen": "—",
        "lines": [{"b_fen": "—", "name": "x"}],
        "name": "y",
    }
    assert redact(value, show_pay=True) == value


def test_diff_marks_changed_keys_in_first_seen_order() -> None:
    rows = diff_rows({"a": 1, "b": 2}, {"b": 3, "c": None}, show_pay=False)
    assert [(r.key, r.before, r.after, r.changed) for r in rows] == [
        ("a", "1", None, True),
        ("b", "2", "3", True),
        ("c", None, "(empty)", True),
    ]
    created = diff_rows(None, {"x_fen": 5}, show_pay=False)
    assert [(r.before, r.after, r.changed, r.redacted) for r in created] == [
        (None, "—", False, True)
    ]

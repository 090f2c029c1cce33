"""The demo company 星河云服 (DEMO.md): shape, story people, scopes and invariants.

The company is built once for the module inside a transaction that is rolled back at
the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from meritline.core import crypto
from meritline.core.access import Role, scope_for
from meritline.core.models import AuditLog, User
from meritline.demo.build import Summary, build
from meritline.demo.catalogue import (
    DEFAULT_SEED,
    NEW_PLATFORM_TRANSFER,
    PASSWORD,
    STORY_LOGINS,
    TODAY,
    TRANSFER_REASONS,
)
from meritline.demo.plan import make_plan
from meritline.org import id_numbers
from meritline.org.models import (
    Assignment,
    Department,
    Employee,
    EmployeeStatus,
    LegalEntity,
    Platform,
    PlatformStage,
    Position,
    Region,
    RoleGrant,
    SalaryChange,
)
from meritline.org.selectors import assignments_on, employee_list, post_ladder


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Summary:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        summary = build(seed=DEFAULT_SEED)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def company(demo: Summary, db: None) -> Summary:
    return demo


def login(username: str) -> User:
    return User.objects.get(username=username)


def digest() -> str:
    """People, their whole assignment history and salaries, by natural keys only."""
    h = hashlib.sha256()
    for row in Employee.objects.order_by("employee_no").values_list(
        "employee_no",
        "name",
        "gender",
        "hire_date",
        "status",
        "leave_date",
        "leave_reason",
        "entity__code",
        "phone",
        "email",
    ):
        h.update(repr(row).encode())
    for row in Assignment.objects.order_by("employee__employee_no", "valid_from").values_list(
        "employee__employee_no",
        "valid_from",
        "valid_to",
        "department__code",
        "position__code",
        "level__code",
        "manager__employee_no",
        "platform__code",
        "reason",
    ):
        h.update(repr(row).encode())
    for row in SalaryChange.objects.order_by("employee__employee_no", "valid_from").values_list(
        "employee__employee_no", "valid_from", "base_salary_fen", "reason"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


# -- determinism ------------------------------------------------------------------------
def test_same_seed_builds_the_same_company(company: Summary) -> None:
    before = digest()
    call_command("demo", "--reset", stdout=StringIO())
    assert digest() == before


def test_plan_is_deterministic_and_depends_on_the_seed() -> None:
    first, again, other = make_plan(DEFAULT_SEED), make_plan(DEFAULT_SEED), make_plan(7)
    assert first == again
    names = [p.name for p in first.people]
    assert names != [p.name for p in other.people]
    assert {p.login for p in other.people if p.login} == {s.login for s in STORY_LOGINS}


def test_build_leaves_one_summary_audit_row(company: Summary) -> None:
    row = AuditLog.objects.get(action="demo.build")
    assert row.after["seed"] == DEFAULT_SEED
    assert row.after["employees"] == Employee.objects.count()


# -- shape --------------------------------------------------------------------------------
def test_about_three_hundred_staff_some_of_whom_left(company: Summary) -> None:
    assert 250 <= Employee.objects.count() <= 350
    left = Employee.objects.filter(status=EmployeeStatus.LEFT)
    assert 10 <= left.count() <= 40
    assert not left.filter(leave_date=None).exists()
    assert not left.filter(leave_reason="").exists()
    numbers = list(
        Employee.objects.order_by("hire_date", "employee_no").values_list("employee_no", flat=True)
    )
    assert numbers == sorted(numbers)
    assert numbers[0] == "XH00001"
    hires = Employee.objects.values_list("hire_date", flat=True)
    assert min(hires) >= TODAY - timedelta(days=8 * 366)
    assert max(hires) <= TODAY


def test_two_legal_entities_under_the_group(company: Summary) -> None:
    entities = LegalEntity.objects.filter(parent__code="GROUP")
    assert sorted(entities.values_list("code", "name")) == [
        ("SH", "星河云服(上海)有限公司"),
        ("SZ", "星河云服(深圳)有限公司"),
    ]
    assert LegalEntity.objects.get(code="GROUP").name == "星河集团"
    assert set(Employee.objects.values_list("entity__code", flat=True)) == {"SH", "SZ"}


def test_four_regions(company: Summary) -> None:
    assert set(Region.objects.values_list("name", flat=True)) == {"华东", "华南", "华北", "西南"}


def test_twelve_platforms_three_of_them_new_this_year(company: Summary) -> None:
    assert Platform.objects.count() == 12
    new = Platform.objects.filter(stage=PlatformStage.NEW)
    assert set(new.values_list("name", flat=True)) == {"抖音企业号", "视频号小店", "小红书企业号"}
    assert all(p.launched_on.year == 2026 for p in new)
    assert Platform.objects.get(code="GOV").name == "政企大客户部"
    assert Platform.objects.filter(stage=PlatformStage.MATURE).count() == 9


def test_department_tree_has_paths_entities_and_regions(company: Summary) -> None:
    for dept in Department.objects.select_related("parent"):
        expected = (dept.parent.path if dept.parent else "/") + f"{dept.pk}/"
        assert dept.path == expected, dept.code
    root = Department.objects.get(parent=None)
    assert root.name == "总部"
    sales = Department.objects.get(code="SALES")
    regional = Department.objects.filter(parent=sales)
    assert {d.region.name for d in regional} == {"华东", "华南", "华北", "西南"}
    teams = Department.objects.filter(parent__in=regional)
    assert teams.count() == 12
    assert all(t.region_id == t.parent.region_id for t in teams)
    for name in ("市场部", "人力资源部", "财务部"):
        assert Department.objects.filter(name=name, parent=root).exists()
    assert Department.objects.filter(parent__name="市场部").count() >= 3


def test_post_ladder_with_criteria_and_competencies(company: Summary) -> None:
    ladder = post_ladder(user=login("wangfang"))
    ladder = [p for p in ladder if p.ladder_order is not None]
    assert [p.name for p in ladder] == ["商务代表", "高级商务代表", "商务经理", "销售总监"]
    for lower, higher in pairwise(ladder):
        assert lower.next_position_id == higher.pk
    rep, senior, manager, _director = ladder
    assert rep.pay_structure == "底薪 + 提成"
    assert "奖金" in senior.pay_structure
    assert "股权" in manager.pay_structure
    criteria = {(k.kind, tuple(sorted(k.params.items()))) for k in senior.criteria.all()}
    assert ("tenure_years", (("min_years", 3),)) in criteria
    assert (
        "metric_threshold",
        (
            ("metric", "sales_amount"),
            ("min_value", "80000000"),
            ("window_months", 12),
        ),
    ) in criteria
    assert ("client_count", (("client_kind", "enterprise"), ("min_count", 30))) in criteria
    assert {c.name for c in senior.competencies.all()} == {
        "云计算/大数据知识",
        "独立谈判",
        "带教新人",
    }
    assert manager.criteria.filter(kind="metric_threshold").exists()
    assert all(p.level_id and p.description for p in Position.objects.all())


# -- story people -------------------------------------------------------------------------
@pytest.mark.parametrize("story", STORY_LOGINS, ids=lambda s: s.login)
def test_story_login_exists_with_its_role(company: Summary, story) -> None:  # type: ignore[no-untyped-def]
    user = login(story.login)
    assert user.is_active and user.check_password(PASSWORD)
    assert user.employee.name == story.name
    grant = RoleGrant.objects.get(user=user, role=story.role)
    assert (grant.region.code if grant.region else None) == story.region
    assert story.role in scope_for(user).roles


def test_only_story_people_have_logins(company: Summary) -> None:
    with_login = set(Employee.objects.exclude(user=None).values_list("user__username", flat=True))
    assert with_login == {s.login for s in STORY_LOGINS}


def test_zhangwei_manages_exactly_eight_people_in_gov(company: Summary) -> None:
    zhangwei = login("zhangwei").employee
    mine = assignments_on(TODAY).get(employee=zhangwei)
    assert (mine.position.name, mine.platform.code) == ("商务经理", "GOV")
    reports = assignments_on(TODAY).filter(manager=zhangwei, employee__status="active")
    assert reports.count() == 8
    assert {a.department_id for a in reports} == {mine.department_id}
    assert "陈静" in {a.employee.name for a in reports}
    team = employee_list(user=login("zhangwei"), on=TODAY)
    assert team.count() == 9


def test_chenjing_is_a_gov_rep_with_four_years_tenure(company: Summary) -> None:
    chenjing = login("chenjing").employee
    assert chenjing.tenure_years(on=TODAY) == 4
    assert date(2022, 5, 23) < chenjing.hire_date < date(2022, 11, 23)
    now = assignments_on(TODAY).get(employee=chenjing)
    assert (now.position.name, now.platform.code) == ("商务代表", "GOV")
    assert chenjing.salary_changes.order_by("-valid_from").first().base_salary_fen == 800_000


@pytest.mark.parametrize(
    ("username", "post", "platform"),
    [
        ("liuyang", "商务代表", "TMALL"),
        ("sunlei", "商务代表", "WEB"),
        ("zhengkai", "商务代表", "JD"),
        ("huanglei", "商务代表", "DOUYIN"),
        ("zhaomin", "市场专员", None),
    ],
)
def test_story_people_sit_where_the_story_says(
    company: Summary, username: str, post: str, platform: str | None
) -> None:
    now = (
        assignments_on(TODAY)
        .select_related("position", "platform")
        .get(employee=login(username).employee)
    )
    assert now.position.name == post
    assert (now.platform.code if now.platform else None) == platform


def test_hrbp_of_east_sees_only_east(company: Summary) -> None:
    liqiang = login("liqiang")
    seen = list(employee_list(user=liqiang, on=TODAY))
    others = [e for e in seen if e.pk != liqiang.employee.pk]
    assert len(others) > 50
    assert all(e.current_assignments[0].department.region.code == "EAST" for e in others)
    names = {e.name for e in seen}
    assert "刘洋" not in names
    assert {"张伟", "陈静", "孙磊", "郑凯", "黄蕾"} <= names
    east = assignments_on(TODAY).filter(department__region__code="EAST").count()
    assert len(others) == east


# -- invariants of the history --------------------------------------------------------------
def test_assignments_are_contiguous_never_overlap_and_follow_the_hire_date(
    company: Summary,
) -> None:
    history = defaultdict(list)
    for a in Assignment.objects.select_related("employee").order_by("valid_from"):
        history[a.employee].append(a)
    assert len(history) == Employee.objects.count()
    for employee, rows in history.items():
        assert rows[0].valid_from == employee.hire_date
        for earlier, later in pairwise(rows):
            assert earlier.valid_to == later.valid_from - timedelta(days=1), employee
        if employee.status == EmployeeStatus.LEFT:
            assert rows[-1].valid_to == employee.leave_date
        else:
            assert rows[-1].valid_to is None


def test_managers_were_employed_and_never_form_a_cycle(company: Summary) -> None:
    for a in Assignment.objects.exclude(manager=None).select_related("manager"):
        assert a.manager.hire_date <= a.valid_from
        assert a.manager.leave_date is None or a.manager.leave_date >= (a.valid_to or TODAY)
    for day in (date(2019, 6, 30), date(2022, 12, 31), date(2026, 3, 31), TODAY):
        manager_of = dict(assignments_on(day).values_list("employee_id", "manager_id"))
        for start in manager_of:
            seen, current = set(), start
            while current is not None:
                assert current not in seen, f"cycle through {current} on {day}"
                seen.add(current)
                current = manager_of.get(current)
    roots = assignments_on(TODAY).filter(manager=None)
    assert [a.position.code for a in roots] == ["CEO"]


def test_id_numbers_are_valid_and_unique(company: Summary) -> None:
    tokens = list(
        Employee.objects.exclude(id_number_encrypted="").values_list(
            "id_number_encrypted", flat=True
        )
    )
    assert len(tokens) > 100
    numbers = [crypto.decrypt(t) for t in tokens]
    for number in numbers:
        id_numbers.validate(number)
    assert len(set(numbers)) == len(numbers)


def test_salaries_certificates_and_training(company: Summary) -> None:
    reps = [
        e.salary_changes.order_by("-valid_from").first().base_salary_fen
        for e in Employee.objects.filter(
            assignments__in=assignments_on(TODAY).filter(position__code="REP")
        )
    ]
    assert 700_000 <= sum(reps) / len(reps) <= 900_000
    assert SalaryChange.objects.filter(reason__contains="15%").exists()
    assert Employee.objects.filter(certificates__isnull=False).distinct().count() > 50
    assert Employee.objects.filter(trainings__isnull=False).distinct().count() > 150
    promoted = Assignment.objects.filter(reason__startswith="竞聘晋升").count()
    moved = Assignment.objects.filter(reason__in=[*TRANSFER_REASONS, NEW_PLATFORM_TRANSFER]).count()
    assert promoted > 20 and moved > 5


# -- commands -------------------------------------------------------------------------------
def test_if_absent_does_nothing_when_the_demo_is_there(company: Summary) -> None:
    before = (digest(), AuditLog.objects.count())
    out = StringIO()
    call_command("demo", "--if-absent", stdout=out)
    assert out.getvalue().strip()
    assert (digest(), AuditLog.objects.count()) == before


def test_demo_without_flags_refuses_to_build_twice(company: Summary) -> None:
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    assert AuditLog.objects.filter(action="demo.build").count() == 1


def test_demo_logins_prints_every_story_login(company: Summary) -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for story in STORY_LOGINS:
        assert story.login in text and story.name in text
    assert PASSWORD in text
    assert "政企大客户部" in text
    assert str(Role.HRBP.label) in text


def test_story_people_keep_their_employee_numbers() -> None:
    # Pages, docs and scenario tests may name them; a change here is a change to the story.
    numbers = {p.login: p.employee_no for p in make_plan(DEFAULT_SEED).people if p.login}
    assert numbers == {
        "zhangwei": "XH00002",
        "wangfang": "XH00023",
        "zhouting": "XH00050",
        "liqiang": "XH00074",
        "wuhao": "XH00092",
        "zhengkai": "XH00098",
        "liuyang": "XH00124",
        "chenjing": "XH00133",
        "zhaomin": "XH00164",
        "huanglei": "XH00167",
        "sunlei": "XH00196",
    }


def test_reporting_lines_follow_the_sales_hierarchy_today(company: Summary) -> None:
    expected_boss = {"REP": "MGR", "SREP": "MGR", "MGR": "DIR", "DIR": "VP", "VP": "CEO"}
    now = {
        a.employee_id: a
        for a in assignments_on(TODAY).select_related("position", "department__parent")
    }
    checked = 0
    for a in now.values():
        boss_post = expected_boss.get(a.position.code)
        if boss_post is None:
            continue
        boss = now[a.manager_id]
        assert boss.position.code == boss_post, a
        if boss_post == "MGR":
            assert boss.department_id == a.department_id
        if boss_post == "DIR":
            assert boss.department_id == a.department.parent_id
        checked += 1
    assert checked > 180

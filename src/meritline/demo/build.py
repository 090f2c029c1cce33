"""Writes the demo company: the structure and the story people through the org services
(so the audit trail tells their story), the other ~290 staff in bulk, one ``demo.build``
audit row with the counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from meritline.core import audit, crypto
from meritline.core.access import Role, forget_scope
from meritline.core.models import AuditLog, User
from meritline.demo import catalogue as c
from meritline.demo import incentives_demo, okr_demo, performance_demo, reviews_demo, sales_history
from meritline.demo.plan import Person, Plan, Segment, make_plan
from meritline.org.models import (
    Assignment,
    Certificate,
    Department,
    Employee,
    EmployeeStatus,
    ImportRun,
    JobFamily,
    JobLevel,
    LegalEntity,
    Platform,
    PlatformStage,
    Position,
    PostCompetency,
    PostCriterion,
    Region,
    RoleGrant,
    SalaryChange,
    TrainingRecord,
)
from meritline.org.services import employees as people_services
from meritline.org.services import logins as login_services
from meritline.org.services import structure
from meritline.sales.models import ImportJob

ADMIN_LOGIN = "wangfang"
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(base: str) -> str:
    """A unified social credit code (GB 32100): 17 characters and the check character."""
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(base, _CREDIT_WEIGHTS, strict=True))
    return base + _CREDIT_CHARS[(31 - total % 31) % 31]


@dataclass
class Refs:
    """The rows of the structure by their codes."""

    entities: dict[str, LegalEntity]
    regions: dict[str, Region]
    departments: dict[str, Department]
    posts: dict[str, Position]
    platforms: dict[str, Platform]


@dataclass
class Summary:
    seed: int
    seconds: float
    counts: dict[str, int]


def demo_present() -> bool:
    return LegalEntity.objects.filter(code="SH", name=c.ENTITIES[1][1]).exists()


def org_data_present() -> bool:
    return LegalEntity.objects.exists() or Department.objects.exists() or Employee.objects.exists()


def foreign_data() -> list[str]:
    """What in the database did not come from the demo (reasons, translated)."""
    problems: list[str] = []
    demo_codes = [code for code, _name, _parent in c.ENTITIES]
    others = list(LegalEntity.objects.exclude(code__in=demo_codes).values_list("code", flat=True))
    if others:
        problems.append(_("legal entities not in the demo: %s") % ", ".join(others))
    strangers = Employee.objects.exclude(employee_no__regex=r"^XH[0-9]{5}$").count()
    if strangers:
        problems.append(_("%(n)s employees with numbers the demo does not use") % {"n": strangers})
    problems.extend(sales_history.foreign_records())
    problems.extend(incentives_demo.foreign_plans())
    if ImportJob.objects.exists():
        problems.append(_("sales imports run on this database"))
    if org_data_present() and not AuditLog.objects.filter(action="demo.build").exists():
        problems.append(_("no record that the demo built this database"))
    return problems


# Children before parents; self-references are cut first.
_WIPE_ORDER: tuple[type[models.Model], ...] = (
    TrainingRecord,
    Certificate,
    SalaryChange,
    Assignment,
    Employee,
    ImportRun,
    PostCriterion,
    PostCompetency,
    Position,
    Department,
    JobLevel,
    JobFamily,
    Platform,
    Region,
    LegalEntity,
)


@transaction.atomic
def wipe() -> dict[str, int]:
    """Delete all organisation data (people, history, structure, role grants).

    Logins stay (the audit log refers to them) and are reused by the next build; the
    audit log stays too, being append-only.
    """
    counts = {
        "employees": Employee.objects.count(),
        "departments": Department.objects.count(),
        "role_grants": RoleGrant.objects.count(),
        **okr_demo.wipe(),
        **reviews_demo.wipe(),
        **performance_demo.wipe(),
        **incentives_demo.wipe(),
        **sales_history.wipe(),
    }
    RoleGrant.objects.all().delete()
    for model in _WIPE_ORDER:
        if model is Position:
            Position.objects.update(next_position=None)
        elif model is Department:
            Department.objects.update(parent=None)
        elif model is LegalEntity:
            LegalEntity.objects.update(parent=None)
        model._default_manager.all().delete()
    audit.record(actor=None, action="demo.reset", target_type="demo", after=counts)
    return counts


@transaction.atomic
def build(*, seed: int = c.DEFAULT_SEED) -> Summary:
    """Build the demo company from ``seed`` into an empty organisation."""
    started = time.monotonic()
    plan = make_plan(seed)
    actor = _bootstrap_admin()
    refs = _structure(actor)
    employees = _people(actor, plan, refs)
    _logins(actor, plan, refs, employees)
    sales = sales_history.generate(actor=actor, plan=plan)
    finance = User.objects.get(username="zhouting")
    incentives = incentives_demo.generate(admin=actor, finance=finance)
    performance = performance_demo.generate(admin=actor)
    reviews = reviews_demo.generate(admin=actor)
    okrs = okr_demo.generate(admin=actor)
    counts = {
        "entities": LegalEntity.objects.count(),
        "regions": Region.objects.count(),
        "departments": Department.objects.count(),
        "posts": Position.objects.count(),
        "platforms": Platform.objects.count(),
        "employees": Employee.objects.count(),
        "active": Employee.objects.filter(status=EmployeeStatus.ACTIVE).count(),
        "left": Employee.objects.filter(status=EmployeeStatus.LEFT).count(),
        "assignments": Assignment.objects.count(),
        "salary_changes": SalaryChange.objects.count(),
        "certificates": Certificate.objects.count(),
        "trainings": TrainingRecord.objects.count(),
        "logins": len(c.STORY_LOGINS),
        **sales,
        **incentives,
        **performance,
        **reviews,
        **okrs,
    }
    audit.record(
        actor=None,
        action="demo.build",
        target_type="demo",
        target_id=str(seed),
        after={"seed": seed, "today": c.TODAY.isoformat(), **counts},
    )
    return Summary(seed=seed, seconds=time.monotonic() - started, counts=counts)


def _bootstrap_admin() -> User:
    """王芳's login with the HR admin role: she is the actor who sets the company up."""
    user, _created = User.objects.get_or_create(
        username=ADMIN_LOGIN, defaults={"email": f"{ADMIN_LOGIN}@{c.EMAIL_DOMAIN}"}
    )
    user.is_active = True
    user.set_password(c.PASSWORD)
    user.save()
    _grant, created = RoleGrant.objects.get_or_create(
        user=user, role=Role.HR_ADMIN, region=None, department=None
    )
    if created:
        audit.record(
            actor=None,
            action="org.role.grant",
            target=user,
            after={"role": Role.HR_ADMIN, "region": None, "department": None},
        )
    forget_scope(user)
    return user


def _structure(actor: User) -> Refs:
    save = structure.reference_save
    entities: dict[str, LegalEntity] = {}
    for code, name, parent in c.ENTITIES:
        entities[code] = save(
            actor=actor,
            kind="entity",
            data={
                "code": code,
                "name": name,
                "credit_code": credit_code(c.CREDIT_CODE_BASES[code]),
                "parent": entities.get(parent) if parent else None,
            },
        )
    regions = {
        code: save(actor=actor, kind="region", data={"code": code, "name": name})
        for code, name, _entity in c.REGIONS
    }
    families = {
        code: save(actor=actor, kind="family", data={"code": code, "name": name})
        for code, name in c.FAMILIES
    }
    levels = {
        code: save(
            actor=actor,
            kind="level",
            data={"code": code, "name": name, "rank": rank, "family": families[family]},
        )
        for code, name, rank, family in c.LEVELS
    }
    platforms = {
        team.platform: save(
            actor=actor,
            kind="platform",
            data={
                "code": team.platform,
                "name": team.name,
                "launched_on": team.launched_on,
                "stage": PlatformStage.NEW if team.new else PlatformStage.MATURE,
            },
        )
        for team in c.TEAMS
    }
    departments: dict[str, Department] = {}
    for dept in c.departments():
        departments[dept.code] = structure.department_save(
            actor=actor,
            code=dept.code,
            name=dept.name,
            entity=entities[dept.entity],
            parent=departments[dept.parent] if dept.parent else None,
            region=regions[dept.region] if dept.region else None,
        )
    posts: dict[str, Position] = {}
    pending = list(c.POSTS)
    while pending:  # the next post on a career path first
        for post in [p for p in pending if p.next is None or p.next in posts]:
            posts[post.code] = _post(actor, post, families, levels, posts)
            pending.remove(post)
    return Refs(entities, regions, departments, posts, platforms)


def _post(
    actor: User,
    post: c.Post,
    families: dict[str, Any],
    levels: dict[str, Any],
    posts: dict[str, Position],
) -> Position:
    position = structure.position_save(
        actor=actor,
        data={
            "code": post.code,
            "name": post.name,
            "family": families[post.family],
            "level": levels[post.level],
            "description": post.description,
            "pay_structure": post.pay_structure,
            "next_position": posts[post.next] if post.next else None,
            "is_sales_post": post.is_sales_post,
            "ladder_order": post.ladder_order,
        },
    )
    for kind, params in post.criteria:
        structure.criterion_add(actor=actor, position=position, kind=kind, params=params)
    for name, description, code in post.competencies:
        structure.competency_add(
            actor=actor,
            position=position,
            name=name,
            description=description,
            competency_code=code,
        )
    return position


def _people(actor: User, plan: Plan, refs: Refs) -> dict[int, Employee]:
    """Everyone: the others in bulk first (managers must exist), then the story people
    through the services, then the others' history in bulk."""
    others = [p for p in plan.people if not p.login]
    rows = Employee.objects.bulk_create([_employee_row(p, refs) for p in others])
    employees = {p.key: e for p, e in zip(others, rows, strict=True)}
    story = [p for p in plan.people if p.login]
    while story:  # a story person's managers (possibly story people) come first
        ready = [
            p for p in story if all(s.manager is None or s.manager in employees for s in p.segments)
        ]
        if not ready:
            raise RuntimeError("the story people's reporting lines form a loop")
        for person in ready:
            employees[person.key] = _story_person(actor, person, refs, employees)
            story.remove(person)
    hired, started = _("Hired"), _("Starting salary")
    Assignment.objects.bulk_create(
        [
            Assignment(
                employee=employees[p.key],
                reason=s.reason or hired,
                **_segment_fields(s, refs, employees),
            )
            for p in others
            for s in p.segments
        ]
    )
    SalaryChange.objects.bulk_create(
        [
            SalaryChange(
                employee=employees[p.key],
                valid_from=day,
                base_salary_fen=fen,
                reason=reason or started,
            )
            for p in others
            for day, fen, reason in p.salaries
        ]
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                employee=employees[p.key],
                name=name,
                issuer=issuer,
                issued_on=issued,
                expires_on=expires,
            )
            for p in plan.people
            for name, issuer, issued, expires in p.certificates
        ]
    )
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                employee=employees[p.key], course=course, completed_on=day, hours=hours, score=score
            )
            for p in plan.people
            for course, day, hours, score in p.trainings
        ]
    )
    return employees


def _employee_row(person: Person, refs: Refs) -> Employee:
    employee = Employee(
        employee_no=person.employee_no,
        name=person.name,
        gender=person.gender,
        email=person.email,
        phone=person.phone,
        entity=refs.entities[person.entity],
        hire_date=person.hire_date,
    )
    if person.id_number:
        employee.id_number_encrypted = crypto.encrypt(person.id_number)
        employee.id_number_index = crypto.blind_index(person.id_number)
    if person.leave:
        employee.status = EmployeeStatus.LEFT
        employee.leave_date, employee.leave_reason, employee.leave_note = person.leave
    return employee


def _segment_fields(segment: Segment, refs: Refs, employees: dict[int, Employee]) -> dict[str, Any]:
    post = refs.posts[segment.post]
    return {
        "valid_from": segment.valid_from,
        "valid_to": segment.valid_to,
        "department": refs.departments[segment.dept],
        "position": post,
        "level": post.level,
        "manager": employees[segment.manager] if segment.manager is not None else None,
        "platform": refs.platforms[segment.platform] if segment.platform else None,
    }


def _placement(
    segment: Segment, refs: Refs, employees: dict[int, Employee]
) -> people_services.Placement:
    fields = _segment_fields(segment, refs, employees)
    return people_services.Placement(
        department=fields["department"],
        position=fields["position"],
        level=fields["level"],
        manager=fields["manager"],
        platform=fields["platform"],
    )


def _story_person(
    actor: User, person: Person, refs: Refs, employees: dict[int, Employee]
) -> Employee:
    first, *later = person.segments
    (_day, starting, _reason), *raises = person.salaries
    employee = people_services.employee_create(
        actor=actor,
        employee_no=person.employee_no,
        name=person.name,
        entity=refs.entities[person.entity],
        hire_date=person.hire_date,
        placement=_placement(first, refs, employees),
        gender=person.gender,
        email=person.email,
        phone=person.phone,
        id_number=person.id_number,
        base_salary_fen=starting,
    )
    for segment in later:
        people_services.employee_assign(
            actor=actor,
            employee=employee,
            valid_from=segment.valid_from,
            placement=_placement(segment, refs, employees),
            reason=segment.reason,
        )
    for day, fen, reason in raises:
        people_services.salary_change_record(
            actor=actor, employee=employee, valid_from=day, base_salary_fen=fen, reason=reason
        )
    return employee


def _logins(actor: User, plan: Plan, refs: Refs, employees: dict[int, Employee]) -> None:
    by_login = plan.by_login()
    for story in c.STORY_LOGINS:
        employee = employees[by_login[story.login].key]
        user = _login_for(actor, employee, story.login)
        region = refs.regions[story.region] if story.region else None
        login_services.role_grant(actor=actor, user=user, role=story.role, region=region)


def _login_for(actor: User, employee: Employee, username: str) -> User:
    """A new login through the service, or the same login again after a reset."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return login_services.user_create_for_employee(
            actor=actor, employee=employee, username=username, password=c.PASSWORD
        )
    if user.pk != actor.pk:
        user.set_password(c.PASSWORD)
    user.is_active = True
    user.email = employee.email
    user.save()
    Employee.objects.filter(user=user).exclude(pk=employee.pk).update(user=None)
    employee.user = user
    employee.save(update_fields=["user"])
    forget_scope(user)
    audit.record(
        actor=actor,
        action="org.user.link",
        target=user,
        after={"username": username, "employee": employee.pk},
    )
    return user

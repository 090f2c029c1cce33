"""The home page: a dashboard cut to the signed-in person's roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from meritline.core.access import Scope, scope_for
from meritline.org.models import Assignment, Employee
from meritline.org.selectors import current_assignment, department_list, region_list, today
from meritline.web import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    sees_many = scope.all_rows or scope.manage_people or bool(scope.region_ids)
    me = selectors.own_profile(user=user)
    overview = selectors.home_overview(user=user) if sees_many else None
    team = selectors.team_members(user=user)
    day = today()
    context = {
        "day": day,
        "me": me,
        "my_assignment": current_assignment(me) if me is not None else None,
        "overview": overview,
        "department_chart": _chart(overview) if overview is not None else None,
        "chart_height": max(240, 34 * len(overview.by_department) + 40) if overview else 0,
        "team": _with_assignments(team),
        "hires": _with_assignments(overview.hires) if overview is not None else [],
        "leavers": _with_assignments(overview.leavers) if overview is not None else [],
        "scope_lines": _scope_lines(user, scope),
    }
    return render(request, "web/home.html", context)


def _with_assignments(people: list[Employee]) -> list[tuple[Employee, Assignment | None]]:
    return [(person, current_assignment(person)) for person in people]


def _scope_lines(user: object, scope: Scope) -> list[str]:
    """What the person's data scope covers, in words, so a newcomer knows what they see."""
    if scope.all_rows:
        lines = [_("You see every employee of the company.")]
    else:
        lines = []
        if scope.region_ids:
            regions = region_list(user=user).filter(pk__in=scope.region_ids)
            names = regions.values_list("name", flat=True)
            lines.append(_("You see the employees of: %(names)s.") % {"names": "、".join(names)})
        if scope.department_ids:
            names = (
                department_list(user=user)
                .filter(pk__in=scope.department_ids)
                .values_list("name", flat=True)
            )
            lines.append(_("You see the employees of: %(names)s.") % {"names": "、".join(names)})
        if scope.team_manager_ids:
            lines.append(_("You see your team: everyone who reports to you, directly or not."))
        if not lines and scope.self_employee_id is not None:
            lines.append(_("You see your own record."))
    if scope.pay_fields:
        lines.append(_("You may see pay amounts of the people in your scope."))
    if scope.manage_org:
        lines.append(_("You may change the organisation and its reference data."))
    elif scope.manage_people:
        lines.append(_("You may add, change and import employees in your scope."))
    if scope.read_audit and not scope.manage_org:
        lines.append(_("You may read the audit log; everything else is read-only for you."))
    return lines


def _chart(overview: selectors.Overview) -> dict[str, object]:
    return {
        "labels": [name for name, _n in overview.by_department],
        "values": [n for _name, n in overview.by_department],
    }

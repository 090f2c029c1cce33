"""The demo logins table printed by ``meritline demo`` and ``meritline demo_logins``."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meritline.core.access import Role
from meritline.demo import catalogue as c
from meritline.org.models import Employee
from meritline.org.selectors import current_assignment

STORIES: dict[str, Any] = {
    "wangfang": gettext_lazy(
        "All staff; runs the promotion campaign, configures plans and templates"
    ),
    "liqiang": gettext_lazy("Sees region %(region)s only"),
    "zhangwei": gettext_lazy("His team of 8 in %(team)s; calibrates their grades"),
    "chenjing": gettext_lazy(
        "4 years' tenure, 1.1 M sales, 34 enterprise clients: qualifies for senior rep "
        "and wins the campaign"
    ),
    "liuyang": gettext_lazy(
        "Applies for senior rep with 760,000 sales: rejected with exactly that reason"
    ),
    "sunlei": gettext_lazy(
        "Tries to register a marketing lead as his own: refused, a dispute follows"
    ),
    "zhengkai": gettext_lazy("Missed target two quarters running: commission rate −0.5 pt"),
    "huanglei": gettext_lazy("Strong but overworked: high attrition risk"),
    "zhaomin": gettext_lazy("Brings many leads; her conversion rate sits near the gate"),
    "zhouting": gettext_lazy("Approves and closes incentive runs and payroll"),
    "wuhao": gettext_lazy("Read-only; reads and exports the audit log"),
}


def rows() -> list[tuple[str, str, str, str, str, str]]:
    """(login, name, role, post, scope / story, password) for every story login."""
    employees = {
        e.user.username: e
        for e in Employee.objects.filter(
            user__username__in=[s.login for s in c.STORY_LOGINS]
        ).select_related("user")
    }
    result = []
    for story in c.STORY_LOGINS:
        employee = employees.get(story.login)
        assignment = current_assignment(employee) if employee else None
        post = f"{assignment.position.name} · {assignment.department.name}" if assignment else "—"
        text = str(STORIES[story.login]) % {
            "region": c.REGION_NAMES.get(story.region or "", ""),
            "team": c.TEAMS_BY_PLATFORM["GOV"].department_name,
        }
        result.append(
            (story.login, story.name, str(Role(story.role).label), post, text, c.PASSWORD)
        )
    return result


def width(text: str) -> int:
    """Columns the text takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table() -> str:
    header = (_("Login"), _("Name"), _("Role"), _("Post"), _("Scope / story"), _("Password"))
    body = rows()
    widths = [max(width(str(r[i])) for r in [header, *body]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        padded = [cell + " " * (w - width(cell)) for cell, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    title = _("Demo logins (password %(password)s)") % {"password": c.PASSWORD}
    missing = [r[0] for r in body if r[3] == "—"]
    lines = [title, "", line(header), rule, *(line(r) for r in body)]
    if missing:
        lines += [
            "",
            _("Not in this database yet: %(logins)s. Run “meritline demo”.")
            % {"logins": ", ".join(missing)},
        ]
    return "\n".join(lines)

"""Target pages (PRF-1): the targets of a period, setting one, importing a CSV file (all
rows or none, every bad row reported), and the cascade company → platform → team →
employee showing where the children do not add up to their parent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.core.listing import paginate
from meritline.core.periods import Period, PeriodKind
from meritline.metrics import METRICS
from meritline.org.importers import FileRefused, read_table, read_upload
from meritline.org.selectors import employee_list
from meritline.performance import access, selectors
from meritline.performance.forms import TargetForm, TargetImportForm
from meritline.performance.models import Target, TargetLevel
from meritline.performance.services.targets import (
    TargetRow,
    target_gaps,
    target_set,
    targets_import,
)
from meritline.performance.views.manage_common import (
    bound,
    call_service,
    may_lead,
    may_manage,
    may_read_all,
    performance_view,
    render_form,
    require,
)

FEN_METRICS = sorted(name for name, metric in METRICS.items() if metric.unit.value == "fen")
COLUMNS = ("level", "period", "metric", "value", "platform", "department", "employee")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _period(request: HttpRequest) -> str:
    text = request.GET.get("period", "").strip()
    try:
        return str(Period.parse(text)) if text else ""
    except ValueError:
        return ""


@performance_view
def target_list(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    rows = selectors.target_list(user=request.user, period=period or None).order_by(
        "-period", "metric", "level", "owner_key"
    )
    metric = request.GET.get("metric", "").strip()
    if metric:
        rows = rows.filter(metric=metric)
    level = request.GET.get("level", "")
    if level in TargetLevel.values:
        rows = rows.filter(level=level)
    periods = list(
        Target.objects.order_by("-period").values_list("period", flat=True).distinct()[:24]
    )
    return render(
        request,
        "performance/manage/targets/list.html",
        {
            "page_obj": paginate(rows, request, per_page=50),
            "period": period,
            "metric": metric,
            "level": level,
            "levels": TargetLevel.choices,
            "periods": periods,
            "can_set": may_lead(request),
            "can_cascade": may_read_all(request),
            "fen_metrics": FEN_METRICS,
        },
    )


def _employees(request: HttpRequest) -> Any:
    people = employee_list(user=request.user).filter(status="active").order_by("employee_no")
    if not may_manage(request):
        self_id = access.scope_for(request.user).self_employee_id
        people = people.exclude(pk=self_id or -1)
    return people


@performance_view
def target_new(request: HttpRequest) -> HttpResponse:
    require(may_lead(request))
    current = Period.containing(timezone.localdate(), PeriodKind.QUARTER)
    form = TargetForm(
        bound(request),
        employees=_employees(request),
        initial={
            "level": TargetLevel.EMPLOYEE,
            "period": request.GET.get("period") or str(current),
            "metric": request.GET.get("metric") or "sales_amount",
        },
    )
    if form.is_bound and form.is_valid():
        ok, target = call_service(form, target_set, actor=request.user, **form.cleaned_data)
        if ok:
            messages.success(
                request,
                _("Target set: %(metric)s %(period)s = %(value)s.")
                % {"metric": target.metric, "period": target.period, "value": target.value},
            )
            return redirect(f"{reverse('performance:target_list')}?period={target.period}")
    return render_form(
        request,
        "performance/manage/form_page.html",
        {
            "title": _("Set a target"),
            "intro": _(
                "Company, platform and team targets are set by HR admins; employee targets "
                "also by the employee's leaders. Money is in fen (1 yuan = 100 fen)."
            ),
            "submit_label": _("Set the target"),
            "cancel_url": reverse("performance:target_list"),
            "breadcrumb_url": reverse("performance:target_list"),
            "breadcrumb_label": _("Targets"),
        },
        form,
    )


def read_rows(upload: Any) -> list[TargetRow]:
    """The rows of an uploaded CSV (UTF-8 or GB18030) or XLSX file, read by the import
    adapters every import uses, or a DomainError."""
    try:
        raw = read_upload(upload, limit=MAX_IMPORT_BYTES)
        table = read_table(getattr(upload, "name", "") or "targets.csv", raw)
    except FileRefused as exc:
        raise DomainError("invalid", exc.message, field="file") from None
    header = [name.strip().lower() for name in table.header]
    missing = [name for name in COLUMNS[:4] if name not in header]
    if missing:
        raise DomainError(
            "invalid",
            _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)},
            field="file",
        )
    where = {name: header.index(name) if name in header else None for name in COLUMNS}
    rows = [
        TargetRow(row=row.number, **{name: row.get(where[name]).strip() for name in COLUMNS})
        for row in table.rows
    ]
    if not rows:
        raise DomainError("invalid", _("The file has no rows."), field="file")
    return rows


@performance_view
def target_import(request: HttpRequest) -> HttpResponse:
    require(may_lead(request))
    form = TargetImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    if form.is_bound and form.is_valid():
        try:
            rows = read_rows(form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            result = targets_import(actor=request.user, rows=rows)
            if not result.errors:
                messages.success(
                    request, _("%(count)d targets imported.") % {"count": result.written}
                )
                return redirect("performance:target_list")
            errors = result.errors
    status = 400 if form.is_bound and (form.errors or errors) else 200
    return render(
        request,
        "performance/manage/targets/import.html",
        {"form": form, "errors": errors, "columns": COLUMNS},
        status=status,
    )


def owner_label(target: Target) -> str:
    """Who a target belongs to, in words."""
    if target.level == TargetLevel.COMPANY:
        return str(_("Company"))
    if target.level == TargetLevel.PLATFORM:
        return target.platform.name if target.platform else "?"
    if target.level == TargetLevel.TEAM:
        where = target.platform.name if target.platform else str(_("Company"))
        return f"{where} / {target.department.name if target.department else '?'}"
    employee = target.employee
    return f"{employee.name} ({employee.employee_no})" if employee else "?"


def parent_label(child: Target) -> str:
    """The owner a child's missing parent target would belong to."""
    if child.level == TargetLevel.PLATFORM:
        return str(_("Company"))
    if child.level == TargetLevel.TEAM:
        return child.platform.name if child.platform else str(_("Company"))
    where = child.platform.name if child.platform else str(_("Company"))
    return f"{where} / {child.department.name if child.department else '?'}"


@performance_view
def target_cascade(request: HttpRequest) -> HttpResponse:
    require(may_read_all(request))
    period = _period(request) or str(Period.containing(timezone.localdate(), PeriodKind.QUARTER))
    metric = request.GET.get("metric", "").strip() or None
    gaps = target_gaps(user=request.user, period=period, metric=metric)
    visible = set(
        selectors.target_list(user=request.user, period=period).values_list("pk", flat=True)
    )
    shown = []
    for gap in gaps:
        kids = [kid for kid in gap.children if kid.pk in visible]
        shown.append(
            {
                "gap": gap,
                "parent": owner_label(gap.parent) if gap.parent else parent_label(gap.children[0]),
                "children": [(kid, owner_label(kid)) for kid in kids],
                "hidden": len(gap.children) - len(kids),
            }
        )
    periods = list(
        Target.objects.order_by("-period").values_list("period", flat=True).distinct()[:24]
    )
    return render(
        request,
        "performance/manage/targets/cascade.html",
        {
            "period": period,
            "metric": metric or "",
            "gaps": shown,
            "periods": periods,
            "fen_metrics": FEN_METRICS,
        },
    )

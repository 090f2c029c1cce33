"""Plan pages: the plans, a plan with its versions, a new version in a YAML editor (the
examples of examples/plans/ as starting points), a version with its diff and approval."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.incentives import selectors
from meritline.incentives.forms import (
    PlanForm,
    RejectVersionForm,
    RetireVersionForm,
    VersionForm,
)
from meritline.incentives.models import Plan, PlanVersion, VersionStatus
from meritline.incentives.services.plans import (
    PlanDocumentError,
    check_document,
    plan_create,
    plan_version_approve,
    plan_version_create,
    plan_version_diff,
)
from meritline.incentives.views.common import (
    FORM_TEMPLATE,
    bound,
    call_service,
    incentives_view,
    may_manage,
    may_read_all,
    render_form,
    require,
)

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "plans"


def examples() -> dict[str, str]:
    """The example plans shipped in examples/plans/, by file stem."""
    if not EXAMPLES.is_dir():
        return {}
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))}


def _plan(request: HttpRequest, pk: int) -> Plan:
    try:
        return selectors.plan_list(user=request.user).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise NotFoundError(_("Plan not found.")) from exc


def version_get(request: HttpRequest, pk: int) -> PlanVersion:
    try:
        return selectors.plan_version_list(user=request.user).get(pk=pk)
    except PlanVersion.DoesNotExist as exc:
        raise NotFoundError(_("Plan version not found.")) from exc


@incentives_view
def plan_list(request: HttpRequest) -> HttpResponse:
    require(may_read_all(request))
    today = timezone.localdate()
    rows = []
    for plan in selectors.plan_list(user=request.user).prefetch_related("versions"):
        versions = sorted(plan.versions.all(), key=lambda v: -v.number)
        in_force = next(
            (
                v
                for v in versions
                if v.status in (VersionStatus.APPROVED, VersionStatus.RETIRED)
                and v.valid_from <= today
                and (v.valid_to is None or today <= v.valid_to)
            ),
            None,
        )
        waiting = [v for v in versions if v.status in (VersionStatus.DRAFT, VersionStatus.PENDING)]
        rows.append({"plan": plan, "in_force": in_force, "latest": versions[:1], "drafts": waiting})
    return render(
        request, "incentives/plans/list.html", {"rows": rows, "can_write": may_manage(request)}
    )


@incentives_view
def plan_new(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    form = PlanForm(bound(request))
    if form.is_bound and form.is_valid():
        ok, plan = call_service(form, plan_create, actor=request.user, **form.cleaned_data)
        if ok:
            messages.success(request, _("Plan %(code)s created.") % {"code": plan.code})
            return redirect("incentives:version_new", pk=plan.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": _("New incentive plan"),
            "intro": _("A plan holds versions; the first version carries its rules."),
            "submit_label": _("Create the plan"),
            "cancel_url": reverse("incentives:plan_list"),
            "breadcrumb_url": reverse("incentives:plan_list"),
            "breadcrumb_label": _("Incentive plans"),
        },
        form,
    )


@incentives_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_read_all(request))
    plan = _plan(request, pk)
    versions = selectors.plan_version_list(user=request.user, plan=plan).order_by("-number")
    return render(
        request,
        "incentives/plans/detail.html",
        {"plan": plan, "versions": versions, "can_write": may_manage(request)},
    )


def _start_text(plan: Plan, request: HttpRequest, shipped: dict[str, str]) -> str:
    chosen = request.GET.get("example", "")
    if chosen in shipped:
        return shipped[chosen]
    latest = plan.versions.order_by("-number").first()
    return latest.document if latest is not None else ""


def _add_issues(form: VersionForm, exc: PlanDocumentError) -> None:
    for issue in exc.issues:
        where = issue.location or _("document")
        form.add_error("document", f"{where}: {issue.message}")


@incentives_view
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_manage(request))
    plan = _plan(request, pk)
    shipped = examples()
    form = VersionForm(
        bound(request),
        initial={"document": _start_text(plan, request, shipped), "valid_from": _next_month()},
    )
    checked: Any = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            checked = check_document(data["document"])
        except PlanDocumentError as exc:
            _add_issues(form, exc)
        if checked is not None and request.POST.get("action") != "check":
            ok, version = call_service(
                form,
                plan_version_create,
                actor=request.user,
                plan=plan,
                document=data["document"],
                valid_from=data["valid_from"],
                note=data["note"],
            )
            if ok:
                messages.success(
                    request,
                    _("Version %(version)s saved as a draft; someone else approves it.")
                    % {"version": version.label},
                )
                return redirect("incentives:version_detail", pk=version.pk)
    return render_form(
        request,
        "incentives/plans/version_new.html",
        {"plan": plan, "examples": list(shipped), "checked": checked},
        form,
    )


def _next_month() -> date:
    today = timezone.localdate()
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1)


def _diff_lines(text: str) -> list[tuple[str, str]]:
    """A unified diff as (css kind, line) pairs for colouring."""
    out = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        out.append((kind, line))
    return out


def render_version(
    request: HttpRequest,
    version: PlanVersion,
    error: str = "",
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """The version page; ``forms`` replaces its review and retire forms (bound, with
    errors) after a refused submission."""
    previous = (
        PlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    diff = (
        _diff_lines(plan_version_diff(actor=request.user, old=previous, new=version))
        if previous is not None
        else None
    )
    return render(
        request,
        "incentives/plans/version_detail.html",
        {
            "version": version,
            "plan": version.plan,
            "previous": previous,
            "diff": diff,
            "error": error,
            **workflow(request, version),
            "reject_form": RejectVersionForm(),
            "retire_form": RetireVersionForm(),
            **(forms or {}),
        },
        status=status,
    )


@incentives_view
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_read_all(request))
    return render_version(request, version_get(request, pk))


def workflow(request: HttpRequest, version: PlanVersion) -> dict[str, bool]:
    """Which review and retire actions the page offers this user."""
    manager = may_manage(request)
    author = version.created_by_id == request.user.pk
    status = version.status
    return {
        "is_author": author,
        "is_open": status in (VersionStatus.DRAFT, VersionStatus.PENDING),
        "may_approve": manager and not author and status in OPEN_STATUSES,
        "may_submit": manager and status == VersionStatus.DRAFT,
        "may_withdraw": manager and author and status == VersionStatus.PENDING,
        "may_reject": manager and not author and status == VersionStatus.PENDING,
        "may_retire": manager and status == VersionStatus.APPROVED,
    }


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.PENDING)


@incentives_view
@require_POST
def version_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_manage(request))
    version = version_get(request, pk)
    try:
        plan_version_approve(actor=request.user, version=version)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        return render_version(request, version, error=str(exc.message), status=400)
    messages.success(
        request,
        _("Version %(version)s is approved and in force from %(day)s.")
        % {"version": version.label, "day": version.valid_from.isoformat()},
    )
    return redirect("incentives:version_detail", pk=version.pk)

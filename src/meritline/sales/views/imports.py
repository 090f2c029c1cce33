"""Sales import pages (PLT-7): upload a file, check its column mapping, follow the job's
progress bar, read its report (every bad row with its number, column and reason),
download the bad rows, and download an empty template per kind."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meritline.core.listing import paginate
from meritline.sales import selectors_imports as selectors
from meritline.sales.forms_imports import ImportUploadForm, MappingForm
from meritline.sales.importers.records import SPECS
from meritline.sales.models import ImportKind, JobStatus
from meritline.sales.services import imports as service
from meritline.sales.views.common import (
    bound,
    call_service,
    export,
    render_form,
    require,
    sales_view,
)

ERRORS_PER_PAGE = 50


def _template_columns(kind: str) -> list[dict[str, Any]]:
    spec = SPECS[kind]
    return [
        {
            "header": (column.aliases or (column.field,))[0],
            "label": column.label,
            "required": column.required and column.field not in spec.defaults,
        }
        for column in spec.columns
    ]


@sales_view
def import_list(request: HttpRequest) -> HttpResponse:
    """The upload form and the imports the user may see."""
    kinds = service.importable_kinds(request.user)
    require(bool(kinds))
    form = ImportUploadForm(bound(request), request.FILES or None, user=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, result = call_service(
            form,
            service.import_job_create,
            aliases={"columns": "file"},
            actor=request.user,
            kind=data["kind"],
            platform=data["platform"].code,
            file_name=data["file"].name,
            data=data["file"],
            source=data["source"],
            mode=data["mode"],
        )
        if done:
            return redirect("sales:import_detail", pk=result[0].pk)
    labels = dict(ImportKind.choices)
    context = {
        "page_obj": paginate(selectors.import_job_list(user=request.user), request),
        "templates": [{"kind": k, "label": labels[k]} for k in kinds],
        "columns_by_kind": [
            {"kind": k, "label": labels[k], "columns": _template_columns(k)} for k in kinds
        ],
    }
    return render_form(request, "sales/imports/list.html", context, form)


@sales_view
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping step, the progress bar or the report, as the job stands."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    context: dict[str, Any] = {"job": job, "kind_label": dict(ImportKind.choices)[job.kind]}
    if job.status == JobStatus.UPLOADED:
        form = MappingForm(job=job)
        return render_form(request, "sales/imports/mapping.html", context, form)
    if not job.finished:
        context["progress"] = service.job_progress(job)
        return render(request, "sales/imports/running.html", context)
    context["page_obj"] = paginate(job.errors, request, per_page=ERRORS_PER_PAGE)
    context["earlier"] = service.earlier_imports(job)
    context["truncated"] = job.error_rows > len({e["row"] for e in job.errors})
    context["can_write"] = (
        job.status == JobStatus.DONE
        and job.dry_run
        and not job.written
        and job.created_by_id == request.user.pk
        and bool(job.stored_name)
    )
    if context["can_write"]:
        context["form"] = MappingForm(job=job)
    return render(request, "sales/imports/report.html", context)


@sales_view
@require_POST
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the mapping and run the job: a check only, or the import itself (also
    from the report of a check)."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    form = MappingForm(request.POST, job=job)
    done = False
    if form.is_valid():
        done, _result = call_service(
            form,
            service.import_job_start,
            actor=request.user,
            job=job,
            columns=form.columns(),
            mode=form.cleaned_data["mode"],
            dry_run=request.POST.get("action") == "check",
            save_mapping=form.cleaned_data["save_mapping"],
        )
    if done:
        if form.cleaned_data["save_mapping"]:
            messages.success(request, _("The mapping is saved for %s.") % job.platform.name)
        return redirect("sales:import_detail", pk=job.pk)
    if job.status != JobStatus.UPLOADED:
        for error in form.non_field_errors() or [_("The import could not be started.")]:
            messages.error(request, error)
        return redirect("sales:import_detail", pk=job.pk)
    context = {
        "job": job,
        "kind_label": dict(ImportKind.choices)[job.kind],
    }
    return render_form(request, "sales/imports/mapping.html", context, form)


@sales_view
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(user=request.user, pk=pk)
    return JsonResponse(service.job_progress(job))


@sales_view
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The bad rows of a job as CSV or XLSX, to correct and import again."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    return export(
        request,
        rows=job.errors,
        headers=[_("Row"), _("Column"), _("External id"), _("Code"), _("Reason")],
        row=lambda e: [e["row"], e["column"], e["key"], e["code"], e["message"]],
        filename=f"import-{job.pk}-errors",
    )


@sales_view
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty file with the usual column titles of ``kind``."""
    require(kind in service.importable_kinds(request.user))
    columns = _template_columns(kind)
    return export(
        request,
        rows=[],
        headers=[c["header"] for c in columns],
        row=list,
        filename=f"meritline-{kind}-template",
    )

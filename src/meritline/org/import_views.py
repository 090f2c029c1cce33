"""Pages of the employee import: upload and check, confirm, past runs, downloads (PLT-7).

The upload is checked first (a dry run); the file is kept as
``MEDIA_ROOT/imports/<sha256>.<ext>`` and the check's effective date in the session, so
only the same user, in the same session, can confirm it; the service re-verifies the
checksum before it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meritline.core.access import scope_for
from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.core.export import FORMATS, export_response
from meritline.core.listing import apply_sort, paginate
from meritline.org import importers
from meritline.org.importers.employees import COLUMNS, column_label, template_rows
from meritline.org.models import ImportRun
from meritline.org.selectors import import_run_get, import_run_list
from meritline.org.services.imports import (
    ALL_OR_NOTHING,
    VALID_ROWS,
    employee_import,
)

SESSION_KEY = "org_import_pending"
STORE_DIR = "imports"
KEEP_FOR = timedelta(days=1)
MODE_CHOICES = [
    (ALL_OR_NOTHING, gettext_lazy("All or nothing: if any row has an error, write nothing")),
    (VALID_ROWS, gettext_lazy("Import the valid rows and report the others")),
]
SORTS = {
    "created_at": "created_at",
    "file_name": "file_name",
    "actor": "actor__username",
    "total_rows": "total_rows",
    "error_count": "error_count",
}

View = Callable[..., HttpResponse]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # the service refuses it, and records the refusal
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030) or Excel .xlsx; at most 20 MB and 20,000 rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"),
        choices=MODE_CHOICES,
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    effective_date = forms.DateField(
        label=gettext_lazy("Changes take effect on"),
        initial=timezone.localdate,
        help_text=gettext_lazy(
            "New placements and salaries of existing employees start on this date."
        ),
    )


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(choices=MODE_CHOICES)


def import_view(func: View) -> View:
    """Login, import rights (HR admin or HR business partner) or 403; unknown runs 404."""

    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope_for(request.user).manage_people:
            raise PermissionDenied(_("You may not import employees."))
        try:
            return func(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(str(exc)) from exc
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc

    return login_required(wrapper)


def status_of(run: ImportRun) -> tuple[str, str]:
    """(key, label) of a run: refused, written, or checked only."""
    if any(e.get("row") == 0 for e in run.errors):
        return "refused", _("Refused")
    if run.committed:
        return "written", _("Imported")
    return "checked", _("Checked, not written")


def _stored_name(run: ImportRun) -> str:
    return f"{STORE_DIR}/{run.checksum}{importers.extension(run.file_name)}"


def _prune_stored() -> None:
    """Forget stored uploads nobody confirmed within a day."""
    try:
        _dirs, files = default_storage.listdir(STORE_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - KEEP_FOR
    for name in files:
        path = f"{STORE_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue


def _keep_upload(request: HttpRequest, run: ImportRun, upload: Any, effective: date) -> None:
    _prune_stored()
    name = _stored_name(run)
    if not default_storage.exists(name):
        upload.seek(0)
        default_storage.save(name, upload)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[str(run.pk)] = effective.isoformat()
    request.session[SESSION_KEY] = dict(list(pending.items())[-20:])


def _pending(request: HttpRequest, run: ImportRun) -> date | None:
    """The effective date of a check this user may still confirm, else None."""
    effective = request.session.get(SESSION_KEY, {}).get(str(run.pk))
    if (
        effective is None
        or run.committed
        or run.actor_id != request.user.pk
        or status_of(run)[0] == "refused"
        or not default_storage.exists(_stored_name(run))
    ):
        return None
    return date.fromisoformat(effective)


def _forget(request: HttpRequest, run: ImportRun) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(str(run.pk), None)
    request.session[SESSION_KEY] = pending


@import_view
@require_http_methods(["GET", "POST"])
def employees(request: HttpRequest) -> HttpResponse:
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        effective = form.cleaned_data["effective_date"]
        try:
            report = employee_import(
                actor=request.user,
                file_name=upload.name,
                data=upload,
                mode=form.cleaned_data["mode"],
                effective_date=effective,
                dry_run=True,
            )
        except (PermissionDeniedError, NotFoundError):
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if not report.refused:
                run = ImportRun.objects.get(pk=report.run_id)
                _keep_upload(request, run, upload, effective)
                return redirect("org_import:run_detail", pk=run.pk)
            form.add_error("file", report.refused)
    runs, sort = apply_sort(import_run_list(user=request.user), request, SORTS, "-created_at")
    page = paginate(runs, request)
    for run in page.object_list:
        run.status_key, run.status_label = status_of(run)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "org/import/employees.html",
        {
            "form": form,
            "page_obj": page,
            "sort": sort,
            "columns": COLUMNS,
            "all_runs": scope_for(request.user).manage_org,
        },
        status=status,
    )


@import_view
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get(user=request.user, pk=pk)
    status_key, status_label = status_of(run)
    effective = _pending(request, run)
    refusal = next((e["message"] for e in run.errors if e.get("row") == 0), "")
    errors = [
        {**e, "column_label": column_label(e.get("column", ""))} for e in run.errors if e.get("row")
    ]
    page = paginate(errors, request, per_page=50)
    good_rows = run.total_rows - run.error_count
    return render(
        request,
        "org/import/run_detail.html",
        {
            "run": run,
            "status_key": status_key,
            "status_label": status_label,
            "refusal": refusal,
            "page_obj": page,
            "effective_date": effective,
            "can_confirm": effective is not None,
            "changes": run.created_count + run.updated_count,
            "good_rows": good_rows,
            "valid_rows": VALID_ROWS,
            "all_or_nothing": ALL_OR_NOTHING,
        },
    )


@import_view
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get(user=request.user, pk=pk)
    if run.actor_id != request.user.pk:
        raise Http404(_("Import run not found."))
    effective = _pending(request, run)
    form = ConfirmForm(request.POST)
    if effective is None or not form.is_valid():
        messages.error(request, _("This check can no longer be confirmed; upload the file again."))
        return redirect("org_import:run_detail", pk=run.pk)
    try:
        with default_storage.open(_stored_name(run), "rb") as stored:
            raw = stored.read()
    except OSError:
        messages.error(request, _("This check can no longer be confirmed; upload the file again."))
        return redirect("org_import:run_detail", pk=run.pk)
    try:
        report = employee_import(
            actor=request.user,
            file_name=run.file_name,
            data=raw,
            mode=form.cleaned_data["mode"],
            effective_date=effective,
            dry_run=False,
            run=run,
        )
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("org_import:run_detail", pk=run.pk)
    if report.refused:
        messages.error(request, report.refused)
    elif report.committed:
        _forget(request, run)
        default_storage.delete(_stored_name(run))
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    else:
        messages.error(
            request,
            ngettext(
                "Nothing was written: %d row has errors.",
                "Nothing was written: %d rows have errors.",
                report.error_rows,
            )
            % report.error_rows,
        )
    return redirect("org_import:run_detail", pk=run.pk)


@import_view
@require_GET
def run_errors(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get(user=request.user, pk=pk)
    rows = [
        (e.get("row") or "", column_label(e.get("column", "")), e.get("key", ""), e["message"])
        for e in run.errors
    ]
    stamp = timezone.localtime(run.created_at).strftime("%Y%m%d-%H%M")
    return export_response(
        rows=rows,
        headers=[_("Row"), _("Column"), _("Employee number"), _("Problem")],
        filename=f"import-{run.pk}-errors-{stamp}",
        fmt="csv",
    )


@import_view
@require_GET
def template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("Unknown format."))
    header, rows = template_rows((get_language() or "").startswith("zh"))
    return export_response(rows=rows, headers=header, filename="employees", fmt=fmt)

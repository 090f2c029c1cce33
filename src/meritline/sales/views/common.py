"""Plumbing shared by the sales pages: login and error mapping (as the org pages),
list filtering/sorting/paging and exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from meritline.core.export import FORMATS, export_response
from meritline.core.listing import apply_sort, paginate
from meritline.org.views.common import (
    add_domain_error,
    bound,
    call_service,
    render_form,
    require,
)
from meritline.org.views.common import org_view as sales_view

__all__ = [
    "FORM_TEMPLATE",
    "add_domain_error",
    "bound",
    "call_service",
    "export",
    "listing",
    "render_form",
    "require",
    "sales_view",
]

FORM_TEMPLATE = "sales/form_page.html"


def listing(
    request: HttpRequest,
    rows: QuerySet[Any],
    sorts: Mapping[str, str],
    default: str,
) -> dict[str, Any]:
    """Sort and page ``rows`` by the request; the context a list template needs."""
    rows, sort = apply_sort(rows, request, sorts, default)
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": paginate(rows, request), "sort": sort, "query": query.urlencode()}


def export(
    request: HttpRequest,
    *,
    rows: Iterable[Any],
    headers: Sequence[str],
    row: Callable[[Any], list[Any]],
    filename: str,
) -> HttpResponse:
    """CSV or XLSX (``?format=``) of ``rows``, one ``row(obj)`` each."""
    fmt = request.GET.get("format", "csv")
    return export_response(
        rows=(row(obj) for obj in rows),
        headers=headers,
        filename=filename,
        fmt=fmt if fmt in FORMATS else "csv",
    )

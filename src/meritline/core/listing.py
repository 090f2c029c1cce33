"""Sorting, filtering and paging of list pages, whitelisted per view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def apply_sort(
    queryset: QuerySet[Any], request: HttpRequest, allowed: Mapping[str, str], default: str
) -> tuple[QuerySet[Any], str]:
    """Order by ``?sort=key`` / ``?sort=-key`` where key is in ``allowed`` (key → ORM path).

    Unknown keys fall back to ``default``; returns the queryset and the sort key applied.
    """
    requested = request.GET.get("sort", default)
    key = requested.lstrip("-")
    if key not in allowed:
        requested, key = default, default.lstrip("-")
    descending = requested.startswith("-")
    field = allowed[key]
    return queryset.order_by(("-" if descending else "") + field, "pk"), requested


def paginate(queryset: Any, request: HttpRequest, per_page: int = 25) -> Page[Any]:
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))

"""Plumbing shared by the org pages: login, error mapping, form rendering."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError

View = Callable[..., HttpResponse]


def org_view(func: View) -> View:
    """Login required; NotFoundError → 404 and PermissionDeniedError → 403."""

    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return func(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(str(exc)) from exc
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc

    return login_required(wrapper)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


def add_domain_error(
    form: forms.Form, exc: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's error next to its field (or above the form)."""
    field = (aliases or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def call_service(
    form: forms.Form,
    service: Callable[..., Any],
    /,
    aliases: dict[str, str] | None = None,
    **kwargs: Any,
) -> tuple[bool, Any]:
    """Run ``service``; a DomainError becomes a form error and (False, None)."""
    try:
        return True, service(**kwargs)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        add_domain_error(form, exc, aliases)
        return False, None


def bound(request: HttpRequest) -> Any:
    """The POST data on a POST, else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], form: forms.Form
) -> HttpResponse:
    """Render a form page; 400 when a submitted form has errors."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)

"""A logged-in user lists, creates and revokes their personal API tokens.

The raw token is rendered once, in the response to the create request, and never stored
(not even in the session); that response is marked ``no-store``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from meritline.core.errors import DomainError, NotFoundError
from meritline.core.models import ApiToken
from meritline.core.tokens import NAME_MAX_LENGTH, token_create, token_get, token_list, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. “CRM sync” or “payroll export”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _render(
    request: HttpRequest,
    *,
    form: TokenForm,
    status: int = 200,
    created: ApiToken | None = None,
    raw: str = "",
) -> HttpResponse:
    revoked: ApiToken | None = None
    revoked_id = request.GET.get("revoked", "")
    if revoked_id.isdigit():
        revoked = token_list(user=request.user).filter(pk=int(revoked_id)).first()
    context: dict[str, Any] = {
        "form": form,
        "tokens": token_list(user=request.user),
        "created": created,
        "raw_token": raw,
        "revoked": revoked,
        "api_base": request.build_absolute_uri("/api/v1/"),
    }
    response = render(request, "core/tokens.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def token_list_view(request: HttpRequest) -> HttpResponse:
    return _render(request, form=TokenForm())


@login_required
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = token_create(actor=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            return _render(request, form=TokenForm(), created=token, raw=raw)
    return _render(request, form=form, status=400)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = token_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    try:
        token_revoke(actor=request.user, token=token)
    except DomainError as exc:
        if exc.code != "token_revoked":  # revoking twice is harmless; the page shows it
            raise
    return HttpResponseRedirect(reverse("core_tokens:list") + f"?revoked={token.pk}")

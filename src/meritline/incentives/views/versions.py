"""A plan version's review and end, from buttons on the version page: submit for review,
withdraw, send back with a reason, retire from a day. Each is a POST; a refusal shows
the version page again (400) with the message, under the field when it has one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.incentives.forms import RejectVersionForm, RetireVersionForm
from meritline.incentives.models import PlanVersion
from meritline.incentives.services.plans import plan_version_submit
from meritline.incentives.services.versions import (
    plan_version_reject,
    plan_version_retire,
    plan_version_withdraw,
)
from meritline.incentives.views.common import (
    add_domain_error,
    incentives_view,
    may_manage,
    require,
)
from meritline.incentives.views.plans import render_version, version_get


def _act(
    request: HttpRequest,
    pk: int,
    action: Callable[[PlanVersion], PlanVersion],
    done: str,
    form: forms.Form | None = None,
    form_name: str = "",
) -> HttpResponse:
    require(may_manage(request))
    version = version_get(request, pk)
    bound = {form_name: form} if form is not None else None
    if form is not None and not form.is_valid():
        return render_version(request, version, status=400, forms=bound)
    try:
        version = action(version)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        if form is not None and exc.field in form.fields:
            add_domain_error(form, exc)
            return render_version(request, version, status=400, forms=bound)
        return render_version(request, version, error=str(exc.message), status=400, forms=bound)
    messages.success(request, done % {"version": version.label})
    return redirect("incentives:version_detail", pk=version.pk)


@incentives_view
@require_POST
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    return _act(
        request,
        pk,
        lambda v: plan_version_submit(actor=user, version=v),
        _("Version %(version)s is waiting for review."),
    )


@incentives_view
@require_POST
def version_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    return _act(
        request,
        pk,
        lambda v: plan_version_withdraw(actor=user, version=v),
        _("Version %(version)s is withdrawn from review and back to draft."),
    )


@incentives_view
@require_POST
def version_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    form = RejectVersionForm(request.POST)

    def reject(version: PlanVersion) -> PlanVersion:
        return plan_version_reject(actor=user, version=version, reason=_clean(form, "reason"))

    return _act(
        request,
        pk,
        reject,
        _("Version %(version)s is sent back to its author."),
        form,
        "reject_form",
    )


@incentives_view
@require_POST
def version_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    form = RetireVersionForm(request.POST)

    def retire(version: PlanVersion) -> PlanVersion:
        return plan_version_retire(
            actor=user,
            version=version,
            retire_from=_clean(form, "retire_from"),
            reason=_clean(form, "reason"),
        )

    return _act(
        request,
        pk,
        retire,
        _("Version %(version)s is retired; its history stays as it was."),
        form,
        "retire_form",
    )


def _clean(form: forms.Form, name: str) -> Any:
    return form.cleaned_data.get(name)

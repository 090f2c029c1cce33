"""Actions on OKRs: check in (two taps from my OKRs), grade, review, refresh from the
sales data, close a period."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.performance.okr import access, selectors
from meritline.performance.okr.forms import CheckInForm, GradeForm, to_stored
from meritline.performance.okr.models import OkrPeriod
from meritline.performance.okr.services.checkins import check_in_create
from meritline.performance.okr.services.grading import (
    objective_grade,
    objective_review,
    period_close,
)
from meritline.performance.okr.services.metrics import objective_refresh
from meritline.performance.okr.templatetags.okr_tags import input_value
from meritline.performance.okr.views.common import add_domain_error, bound, okr_view, require
from meritline.performance.okr.views.pages import detail_context


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@okr_view
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A check-in form of its own (phone), and where every check-in form posts to."""
    kr = selectors.key_result_get(user=request.user, pk=pk)
    objective = kr.objective
    require(access.may_write(request.user, objective))
    form = CheckInForm(bound(request), initial={"value": input_value(kr.measure, kr.current_value)})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            check_in_create(
                actor=request.user,
                key_result=kr,
                value=to_stored(kr.measure, data["value"], field="value"),
                confidence=data["confidence"],
                comment=data["comment"],
            )
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Checked in: %(kr)s.") % {"kr": kr.title})
            return redirect(
                _next(request, reverse("okr:objective_detail", kwargs={"pk": objective.pk}))
            )
    status = 400 if form.is_bound else 200
    return render(request, "okr/check_in.html", {"kr": kr, "form": form}, status=status)


def _graded(request: HttpRequest, pk: int, service: Any, form_name: str, done: str) -> HttpResponse:
    objective = selectors.objective_get(user=request.user, pk=pk)
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            service(
                actor=request.user,
                objective=objective,
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
            )
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("okr:objective_detail", pk=objective.pk)
    objective = selectors.objective_get(user=request.user, pk=pk)
    return render(
        request,
        "okr/detail.html",
        detail_context(request, objective, **{form_name: form}),
        status=400,
    )


@require_POST
@okr_view
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    return _graded(request, pk, objective_grade, "grade_form", _("Grade submitted for review."))


@require_POST
@okr_view
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _graded(request, pk, objective_review, "review_form", _("Final grade set."))


@require_POST
@okr_view
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(user=request.user, pk=pk)
    try:
        changed = objective_refresh(actor=request.user, objective=objective)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Updated from the sales data: %(n)d key result(s) changed.") % {"n": changed}
        )
    return redirect("okr:objective_detail", pk=objective.pk)


@require_POST
@okr_view
def close_period(request: HttpRequest, code: str) -> HttpResponse:
    require(access.is_hr_admin(request.user))
    period = get_object_or_404(OkrPeriod, code=code)
    try:
        period_close(actor=request.user, period=period)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("OKR period %(period)s closed.") % {"period": period.code})
    return redirect(f"{reverse('okr:tree')}?period={period.code}")

"""Review pages for raters: the reviews I am asked to give (with deadlines), the rating
form (phone-first), and the public page a customer reaches through their one-time link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from meritline.core.errors import DomainError
from meritline.org.views.common import bound, call_service
from meritline.org.views.common import org_view as performance_view
from meritline.performance import review_selectors as selectors
from meritline.performance.models import ReviewAssignment
from meritline.performance.services.common import today
from meritline.performance.services.reviews_answers import (
    review_link_open,
    review_submit,
    review_submit_by_link,
)
from meritline.performance.services.reviews_common import OPEN_FOR_REVIEWS, rating_items
from meritline.performance.services.reviews_common import ReviewCode as Code
from meritline.performance.views.reviews_forms import PREFIX, RatingForm

LINK_STATUS = {Code.LINK_INVALID: 404, Code.LINK_USED: 410, Code.LINK_EXPIRED: 410}


@performance_view
def review_todo(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_review_list(user=request.user))
    days = selectors.deadlines(rows)
    now = today()
    entries = [
        {
            "a": a,
            "deadline": days[a.pk],
            "late": days[a.pk] is not None and days[a.pk] < now,
            "open": a.appraisal.cycle.status in OPEN_FOR_REVIEWS
            and not (days[a.pk] is not None and days[a.pk] < now),
        }
        for a in rows
    ]
    return render(
        request,
        "performance/reviews/todo.html",
        {
            "todo": [e for e in entries if e["open"] and not e["a"].submitted_at],
            "done": [e for e in entries if e["a"].submitted_at or not e["open"]],
        },
    )


def _form(assignment: ReviewAssignment, data: Any = None) -> RatingForm:
    initial: dict[str, Any] = {"comment": assignment.comment}
    initial.update({PREFIX + a.item: _plain(a.score) for a in assignment.answers.all()})
    return RatingForm(
        data,
        items=rating_items(assignment.appraisal),
        scale=selectors.scale_of(assignment.appraisal.cycle),
        initial=initial,
    )


def _plain(score: Any) -> str:
    text = format(score, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@performance_view
def review_rate(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.my_review_get(user=request.user, pk=pk)
    form = _form(assignment, bound(request))
    if request.method == "POST" and form.is_valid():
        ok, _saved = call_service(
            form,
            review_submit,
            aliases=form.aliases(),
            actor=request.user,
            assignment_id=assignment.pk,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
        if ok:
            messages.success(
                request,
                _("Thank you: your review of %(name)s is saved.")
                % {"name": assignment.appraisal.employee.name},
            )
            return redirect("performance:review_todo")
    deadline = selectors.deadlines([assignment])[assignment.pk]
    closed = assignment.appraisal.cycle.status not in OPEN_FOR_REVIEWS or (
        deadline is not None and deadline < today()
    )
    return render(
        request,
        "performance/reviews/rate.html",
        {
            "assignment": assignment,
            "form": form,
            "deadline": deadline,
            "closed": closed,
            "scale": selectors.scale_of(assignment.appraisal.cycle),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@csrf_protect
def review_customer(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the link is the key. Unknown → 404, used or expired → 410, each with a
    page saying so in words."""
    try:
        assignment = review_link_open(token=token)
    except DomainError as exc:
        return render(
            request,
            "performance/reviews/customer_closed.html",
            {"problem": exc.message, "code": exc.code},
            status=LINK_STATUS.get(Code(exc.code), 400),
        )
    form = _form(assignment, bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            review_submit_by_link(
                token=token, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            if exc.code in LINK_STATUS:
                return render(
                    request,
                    "performance/reviews/customer_closed.html",
                    {"problem": exc.message, "code": exc.code},
                    status=LINK_STATUS[Code(exc.code)],
                )
            field = form.aliases().get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return render(
                request,
                "performance/reviews/customer_closed.html",
                {"thanks": True, "name": assignment.appraisal.employee.name},
            )
    return render(
        request,
        "performance/reviews/customer.html",
        {
            "assignment": assignment,
            "form": form,
            "scale": selectors.scale_of(assignment.appraisal.cycle),
        },
        status=400 if form.is_bound and form.errors else 200,
    )

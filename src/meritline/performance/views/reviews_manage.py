"""Review pages for managers and HR: the review progress of the appraisals they lead,
choosing an appraisal's reviewers (default set, one by one, customer links, the cycle's
deadline), and the aggregated results of an appraisal (anonymity honoured)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.org.views.common import bound, call_service, require
from meritline.org.views.common import org_view as performance_view
from meritline.performance import access
from meritline.performance import review_selectors as selectors
from meritline.performance.models import Appraisal, ReviewAssignment
from meritline.performance.selectors import appraisal_list, cycle_get
from meritline.performance.services import reviews as services
from meritline.performance.services.reviews_common import OPEN_FOR_REVIEWS, cycle_deadline
from meritline.performance.views.reviews_forms import (
    AssignForm,
    CustomerLinkForm,
    DeadlineForm,
    DefaultsForm,
)


@performance_view
def review_overview(request: HttpRequest) -> HttpResponse:
    """Appraisals of open cycles the user leads (or reads, for all-rows roles), with how
    many reviewers were asked and answered."""
    scope = scope_for(request.user)
    require(scope.all_rows or access.leads_people(request.user))
    rows = (
        appraisal_list(user=request.user)
        .filter(cycle__status__in=OPEN_FOR_REVIEWS)
        .exclude(employee_id=scope.self_employee_id or -1)
        .annotate(
            asked=Count("review_assignments"),
            answered=Count(
                "review_assignments", filter=Q(review_assignments__submitted_at__isnull=False)
            ),
        )
        .order_by("-cycle__period", "cycle__platform__name", "employee__name")
    )
    return render(
        request,
        "performance/reviews/overview.html",
        {"page_obj": Paginator(rows, 50).get_page(request.GET.get("page"))},
    )


def _reviewers_page(
    request: HttpRequest, pk: int, forms: dict[str, Any] | None = None, link: str = ""
) -> HttpResponse:
    appraisal, rows = selectors.appraisal_reviewers(user=request.user, pk=pk)
    can_edit = selectors.may_choose_reviewers(request.user, appraisal)
    forms = forms or {}
    rules = selectors.rules_of(appraisal.cycle)
    weights = {g.value: w for g, w in rules.weights.items() if w > 0} if rules else {}
    context = {
        "appraisal": appraisal,
        "assignments": list(rows),
        "can_edit": can_edit and appraisal.cycle.status in OPEN_FOR_REVIEWS,
        "can_set_deadline": access.manages_performance(request.user)
        and appraisal.cycle.status in OPEN_FOR_REVIEWS,
        "deadline": cycle_deadline(appraisal.cycle),
        "weights": weights,
        "rules": rules,
        "has_items": any(i.get("kind") == "rating" for i in appraisal.template.get("items", [])),
        "assign_form": forms.get("assign") or AssignForm(),
        "defaults_form": forms.get("defaults") or DefaultsForm(),
        "link_form": forms.get("link") or CustomerLinkForm(),
        "deadline_form": forms.get("deadline") or DeadlineForm(),
        "link": link,
    }
    failed = any(f.is_bound and f.errors for f in forms.values())
    return render(
        request, "performance/reviews/reviewers.html", context, status=400 if failed else 200
    )


@performance_view
def appraisal_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    return _reviewers_page(request, pk)


def _editable(request: HttpRequest, pk: int) -> Appraisal:
    appraisal, _rows = selectors.appraisal_reviewers(user=request.user, pk=pk)
    require(selectors.may_choose_reviewers(request.user, appraisal))
    return appraisal


@require_POST
@performance_view
def appraisal_reviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _editable(request, pk)
    form = AssignForm(bound(request))
    if form.is_valid():
        ok, assignment = call_service(
            form,
            services.review_assign,
            actor=request.user,
            appraisal=appraisal,
            group=form.cleaned_data["group"],
            rater=form.cleaned_data["rater"],
            deadline=form.cleaned_data["deadline"],
        )
        if ok:
            messages.success(
                request,
                _("%(name)s is asked to rate as %(group)s.")
                % {"name": assignment.rater.name, "group": assignment.get_group_display()},
            )
            return redirect("performance:appraisal_reviewers", pk=pk)
    return _reviewers_page(request, pk, {"assign": form})


@require_POST
@performance_view
def appraisal_reviewer_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _editable(request, pk)
    form = DefaultsForm(bound(request))
    if form.is_valid():
        ok, created = call_service(
            form,
            services.review_assign_defaults,
            aliases={"rater": "peers"},
            actor=request.user,
            appraisal=appraisal,
            peers=list(form.cleaned_data["peers"]),
        )
        if ok:
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d reviewer added.", "%(count)d reviewers added.", len(created)
                    )
                    % {"count": len(created)},
                )
            else:
                messages.info(request, _("Everyone in the default set is asked already."))
            return redirect("performance:appraisal_reviewers", pk=pk)
    return _reviewers_page(request, pk, {"defaults": form})


@require_POST
@performance_view
def appraisal_customer_link(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _editable(request, pk)
    form = CustomerLinkForm(bound(request))
    if form.is_valid():
        ok, made = call_service(
            form,
            services.review_link_create,
            actor=request.user,
            appraisal=appraisal,
            contact=form.cleaned_data["contact"],
            days=form.cleaned_data["days"],
        )
        if ok:
            _assignment, token = made
            url = request.build_absolute_uri(reverse("performance:review_customer", args=[token]))
            return _reviewers_page(request, pk, link=url)
    return _reviewers_page(request, pk, {"link": form})


@require_POST
@performance_view
def review_assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = ReviewAssignment.objects.filter(pk=pk).select_related("appraisal").first()
    if assignment is None:
        raise NotFoundError(_("Review not found."))
    appraisal = _editable(request, assignment.appraisal_id)
    form = DefaultsForm()
    ok, _none = call_service(
        form, services.review_unassign, actor=request.user, assignment=assignment
    )
    if ok:
        messages.success(
            request, _("%(rater)s is no longer asked.") % {"rater": assignment.rater_label}
        )
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect("performance:appraisal_reviewers", pk=appraisal.pk)


@require_POST
@performance_view
def review_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.manages_performance(request.user))
    cycle = cycle_get(user=request.user, pk=pk)
    form = DeadlineForm(bound(request))
    back = request.POST.get("appraisal", "")
    if form.is_valid():
        ok, window = call_service(
            form,
            services.review_deadline_set,
            actor=request.user,
            cycle=cycle,
            deadline=form.cleaned_data["deadline"],
        )
        if ok:
            messages.success(
                request,
                _("Reviews of %(cycle)s are due by %(day)s.")
                % {"cycle": cycle.label, "day": window.deadline.isoformat()},
            )
    if not (form.is_bound and not form.errors):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if back.isdigit():
        return redirect("performance:appraisal_reviewers", pk=int(back))
    return redirect("performance:review_overview")


@performance_view
def appraisal_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    results = selectors.appraisal_review_results(user=request.user, pk=pk)
    appraisal = results.appraisal
    return render(
        request,
        "performance/reviews/results.html",
        {
            "results": results,
            "appraisal": appraisal,
            "own": appraisal.employee_id == scope_for(request.user).self_employee_id,
            "may_choose": selectors.may_choose_reviewers(request.user, appraisal)
            or scope_for(request.user).all_rows,
        },
    )

"""The inbox page: the user's messages, newest first; open one (marks it read and
follows its link), mark all read."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.errors import NotFoundError
from meritline.notify import selectors, services

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("show") == "unread"
    rows = selectors.message_list(user=request.user, unread=unread)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {
            "page_obj": page,
            "show_unread": unread,
            "unread": selectors.unread_count(user=request.user),
        },
    )


@require_POST
@login_required
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        message = services.message_mark_read(user=request.user, message_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    target = message.link if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("notify:inbox")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.messages_mark_all_read(user=request.user)
    if count:
        flash.success(request, _("%(count)d messages marked read.") % {"count": count})
    return redirect("notify:inbox")

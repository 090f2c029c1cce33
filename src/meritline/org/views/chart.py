"""The org chart: the reporting tree drawn with ECharts, with a nested-list fallback."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meritline.org import selectors
from meritline.org.forms import indented
from meritline.org.models import Department
from meritline.org.views.common import org_view


class ChartFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Department"), required=False
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_list(user=user)
        self.fields["department"].empty_label = _("Everyone")
        self.fields["department"].label_from_instance = indented


def _with_urls(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for node in nodes:
        node["url"] = reverse("org:employee_detail", args=[node["id"]])
        _with_urls(node["children"])
    return nodes


def _count(nodes: list[dict[str, Any]]) -> int:
    return sum(1 + _count(n["children"]) for n in nodes)


@org_view
def org_chart(request: HttpRequest) -> HttpResponse:
    form = ChartFilterForm(request.GET, user=request.user)
    form.is_valid()
    department = getattr(form, "cleaned_data", {}).get("department")
    tree = _with_urls(selectors.org_chart(user=request.user, department=department))
    return render(
        request,
        "org/chart/org_chart.html",
        {"form": form, "tree": tree, "department": department, "people": _count(tree)},
    )

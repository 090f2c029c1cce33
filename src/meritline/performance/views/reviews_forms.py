"""Forms of the review pages. Scores are kept as text so that the service, not the
form, judges them and says exactly what is wrong (e.g. a rating outside the scale)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Employee, EmployeeStatus
from meritline.performance.models import ReviewGroup

PREFIX = "score_"


class RatingForm(forms.Form):
    """One score per rating item (buttons when the scale is a few whole numbers), and a
    comment."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        items: list[dict[str, Any]],
        scale: tuple[Decimal | None, Decimal | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        low, high = scale
        self.steps = _steps(low, high)
        for item in items:
            self.fields[PREFIX + str(item["id"])] = forms.CharField(
                label=item.get("name") or item["id"], required=False, max_length=20
            )
        self.order_fields([*(PREFIX + str(i["id"]) for i in items), "comment"])

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PREFIX)]

    def scores(self) -> dict[str, str]:
        return {
            name[len(PREFIX) :]: self.cleaned_data.get(name, "")
            for name in self.fields
            if name.startswith(PREFIX)
        }

    def aliases(self) -> dict[str, str]:
        return {name[len(PREFIX) :]: name for name in self.fields if name.startswith(PREFIX)}


def _steps(low: Decimal | None, high: Decimal | None) -> list[str]:
    """Whole-number buttons for a small whole-number scale (else a number field)."""
    if low is None or high is None or low != low.to_integral() or high != high.to_integral():
        return []
    if high - low > 10:
        return []
    return [str(n) for n in range(int(low), int(high) + 1)]


def _employees() -> Any:
    return Employee.objects.filter(status=EmployeeStatus.ACTIVE).order_by("name")


class EmployeeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.employee_no}"


class EmployeesChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.employee_no}"


class AssignForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Rater group"),
        choices=[(g.value, g.label) for g in ReviewGroup if g != ReviewGroup.CUSTOMER],
    )
    rater = EmployeeChoice(label=_("Rater"), queryset=Employee.objects.none())
    deadline = forms.DateField(
        label=_("Own deadline"),
        required=False,
        help_text=_("Leave empty to use the cycle's review deadline."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rater"].queryset = _employees()  # type: ignore[attr-defined]


class DefaultsForm(forms.Form):
    peers = EmployeesChoice(
        label=_("Peers"),
        required=False,
        queryset=Employee.objects.none(),
        help_text=_("Supervisor, self and direct reports are added from the org chart."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peers"].queryset = _employees()  # type: ignore[attr-defined]


class CustomerLinkForm(forms.Form):
    contact = forms.CharField(label=_("Customer contact"), max_length=100)
    days = forms.CharField(label=_("Valid for (days)"), initial="14", max_length=4)


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("Review deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

"""OKR forms: parse and validate input at the edge; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from meritline.core.errors import DomainError
from meritline.core.money import MoneyError, parse_yuan
from meritline.core.periods import Period
from meritline.org.models import Department
from meritline.performance.okr.models import Confidence, Level, Measure, Visibility
from meritline.performance.okr.services.common import current_period_code, number
from meritline.performance.okr.services.key_results import linkable_metrics


def to_stored(measure: str, raw: Any, *, field: str) -> Decimal:
    """A typed value in the stored unit: yuan → fen for money, else the number."""
    if measure == Measure.CURRENCY:
        try:
            return Decimal(parse_yuan(str(raw)))
        except MoneyError:
            raise DomainError(
                "invalid",
                _("“%(value)s” is not an amount in yuan (at most two decimals).") % {"value": raw},
                field=field,
            ) from None
    return number(raw, field=field)


def quarter_choices() -> list[tuple[str, str]]:
    current = Period.parse(current_period_code())
    return [(str(p), str(p)) for p in (current.previous(), current, current.next())]


class ObjectiveForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Quarter"))
    title = forms.CharField(label=gettext_lazy("Objective"), max_length=200)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Level.choices)
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=None)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Department.objects.filter(active=True).order_by("path"),
        required=False,
        help_text=gettext_lazy("For a team objective."),
    )
    parent = forms.ModelChoiceField(label=gettext_lazy("Aligned to"), queryset=None, required=False)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visible to"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, owners: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = quarter_choices()
        self.fields["owner"].queryset = owners
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = _parent_label


def _parent_label(objective: Any) -> str:
    return f"{objective.title} · {objective.owner.name} ({objective.get_level_display()})"


class ObjectiveEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Objective"), max_length=200)
    parent = forms.ModelChoiceField(label=gettext_lazy("Aligned to"), queryset=None, required=False)
    visibility = forms.ChoiceField(label=gettext_lazy("Visible to"), choices=Visibility.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = _parent_label


def metric_choices() -> list[tuple[str, str]]:
    return [("", _("— typed in check-ins —"))] + [(m, m) for m in linkable_metrics()]


class KeyResultForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Key result"), max_length=200, required=False)
    measure = forms.ChoiceField(
        label=gettext_lazy("Measured as"), choices=Measure.choices, initial=Measure.NUMBER
    )
    start = forms.CharField(
        label=gettext_lazy("Start"),
        required=False,
        initial="0",
        help_text=gettext_lazy("Money in yuan, percentages in points."),
    )
    target = forms.CharField(label=pgettext_lazy("okr", "Target"), required=False)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight (%)"), required=False, max_digits=5, decimal_places=2
    )
    metric = forms.ChoiceField(label=gettext_lazy("Computed from"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("title") and not data.get("id")


KeyResultFormSet = forms.formset_factory(KeyResultForm, extra=2, max_num=10, validate_max=True)


class CheckInForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("New value"), max_length=40)
    confidence = forms.ChoiceField(
        label=gettext_lazy("Confidence"),
        choices=Confidence.choices,
        initial=Confidence.HIGH,
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    comment = forms.CharField(
        label=pgettext_lazy("okr", "Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GradeForm(forms.Form):
    score = forms.DecimalField(
        label=gettext_lazy("Grade (0–1)"), max_digits=3, decimal_places=2, min_value=0, max_value=1
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

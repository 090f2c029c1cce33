"""Forms of the incentive pages: they parse and validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from meritline.incentives.models import PlanVersion, TermsKind, VersionStatus
from meritline.org.forms import DateInput, clean_yuan, indented, yuan_field
from meritline.org.models import Department, Employee, EmployeeStatus, JobLevel

ALL_SCOPE = "all"


def person_label(employee: Employee) -> str:
    return f"{employee.name} · {employee.employee_no}"


def version_label(version: PlanVersion) -> str:
    return f"{version.label} · {version.plan.name} · {version.get_status_display()}"


class PlanForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("For example PAY2."))
    name = forms.CharField(label=_("Name"), max_length=200)


class VersionForm(forms.Form):
    document = forms.CharField(
        label=_("Plan document (YAML or JSON)"),
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 24, "class": "ml-code", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    note = forms.CharField(
        label=_("What changes"),
        max_length=500,
        required=False,
        help_text=_("Shown in the history."),
    )


class TermsForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TermsKind.choices, widget=forms.RadioSelect(attrs={"inline": 1})
    )
    employee = forms.ModelChoiceField(
        queryset=Employee.objects.none(),
        label=_("Employee"),
        required=False,
        help_text=_("An employee's own level rate, or their rate adjustment."),
    )
    level = forms.ModelChoiceField(
        queryset=JobLevel.objects.order_by("rank", "code"),
        label=_("Job level"),
        required=False,
        help_text=_("Or everyone at a job level (level rates only)."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    rate = forms.CharField(
        label=_("Rate"),
        max_length=20,
        help_text=_("A decimal: 0.015 is 1.5 %; an adjustment of −0.5 pt is -0.005."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        required=False,
        help_text=_("Required for an adjustment."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employee"]
        field.queryset = Employee.objects.filter(status=EmployeeStatus.ACTIVE).order_by(
            "employee_no"
        )
        field.label_from_instance = person_label


class CalculateForm(forms.Form):
    plan_version = forms.ModelChoiceField(
        queryset=PlanVersion.objects.none(), label=_("Plan version"), empty_label=None
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=16,
        help_text=_("2026-10, 2026-Q4, 2026-H2 or 2026."),
        widget=forms.TextInput(attrs={"placeholder": "2026-10", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(label=_("Scope"), initial=ALL_SCOPE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan_version"]
        field.queryset = approved_versions()
        field.label_from_instance = version_label
        departments = Department.objects.order_by("path")
        self.fields["scope"].choices = [
            (ALL_SCOPE, _("Everyone")),
            *[(d.code, f"{indented(d)} · {d.code}") for d in departments],
        ]


def approved_versions() -> QuerySet[PlanVersion]:
    return (
        PlanVersion.objects.filter(status__in=(VersionStatus.APPROVED, VersionStatus.RETIRED))
        .select_related("plan")
        .order_by("plan__code", "-number")
    )


class LineDisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this line?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Finance answers within five working days."),
    )


class DisputeDecideForm(forms.Form):
    ADJUST, REJECT = "adjust", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ADJUST, _("Adjust the amount")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect(attrs={"inline": 1}),
    )
    amount = yuan_field(
        _("Adjustment (yuan)"),
        required=False,
        help_text=_("For an adjustment: positive pays more, negative takes back."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_amount(self) -> int | None:
        return clean_yuan(self.cleaned_data.get("amount") or "")


class EstimateForm(forms.Form):
    employee = forms.ModelChoiceField(
        queryset=Employee.objects.none(), label=_("For"), required=False
    )
    lead = forms.TypedChoiceField(
        label=_("Open lead"), required=False, coerce=int, empty_value=None
    )
    amount = yuan_field(_("If it closes at (yuan)"))
    is_repurchase = forms.BooleanField(label=_("A repurchase"), required=False)

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Employee] | None,
        leads: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["employee"]
        else:
            self.fields["employee"].queryset = people
            self.fields["employee"].label_from_instance = person_label
            self.fields["employee"].empty_label = _("Myself")
        if leads:
            self.fields["lead"].choices = [("", _("No lead: type an amount")), *leads]
        else:
            del self.fields["lead"]
        self.fields["amount"].widget.attrs["placeholder"] = "500000"

    def clean_amount(self) -> int | None:
        return clean_yuan(self.cleaned_data.get("amount") or "")


class WhatIfForm(forms.Form):
    draft_version = forms.ModelChoiceField(
        queryset=PlanVersion.objects.none(), label=_("Draft version"), empty_label=None
    )
    period = forms.CharField(
        label=_("Past period"),
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "2026-09", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["draft_version"]
        field.queryset = (
            PlanVersion.objects.filter(status__in=[VersionStatus.DRAFT, VersionStatus.PENDING])
            .select_related("plan")
            .order_by("plan__code", "-number")
        )
        field.label_from_instance = version_label


class PeriodFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    period = forms.CharField(label=_("Period"), required=False, max_length=16)

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    def values(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"q": data.get("q") or "", "period": data.get("period") or ""}


class RejectVersionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it go back?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author reads this and writes a new version."),
    )


class RetireVersionForm(forms.Form):
    retire_from = forms.DateField(
        label=_("No longer in force from"),
        widget=DateInput(),
        help_text=_("The version stays in force until the day before."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=4000)

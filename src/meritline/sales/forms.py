"""Forms of the sales pages: they parse and validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meritline.core.access import Role, scope_for
from meritline.org.forms import DateInput, clean_yuan, yuan_field
from meritline.org.models import Employee, Platform, Region
from meritline.org.models import PlatformStage as Stage
from meritline.sales import access
from meritline.sales import selectors_pages as pages
from meritline.sales.models import (
    CustomerKind,
    DealStatus,
    DisputeKind,
    DisputeStatus,
    Segment,
    SourceKind,
    Step,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def person_label(employee: Employee) -> str:
    return f"{employee.name} · {employee.employee_no}"


def _all(field: forms.Field) -> None:
    field.empty_label = _("All")  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    """A GET form of a list: invalid values are ignored rather than reported."""

    def data_or_empty(self) -> dict[str, Any]:
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class LeadFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    step = forms.ChoiceField(label=_("Step"), required=False)
    source_kind = forms.ChoiceField(label=_("Lead source"), required=False)
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.all(), label=_("Sales platform"), required=False
    )
    owner = forms.ModelChoiceField(
        queryset=Employee.objects.none(), label=_("Person"), required=False
    )
    qualified = forms.ChoiceField(
        label=_("Qualified"),
        required=False,
        choices=[
            ("", _("All")),
            *YES_NO,
            ("pending", pgettext_lazy("lead review", "Not reviewed")),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("All")), *Step.choices]
        self.fields["source_kind"].choices = [("", _("All")), *SourceKind.choices]
        self.fields["owner"].queryset = pages.lead_people(user=user)
        self.fields["owner"].label_from_instance = person_label
        _all(self.fields["platform"])
        _all(self.fields["owner"])

    def filters(self) -> pages.LeadFilters:
        data = self.data_or_empty()
        return pages.LeadFilters(
            q=data.get("q") or "",
            step=data.get("step") or "",
            source_kind=data.get("source_kind") or "",
            platform=data.get("platform"),
            owner=data.get("owner"),
            qualified=data.get("qualified") or "",
        )


class DealFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.all(), label=_("Sales platform"), required=False
    )
    owner = forms.ModelChoiceField(
        queryset=Employee.objects.none(), label=_("Person"), required=False
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    repurchase = forms.ChoiceField(
        label=_("Repurchase"), required=False, choices=[("", _("All")), *YES_NO]
    )
    signed_from = forms.DateField(label=_("Signed from"), required=False, widget=DateInput())
    signed_to = forms.DateField(label=_("Signed until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *DealStatus.choices]
        self.fields["segment"].choices = [("", _("All")), *Segment.choices]
        self.fields["owner"].queryset = pages.lead_people(user=user)
        self.fields["owner"].label_from_instance = person_label
        _all(self.fields["platform"])
        _all(self.fields["owner"])

    def filters(self) -> pages.DealFilters:
        data = self.data_or_empty()
        return pages.DealFilters(
            q=data.get("q") or "",
            platform=data.get("platform"),
            owner=data.get("owner"),
            status=data.get("status") or "",
            segment=data.get("segment") or "",
            repurchase=data.get("repurchase") or "",
            signed_from=data.get("signed_from"),
            signed_to=data.get("signed_to"),
        )


class CustomerFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.all(), label=_("Sales platform"), required=False
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), label=_("Region"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *CustomerKind.choices]
        self.fields["industry"].choices = [
            ("", _("All")),
            *((name, name) for name in pages.industries(user=user)),
        ]
        _all(self.fields["platform"])
        _all(self.fields["region"])

    def filters(self) -> pages.CustomerFilters:
        data = self.data_or_empty()
        return pages.CustomerFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            platform=data.get("platform"),
            region=data.get("region"),
            industry=data.get("industry") or "",
        )


STATUS_ALL = "all"


class DisputeFilterForm(FilterForm):
    """The queue shows open disputes unless asked otherwise."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("What is disputed"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [*DisputeStatus.choices, (STATUS_ALL, _("All"))]
        self.fields["kind"].choices = [("", _("All")), *DisputeKind.choices]

    @property
    def active(self) -> bool:
        return bool(self.data.get("q") or self.data.get("kind")) or self.data.get(
            "status", DisputeStatus.OPEN
        ) not in ("", DisputeStatus.OPEN)

    def filters(self) -> pages.DisputeFilters:
        data = self.data_or_empty()
        status = data.get("status") or DisputeStatus.OPEN
        return pages.DisputeFilters(
            q=data.get("q") or "",
            status="" if status == STATUS_ALL else status,
            kind=data.get("kind") or "",
        )


# Leads -----------------------------------------------------------------------------------


class LeadRegisterForm(forms.Form):
    """A new lead, phone first: the company and a way to reach it, where it came from."""

    company_name = forms.CharField(
        label=_("Company"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=100, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    source_kind = forms.ChoiceField(
        label=_("Lead source"),
        choices=SourceKind.choices,
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    referrer_name = forms.CharField(
        label=_("Referred by"),
        max_length=100,
        required=False,
        help_text=_("For a referral: who referred the customer."),
    )
    platform = forms.ModelChoiceField(queryset=Platform.objects.all(), label=_("Sales platform"))
    source_employee = forms.ModelChoiceField(
        queryset=Employee.objects.none(),
        label=_("Brought by"),
        required=False,
        help_text=_("Leave empty when you brought the lead yourself."),
    )
    owner = forms.ModelChoiceField(
        queryset=Employee.objects.none(),
        label=_("Owner in sales"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if access.writes_sales_records(user) or scope_for(user).has(Role.SALES_MANAGER):
            for name in ("source_employee", "owner"):
                self.fields[name].queryset = pages.assignable_owners(user=user)
                self.fields[name].label_from_instance = person_label
        else:
            del self.fields["source_employee"]
            del self.fields["owner"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in ("contact_name", "contact_phone", "contact_email")):
            self.add_error(
                "contact_phone", _("Give a contact: a name, a phone number or an e-mail address.")
            )
        return data


class LeadAdvanceForm(forms.Form):
    step = forms.ChoiceField(label=_("Step reached"))
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(),
        help_text=_("Leave empty for now."),
    )
    owner = forms.ModelChoiceField(
        queryset=Employee.objects.none(),
        label=_("Received by"),
        required=False,
        help_text=_("Who in sales takes the lead on (needed when it has no owner yet)."),
    )
    lost_reason = forms.CharField(
        label=_("Reason lost"),
        max_length=255,
        required=False,
        help_text=_("Only when the lead is lost."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, steps: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s, Step(s).label) for s in steps]
        people = pages.assignable_owners(user=user)
        if people.exists():
            self.fields["owner"].queryset = people
            self.fields["owner"].label_from_instance = person_label
        else:
            del self.fields["owner"]


class LeadReviewForm(forms.Form):
    qualified = forms.TypedChoiceField(
        label=_("Does the lead meet the qualification standard?"),
        choices=[("yes", _("Qualified")), ("no", _("Not qualified"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    note = forms.CharField(
        label=_("Review note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the lead is not qualified."),
    )


class LeadAssignForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Employee.objects.none(), label=_("New owner"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = pages.assignable_owners(user=user)
        self.fields["owner"].label_from_instance = person_label


# Disputes --------------------------------------------------------------------------------


class DisputeRaiseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you claim?"),
        choices=[
            (DisputeKind.SOURCE, _("I brought this lead")),
            (DisputeKind.OWNER, _("I should work this lead")),
        ],
        initial=DisputeKind.SOURCE,
        widget=forms.RadioSelect(),
    )
    claim = forms.CharField(
        label=_("Why is it yours?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When and how you first reached the customer; who can confirm it."),
    )
    # The contact tried at registration, to find the marketing lead it matched again.
    company_name = forms.CharField(required=False, widget=forms.HiddenInput())
    contact_phone = forms.CharField(required=False, widget=forms.HiddenInput())
    contact_email = forms.CharField(required=False, widget=forms.HiddenInput())


class DisputeDecideForm(forms.Form):
    awarded_to = forms.ModelChoiceField(
        queryset=Employee.objects.none(),
        label=_("Award to"),
        widget=forms.RadioSelect(),
        empty_label=None,
    )
    source_kind = forms.ChoiceField(
        label=_("The lead's source from now on"),
        required=False,
        help_text=_("Leave as it is unless the decision changes where the lead came from."),
    )
    decision = forms.CharField(
        label=_("Decision and reasons"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, people: list[Employee], with_source: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["awarded_to"]
        field.queryset = Employee.objects.filter(pk__in=[p.pk for p in people])
        field.label_from_instance = person_label
        if with_source:
            self.fields["source_kind"].choices = [
                ("", _("Keep as it is")),
                *SourceKind.choices,
            ]
        else:
            del self.fields["source_kind"]


# Deals -----------------------------------------------------------------------------------


class CollectionForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    amount = yuan_field(_("Amount received"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean_amount(self) -> int | None:
        return clean_yuan(self.cleaned_data["amount"])


class RefundForm(forms.Form):
    refunded_on = forms.DateField(label=_("Refunded on"), widget=DateInput())
    amount = yuan_field(_("Amount refunded"))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def clean_amount(self) -> int | None:
        return clean_yuan(self.cleaned_data["amount"])


class CancelForm(forms.Form):
    cancelled_on = forms.DateField(label=_("Cancelled on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=255)


# Platforms -------------------------------------------------------------------------------


class PlatformStageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Maturity stage"), choices=Stage.choices, widget=forms.RadioSelect()
    )
    valid_from = forms.DateField(label=_("From"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

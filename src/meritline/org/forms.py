"""Forms of the org pages: they parse and validate input; services do the writing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.core.money import MoneyError, parse_yuan
from meritline.org import criteria, id_numbers, selectors
from meritline.org import selectors_pages as pages
from meritline.org.models import (
    CriterionKind,
    Department,
    EmployeeStatus,
    Gender,
    JobFamily,
    JobLevel,
    LeaveReason,
    LegalEntity,
    Platform,
    Position,
    Region,
)
from meritline.org.services.logins import password_problems


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def yuan_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=32,
        help_text=help_text or _("In yuan, for example 8000 or 8,000.50."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def clean_id_number(value: str) -> str:
    """Normalise and check an ID number (format, birth date, check digit); "" stays ""."""
    normalised = id_numbers.normalise(value)
    if normalised:
        try:
            id_numbers.validate(normalised)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
    return normalised


def clean_yuan(value: str) -> int | None:
    """Yuan text → integer fen; a ValidationError names what is wrong."""
    if not value.strip():
        return None
    try:
        return parse_yuan(value)
    except MoneyError as exc:
        raise forms.ValidationError(
            _("Enter an amount in yuan with at most two decimals, for example 8000 or 8,000.50."),
            code="money",
        ) from exc


class GroupedForm(forms.Form):
    """A form whose fields are shown in titled sections (``groups``)."""

    groups: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def field_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        shown: list[tuple[Any, list[forms.BoundField]]] = []
        for title, names in self.groups:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                shown.append((title, fields))
        return shown


class PlacementFields:
    """Where someone sits: department, position, level, manager, platform."""

    fields: dict[str, forms.Field]

    def add_placement_fields(self, user: object) -> None:
        self.fields["department"] = forms.ModelChoiceField(
            queryset=pages.placeable_departments(user=user), label=_("Department")
        )
        self.fields["department"].label_from_instance = indented
        self.fields["position"] = forms.ModelChoiceField(
            queryset=Position.objects.order_by("ladder_order", "code"), label=_("Position")
        )
        self.fields["level"] = forms.ModelChoiceField(
            queryset=JobLevel.objects.all(),
            label=_("Job level"),
            required=False,
            help_text=_("Leave empty to use the position's level."),
        )
        self.fields["manager"] = forms.ModelChoiceField(
            queryset=pages.active_managers(user=user), label=_("Manager"), required=False
        )
        self.fields["platform"] = forms.ModelChoiceField(
            queryset=Platform.objects.all(), label=_("Sales platform"), required=False
        )


class EmployeeCreateForm(PlacementFields, GroupedForm):
    employee_no = forms.CharField(label=_("Employee number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    entity = forms.ModelChoiceField(queryset=LegalEntity.objects.all(), label=_("Employer"))
    hire_date = forms.DateField(label=_("Hire date"), widget=DateInput())
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        required=False,
        help_text=_("18 characters; stored encrypted."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)

    groups = (
        (
            _("Personal data"),
            ("employee_no", "name", "gender", "id_number", "email", "phone"),
        ),
        (
            _("Employment"),
            ("entity", "hire_date", "department", "position", "level", "manager", "platform"),
        ),
        (_("Pay"), ("base_salary",)),
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_placement_fields(user)
        if scope_for(user).pay_fields:
            self.fields["base_salary"] = yuan_field(
                _("Starting monthly base salary"),
                required=False,
                help_text=_("In yuan, for example 8000. Leave empty to record it later."),
            )

    def clean_base_salary(self) -> int | None:
        return clean_yuan(self.cleaned_data.get("base_salary", ""))

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data.get("id_number", ""))


class EmployeeEditForm(GroupedForm):
    employee_no = forms.CharField(label=_("Employee number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    entity = forms.ModelChoiceField(queryset=LegalEntity.objects.all(), label=_("Employer"))
    hire_date = forms.DateField(label=_("Hire date"), widget=DateInput())
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)

    groups = (
        (
            _("Personal data"),
            ("employee_no", "name", "gender", "id_number", "email", "phone"),
        ),
        (_("Employment"), ("entity", "hire_date")),
    )

    def __init__(self, *args: Any, can_edit_id: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_edit_id:
            self.fields["id_number"] = forms.CharField(
                label=_("ID number"),
                max_length=24,
                required=False,
                help_text=_("18 characters; stored encrypted. Empty removes it."),
            )

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data.get("id_number", ""))


class AssignForm(PlacementFields, GroupedForm):
    valid_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example: promotion, transfer, new manager."),
    )

    groups = (
        (
            _("New assignment"),
            ("valid_from", "department", "position", "level", "manager", "platform", "reason"),
        ),
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_placement_fields(user)
        self.order_fields(
            ["valid_from", "department", "position", "level", "manager", "platform", "reason"]
        )


class LeaveForm(forms.Form):
    leave_date = forms.DateField(label=_("Last working day"), widget=DateInput())
    leave_reason = forms.ChoiceField(label=_("Reason for leaving"), choices=LeaveReason.choices)
    note = forms.CharField(
        label=_("Note"), max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SalaryForm(forms.Form):
    valid_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    base_salary = yuan_field(_("Monthly base salary"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example: annual adjustment, promotion."),
    )

    def clean_base_salary(self) -> int | None:
        return clean_yuan(self.cleaned_data.get("base_salary", ""))


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            for problem in password_problems(first, None):
                self.add_error("password1", problem)
        return data


class TeamOnForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Department"))
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_list(user=user)
        self.fields["department"].label_from_instance = indented


STATUS_ALL = "all"


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Department"), required=False
    )
    position = forms.ModelChoiceField(
        queryset=Position.objects.none(), label=_("Position"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*EmployeeStatus.choices, (STATUS_ALL, _("All"))],
    )
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.none(), label=_("Sales platform"), required=False
    )
    entity = forms.ModelChoiceField(
        queryset=LegalEntity.objects.none(), label=_("Employer"), required=False
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("department", "position", "platform", "entity"):
            self.fields[name].empty_label = _("All")
        self.fields["department"].queryset = selectors.department_list(user=user)
        self.fields["department"].label_from_instance = indented
        self.fields["position"].queryset = selectors.position_list(user=user).order_by(
            "ladder_order", "code"
        )
        self.fields["platform"].queryset = selectors.platform_list(user=user)
        self.fields["entity"].queryset = selectors.entity_list(user=user)

    def filters(self) -> pages.EmployeeFilters:
        """The valid filters; a value that does not validate is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or EmployeeStatus.ACTIVE
        return pages.EmployeeFilters(
            q=data.get("q") or "",
            department=data.get("department"),
            position=data.get("position"),
            status="" if status == STATUS_ALL else status,
            platform=data.get("platform"),
            entity=data.get("entity"),
        )


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    entity = forms.ModelChoiceField(queryset=LegalEntity.objects.all(), label=_("Legal entity"))
    parent = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        label=_("Parent department"),
        required=False,
        help_text=_("Changing it moves the department with everything below it."),
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), label=_("Region"), required=False
    )
    active = forms.BooleanField(
        label=pgettext_lazy("department", "Active"), required=False, initial=True
    )

    def __init__(self, *args: Any, exclude_pk: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Department.objects.select_related("entity")
        if exclude_pk is not None:
            parents = parents.exclude(pk=exclude_pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = indented


def indented(department: Department) -> str:
    return "\u3000" * department.depth + department.name


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = [
            "code",
            "name",
            "family",
            "level",
            "is_sales_post",
            "ladder_order",
            "next_position",
            "pay_structure",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class CompetencyForm(forms.Form):
    name = forms.CharField(label=_("Competency"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    competency_code = forms.CharField(
        label=_("Competency reference"),
        max_length=50,
        required=False,
        help_text=_("Code in the competency model, when there is one."),
    )


def _metric_choices() -> list[tuple[str, str]]:
    money = sorted(criteria.MONEY_METRICS)
    rates = sorted(criteria.RATE_METRICS)
    return [(m, str(criteria.metric_label(m))) for m in money + rates]


class CriterionForm(forms.Form):
    """One hard criterion; only the fields of the chosen kind are read."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    min_years = forms.IntegerField(
        label=_("Minimum years of tenure"), required=False, min_value=0, max_value=50
    )
    job_family = forms.ModelChoiceField(
        queryset=JobFamily.objects.all(),
        label=_("In the job family"),
        required=False,
        to_field_name="code",
        help_text=_("Count only years in this job family (optional)."),
    )
    metric = forms.ChoiceField(label=_("Metric"), required=False, choices=())
    window_months = forms.IntegerField(
        label=_("Window (months)"), required=False, min_value=1, max_value=60
    )
    min_value = forms.CharField(
        label=_("Minimum value"),
        required=False,
        max_length=32,
        help_text=_("Amounts in yuan (800000); rates in percent (85)."),
    )
    min_count = forms.IntegerField(
        label=_("Minimum number of enterprise clients"),
        required=False,
        min_value=1,
        max_value=100000,
    )
    certificate = forms.CharField(label=_("Certificate name"), required=False, max_length=150)

    KIND_FIELDS = {
        CriterionKind.TENURE_YEARS: ("min_years",),
        CriterionKind.METRIC_THRESHOLD: ("metric", "window_months", "min_value"),
        CriterionKind.CLIENT_COUNT: ("min_count",),
        CriterionKind.CERTIFICATE: ("certificate",),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "---------"), *_metric_choices()]
        self.params: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            return data
        for name in self.KIND_FIELDS.get(kind, ()):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("Required for this kind of criterion."))
        if self.errors:
            return data
        if kind == CriterionKind.TENURE_YEARS:
            self.params = {"min_years": data["min_years"]}
            if data.get("job_family") is not None:
                self.params["job_family"] = data["job_family"].code
        elif kind == CriterionKind.METRIC_THRESHOLD:
            value = self._threshold(data["metric"], data["min_value"])
            if value is not None:
                self.params = {
                    "metric": data["metric"],
                    "window_months": data["window_months"],
                    "min_value": value,
                }
        elif kind == CriterionKind.CLIENT_COUNT:
            self.params = {"min_count": data["min_count"]}
        elif kind == CriterionKind.CERTIFICATE:
            self.params = {"name": data["certificate"].strip()}
        return data

    def _threshold(self, metric: str, text: str) -> int | Decimal | None:
        if metric in criteria.MONEY_METRICS:
            try:
                fen = clean_yuan(text)
            except forms.ValidationError as exc:
                self.add_error("min_value", exc)
                return None
            if fen is None or fen < 0:
                self.add_error("min_value", _("Enter an amount of at least 0 yuan."))
                return None
            return fen
        raw = text.strip().rstrip("%").strip()
        try:
            percent = Decimal(raw)
        except InvalidOperation:
            self.add_error("min_value", _("Enter a rate in percent, for example 85."))
            return None
        if not percent.is_finite() or percent < 0 or percent > 100:
            self.add_error("min_value", _("A rate is between 0 and 100 percent."))
            return None
        return percent / 100


# Reference data: a ModelForm per kind validates; ``reference_save`` writes.
class EntityForm(forms.ModelForm):
    class Meta:
        model = LegalEntity
        fields = ["code", "name", "credit_code", "parent"]


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name"]


class FamilyForm(forms.ModelForm):
    class Meta:
        model = JobFamily
        fields = ["code", "name"]


class LevelForm(forms.ModelForm):
    class Meta:
        model = JobLevel
        fields = ["code", "name", "rank", "family"]


class PlatformForm(forms.ModelForm):
    class Meta:
        model = Platform
        fields = ["code", "name", "launched_on", "stage"]
        widgets = {"launched_on": DateInput()}


REFERENCE_FORMS: dict[str, type[forms.ModelForm]] = {
    "entity": EntityForm,
    "region": RegionForm,
    "family": FamilyForm,
    "level": LevelForm,
    "platform": PlatformForm,
}

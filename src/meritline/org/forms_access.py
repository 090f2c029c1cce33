"""Forms of the login-and-roles card and of certificates and training records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from meritline.core.access import Role
from meritline.core.models import User
from meritline.org.forms import DateInput, indented
from meritline.org.models import Department, Region
from meritline.org.services.logins import password_problems

# "Employee" is implied by the login's employee record; it is never granted.
GRANTABLE_ROLES = [
    ("", "---------"),
    *((value, label) for value, label in Role.choices if value != Role.EMPLOYEE),
]


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=GRANTABLE_ROLES)
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        label=_("Region"),
        required=False,
        help_text=_("An HR business partner sees the employees of this region."),
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        label=_("Department subtree"),
        required=False,
        help_text=_("…or of this department and everything below it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("path")
        self.fields["department"].label_from_instance = indented

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") != Role.HRBP:
            # Only an HR business partner's grant carries a scope.
            data["region"] = None
            data["department"] = None
        return data


class PasswordForm(forms.Form):
    """A new password, typed twice, checked by Django's password validators."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            for problem in password_problems(first, self.user):
                self.add_error("password1", problem)
        return data


class CertificateForm(forms.Form):
    name = forms.CharField(label=_("Certificate"), max_length=150)
    issuer = forms.CharField(label=_("Issuer"), max_length=150, required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty if it does not expire."),
    )


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=150)
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=6,
        decimal_places=1,
        initial=0,
    )
    score = forms.DecimalField(
        label=_("Score"),
        max_digits=5,
        decimal_places=1,
        required=False,
        help_text=_("0 to 100; leave empty if the course has no score."),
    )

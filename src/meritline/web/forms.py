"""Filter forms of the shell pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meritline.web.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Target type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        actions: Sequence[str] = (),
        target_types: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(data)
        any_choice = ("", _("All"))
        self.fields["action"].choices = [any_choice, *((a, a) for a in actions)]
        self.fields["target_type"].choices = [any_choice, *target_types]
        self.fields["actor"].widget.attrs["placeholder"] = _("User name")
        for name in ("action", "target_type"):
            self.fields[name].widget.attrs["data-auto-submit"] = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The valid part of the input (an invalid field is ignored and shown with its error)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AuditFilters(
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            target_type=data.get("target_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
        )

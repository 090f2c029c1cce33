"""Forms of the sales import pages: the upload, and the column mapping of one job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Platform
from meritline.sales.importers.records import SPECS
from meritline.sales.models import ImportJob, ImportKind
from meritline.sales.services.common import ALL_OR_NOTHING, VALID_ROWS
from meritline.sales.services.imports import importable_kinds

MODE_CHOICES = [
    (ALL_OR_NOTHING, _("Write nothing if any row is bad")),
    (VALID_ROWS, _("Import the valid rows and report the bad ones")),
]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"))
    platform = forms.ModelChoiceField(
        label=_("Sales platform"),
        queryset=Platform.objects.order_by("code"),
        to_field_name="code",
        help_text=_("Rows without a platform column belong to this platform."),
    )
    source = forms.CharField(
        label=_("Source system"),
        max_length=32,
        required=False,
        help_text=_(
            "The system the ids in the file come from (default: the platform's code). "
            "A re-import from the same source updates the same records."
        ),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK/GB18030) or Excel .xlsx; the first row holds the titles."),
    )
    mode = forms.ChoiceField(
        label=_("Bad rows"), choices=MODE_CHOICES, initial=ALL_OR_NOTHING, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ImportKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in importable_kinds(user)]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"


NOT_IN_FILE = ""


class MappingForm(forms.Form):
    """One select per field of the job's kind, offering the file's column titles."""

    save_mapping = forms.BooleanField(
        label=_("Remember this mapping for the next file of this platform"), required=False
    )
    mode = forms.ChoiceField(label=_("Bad rows"), choices=MODE_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        spec = SPECS[job.kind]
        choices = [(NOT_IN_FILE, _("— not in the file —"))]
        choices += [(h, h) for h in job.header if h]
        self.field_names = []
        for column in spec.columns:
            name = f"col_{column.field}"
            hint = ""
            if column.required and column.field in spec.defaults:
                hint = _("Blank: the platform chosen for the import.")
            self.fields[name] = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=False,
                initial=job.columns.get(column.field, NOT_IN_FILE),
                help_text=hint,
            )
            self.fields[name].is_required_column = column.required and (  # type: ignore[attr-defined]
                column.field not in spec.defaults
            )
            self.field_names.append(name)
        self.fields["mode"].initial = job.mode

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.field_names]

    def columns(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): self.cleaned_data.get(name) or NOT_IN_FILE
            for name in self.field_names
        }

"""Forms of the performance management pages: they parse what people type into the
plain values the services take; the services decide what is allowed."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meritline.metrics import METRICS
from meritline.org.models import Department, Employee, Platform, PlatformStage, Position
from meritline.performance.models import AwardKind, Cadence, TargetLevel
from meritline.performance.services.cycles import DEFAULT_GRADES, DEFAULT_GUIDELINE, DEFAULT_RATERS
from meritline.performance.services.seed import STANDARD_CURVE

KINDS = [("metric", _("Metric from sales data")), ("rating", _("Rating")), ("manual", _("Manual"))]
UNITS = [
    ("fen", _("Money (fen)")),
    ("count", _("Count")),
    ("ratio", _("Ratio")),
    ("days", _("Days")),
    ("score", _("Score")),
    ("number", _("Number")),
]
RATER_GROUPS = ("supervisor", "peer", "subordinate", "customer", "self")


def metric_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((name, name) for name in sorted(METRICS))]


class KpiItemForm(forms.Form):
    """One KPI of a template version; the engine checks the whole set."""

    kpi_id = forms.CharField(label=_("KPI id"), max_length=40, required=False)
    name = forms.CharField(label=pgettext_lazy("KPI", "Name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNITS)
    target = forms.CharField(label=pgettext_lazy("KPI", "Target"), max_length=30, required=False)
    curve = forms.CharField(
        label=_("Scoring curve"),
        required=False,
        help_text=_("JSON, e.g. the standard curve: 0 below 60 %, 100 at target, 120 at most."),
    )
    weight = forms.CharField(label=_("Weight (%)"), max_length=10, required=False)

    def clean_curve(self) -> Any:
        text = (self.cleaned_data.get("curve") or "").strip()
        if not text:
            return dict(STANDARD_CURVE)
        try:
            curve = json.loads(text)
        except ValueError:
            raise ValidationError(_("The curve is not valid JSON.")) from None
        if not isinstance(curve, dict):
            raise ValidationError(_("The curve is a JSON object with a kind and its points."))
        return curve

    def item(self) -> dict[str, Any] | None:
        """The engine's item, or None for a blank row."""
        data = self.cleaned_data
        if not data or not (data.get("kpi_id") or "").strip():
            return None
        item: dict[str, Any] = {
            "id": data["kpi_id"].strip(),
            "kind": data["kind"],
            "unit": data["unit"],
            "curve": data["curve"],
            "weight": (data.get("weight") or "").strip() or "0",
        }
        if (data.get("name") or "").strip():
            item["name"] = data["name"].strip()
        if data.get("metric"):
            item["metric"] = data["metric"]
        if (data.get("target") or "").strip():
            item["target"] = data["target"].strip()
        return item


KpiItemFormSet = forms.formset_factory(KpiItemForm, extra=0, max_num=30, validate_max=True)


def initial_items(items: list[dict[str, Any]], blank: int = 2) -> list[dict[str, Any]]:
    rows = [
        {
            "kpi_id": item.get("id", ""),
            "name": item.get("name", ""),
            "kind": item.get("kind", "metric"),
            "metric": item.get("metric", ""),
            "unit": item.get("unit", "count"),
            "target": item.get("target", ""),
            "curve": json.dumps(item.get("curve", STANDARD_CURVE), ensure_ascii=False),
            "weight": item.get("weight", ""),
        }
        for item in items
    ]
    standard = json.dumps(STANDARD_CURVE)
    return rows + [{"kind": "metric", "unit": "count", "curve": standard}] * blank


class VersionForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What changes and why"), max_length=500, required=False)


class TemplateForm(VersionForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=pgettext_lazy("KPI", "Name"), max_length=200)
    stage = forms.ChoiceField(
        label=_("Platform stage"),
        choices=[("", _("Any stage")), *PlatformStage.choices],
        required=False,
    )
    position = forms.ModelChoiceField(
        label=_("Position"),
        queryset=Position.objects.all(),
        required=False,
        empty_label=_("Any position"),
    )
    field_order = ["code", "name", "stage", "position", "valid_from", "note"]


def _pairs(text: str, what: str) -> dict[str, str]:
    """``S=10, A=20`` (commas, semicolons or new lines) → {"S": "10", "A": "20"}."""
    out: dict[str, str] = {}
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValidationError(
                _("Write %(what)s as name=value pairs separated by commas, not “%(part)s”.")
                % {"what": what, "part": part}
            )
        out[key.strip()] = value.strip()
    return out


def grades_text(grades: dict[str, Any]) -> str:
    return "\n".join(
        f"{b['grade']} {b['min_score']} {b['coefficient']}" for b in grades.get("bands", [])
    )


class CycleOpenForm(forms.Form):
    platform = forms.ModelChoiceField(
        label=_("Sales platform"),
        queryset=Platform.objects.all(),
        required=False,
        empty_label=_("Company-wide"),
    )
    period = forms.CharField(
        label=_("Period"), max_length=8, help_text=_("2026-10, 2026-Q4 or 2026-H2")
    )
    cadence = forms.ChoiceField(
        label=_("Cadence"),
        choices=[("", _("By the platform's stage")), *Cadence.choices],
        required=False,
    )
    team_weight = forms.CharField(label=_("Team weight (%)"), initial="20", max_length=10)
    max_points = forms.CharField(label=_("Maximum additive points"), initial="10", max_length=10)
    normalise = forms.BooleanField(label=_("Normalise rater leniency"), required=False)
    grades = forms.CharField(
        label=_("Grade table"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial=grades_text(DEFAULT_GRADES),
        help_text=_("One grade a line, best first: grade, lowest score, bonus coefficient."),
    )
    guideline_max = forms.CharField(
        label=_("Guideline: maximum share per grade (%)"),
        required=False,
        initial=", ".join(f"{k}={v}" for k, v in DEFAULT_GUIDELINE["max_share"].items()),
    )
    guideline_min = forms.CharField(
        label=_("Guideline: minimum share per grade (%)"), required=False
    )
    min_team_size = forms.IntegerField(
        label=_("Guideline applies to teams of at least"),
        min_value=1,
        initial=DEFAULT_GUIDELINE["min_team_size"],
    )
    rater_weights = forms.CharField(
        label=_("Rater group weights (%)"),
        initial=", ".join(f"{k}={v}" for k, v in DEFAULT_RATERS["weights"].items()),
        help_text=_("supervisor, peer, subordinate, customer, self; they add up to 100."),
    )

    def clean_cadence(self) -> str | None:
        return self.cleaned_data.get("cadence") or None

    def clean_grades(self) -> dict[str, Any]:
        bands = []
        for number, line in enumerate(self.cleaned_data["grades"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3:
                raise ValidationError(
                    _("Line %(line)d: write a grade, its lowest score and its coefficient.")
                    % {"line": number}
                )
            bands.append({"grade": parts[0], "min_score": parts[1], "coefficient": parts[2]})
        return {"bands": bands}

    def clean_guideline_max(self) -> dict[str, str]:
        return _pairs(self.cleaned_data.get("guideline_max") or "", str(_("the maximum shares")))

    def clean_guideline_min(self) -> dict[str, str]:
        return _pairs(self.cleaned_data.get("guideline_min") or "", str(_("the minimum shares")))

    def clean_rater_weights(self) -> dict[str, str]:
        weights = _pairs(self.cleaned_data["rater_weights"], str(_("the rater group weights")))
        unknown = sorted(set(weights) - set(RATER_GROUPS))
        if unknown:
            raise ValidationError(
                _("Unknown rater group %(group)s; use %(groups)s.")
                % {"group": unknown[0], "groups": ", ".join(RATER_GROUPS)}
            )
        return weights

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        guideline: dict[str, Any] = {"min_team_size": data["min_team_size"]}
        if data["guideline_max"]:
            guideline["max_share"] = data["guideline_max"]
        if data["guideline_min"]:
            guideline["min_share"] = data["guideline_min"]
        return {
            "platform": data["platform"],
            "period": data["period"],
            "cadence": data["cadence"],
            "team_weight": data["team_weight"],
            "max_points": data["max_points"],
            "normalise": data["normalise"],
            "grades": data["grades"],
            "guideline": guideline,
            "rater_rules": {
                **{k: v for k, v in DEFAULT_RATERS.items() if k != "weights"},
                "weights": data["rater_weights"],
            },
        }


class ManualValueForm(forms.Form):
    kpi_id = forms.ChoiceField(label=_("KPI"))
    value = forms.CharField(label=_("Value"), max_length=30)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the value rests on, e.g. the products and the dates they went live."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image, Excel or Word, at most 5 MB."),
    )

    def __init__(self, *args: Any, kpis: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi_id"].choices = kpis


class TargetForm(forms.Form):
    level = forms.ChoiceField(label=pgettext_lazy("target", "Level"), choices=TargetLevel.choices)
    period = forms.CharField(label=_("Period"), max_length=8)
    metric = forms.CharField(
        label=_("KPI"),
        max_length=64,
        help_text=_("A metric name (e.g. sales_amount) or a manual or rating KPI's id."),
    )
    value = forms.CharField(label=pgettext_lazy("KPI", "Target"), max_length=30)
    platform = forms.ModelChoiceField(
        label=_("Sales platform"), queryset=Platform.objects.all(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Team"), queryset=Department.objects.all(), required=False
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args: Any, employees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: level, period, metric, value, platform, department, employee "
            "(codes and employee numbers)."
        ),
    )


class GradeChangeForm(forms.Form):
    grade = forms.ChoiceField(label=_("New grade"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("A calibration needs a reason: say why the grade changes.")},
    )

    def __init__(self, *args: Any, grades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, g) for g in grades]


class AwardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AwardKind.choices)
    points = forms.CharField(label=_("Points"), max_length=10)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("An award needs a reason: say what it is for.")},
    )


class TeamAwardForm(AwardForm):
    department = forms.ModelChoiceField(label=_("Team"), queryset=Department.objects.none())

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = teams
        self.order_fields(["department", "kind", "points", "reason"])

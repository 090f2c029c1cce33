"""Opening and closing cycles (PRF-3), and manual KPI values.

A cycle covers one platform (or the whole company) for one period. Its cadence follows
the platform's stage on the cycle's reference day: monthly rolling for new platforms,
quarterly (or half-yearly, if chosen) for mature ones, monthly or quarterly for growing
ones. Opening it creates one appraisal per active employee in scope to whom a KPI
template applies, with the template version in force frozen into the appraisal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.core.periods import Period, PeriodKind
from meritline.org.models import Assignment, EmployeeStatus, Platform
from meritline.org.models import PlatformStage as Stage
from meritline.org.selectors import assignments_on
from meritline.performance import access
from meritline.performance.engine import (
    BlendRules,
    Guideline,
    RaterRules,
    RulesError,
    parse_grades,
)
from meritline.performance.errors import ErrorCode
from meritline.performance.models import (
    Appraisal,
    Cadence,
    Cycle,
    CycleStatus,
    KpiTemplate,
    KpiTemplateVersion,
)
from meritline.performance.services.common import (
    issues_text,
    now,
    parse_decimal,
    parse_period,
    require,
    require_hr,
    required_text,
    today,
)
from meritline.performance.services.evidence import (
    delete_evidence,
    read_evidence,
    store_evidence,
)
from meritline.performance.services.templates import version_in_force
from meritline.sales.selectors import platform_stage_on

DEFAULT_CADENCE = {
    Stage.NEW: Cadence.MONTHLY,
    Stage.GROWING: Cadence.QUARTERLY,
    Stage.MATURE: Cadence.QUARTERLY,
}
ALLOWED_CADENCES = {
    Stage.NEW: {Cadence.MONTHLY},
    Stage.GROWING: {Cadence.MONTHLY, Cadence.QUARTERLY},
    Stage.MATURE: {Cadence.QUARTERLY, Cadence.HALF_YEARLY},
}
PERIOD_KIND = {
    Cadence.MONTHLY: PeriodKind.MONTH,
    Cadence.QUARTERLY: PeriodKind.QUARTER,
    Cadence.HALF_YEARLY: PeriodKind.HALF,
}
DEFAULT_GRADES: dict[str, Any] = {
    "bands": [
        {"grade": "S", "min_score": "110", "coefficient": "1.5"},
        {"grade": "A", "min_score": "100", "coefficient": "1.2"},
        {"grade": "B", "min_score": "85", "coefficient": "1.0"},
        {"grade": "C", "min_score": "70", "coefficient": "0.8"},
        {"grade": "D", "min_score": "0", "coefficient": "0.5"},
    ]
}
DEFAULT_GUIDELINE: dict[str, Any] = {"max_share": {"S": "10", "A": "20"}, "min_team_size": 5}
DEFAULT_RATERS: dict[str, Any] = {
    "weights": {"supervisor": "60", "peer": "30", "self": "10"},
    "scale_min": "1",
    "scale_max": "5",
}
OPEN_FOR_SCORING = (CycleStatus.OPEN, CycleStatus.SCORING)


@dataclass(frozen=True)
class _Candidate:
    template: KpiTemplate
    version: KpiTemplateVersion

    def fits(self, stage: str | None, position_id: int) -> bool:
        t = self.template
        return (not t.stage or t.stage == stage) and t.position_id in (None, position_id)

    @property
    def specificity(self) -> int:
        return (2 if self.template.position_id else 0) + (1 if self.template.stage else 0)


def reference_day(period: Period) -> date:
    """Who is in the cycle and which rules apply: as of today, kept within the period."""
    return min(max(today(), period.start), period.end)


def cycle_cadence(platform: Platform | None, period: Period, cadence: str | None) -> str:
    """The cadence of a cycle: by the platform's stage (PRF-3), checked against the
    period's kind."""
    stage = platform_stage_on(platform, reference_day(period)) if platform else None
    if cadence is None:
        cadence = DEFAULT_CADENCE[Stage(stage)] if stage else _cadence_of(period)
    if cadence not in Cadence.values:
        raise DomainError(ErrorCode.BAD_CADENCE, _("Choose a cadence."), field="cadence")
    if stage and cadence not in ALLOWED_CADENCES[Stage(stage)]:
        raise DomainError(
            ErrorCode.BAD_CADENCE,
            _("%(platform)s is a %(stage)s platform; its cycles are %(allowed)s.")
            % {
                "platform": platform.name if platform else "",
                "stage": Stage(stage).label,
                "allowed": " / ".join(
                    str(Cadence(c).label) for c in sorted(ALLOWED_CADENCES[Stage(stage)])
                ),
            },
            field="cadence",
        )
    if PERIOD_KIND[Cadence(cadence)] is not period.kind:
        raise DomainError(
            ErrorCode.BAD_PERIOD,
            _("A %(cadence)s cycle needs a period like %(example)s, not %(period)s.")
            % {
                "cadence": Cadence(cadence).label,
                "example": {"monthly": "2026-10", "quarterly": "2026-Q4"}.get(cadence, "2026-H2"),
                "period": str(period),
            },
            field="period",
        )
    return cadence


def _cadence_of(period: Period) -> str:
    for cadence, kind in PERIOD_KIND.items():
        if kind is period.kind:
            return cadence
    return Cadence.QUARTERLY


def check_rules(
    *,
    team_weight: Any,
    max_points: Any,
    normalise: bool,
    grades: Mapping[str, Any],
    guideline: Mapping[str, Any],
    rater_rules: Mapping[str, Any] | None,
) -> None:
    """Refuse a cycle's rules the engine would refuse, naming the field."""
    checks: list[tuple[str, Any]] = [
        ("team_weight", lambda: BlendRules.parse({"team_weight": team_weight})),
        ("max_points", lambda: BlendRules.parse({"max_points": max_points})),
        ("grades", lambda: parse_grades(grades)),
        ("guideline", lambda: Guideline.parse(guideline, parse_grades(grades))),
    ]
    if rater_rules is not None:
        checks.append(
            ("rater_rules", lambda: RaterRules.parse({**rater_rules, "normalise": normalise}))
        )
    for field, check in checks:
        try:
            check()
        except RulesError as exc:
            raise DomainError(ErrorCode.BAD_RULES, issues_text(exc.issues), field=field) from None


def _candidates(day: date) -> list[_Candidate]:
    found = []
    for template in KpiTemplate.objects.prefetch_related("versions"):
        version = version_in_force(template, day)
        if version is not None:
            found.append(_Candidate(template, version))
    return found


def _choose(candidates: list[_Candidate], stage: str | None, assignment: Assignment) -> Any:
    fitting = [c for c in candidates if c.fits(stage, assignment.position_id)]
    if not fitting:
        return None
    best = max(c.specificity for c in fitting)
    top = [c for c in fitting if c.specificity == best]
    if len(top) > 1:
        raise DomainError(
            ErrorCode.AMBIGUOUS_TEMPLATE,
            _("Templates %(codes)s all apply to %(employee)s equally; make one more specific.")
            % {
                "codes": ", ".join(sorted(c.template.code for c in top)),
                "employee": assignment.employee.name,
            },
        )
    return top[0]


@transaction.atomic
def cycle_open(
    *,
    actor: Any,
    period: str,
    platform: Platform | None = None,
    cadence: str | None = None,
    team_weight: Any = "0",
    max_points: Any = "10",
    normalise: bool = False,
    grades: Mapping[str, Any] | None = None,
    guideline: Mapping[str, Any] | None = None,
    rater_rules: Mapping[str, Any] | None = None,
) -> Cycle:
    """Open the cycle of ``platform`` (None: company-wide) for ``period`` and create the
    appraisals of the active employees in scope on the reference day, each with the
    template version in force frozen into it (by platform stage and position)."""
    require_hr(actor)
    return open_cycle(
        actor=actor,
        period=period,
        platform=platform,
        cadence=cadence,
        team_weight=team_weight,
        max_points=max_points,
        normalise=normalise,
        grades=grades,
        guideline=guideline,
        rater_rules=rater_rules,
    )


def open_cycle(
    *,
    actor: Any,
    period: str,
    platform: Platform | None,
    cadence: str | None,
    team_weight: Any,
    max_points: Any,
    normalise: bool,
    grades: Mapping[str, Any] | None,
    guideline: Mapping[str, Any] | None,
    rater_rules: Mapping[str, Any] | None,
) -> Cycle:
    """:func:`cycle_open` without the permission check: for the schedule (``actor``
    None, the system) and for callers that checked it."""
    parsed = parse_period(period)
    cadence = cycle_cadence(platform, parsed, cadence)
    grades = dict(grades or DEFAULT_GRADES)
    guideline = dict(guideline if guideline is not None else DEFAULT_GUIDELINE)
    rater_rules = dict(rater_rules) if rater_rules is not None else dict(DEFAULT_RATERS)
    check_rules(
        team_weight=team_weight,
        max_points=max_points,
        normalise=normalise,
        grades=grades,
        guideline=guideline,
        rater_rules=rater_rules,
    )
    existing = Cycle.objects.filter(period=str(parsed), platform=platform)
    if existing.exists():
        raise DomainError(
            ErrorCode.CYCLE_EXISTS,
            _("A cycle for %(period)s already exists here.") % {"period": str(parsed)},
            field="period",
        )
    day = reference_day(parsed)
    plans = _appraisal_plans(platform, day)
    if not plans:
        raise DomainError(
            ErrorCode.NOBODY_IN_SCOPE,
            _("Nobody in scope on %(day)s has a KPI template in force.") % {"day": day.isoformat()},
        )
    cycle = Cycle.objects.create(
        platform=platform,
        cadence=cadence,
        period=str(parsed),
        as_of=day,
        team_weight=parse_decimal(team_weight, field="team_weight", places=2),
        max_points=parse_decimal(max_points, field="max_points", places=2),
        normalise=normalise,
        grades=grades,
        guideline=guideline,
        rater_rules=rater_rules,
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    Appraisal.objects.bulk_create(
        Appraisal(
            cycle=cycle,
            employee_id=assignment.employee_id,
            department_id=assignment.department_id,
            template_version=chosen.version,
            template={
                "id": chosen.version.label.replace(" ", "@"),
                "items": chosen.version.items,
            },
        )
        for assignment, chosen in plans
    )
    audit.record(
        actor=actor,
        action="performance.cycle.open",
        target=cycle,
        after={
            **audit.snapshot(cycle, ["platform", "cadence", "period", "as_of", "team_weight"]),
            "appraisals": len(plans),
            "versions": sorted({c.version.label for _a, c in plans}),
        },
    )
    return cycle


def _appraisal_plans(platform: Platform | None, day: date) -> list[tuple[Assignment, _Candidate]]:
    assignments = (
        assignments_on(day)
        .filter(employee__status=EmployeeStatus.ACTIVE)
        .select_related("employee", "platform")
        .order_by("employee_id")
    )
    if platform is not None:
        assignments = assignments.filter(platform=platform)
    candidates = _candidates(day)
    stages: dict[int, str] = {}
    plans = []
    for assignment in assignments:
        stage = None
        if assignment.platform is not None:
            if assignment.platform_id not in stages:
                stages[assignment.platform_id] = platform_stage_on(assignment.platform, day)
            stage = stages[assignment.platform_id]
        chosen = _choose(candidates, stage, assignment)
        if chosen is not None:
            plans.append((assignment, chosen))
    return plans


def require_status(cycle: Cycle, allowed: tuple[str, ...]) -> None:
    if cycle.status not in allowed:
        raise DomainError(
            ErrorCode.CYCLE_STATUS,
            _("The cycle %(cycle)s is %(status)s; this cannot be done now.")
            % {"cycle": cycle.label, "status": CycleStatus(cycle.status).label},
        )


@transaction.atomic
def cycle_close(*, actor: Any, cycle: Cycle) -> Cycle:
    """Lock a scored (or calibrated) cycle: nothing in it changes any more."""
    require_hr(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require_status(cycle, (CycleStatus.SCORING, CycleStatus.CALIBRATION))
    before = cycle.status
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = now()
    cycle.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor,
        action="performance.cycle.close",
        target=cycle,
        before={"status": before},
        after={"status": cycle.status},
    )
    return cycle


@transaction.atomic
def appraisal_manual_value_set(
    *,
    actor: Any,
    appraisal: Appraisal,
    kpi_id: str,
    value: Any,
    evidence: str,
    evidence_file: Any = None,
) -> Appraisal:
    """Record a manual KPI's value with its evidence (e.g. new products listed): a text
    and optionally a file (checked for size and type, stored, kept by name, size and
    SHA-256), by an HR admin or someone who leads the employee, while the cycle is open
    for scoring. A file replaced by a new one is deleted once the change commits."""
    appraisal = Appraisal.objects.select_for_update().select_related("cycle").get(pk=appraisal.pk)
    require(
        access.may_act_on(actor, appraisal.employee_id),
        _("You may not enter values for this employee."),
    )
    require_status(appraisal.cycle, OPEN_FOR_SCORING)
    kinds = {item["id"]: item["kind"] for item in appraisal.template["items"]}
    if kpi_id not in kinds:
        raise DomainError(
            ErrorCode.UNKNOWN_KPI,
            _("The appraisal's template has no KPI %(kpi)s.") % {"kpi": kpi_id},
            field="kpi_id",
        )
    if kinds[kpi_id] != "manual":
        raise DomainError(
            ErrorCode.NOT_MANUAL,
            _("%(kpi)s is computed, not entered by hand.") % {"kpi": kpi_id},
            field="kpi_id",
        )
    number = parse_decimal(value, field="value", places=6)
    if number < 0:
        raise DomainError(ErrorCode.INVALID, _("A value must not be negative."), field="value")
    evidence = required_text(evidence, field="evidence", limit=500)
    upload = read_evidence(evidence_file) if evidence_file is not None else None
    before = appraisal.manual.get(kpi_id)
    entry: dict[str, Any] = {"value": str(number), "evidence": evidence}
    old_file = (before or {}).get("file")
    if upload is not None:
        entry["file"] = store_evidence(appraisal.pk, *upload)
    elif old_file:
        entry["file"] = old_file
    try:
        appraisal.manual = {**appraisal.manual, kpi_id: entry}
        appraisal.save(update_fields=["manual"])
        audit.record(
            actor=actor,
            action="performance.appraisal.manual_value",
            target=appraisal,
            before={kpi_id: before} if before else None,
            after={kpi_id: appraisal.manual[kpi_id]},
        )
    except Exception:
        if upload is not None:
            delete_evidence(entry["file"]["path"])
        raise
    if upload is not None and old_file and old_file.get("path") != entry["file"]["path"]:
        old_path = old_file["path"]
        transaction.on_commit(lambda: delete_evidence(old_path))
    return appraisal

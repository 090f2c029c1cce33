"""KPI templates and their versions (PRF-2, PRF-6): items checked by the engine's
template parser against the metrics catalogue; a re-weighting is a new version from a
later date, and the version before it keeps its weights and ends the day before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.metrics import METRICS
from meritline.org.models import PlatformStage, Position
from meritline.performance.engine import Template, TemplateError, parse_template
from meritline.performance.errors import ErrorCode
from meritline.performance.models import KpiTemplate, KpiTemplateVersion
from meritline.performance.services.common import issues_text, require_hr, required_text


class TemplateItemsError(DomainError):
    """KPI items that are not a valid template; ``issues`` lists every problem."""

    def __init__(self, exc: TemplateError) -> None:
        issues = sorted(exc.issues, key=lambda issue: issue.code != "weights_sum")
        code = ErrorCode.WEIGHTS_SUM if issues[0].code == "weights_sum" else ErrorCode.BAD_TEMPLATE
        super().__init__(code, issues_text(issues), field="items")
        self.issues = issues


def known_metrics() -> dict[str, str]:
    """Metric name → unit, from the metrics engine's catalogue."""
    return {name: metric.unit.value for name, metric in METRICS.items()}


def check_items(items: Sequence[Mapping[str, Any]], *, template_id: str = "template") -> Template:
    """The engine's template for ``items``, or :class:`TemplateItemsError`."""
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        raise DomainError(ErrorCode.BAD_TEMPLATE, _("Give the KPI items as a list."), field="items")
    try:
        return parse_template(
            {"id": template_id, "items": list(items)}, known_metrics=known_metrics()
        )
    except TemplateError as exc:
        raise TemplateItemsError(exc) from None


def version_in_force(template: KpiTemplate, day: date) -> KpiTemplateVersion | None:
    """The version in force on ``day`` (from the prefetched versions when the caller
    prefetched them: no query per template in a list)."""
    found = [
        v
        for v in template.versions.all()
        if v.valid_from <= day and (v.valid_to is None or v.valid_to >= day)
    ]
    return max(found, key=lambda v: v.valid_from, default=None)


@transaction.atomic
def template_create(
    *,
    actor: Any,
    code: str,
    name: str,
    items: Sequence[Mapping[str, Any]],
    valid_from: date,
    stage: str = "",
    position: Position | None = None,
    note: str = "",
) -> KpiTemplate:
    """A template for platforms in ``stage`` (blank: any) and ``position`` (None: any),
    with its first version. Weights that do not add up to exactly 100 % are refused with
    their actual sum (field ``items``); nothing is written."""
    require_hr(actor)
    code = required_text(code, field="code", limit=32)
    name = required_text(name, field="name", limit=200)
    if stage and stage not in PlatformStage.values:
        raise DomainError(ErrorCode.BAD_STAGE, _("Choose a platform stage."), field="stage")
    parsed = check_items(items)
    try:
        with transaction.atomic():
            template = KpiTemplate.objects.create(
                code=code, name=name, stage=stage, position=position
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.DUPLICATE_CODE,
            _("A KPI template with the code %(code)s already exists.") % {"code": code},
            field="code",
        ) from None
    audit.record(
        actor=actor,
        action="performance.template.create",
        target=template,
        after=audit.snapshot(template),
    )
    _new_version(actor=actor, template=template, items=parsed, valid_from=valid_from, note=note)
    return template


@transaction.atomic
def template_version_create(
    *,
    actor: Any,
    template: KpiTemplate,
    items: Sequence[Mapping[str, Any]],
    valid_from: date,
    note: str = "",
) -> KpiTemplateVersion:
    """Re-weight (or otherwise change) ``template`` from ``valid_from``: a new version
    that must start after the latest one, which then ends the day before. The history
    keeps every earlier version's items and weights."""
    require_hr(actor)
    parsed = check_items(items)
    template = KpiTemplate.objects.select_for_update().get(pk=template.pk)
    return _new_version(
        actor=actor, template=template, items=parsed, valid_from=valid_from, note=note
    )


def _new_version(
    *,
    actor: Any,
    template: KpiTemplate,
    items: Template,
    valid_from: date,
    note: str,
) -> KpiTemplateVersion:
    latest = template.versions.order_by("-number").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise DomainError(
            ErrorCode.VERSION_BACKDATED,
            _("Version %(version)s is in force from %(day)s; a new version must start later.")
            % {"version": latest.label, "day": latest.valid_from.isoformat()},
            field="valid_from",
        )
    if latest is not None and (latest.valid_to is None or latest.valid_to >= valid_from):
        before = latest.valid_to
        latest.valid_to = valid_from - timedelta(days=1)
        latest.save(update_fields=["valid_to"])
        audit.record(
            actor=actor,
            action="performance.template_version.close",
            target=latest,
            before={"valid_to": before.isoformat() if before else None},
            after={"valid_to": latest.valid_to.isoformat()},
        )
    version = KpiTemplateVersion.objects.create(
        template=template,
        number=(latest.number if latest else 0) + 1,
        items=[item.model_dump(mode="json", exclude_none=True) for item in items.items],
        valid_from=valid_from,
        note=(note or "").strip()[:500],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="performance.template_version.create",
        target=version,
        before={"weights": latest.weights} if latest is not None else None,
        after={
            "number": version.number,
            "valid_from": valid_from.isoformat(),
            "weights": version.weights,
        },
    )
    return version

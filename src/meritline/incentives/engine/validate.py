"""Cross-field checks of a plan and ``load_plan``: every problem with its location."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from meritline.core.money import format_fen
from meritline.incentives.engine.conditions import Compiled, always, compile_condition
from meritline.incentives.engine.errors import Issue, PlanError
from meritline.incentives.engine.fields import DEAL_FIELDS, RECORD_FIELDS, FieldType
from meritline.incentives.engine.schema import (
    KINDS,
    AnyComponent,
    AwardComponent,
    Plan,
    PointsComponent,
    RateComponent,
    Role,
    Tier,
)

MAX_MULTIPLIERS = 3
_TARGETS = {
    "cap": ("rate", "points", "award"),
    "hold_until_collected": ("rate",),
    "clawback_on_refund": ("rate",),
}
_LEAD_ROLES = (Role.OWNER, Role.LEAD_SOURCE, Role.EMPLOYEE)


def load_plan(text: str) -> Plan:
    """Read a plan version from YAML (or JSON) text; :class:`PlanError` lists every issue."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanError([Issue("", "bad_syntax", f"not valid YAML or JSON: {exc}")]) from None
    if not isinstance(data, Mapping):
        raise PlanError([Issue("", "bad_syntax", "a plan must be a mapping of fields")])
    return parse_plan(data)


def parse_plan(data: Mapping[str, Any]) -> Plan:
    """Validate an already parsed document (a dict) into a :class:`Plan`."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_issue(error) for error in exc.errors()]) from None
    issues = check_plan(plan)
    if issues:
        raise PlanError(issues)
    return plan


def condition(cond: Any, records: str, location: str = "") -> Compiled:
    """Compile a (validated) condition, or the always-true one for ``None``."""
    if cond is None:
        return always()
    compiled, issues = compile_condition(cond, RECORD_FIELDS[records], location)
    if compiled is None:
        raise PlanError(issues)
    return compiled


def check_plan(plan: Plan) -> list[Issue]:
    """Every cross-field problem of ``plan`` (an empty list when it is valid)."""
    issues: list[Issue] = []
    kinds: dict[str, str] = {}
    for index, comp in enumerate(plan.components):
        where = f"components[{index}]"
        if comp.id in kinds:
            issues.append(
                Issue(
                    f"{where}.id",
                    "duplicate_id",
                    f"another component is already called {comp.id!r}",
                )
            )
        kinds.setdefault(comp.id, comp.kind)
        issues += _check_component(plan, comp, where)
    held: dict[tuple[str, str], str] = {}
    for index, comp in enumerate(plan.components):
        if comp.kind not in _TARGETS:
            continue
        for position, target in enumerate(comp.applies_to):  # type: ignore[union-attr]
            where = f"components[{index}].applies_to[{position}]"
            if target not in kinds:
                issues.append(
                    Issue(where, "unknown_component", f"no component is called {target!r}")
                )
            elif kinds[target] not in _TARGETS[comp.kind]:
                allowed = ", ".join(_TARGETS[comp.kind])
                issues.append(
                    Issue(
                        where,
                        "bad_target",
                        f"{comp.kind} applies to {allowed}; {target!r} is {kinds[target]}",
                    )
                )
            elif (comp.kind, target) in held:
                issues.append(
                    Issue(
                        where, "duplicate_target", f"{target!r} already has a {comp.kind} component"
                    )
                )
            held[(comp.kind, target)] = comp.id
    return issues


def _check_component(plan: Plan, comp: AnyComponent, where: str) -> list[Issue]:
    issues: list[Issue] = []
    if isinstance(comp, RateComponent | PointsComponent):
        records = comp.records if isinstance(comp, PointsComponent) else "deals"
        if comp.payee is Role.EMPLOYEE and comp.employee_id is None:
            issues.append(
                Issue(f"{where}.employee_id", "missing", "a named payee needs employee_id")
            )
        if comp.payee is not Role.EMPLOYEE and comp.employee_id is not None:
            issues.append(
                Issue(
                    f"{where}.employee_id",
                    "not_allowed",
                    "employee_id only goes with payee: employee",
                )
            )
        if records == "leads" and comp.payee not in _LEAD_ROLES:
            issues.append(
                Issue(
                    f"{where}.payee",
                    "bad_role",
                    f"a lead has no {comp.payee.value}; use owner, lead_source or employee",
                )
            )
        if plan.payees is not None and comp.payee not in plan.payees:
            issues.append(
                Issue(
                    f"{where}.payee",
                    "undeclared_role",
                    f"role {comp.payee.value!r} is not among the plan's payees",
                )
            )
        if comp.when is not None:
            issues += compile_condition(comp.when, RECORD_FIELDS[records], f"{where}.when")[1]
    if isinstance(comp, PointsComponent) and comp.records == "deals" and comp.converted_bonus:
        issues.append(
            Issue(
                f"{where}.converted_bonus", "not_allowed", "only leads convert; remove it for deals"
            )
        )
    if isinstance(comp, RateComponent):
        issues += _check_tiers(comp.tiers, f"{where}.tiers")
        issues += _check_modifiers(comp, where)
    if isinstance(comp, AwardComponent) and comp.amount == 0:
        issues.append(Issue(f"{where}.amount", "must_be_positive", "must be greater than 0"))
    return issues


def _check_tiers(tiers: list[Tier], where: str) -> list[Issue]:
    issues: list[Issue] = []
    if tiers[0].from_ != 0:
        issues.append(Issue(f"{where}[0].from", "tier_start", "the first tier must start from 0"))
    for index, tier in enumerate(tiers):
        if tier.rate != "level_rate" and not 0 <= tier.rate <= 1:  # type: ignore[operator]
            issues.append(
                Issue(f"{where}[{index}].rate", "rate_out_of_range", "must be between 0 and 1")
            )
        if tier.to is not None and tier.to <= tier.from_:
            issues.append(
                Issue(
                    f"{where}[{index}].to",
                    "tier_empty",
                    f"must be greater than {_yuan(tier.from_)}",
                    {"bound": tier.from_},
                )
            )
        if index + 1 == len(tiers):
            if tier.to is not None:
                issues.append(
                    Issue(
                        f"{where}[{index}].to",
                        "tier_unbounded",
                        "the last tier must have no upper bound (leave out 'to')",
                    )
                )
            continue
        following = tiers[index + 1]
        end = tier.to if tier.to is not None else following.from_
        here = f"{where}[{index + 1}].from"
        if following.from_ <= tier.from_:
            issues.append(
                Issue(
                    here,
                    "tier_order",
                    f"must be greater than {_yuan(tier.from_)}",
                    {"bound": tier.from_},
                )
            )
        elif following.from_ < end:
            issues.append(
                Issue(
                    here,
                    "tier_overlap",
                    f"overlaps the previous tier, which runs to {_yuan(end)}",
                    {"bound": end},
                )
            )
        elif following.from_ > end:
            issues.append(
                Issue(
                    here,
                    "tier_gap",
                    f"leaves a gap: the previous tier ends at {_yuan(end)}",
                    {"bound": end},
                )
            )
    return issues


def _check_modifiers(comp: RateComponent, where: str) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[str] = set()
    multipliers = 0
    for index, mod in enumerate(comp.modifiers):
        here = f"{where}.modifiers[{index}]"
        if mod.id in seen:
            issues.append(
                Issue(f"{here}.id", "duplicate_id", f"another modifier is called {mod.id!r}")
            )
        seen.add(mod.id)
        if (mod.multiply is None) == (mod.add is None):
            issues.append(Issue(here, "modifier_action", "give exactly one of multiply or add"))
        if mod.multiply is not None:
            multipliers += 1
            if multipliers > MAX_MULTIPLIERS:
                issues.append(
                    Issue(
                        f"{here}.multiply",
                        "too_many_multipliers",
                        f"at most {MAX_MULTIPLIERS} multiply modifiers per component",
                    )
                )
        if mod.add is not None and not -1 <= mod.add <= 1:
            issues.append(Issue(f"{here}.add", "rate_out_of_range", "must be between -1 and 1"))
        if mod.of is not None:
            field = DEAL_FIELDS.get(mod.of)
            if mod.add is None:
                issues.append(Issue(f"{here}.of", "not_allowed", "'of' only goes with add"))
            elif field is None or field.type is not FieldType.MONEY:
                money = ", ".join(k for k, v in DEAL_FIELDS.items() if v.type is FieldType.MONEY)
                issues.append(
                    Issue(f"{here}.of", "unknown_field", f"must name an amount field: {money}")
                )
        issues += compile_condition(mod.when, DEAL_FIELDS, f"{here}.when")[1]
    return issues


def _yuan(fen: int) -> str:
    return format_fen(fen, symbol="").removesuffix(".00").replace(",", "")


def _issue(error: Any) -> Issue:
    loc = list(error["loc"])
    if len(loc) > 2 and loc[0] == "components" and loc[2] in KINDS:
        del loc[2]
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif not str(item).startswith("cond_") and not str(item).startswith("function-"):
            parts.append(("." if parts else "") + str(item))
    location = "".join(parts)
    kind = error["type"]
    message = str(error["msg"])
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag", "")
        return Issue(
            f"{location}.kind",
            "unknown_kind",
            f"unknown component kind {tag!r}; known kinds: {', '.join(KINDS)}",
            {"kind": str(tag)},
        )
    if kind == "union_tag_not_found":
        return Issue(f"{location}.kind", "missing", "every component needs a kind")
    codes = {
        "extra_forbidden": "unknown_field",
        "missing": "missing",
        "literal_error": "bad_choice",
    }
    if kind == "extra_forbidden":
        message = "unknown field"
    return Issue(location, codes.get(kind, kind), message)

"""Explanations: a code and params for every line, rendered in zh-Hans or English.

``explain(result, line)`` rebuilds the reason from the line's structured fields and
the plan (labels, tiers, modifiers); ``render(explanation, language)`` fills a
template. The Django layer may store the code and params and render later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from meritline.core.money import format_fen
from meritline.incentives.engine.evaluate import Result, seen_by
from meritline.incentives.engine.lines import Line, LineKind
from meritline.incentives.engine.schema import (
    LEVEL_RATE,
    AnyComponent,
    AwardComponent,
    Bracket,
    CapComponent,
    PointsComponent,
    RateComponent,
    Role,
    TierMode,
)

LANGUAGES: Final = ("zh-Hans", "en")


@dataclass(frozen=True)
class Explanation:
    code: str
    params: dict[str, Any] = field(default_factory=dict)


TEMPLATES: Final[dict[str, dict[str, str]]] = {
    "rate_whole": {
        "zh-Hans": "合同 {deal} 签约额 {base} {reach} {tier} 档位，提成 {rate}{steps} → {amount}",
        "en": "Deal {deal}: signed {base} {reach} the {tier} bracket, "
        "rate {rate}{steps} → {amount}",
    },
    "rate_cumulative": {
        "zh-Hans": "合同 {deal} 签约额 {base}，本期累计 {cumulative} {reach} {tier} 档位，"
        "提成 {rate}{steps} → {amount}",
        "en": "Deal {deal}: signed {base}, period total {cumulative} {reach} the {tier} bracket, "
        "rate {rate}{steps} → {amount}",
    },
    "rate_marginal": {
        "zh-Hans": "合同 {deal} 签约额 {base} 按超额累进计提，"
        "最高至 {tier} 档位 {rate}{steps} → {amount}",
        "en": "Deal {deal}: signed {base}, each slice at its bracket's rate up to {tier} at {rate}"
        "{steps} → {amount}",
    },
    "true_up": {
        "zh-Hans": "合同 {deal} 补差：本期累计 {cumulative} 达到 {tier} 档位，"
        "提成调整为 {rate}{steps} → {amount}",
        "en": "Deal {deal} true-up: the period total {cumulative} reached the {tier} bracket, "
        "rate now {rate}{steps} → {amount}",
    },
    "points": {
        "zh-Hans": "{record} {event}，积 {points} 分{money}",
        "en": "{record} {event}: {points} points{money}",
    },
    "award": {
        "zh-Hans": "{count} 累计 {value}，每满 {block} 个奖励 {per_block}，"
        "新增 {blocks} 档 → {amount}",
        "en": "{count} at {value}: {per_block} per {block}, {blocks} new block(s) → {amount}",
    },
    "award_clawback": {
        "zh-Hans": "{count} 回落至 {value}，收回 {blocks} 档奖励 → {amount}",
        "en": "{count} fell back to {value}: {blocks} block(s) taken back → {amount}",
    },
    "cap_cut": {
        "zh-Hans": "本期合计 {base} 超过上限 {max}，扣减 → {amount}",
        "en": "Period total {base} is over the cap of {max}: cut → {amount}",
    },
    "cap_cut_after_hold": {  # the cap_cut template when a hold applies to the cap's targets
        "zh-Hans": "本期实发合计 {base}（计提 {earned} − 暂缓 {held} + 回款发放 {released}）"
        "超过上限 {max}，扣减 → {amount}",
        "en": "Period pay {base} (earned {earned} − held {held} + released {released}) "
        "is over the cap of {max}: cut → {amount}",
    },
    "held": {
        "zh-Hans": "合同 {deal} 的{target}暂缓发放，回款后按比例发放 → {amount}",
        "en": "Deal {deal}: {target} held until collected → {amount}",
    },
    "released": {
        "zh-Hans": "合同 {deal} 已回款 {base}，按比例发放{target}（合计 {total}）→ {amount}",
        "en": "Deal {deal}: {base} collected, {target} released pro rata (of {total}) → {amount}",
    },
    "clawback": {
        "zh-Hans": "合同 {deal} 退款 {base}，按原提成比例追回{target}（原计 {total}）→ {amount}",
        "en": "Deal {deal}: {base} refunded, {target} clawed back at the original rate "
        "(of {total}) → {amount}",
    },
    "share": {"zh-Hans": "；按 {share} 分成 → {amount}", "en": "; your share {share} → {amount}"},
    "gate_not_met": {
        "zh-Hans": "；未达门槛：{metric} {value}，低于 {min}，本项不发放（应得 {gross}）",
        "en": "; gate not met: {metric} {value} is below {min}, nothing paid (would be {gross})",
    },
    "gate_met": {
        "zh-Hans": "；达到门槛：{metric} {value} ≥ {min}",
        "en": "; gate met: {metric} {value} ≥ {min}",
    },
}
WORDS: Final[dict[str, dict[str, str]]] = {
    "reach": {"zh-Hans": "达到", "en": "reached"},
    "within": {"zh-Hans": "处于", "en": "is within"},
    "up": {"zh-Hans": "上浮", "en": "raised by"},
    "down": {"zh-Hans": "下调", "en": "lowered by"},
    "add": {"zh-Hans": "加计", "en": "plus"},
    "of": {"zh-Hans": "的", "en": "of"},
    "level": {"zh-Hans": "（本人职级提成率）", "en": " (your level's rate)"},
    "level_rate": {"zh-Hans": "本人职级提成率", "en": "your level's rate"},
    "points": {"zh-Hans": "个百分点", "en": "pt"},
    "floor": {"zh-Hans": "（不低于零）", "en": " (never below zero)"},
    "qualified": {"zh-Hans": "合格", "en": "qualified"},
    "converted": {"zh-Hans": "成交", "en": "converted"},
    "signed": {"zh-Hans": "签约", "en": "signed"},
    "lead": {"zh-Hans": "线索", "en": "Lead"},
    "deal": {"zh-Hans": "合同", "en": "Deal"},
    "per_point": {"zh-Hans": "，每分 {rate} → {amount}", "en": " at {rate} each → {amount}"},
}


def explain(result: Result, line: Line) -> Explanation:
    """The structured reason for ``line`` (a line of ``result``)."""
    comp = result.plan.component(line.component_id)
    params: dict[str, Any] = {
        "deal": line.source_label,
        "base_fen": line.base_fen,
        "amount_fen": line.amount_fen,
        "gross_fen": line.gross_fen,
        "total_fen": line.total_fen,
    }
    if line.target_id:
        target = result.plan.component(line.target_id)
        params["target"] = target.name or target.id
        params["target_en"] = target.name_en or target.name or target.id
    if isinstance(comp, RateComponent):
        code = _rate_params(comp, line, params)
        params.update(_rate_parts(result, comp, line))
    elif isinstance(comp, PointsComponent):
        code = "points"
        params.update(points=line.quantity, records=comp.records, kind=line.line_kind)
        params["per_point_fen"] = comp.yuan_per_point
    elif isinstance(comp, AwardComponent):
        code = line.line_kind
        blocks = abs(line.gross_fen) // comp.amount
        params.update(count=comp.count, value=line.quantity, block=comp.block, blocks=blocks)
        params["per_block_fen"] = comp.amount
    elif line.line_kind == LineKind.CAP_CUT.value:
        code = "cap_cut"
        params["max_fen"] = line.total_fen
        params.update(_cap_holds(result, comp, line))
    else:
        code = line.line_kind
    if line.share is not None:
        params["share"] = str(line.share)
    gate = getattr(comp, "gate", None)
    if gate is not None and line.gate_met is not None:
        num, den = _metric(result, line.payee_id, gate.metric)
        params["gate"] = {
            "metric": gate.label or gate.metric,
            "metric_en": gate.label_en or gate.metric,
            "numerator": num,
            "denominator": den,
            "min": str(gate.min),
            "met": line.gate_met,
        }
    return Explanation(code, params)


def _cap_holds(result: Result, comp: AnyComponent, line: Line) -> dict[str, int]:
    """What the holds on a cap's targets took out of the payee's period and gave back
    (both positive), and what the targets earned: the cut's base is earned − held +
    released. Empty when no hold applies to the cap's targets."""
    if not isinstance(comp, CapComponent) or not seen_by(result.plan, comp):
        return {}
    table = result.held_and_released
    keys = [(line.payee_id, target) for target in comp.applies_to]
    held = -sum(table.get((*key, LineKind.HELD.value), 0) for key in keys)
    released = sum(table.get((*key, LineKind.RELEASED.value), 0) for key in keys)
    return {
        "earned_fen": line.base_fen + held - released,
        "held_fen": held,
        "released_fen": released,
    }


def _rate_params(comp: RateComponent, line: Line, params: dict[str, Any]) -> str:
    index = line.tier_index or 0
    tier = comp.tiers[index]
    upper = comp.tiers[index + 1].from_ if index + 1 < len(comp.tiers) else None
    params.update(
        tier_from_fen=tier.from_,
        tier_to_fen=upper,
        tier_label=tier.label,
        rate=str(line.rate),
        level_rate=tier.rate == "level_rate",
        cumulative_fen=line.cumulative_fen,
    )
    steps = []
    for mod in comp.modifiers:
        if mod.id in line.modifiers:
            value = mod.multiply if mod.multiply is not None else mod.add
            steps.append(
                {
                    "label": mod.label or mod.id,
                    "label_en": mod.label_en or mod.label or mod.id,
                    "op": "multiply" if mod.multiply is not None else "add",
                    "value": str(value),
                    "of": mod.of or "amount",
                }
            )
    params["steps"] = steps
    if line.line_kind == LineKind.TRUE_UP.value:
        return "true_up"
    if comp.mode is TierMode.MARGINAL:
        return "rate_marginal"
    return "rate_cumulative" if comp.bracket is Bracket.CUMULATIVE else "rate_whole"


def _rate_parts(result: Result, comp: RateComponent, line: Line) -> dict[str, str]:
    """The tier's own rate and the payee's adjustment, when one changed the line's rate."""
    if not comp.payee_adjustment or line.rate is None or line.source_id is None:
        return {}
    ctx = result.context
    if not ctx.adjustments:  # nobody has one: skip the deal lookup (millions of lines)
        return {}
    deal = ctx.deal(line.source_id)
    if deal is None:
        return {}
    payee = {
        Role.CREDITED: deal["owner_id"],
        Role.EMPLOYEE: comp.employee_id,
    }.get(comp.payee, line.payee_id)
    adjustment = ctx.adjustments.get(payee, Decimal(0))
    if not adjustment:
        return {}
    tier_rate = comp.tiers[line.tier_index or 0].rate
    if tier_rate == LEVEL_RATE:
        base = ctx.level_rate(payee, deal["signed_on"])
        if base is None:
            return {}
    else:
        base = Decimal(tier_rate)
    return {"base_rate": str(base), "adjustment": str(adjustment)}


def _metric(result: Result, payee: int, metric: str) -> tuple[int, int]:
    return result.context.metrics.get((payee, metric), (0, 0))


def render(explanation: Explanation, language: str = "zh-Hans") -> str:
    """The explanation as one sentence in ``language`` ("zh-Hans" or "en")."""
    lang = language if language in LANGUAGES else "zh-Hans"
    p = explanation.params
    code = explanation.code
    words = {k: v[lang] for k, v in WORDS.items()}
    values: dict[str, Any] = {
        "deal": p.get("deal"),
        "base": _money(p.get("base_fen")),
        "amount": _money(p.get("total_fen") if p.get("share") else p.get("amount_fen")),
        "total": _money(p.get("total_fen")),
        "target": p.get("target_en" if lang == "en" else "target", ""),
    }
    if "tier_from_fen" in p:
        values.update(_tier(p, lang, words))
        values["cumulative"] = _money(p.get("cumulative_fen"))
        values["steps"] = "".join(_step(step, lang, words) for step in p["steps"])
    if code == "points":
        record = words["lead"] if p["records"] == "leads" else words["deal"]
        event = {"points": "qualified", "points_bonus": "converted"}[p["kind"]]
        if p["records"] == "deals":
            event = "signed"
        money = ""
        if p.get("per_point_fen"):
            money = words["per_point"].format(
                rate=_money(p["per_point_fen"]), amount=_money(p["gross_fen"])
            )
        values.update(record=f"{record} {p['deal']}", event=words[event], points=p["points"])
        values["money"] = money
    if code in ("award", "award_clawback"):
        values.update(
            count=p["count"],
            value=p["value"],
            block=p["block"],
            blocks=p["blocks"],
            per_block=_money(p["per_block_fen"]),
        )
    template = TEMPLATES[code][lang]
    if code == "cap_cut":
        values["max"] = _money(p["max_fen"])
        if "held_fen" in p:
            template = TEMPLATES["cap_cut_after_hold"][lang]
            values.update(
                earned=_money(p["earned_fen"]),
                held=_money(p["held_fen"]),
                released=_money(p["released_fen"]),
            )
    text = template.format(**values)
    if p.get("share") and code not in ("held", "released", "clawback"):
        share = _percent(Decimal(p["share"]))
        text += TEMPLATES["share"][lang].format(share=share, amount=_money(p["amount_fen"]))
    gate = p.get("gate")
    if gate:
        value = f"{gate['numerator']}/{gate['denominator']}"
        if gate["denominator"] > 0:
            value += " = " + _percent(Decimal(gate["numerator"]) / Decimal(gate["denominator"]), 2)
        text += TEMPLATES["gate_met" if gate["met"] else "gate_not_met"][lang].format(
            metric=gate["metric_en" if lang == "en" else "metric"],
            value=value,
            min=_percent(Decimal(gate["min"])),
            gross=_money(p["gross_fen"]),
        )
    return text


def _tier(p: dict[str, Any], lang: str, words: dict[str, str]) -> dict[str, str]:
    low, high = p["tier_from_fen"], p["tier_to_fen"]
    if p.get("tier_label"):
        tier = p["tier_label"]
    elif high is None:
        tier = f"≥{_money(low, whole=True)}"
    elif low == 0:
        tier = f"<{_money(high, whole=True)}"
    else:
        tier = f"{_money(low, whole=True)}–{_money(high, whole=True)}"
    rate = _percent(Decimal(p["rate"]))
    if p.get("adjustment"):
        base = _percent(Decimal(p["base_rate"]))
        if p.get("level_rate"):
            base = f"{words['level_rate']} {base}"
        adjustment = Decimal(p["adjustment"])
        sign = "−" if adjustment < 0 else "+"
        points = f"{(abs(adjustment) * 100).normalize():f}"
        floor = words["floor"] if Decimal(p["base_rate"]) + adjustment < 0 else ""
        rate = f"{base} {sign} {points} {words['points']} = {rate}{floor}"
    elif p.get("level_rate"):
        rate += words["level"]
    return {"tier": tier, "reach": words["reach"] if low else words["within"], "rate": rate}


def _step(step: dict[str, Any], lang: str, words: dict[str, str]) -> str:
    label = step["label_en" if lang == "en" else "label"]
    sep = "; " if lang == "en" else "；"
    value = Decimal(step["value"])
    if step["op"] == "multiply":
        change = _percent(abs(value - 1))
        verb = words["up"] if value >= 1 else words["down"]
        return f"{sep}{label} {verb} {change}" if lang == "en" else f"{sep}{label}{verb} {change}"
    if lang == "en":
        return f"{sep}{label} {words['add']} {_percent(value)} {words['of']} {step['of']}"
    return f"{sep}{label}{words['add']} {_percent(value)}"


def _percent(value: Decimal, places: int | None = None) -> str:
    number = value * 100
    if places is not None:
        return f"{number.quantize(Decimal(1).scaleb(-places)):f}%"
    text = f"{number.normalize():f}"
    return f"{text}%"


def _money(fen: int | None, *, whole: bool = False) -> str:
    if fen is None:
        return ""
    text = format_fen(fen)
    return text.removesuffix(".00") if whole else text


def component_label(comp: AnyComponent, language: str) -> str:
    """The component's display name in ``language``."""
    if language == "en":
        return comp.name_en or comp.name or comp.id
    return comp.name or comp.id

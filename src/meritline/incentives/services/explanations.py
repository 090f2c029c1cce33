"""Explanations of millions of result lines, equal to ``engine.explain`` line by line.

``explain(result, line)`` copies some values from the line into its params (the deal,
amounts, rate, share, points) and derives the rest from the line's component, kind,
tier, modifiers, target, share and gate. Lines of one component that agree on all of
those form a group: ``explain`` runs on one line of each group, the copied values are
replaced by placeholders, and polars fills them in for every line of the group. Each
group's template is checked against ``explain`` on a few of its lines first; a group
that does not match, an award, a small component, a line whose payee has a rate
adjustment or whose label needs escaping in JSON is explained line by line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from meritline.incentives.engine import Result, explain
from meritline.incentives.engine.lines import frame_lines
from meritline.incentives.engine.schema import AwardComponent, RateComponent, Role

# A param explain copies from the line → (line column, JSON kind).
COPIED: Final[dict[str, tuple[str, str]]] = {
    "deal": ("source_label", "str"),
    "base_fen": ("base_fen", "int"),
    "amount_fen": ("amount_fen", "int"),
    "gross_fen": ("gross_fen", "int"),
    "total_fen": ("total_fen", "int"),
    "cumulative_fen": ("cumulative_fen", "int"),
    "rate": ("rate", "decimal"),
    "share": ("share", "decimal"),
    "points": ("quantity", "int"),
}
SMALL: Final = 2000  # components with fewer lines are explained line by line
_MARK = re.compile(r'"@@(\w+)@@"')
_UNSAFE = r'["\\\x00-\x1f]'


@dataclass(frozen=True)
class Template:
    code: str
    names: tuple[str, ...]  # the copied params, in the order they appear
    pieces: tuple[str, ...]  # JSON text around them (one more than names)


def _value(name: str) -> pl.Expr:
    column, kind = COPIED[name]
    text = pl.col(column).cast(pl.String)
    if kind == "int":
        return text
    return pl.concat_str(pl.lit('"'), text, pl.lit('"'))


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


class Explainer:
    """Explanation codes and params (JSON text) for chunks of a result's lines."""

    def __init__(self, result: Result) -> None:
        self.result = result
        self.templates: dict[tuple[str, str], Template | None] = {}
        ctx_adjustments = result.context.adjustments if result.inputs.adjustments.height else {}
        self.adjusted = sorted(ctx_adjustments)

    def _slow(self, lines: pl.DataFrame, component: Any) -> pl.Expr:
        """Lines explained one by one whatever their group."""
        unsafe = pl.col("source_label").str.contains(_UNSAFE).fill_null(False)
        if not (isinstance(component, RateComponent) and component.payee_adjustment):
            return unsafe
        if not self.adjusted:
            return unsafe
        if component.payee is Role.EMPLOYEE:
            return unsafe | pl.lit(component.employee_id in self.adjusted)
        if component.payee is Role.CREDITED:
            return unsafe | pl.col("_owner").is_in(self.adjusted).fill_null(True)
        return unsafe | pl.col("payee_id").is_in(self.adjusted)

    def _keys(self, component: Any) -> list[pl.Expr]:
        keys = [
            pl.col("line_kind").cast(pl.String),
            pl.col("tier_index").cast(pl.String),
            pl.col("modifiers").list.join(","),
            pl.col("target_id").cast(pl.String),
            pl.col("gate_met").cast(pl.String),
            *(pl.col(c).is_null().cast(pl.String) for c in sorted({c for c, _ in COPIED.values()})),
        ]
        if getattr(component, "gate", None) is not None:
            keys.append(pl.col("payee_id").cast(pl.String))
        return [k.fill_null("~") for k in keys]

    def explain(self, lines: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
        """(explanation_code, explanation_params as JSON text) for ``lines``, a chunk of
        one component's lines (``Result.parts``)."""
        if lines.height == 0:
            return pl.Series([], dtype=pl.String), pl.Series([], dtype=pl.String)
        component_id = str(lines["component_id"][0])
        component = self.result.plan.component(component_id)
        frame = lines.with_row_index("_row")
        if isinstance(component, RateComponent) and component.payee is Role.CREDITED:
            owners = self.result.inputs.deals.select(source_id="deal_id", _owner="owner_id")
            frame = frame.join(owners, on="source_id", how="left", maintain_order="left")
        small = isinstance(component, AwardComponent) or self._part_height(component_id) < SMALL
        frame = frame.with_columns(
            pl.concat_str(self._keys(component), separator="|").alias("_key"),
            (pl.lit(small) | self._slow(frame, component)).alias("_slow"),
        )
        fast = frame.filter(~pl.col("_slow"))
        for key in fast["_key"].unique().to_list():
            if (component_id, key) not in self.templates:
                self.templates[(component_id, key)] = self._template(fast, key)
        known = {
            key: template
            for (comp, key), template in self.templates.items()
            if comp == component_id and template is not None
        }
        frame = frame.with_columns(
            (pl.col("_slow") | ~pl.col("_key").is_in(list(known))).alias("_slow")
        )
        codes, params = self._fill(frame.filter(~pl.col("_slow")), known)
        slow = frame.filter(pl.col("_slow"))
        line_rows = frame_lines(slow) if slow.height else []
        explained = [explain(self.result, line) for line in line_rows]
        slow_values = pl.DataFrame(
            {
                "_row": slow["_row"],
                "_code": [e.code for e in explained],
                "_params": [json.dumps(e.params, ensure_ascii=False) for e in explained],
            },
            schema={"_row": pl.UInt32, "_code": pl.String, "_params": pl.String},
        )
        done = pl.concat([pl.concat([codes, params], how="horizontal"), slow_values])
        out = frame.select("_row").join(done, on="_row", how="left", maintain_order="left")
        return out["_code"], out["_params"]

    def _part_height(self, component_id: str) -> int:
        order = [c.id for c in self.result.plan.components]
        return self.result.parts[order.index(component_id)].height

    def _template(self, fast: pl.DataFrame, key: str) -> Template | None:
        group = fast.filter(pl.col("_key") == key)
        first = frame_lines(group.head(1))[0]
        explanation = explain(self.result, first)
        params = dict(explanation.params)
        for name, (column, kind) in COPIED.items():
            value = getattr(first, column)
            if name not in params or value is None:
                continue
            if params[name] == (str(value) if kind == "decimal" else value):
                params[name] = f"@@{name}@@"
        text = json.dumps(params, ensure_ascii=False)
        parts = _MARK.split(text)
        template = Template(explanation.code, tuple(parts[1::2]), tuple(parts[0::2]))
        # Checked on a few lines of the group (first, middle, last) against explain.
        picks = sorted({0, group.height // 2, group.height - 1})
        sample = group[picks]
        filled = self._fill(sample, {key: template})[1]["_params"].to_list()
        for line, text in zip(frame_lines(sample), filled, strict=True):
            want = explain(self.result, line)
            if want.code != template.code or _jsonable(want.params) != json.loads(text):
                return None
        return template

    def _fill(
        self, frame: pl.DataFrame, templates: dict[str, Template]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Codes (``_row``, ``_code``) and filled params (``_params``) for ``frame``."""
        codes = pl.col("_key").replace_strict({k: t.code for k, t in templates.items()})
        layouts: dict[tuple[str, ...], list[str]] = {}
        for key, template in templates.items():
            layouts.setdefault(template.names, []).append(key)
        params: pl.Expr = pl.lit(None, dtype=pl.String)
        for names, keys in layouts.items():
            pieces = [
                pl.col("_key").replace_strict({k: templates[k].pieces[i] for k in keys}, default="")
                for i in range(len(names) + 1)
            ]
            parts: list[pl.Expr] = [pieces[0]]
            for name, piece in zip(names, pieces[1:], strict=True):
                parts += [_value(name), piece]
            params = (
                pl.when(pl.col("_key").is_in(keys)).then(pl.concat_str(parts)).otherwise(params)
            )
        out = frame.select("_row", codes.alias("_code"), params.alias("_params"))
        return out.select("_row", "_code"), out.select("_params")

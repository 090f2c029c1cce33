"""Structured conditions on named fields — evaluated row by row and compiled to polars.

A condition is a leaf ``{field, op, value}`` or a combinator ``{all: [...]}`` /
``{any: [...]}``. Nothing is ever passed to ``eval``. A missing (null) field value
makes a leaf false whatever the operator, in both evaluators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from meritline.core.money import MoneyError, parse_yuan
from meritline.incentives.engine.errors import Issue
from meritline.incentives.engine.fields import Field as RecordField
from meritline.incentives.engine.fields import FieldType


class Op(str, Enum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"


_ORDERED = {Op.GT, Op.GTE, Op.LT, Op.LTE}
_LISTS = {Op.IN, Op.NOT_IN}
_FLAGS = {Op.IS_TRUE, Op.IS_FALSE}


class Leaf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    op: Op
    value: Any = None


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list[Condition] = Field(min_length=1)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list[Condition] = Field(min_length=1)


def _tag(value: Any) -> str:
    if isinstance(value, Mapping):
        if "all" in value:
            return "cond_all"
        if "any" in value:
            return "cond_any"
    if isinstance(value, AllOf):
        return "cond_all"
    if isinstance(value, AnyOf):
        return "cond_any"
    return "cond_leaf"


Condition = Annotated[
    Annotated[Leaf, Tag("cond_leaf")]
    | Annotated[AllOf, Tag("cond_all")]
    | Annotated[AnyOf, Tag("cond_any")],
    Discriminator(_tag),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()

Row = Callable[[str], Any]


@dataclass(frozen=True)
class Compiled:
    """A checked condition: ``test(row)`` for one record, ``expr()`` for a frame."""

    test: Callable[[Row], bool]
    expr: Callable[[], pl.Expr]


def compile_condition(
    cond: Leaf | AllOf | AnyOf, fields: Mapping[str, RecordField], location: str
) -> tuple[Compiled | None, list[Issue]]:
    """Check ``cond`` against the record's fields; the compiled form, or the issues found."""
    if isinstance(cond, Leaf):
        return _compile_leaf(cond, fields, location)
    parts: list[Compiled] = []
    issues: list[Issue] = []
    items = cond.all if isinstance(cond, AllOf) else cond.any
    name = "all" if isinstance(cond, AllOf) else "any"
    for index, item in enumerate(items):
        compiled, found = compile_condition(item, fields, f"{location}.{name}[{index}]")
        issues += found
        if compiled is not None:
            parts.append(compiled)
    if issues:
        return None, issues
    if isinstance(cond, AllOf):
        return Compiled(
            test=lambda row: all(p.test(row) for p in parts),
            expr=lambda: pl.all_horizontal([p.expr() for p in parts]),
        ), []
    return Compiled(
        test=lambda row: any(p.test(row) for p in parts),
        expr=lambda: pl.any_horizontal([p.expr() for p in parts]),
    ), []


def always() -> Compiled:
    """The condition of a component without ``when``."""
    return Compiled(test=lambda row: True, expr=lambda: pl.lit(True))


def _compile_leaf(
    leaf: Leaf, fields: Mapping[str, RecordField], location: str
) -> tuple[Compiled | None, list[Issue]]:
    spec = fields.get(leaf.field)
    if spec is None:
        known = ", ".join(sorted(fields))
        return None, [
            Issue(
                f"{location}.field",
                "unknown_field",
                f"unknown field {leaf.field!r}; known fields: {known}",
                {"field": leaf.field},
            )
        ]
    problem = _check_op(leaf, spec)
    if problem:
        return None, [Issue(f"{location}.op", "bad_operator", problem, {"op": leaf.op.value})]
    try:
        value = _convert(leaf, spec)
    except (MoneyError, TypeError, ValueError) as exc:
        return None, [Issue(f"{location}.value", "bad_value", str(exc))]
    return Compiled(
        test=lambda row: _test(leaf.op, row(spec.column), value),
        expr=lambda: _expr(leaf.op, pl.col(spec.column), value).fill_null(False),
    ), []


def _check_op(leaf: Leaf, spec: RecordField) -> str:
    if spec.type is FieldType.BOOL and leaf.op not in _FLAGS | {Op.EQ, Op.NE}:
        return f"{leaf.field!r} is true or false; use is_true, is_false, eq or ne"
    if spec.type is not FieldType.BOOL and leaf.op in _FLAGS:
        return f"{leaf.op.value} needs a true/false field; {leaf.field!r} is {spec.type.value}"
    if spec.type is FieldType.TEXT and leaf.op in _ORDERED:
        return f"{leaf.field!r} is text; use eq, ne, in or not_in"
    return ""


def _convert(leaf: Leaf, spec: RecordField) -> Any:
    if leaf.op in _FLAGS:
        if leaf.value is not None:
            raise ValueError(f"{leaf.op.value} takes no value")
        return None
    if leaf.op in _LISTS:
        if not isinstance(leaf.value, list) or not leaf.value:
            raise ValueError(f"{leaf.op.value} needs a non-empty list of values")
        return tuple(_scalar(item, spec) for item in leaf.value)
    return _scalar(leaf.value, spec)


def _scalar(value: Any, spec: RecordField) -> Any:
    if spec.type is FieldType.MONEY:
        if isinstance(value, float):
            value = Decimal(str(value))
        if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
            raise ValueError(f"must be an amount in yuan, not {value!r}")
        return parse_yuan(value)
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {value!r}")
    return value


def _test(op: Op, actual: Any, value: Any) -> bool:
    if actual is None:
        return False
    result: bool
    if op is Op.IS_TRUE:
        result = actual is True
    elif op is Op.IS_FALSE:
        result = actual is False
    elif op is Op.EQ:
        result = actual == value
    elif op is Op.NE:
        result = actual != value
    elif op is Op.IN:
        result = actual in value
    elif op is Op.NOT_IN:
        result = actual not in value
    elif op is Op.GT:
        result = actual > value
    elif op is Op.GTE:
        result = actual >= value
    elif op is Op.LT:
        result = actual < value
    else:
        result = actual <= value
    return result


def _expr(op: Op, col: pl.Expr, value: Any) -> pl.Expr:
    if op is Op.IS_TRUE:
        return col
    if op is Op.IS_FALSE:
        return ~col
    if op is Op.IN:
        return col.is_in(list(value))
    if op is Op.NOT_IN:
        return ~col.is_in(list(value))
    lit = pl.lit(value)
    return {
        Op.EQ: col == lit,
        Op.NE: col != lit,
        Op.GT: col > lit,
        Op.GTE: col >= lit,
        Op.LT: col < lit,
        Op.LTE: col <= lit,
    }[op]

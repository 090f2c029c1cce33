"""The plan document: pydantic models, and ``load_plan`` from YAML or JSON text.

Money is written in yuan (``500000``, ``"1,000,000"``, ``"12.50"``) and held in fen;
rates are decimals (``"0.015"`` = 1.5 %), at most six places; multipliers at most
four places. Field-level problems come from pydantic, cross-field ones (tier tables,
references between components, conditions) from ``validate``; both are reported
together as a :class:`PlanError` with precise locations.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from meritline.core.money import MoneyError, Rounding, parse_yuan
from meritline.incentives.engine.conditions import Condition
from meritline.incentives.engine.numbers import FACTOR_PLACES, RATE_PLACES, places

LEVEL_RATE = "level_rate"


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PydanticCustomError("bad_" + what, 'must be a decimal number like "0.015"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError(
            "bad_" + what,
            "must be a decimal number like \"0.015\", not '{value}'",
            {"value": str(value)},
        ) from None
    if not number.is_finite():
        raise PydanticCustomError("bad_" + what, "must be a finite number")
    return number


def _rate(value: Any) -> Decimal:
    number = _decimal(value, "rate")
    if places(number) > RATE_PLACES:
        raise PydanticCustomError(
            "bad_rate", "must have at most {places} decimal places", {"places": RATE_PLACES}
        )
    return number


def _rate_or_level(value: Any) -> Decimal | str:
    if value == LEVEL_RATE:
        return LEVEL_RATE
    return _rate(value)


def _factor(value: Any) -> Decimal:
    number = _decimal(value, "factor")
    if places(number) > FACTOR_PLACES:
        raise PydanticCustomError(
            "bad_factor", "must have at most {places} decimal places", {"places": FACTOR_PLACES}
        )
    if not Decimal(0) <= number <= Decimal(10):
        raise PydanticCustomError("bad_factor", "must be between 0 and 10")
    return number


def _money(value: Any) -> int:
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise PydanticCustomError("bad_money", 'must be an amount in yuan like 500000 or "12.50"')
    try:
        fen = parse_yuan(value)
    except MoneyError as exc:
        raise PydanticCustomError("bad_money", "{reason}", {"reason": str(exc)}) from None
    if fen < 0:
        raise PydanticCustomError("bad_money", "must not be negative")
    return fen


Rate = Annotated[Decimal, BeforeValidator(_rate)]
RateOrLevel = Annotated[Decimal | str, BeforeValidator(_rate_or_level)]
Factor = Annotated[Decimal, BeforeValidator(_factor)]
Money = Annotated[int, BeforeValidator(_money)]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Role(str, Enum):
    OWNER = "owner"
    LEAD_SOURCE = "lead_source"
    TEAM_LEAD = "team_lead"
    CREDITED = "credited"  # the deal's collaborators by their split shares (owner alone if none)
    EMPLOYEE = "employee"  # a named person: ``employee_id``


class TierMode(str, Enum):
    WHOLE = "whole"
    MARGINAL = "marginal"


class Bracket(str, Enum):
    PER_DEAL = "per_deal"
    CUMULATIVE = "cumulative"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Tier(_Model):
    from_: Money = Field(alias="from")
    to: Money | None = None
    rate: RateOrLevel
    label: str | None = None


class Modifier(_Model):
    id: Id
    when: Condition
    multiply: Factor | None = None
    add: Rate | None = None
    of: str | None = None
    label: str | None = None
    label_en: str | None = None


class Gate(_Model):
    metric: Id
    min: Rate
    label: str | None = None
    label_en: str | None = None


class _Component(_Model):
    id: Id
    name: str | None = None
    name_en: str | None = None


class _Paid(_Component):
    payee: Role
    employee_id: int | None = None
    when: Condition | None = None
    gate: Gate | None = None


class RateComponent(_Paid):
    kind: Literal["rate"]
    tiers: list[Tier] = Field(min_length=1)
    mode: TierMode = TierMode.WHOLE
    bracket: Bracket = Bracket.PER_DEAL
    payee_adjustment: bool = False
    modifiers: list[Modifier] = Field(default_factory=list)


class PointsComponent(_Paid):
    kind: Literal["points"]
    records: Literal["leads", "deals"] = "leads"
    points: int = Field(ge=0, le=1_000_000)
    converted_bonus: int = Field(default=0, ge=0, le=1_000_000)
    yuan_per_point: Money | None = None


class AwardComponent(_Component):
    kind: Literal["award"]
    count: Id
    block: int = Field(ge=1)
    amount: Money
    gate: Gate | None = None


class CapComponent(_Component):
    kind: Literal["cap"]
    applies_to: list[Id] = Field(min_length=1)
    max: Money


class HoldComponent(_Component):
    kind: Literal["hold_until_collected"]
    applies_to: list[Id] = Field(min_length=1)


class ClawbackComponent(_Component):
    kind: Literal["clawback_on_refund"]
    applies_to: list[Id] = Field(min_length=1)


Component = Annotated[
    RateComponent
    | PointsComponent
    | AwardComponent
    | CapComponent
    | HoldComponent
    | ClawbackComponent,
    Field(discriminator="kind"),
]
KINDS = ("rate", "points", "award", "cap", "hold_until_collected", "clawback_on_refund")
PRIMARY_KINDS = ("rate", "points", "award")
AnyComponent = (
    RateComponent
    | PointsComponent
    | AwardComponent
    | CapComponent
    | HoldComponent
    | ClawbackComponent
)


class Plan(_Model):
    """A validated plan version (see docs/plans.md)."""

    name: str = Field(min_length=1)
    currency: Literal["CNY"] = "CNY"
    rounding: Rounding = Rounding.HALF_UP
    payees: list[Role] | None = None
    description: str | None = None
    components: list[Component] = Field(min_length=1)

    def component(self, component_id: str) -> AnyComponent:
        """The component with this id (KeyError if none)."""
        for item in self.components:
            if item.id == component_id:
                return item
        raise KeyError(component_id)

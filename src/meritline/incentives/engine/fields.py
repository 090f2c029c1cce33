"""The named fields a plan may test in its conditions, per kind of record.

A plan names a field (``amount``, ``segment``…); the engine maps it to a column of
the input frame (``amount_fen``, ``segment``…) and knows its type, so a condition
is checked when the plan is loaded, not when a run meets a bad value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class FieldType(str, Enum):
    MONEY = "money"  # written in yuan in the plan, compared in fen
    TEXT = "text"
    BOOL = "bool"


@dataclass(frozen=True)
class Field:
    column: str
    type: FieldType


DEAL_FIELDS: Final[dict[str, Field]] = {
    "amount": Field("amount_fen", FieldType.MONEY),
    "collected": Field("collected_fen", FieldType.MONEY),
    "refunded": Field("refunded_fen", FieldType.MONEY),
    "segment": Field("segment", FieldType.TEXT),
    "is_repurchase": Field("is_repurchase", FieldType.BOOL),
    "is_new_customer": Field("is_new_customer", FieldType.BOOL),
    "platform": Field("platform", FieldType.TEXT),
    "customer_kind": Field("customer_kind", FieldType.TEXT),
    "lead_source_kind": Field("lead_source_kind", FieldType.TEXT),
    "has_collaborators": Field("has_collaborators", FieldType.BOOL),
}

LEAD_FIELDS: Final[dict[str, Field]] = {
    "platform": Field("platform", FieldType.TEXT),
    "source_kind": Field("source_kind", FieldType.TEXT),
    "customer_kind": Field("customer_kind", FieldType.TEXT),
}

RECORD_FIELDS: Final[dict[str, dict[str, Field]]] = {"deals": DEAL_FIELDS, "leads": LEAD_FIELDS}

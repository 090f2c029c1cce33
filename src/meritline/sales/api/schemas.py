"""Response schemas and list filters of the sales API (OpenAPI components of
/api/v1/sales/). References are shown as in the org API: ``{"id", "code", "name"}``,
employees as ``{"id", "employee_no", "name"}``; money is integer fen."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from meritline.org.api.schemas import EmployeeRefOut, RefOut
from meritline.sales import selectors
from meritline.sales import selectors_pages as pages
from meritline.sales.models import Deal

# --- references ---------------------------------------------------------------------------


class CustomerRefOut(Schema):
    id: int
    source: str
    external_id: str
    name: str


class LeadRefOut(Schema):
    id: int
    number: str
    source: str
    external_id: str


class DealRefOut(Schema):
    id: int
    source: str
    external_id: str
    number: str


# --- customers ----------------------------------------------------------------------------


class CustomerOut(Schema):
    id: int
    source: str
    external_id: str
    name: str
    kind: str = Field(description="`enterprise` or `smb`.")
    industry: str
    region: RefOut | None
    platform: RefOut
    first_purchase_on: date | None = Field(
        description="Signing date of the first deal that was not cancelled."
    )
    phone: str
    email: str
    deal_count: int = Field(0, description="Active deals of the customer that you see.")
    sales_fen: int = Field(0, description="Their amount net of refunds, in fen.")
    updated_at: datetime


# --- deals --------------------------------------------------------------------------------


def _segment(obj: Deal) -> str | None:
    threshold = getattr(obj, "threshold_fen", None)
    if threshold is None and not hasattr(obj, "threshold_fen"):
        return selectors.segment_of(obj)
    return pages.segment_label(obj.amount_fen, threshold) or None


class DealOut(Schema):
    id: int
    source: str
    external_id: str
    number: str
    signed_on: date
    amount_fen: int
    cost_fen: int
    collected_fen: int
    refunded_fen: int
    net_amount_fen: int = Field(description="`amount_fen` less `refunded_fen`.")
    status: str = Field(description="`active` or `cancelled`.")
    cancelled_on: date | None
    segment: str | None = Field(
        description="`big` or `small` by the big-client threshold in force on the signing "
        "date; null while none is configured."
    )
    is_repurchase: bool
    platform: RefOut
    customer: CustomerRefOut
    owner: EmployeeRefOut
    lead: LeadRefOut | None
    products: list[str]
    updated_at: datetime

    @staticmethod
    def resolve_net_amount_fen(obj: Deal) -> int:
        return obj.net_fen

    @staticmethod
    def resolve_segment(obj: Deal) -> str | None:
        return _segment(obj)


class CreditOut(Schema):
    employee: EmployeeRefOut
    share: Decimal = Field(description="Fraction of the deal credited (`0.6` = 60 %).")
    amount_fen: int = Field(description="Their part of the amount (parts add up exactly).")
    net_fen: int = Field(description="Their part of the amount net of refunds.")
    collected_fen: int = Field(description="Their part of what was collected.")


class CollectionLineOut(Schema):
    id: int
    source: str
    external_id: str
    received_on: date
    amount_fen: int
    note: str


class CollectionOut(CollectionLineOut):
    """A collection (回款) with the deal it was received on."""

    deal: DealRefOut


class RefundLineOut(Schema):
    id: int
    source: str
    external_id: str
    refunded_on: date
    amount_fen: int
    kind: str = Field(description="`refund` or `cancellation`.")
    reason: str


class RefundOut(RefundLineOut):
    """A refund or cancellation with the deal it was given back on."""

    deal: DealRefOut


class DealDetailOut(DealOut):
    """A deal with its credited splits, collections (回款) and refunds."""

    splits: list[CreditOut]
    collections: list[CollectionLineOut]
    refunds: list[RefundLineOut]

    @staticmethod
    def resolve_splits(obj: Deal) -> Any:
        return pages.deal_credits(obj)


# --- leads --------------------------------------------------------------------------------


class LeadOut(Schema):
    id: int
    number: str
    source: str
    external_id: str
    company_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    source_kind: str = Field(description="`marketing`, `self_sourced` or `referral`.")
    source_employee: EmployeeRefOut | None = Field(description="Who brought the lead.")
    referrer_name: str
    owner: EmployeeRefOut | None
    platform: RefOut
    customer: CustomerRefOut | None
    entered_at: datetime
    step: str = Field(description="The current step of the chain (or `lost`).")
    step_at: datetime
    lost_reason: str
    qualified: bool | None = Field(description="The quality review; null while pending.")
    updated_at: datetime


class LeadStepOut(Schema):
    step: str
    at: datetime
    owner: EmployeeRefOut | None = Field(description="Who owned the lead at that step.")
    note: str


class LeadDetailOut(LeadOut):
    """A lead with its timeline, oldest step first."""

    steps: list[LeadStepOut]


# --- filters ------------------------------------------------------------------------------


class DealFilters(Schema):
    q: str | None = Field(None, description="Part of the contract number, external id or customer.")
    source: str | None = None
    platform: str | None = Field(None, description="Sales platform code.")
    owner: str | None = Field(None, description="Employee number: deals owned or credited.")
    customer: str | None = Field(None, description="The customer's external id.")
    status: Literal["active", "cancelled"] | None = None
    segment: Literal["big", "small"] | None = None
    repurchase: bool | None = None
    signed_from: date | None = None
    signed_to: date | None = None


class CustomerFilters(Schema):
    q: str | None = Field(None, description="Part of the name or industry.")
    source: str | None = None
    kind: Literal["enterprise", "smb"] | None = None
    platform: str | None = Field(None, description="Sales platform code.")
    region: str | None = Field(None, description="Region code.")
    industry: str | None = None


class LeadFilters(Schema):
    q: str | None = Field(None, description="Part of the company, number or contact.")
    source: str | None = None
    step: str | None = Field(None, description="Current step.")
    source_kind: Literal["marketing", "self_sourced", "referral"] | None = None
    platform: str | None = Field(None, description="Sales platform code.")
    owner: str | None = Field(None, description="Employee number: leads owned or brought.")
    qualified: Literal["yes", "no", "pending"] | None = None

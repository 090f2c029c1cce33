"""Request bodies of the sales API: one record per type (``…Fields``: the body of a
single ``PUT``; ``…RowIn``: a batch row, with its ``source`` and ``external_id``), the
batch envelopes, and their conversion to the services' rows.

References are codes (platform, region), employee numbers (owner, splits, source
employee) and external ids (customer, deal); money is integer fen; the services do
every business check, so their codes and messages are the API's."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt, WrapValidator

from meritline.sales.api.batch import keep_bad_rows
from meritline.sales.services.customers import CustomerRow
from meritline.sales.services.deal_rows import DealRow
from meritline.sales.services.lead_rows import LeadRow
from meritline.sales.services.payment_rows import CollectionRow, RefundRow

Mode = Literal["all_or_nothing", "valid_rows"]

_SOURCE = (
    "The system the record comes from (`crm`, a platform code…); with `external_id` it "
    "identifies the record."
)


class _In(Schema):
    # CRMs often send numeric ids: "external_id": 1042 means "1042".
    model_config = ConfigDict(coerce_numbers_to_str=True)


class _Keyed(_In):
    source: str = Field(description=_SOURCE, max_length=32)
    external_id: str = Field(description="The record's id in that system.")


def _aware(moment: datetime) -> datetime:
    """Times without an offset are read in the server's time zone (Asia/Shanghai)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- customers ----------------------------------------------------------------------------


class CustomerFields(_In):
    name: str
    platform: str = Field(description="Sales platform code.")
    kind: str = Field("smb", description="`enterprise` or `smb`.")
    industry: str = ""
    region: str = Field("", description="Region code (or name).")
    phone: str = ""
    email: str = ""


class CustomerRowIn(CustomerFields, _Keyed):
    pass


def customer_row(data: CustomerFields, row: int, source: str, external_id: str) -> CustomerRow:
    return CustomerRow(
        source=source,
        external_id=external_id,
        name=data.name,
        platform=data.platform,
        kind=data.kind,
        industry=data.industry,
        region=data.region,
        phone=data.phone,
        email=data.email,
        row=row,
    )


# --- deals --------------------------------------------------------------------------------


class SplitIn(_In):
    employee: str = Field(description="Employee number of the credited person.")
    share: Decimal = Field(
        description="Their share as a fraction with at most four decimals (`0.6` = 60 %); "
        "the shares of a deal add up to exactly 1."
    )


class DealFields(_In):
    signed_on: date
    amount_fen: StrictInt = Field(description="Contract amount in fen, more than zero.")
    platform: str = Field(description="Sales platform code.")
    customer: str = Field(description="The customer's external id (in `customer_source`).")
    owner: str = Field(description="Employee number of the owner.")
    number: str = Field("", description="Contract number.")
    cost_fen: StrictInt = Field(0, description="Cost in fen (for gross margin), not negative.")
    lead: str = Field("", description="Lead number (`L0000042`), if the deal came from one.")
    products: list[str] = []
    splits: list[SplitIn] = Field(
        [], description="Credited people and shares; none: the owner is credited with all."
    )
    customer_source: str = Field("", description="Source of the customer; default `source`.")


class DealRowIn(DealFields, _Keyed):
    pass


def deal_row(data: DealFields, row: int, source: str, external_id: str) -> DealRow:
    return DealRow(
        source=source,
        external_id=external_id,
        signed_on=data.signed_on,
        amount_fen=data.amount_fen,
        platform=data.platform,
        customer=data.customer,
        owner=data.owner,
        number=data.number,
        cost_fen=data.cost_fen,
        lead=data.lead,
        products=tuple(data.products),
        splits=tuple((s.employee, s.share) for s in data.splits),
        customer_source=data.customer_source,
        row=row,
    )


# --- collections and refunds --------------------------------------------------------------


class CollectionFields(_In):
    deal: str = Field(description="The deal's external id (in `deal_source`).")
    received_on: date
    amount_fen: StrictInt = Field(description="Amount received in fen, more than zero.")
    note: str = ""
    deal_source: str = Field("", description="Source of the deal; default `source`.")


class CollectionRowIn(CollectionFields, _Keyed):
    pass


def collection_row(
    data: CollectionFields, row: int, source: str, external_id: str
) -> CollectionRow:
    return CollectionRow(
        source=source,
        external_id=external_id,
        deal=data.deal,
        received_on=data.received_on,
        amount_fen=data.amount_fen,
        note=data.note,
        deal_source=data.deal_source,
        row=row,
    )


class RefundFields(_In):
    deal: str = Field(description="The deal's external id (in `deal_source`).")
    refunded_on: date
    amount_fen: StrictInt | None = Field(
        None,
        description="Amount given back in fen, more than zero and at most what remains of "
        "the deal; may be left out with `cancel`.",
    )
    reason: str = ""
    cancel: bool = Field(
        False, description="A cancellation: refunds all that remains and cancels the deal."
    )
    deal_source: str = Field("", description="Source of the deal; default `source`.")


class RefundRowIn(RefundFields, _Keyed):
    pass


def refund_row(data: RefundFields, row: int, source: str, external_id: str) -> RefundRow:
    return RefundRow(
        source=source,
        external_id=external_id,
        deal=data.deal,
        refunded_on=data.refunded_on,
        amount_fen=data.amount_fen,
        reason=data.reason,
        cancel=data.cancel,
        deal_source=data.deal_source,
        row=row,
    )


# --- leads --------------------------------------------------------------------------------


class StepIn(_In):
    step: str = Field(
        description="`visited`, `received`, `intent`, `contract`, `settled` or `lost`."
    )
    at: datetime = Field(description="When; without an offset, in Asia/Shanghai time.")


class LeadFields(_In):
    company_name: str
    source_kind: str = Field(description="`marketing`, `self_sourced` or `referral`.")
    platform: str = Field(description="Sales platform code.")
    entered_at: datetime = Field(description="When marketing entered the lead.")
    source_employee: str = Field("", description="Employee number of who brought the lead.")
    owner: str = Field("", description="Employee number of the owner in sales.")
    customer: str = Field("", description="The customer's external id (in `customer_source`).")
    customer_source: str = Field("", description="Source of the customer; default `source`.")
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    referrer_name: str = ""
    steps: list[StepIn] = Field(
        [], description="The steps after `entered` that happened; recorded ones are kept."
    )
    lost_reason: str = ""
    note: str = ""


class LeadRowIn(LeadFields, _Keyed):
    pass


def lead_row(data: LeadFields, row: int, source: str, external_id: str) -> LeadRow:
    return LeadRow(
        source=source,
        external_id=external_id,
        company_name=data.company_name,
        source_kind=data.source_kind,
        platform=data.platform,
        entered_at=_aware(data.entered_at),
        source_employee=data.source_employee,
        owner=data.owner,
        customer=data.customer,
        customer_source=data.customer_source,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        referrer_name=data.referrer_name,
        steps=tuple((s.step, _aware(s.at)) for s in data.steps),
        lost_reason=data.lost_reason,
        note=data.note,
        row=row,
    )


# --- batches ------------------------------------------------------------------------------

_ROWS = (
    "At most 5,000 rows. Each row is checked on its own; a bad row is reported by its "
    "1-based position here."
)
_MODE = (
    "`all_or_nothing`: any bad row and nothing is written. `valid_rows`: the good rows "
    "are written, the bad ones reported."
)


class _Batch(Schema):
    mode: Mode = Field("all_or_nothing", description=_MODE)
    dry_run: bool = Field(False, description="Check and count only; write nothing.")


class CustomerBatchIn(_Batch):
    rows: list[Annotated[CustomerRowIn, WrapValidator(keep_bad_rows)]] = Field(description=_ROWS)


class DealBatchIn(_Batch):
    rows: list[Annotated[DealRowIn, WrapValidator(keep_bad_rows)]] = Field(description=_ROWS)


class CollectionBatchIn(_Batch):
    rows: list[Annotated[CollectionRowIn, WrapValidator(keep_bad_rows)]] = Field(description=_ROWS)


class RefundBatchIn(_Batch):
    rows: list[Annotated[RefundRowIn, WrapValidator(keep_bad_rows)]] = Field(description=_ROWS)


class LeadBatchIn(_Batch):
    rows: list[Annotated[LeadRowIn, WrapValidator(keep_bad_rows)]] = Field(description=_ROWS)


def keyed(convert: Any) -> Any:
    """A batch row converter from a single-record one: the key comes from the row."""

    def to_row(data: Any, row: int) -> Any:
        return convert(data, row, data.source, data.external_id)

    return to_row

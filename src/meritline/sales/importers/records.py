"""The five kinds of sales records a file can hold, as columns and a builder each: the
builder turns one row's parsed cells into the row type of the bulk service that checks
and writes it (``deal_bulk_upsert`` and the others)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from meritline.sales.errors import ErrorCode
from meritline.sales.importers.columns import (
    CellError,
    Column,
    RowRefused,
    parse_bool,
    parse_datetime,
    parse_day,
    parse_list,
    parse_money,
    parse_splits,
)
from meritline.sales.models import CustomerKind, ImportKind, SourceKind, Step
from meritline.sales.services.common import BulkResult
from meritline.sales.services.customers import CustomerRow, customer_bulk_upsert
from meritline.sales.services.deal_rows import DealRow
from meritline.sales.services.deals import deal_bulk_upsert
from meritline.sales.services.lead_rows import LeadRow
from meritline.sales.services.leads import lead_bulk_upsert
from meritline.sales.services.payment_rows import CollectionRow, RefundRow
from meritline.sales.services.payments import collection_bulk_upsert, refund_bulk_upsert


@dataclass(frozen=True)
class Target:
    """What every row of one import shares: the source system and the platform."""

    source: str
    platform: str


Values = Mapping[str, Any]


@dataclass(frozen=True)
class RecordSpec:
    kind: str
    columns: tuple[Column, ...]
    build: Callable[[Values, int, Target], Any]
    bulk: Callable[..., BulkResult]
    # Required fields the import fills in from its form when the file has no column.
    defaults: tuple[str, ...] = ()

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)

    def column_for_issue(self, issue_field: str) -> str:
        """The field of the column a service's row issue is about ("" if none)."""
        for column in self.columns:
            if issue_field == column.field or issue_field in column.issue_fields:
                return column.field
        return ""


PLATFORM = Column("platform", _("Platform code"), ("平台", "平台编码", "渠道"))


def _deal(values: Values, row: int, target: Target) -> DealRow:
    return DealRow(
        source=target.source,
        external_id=values["external_id"],
        signed_on=values["signed_on"],
        amount_fen=values["amount"],
        platform=values.get("platform") or target.platform,
        customer=values["customer"],
        owner=values["owner"],
        number=values.get("number", ""),
        cost_fen=values.get("cost", 0),
        lead=values.get("lead", ""),
        products=values.get("products", ()),
        splits=values.get("splits", ()),
        customer_source=values.get("customer_source", ""),
        row=row,
    )


DEALS = RecordSpec(
    ImportKind.DEALS,
    (
        Column(
            "external_id",
            _("External id"),
            ("订单号", "外部编号", "订单编号", "订单ID", "order id", "external id"),
            required=True,
        ),
        Column("number", _("Contract number"), ("合同编号", "合同号", "contract no")),
        Column(
            "signed_on",
            _("Signing date"),
            ("签约日期", "成交日期", "下单日期", "signed", "date"),
            required=True,
            parse=parse_day,
        ),
        Column(
            "amount",
            _("Contract amount (yuan)"),
            ("合同金额", "签约金额", "成交金额", "金额", "amount (yuan)"),
            required=True,
            parse=parse_money,
            issue_fields=("amount_fen",),
        ),
        Column(
            "cost",
            _("Cost (yuan)"),
            ("成本", "成本金额"),
            parse=parse_money,
            issue_fields=("cost_fen",),
        ),
        Column(
            "customer",
            _("Customer external id"),
            ("客户编号", "客户ID", "客户外部编号", "customer id"),
            required=True,
        ),
        Column(
            "customer_source",
            _("Customer source system"),
            ("客户来源系统", "customer source"),
        ),
        Column(
            "owner",
            _("Owner's employee number"),
            ("负责人工号", "销售工号", "签约人工号", "工号", "owner no"),
            required=True,
        ),
        PLATFORM,
        Column("lead", _("Lead number"), ("线索编号", "线索号", "lead no")),
        Column("products", _("Products"), ("产品", "产品名称"), parse=parse_list),
        Column(
            "splits",
            _("Split shares"),
            ("分成", "分成比例", "协作分成", "shares"),
            parse=parse_splits,
        ),
    ),
    _deal,
    deal_bulk_upsert,
    defaults=("platform",),
)


def _collection(values: Values, row: int, target: Target) -> CollectionRow:
    if values["amount"] < 0:
        raise RowRefused(
            ErrorCode.NOT_POSITIVE,
            str(_("A collection cannot be negative; import refunds as a refunds file.")),
            "amount",
        )
    return CollectionRow(
        source=target.source,
        external_id=values["external_id"],
        deal=values["deal"],
        received_on=values["received_on"],
        amount_fen=values["amount"],
        note=values.get("note", ""),
        row=row,
    )


DEAL = Column(
    "deal",
    _("Deal external id"),
    ("订单号", "订单编号", "合同外部编号", "订单ID", "deal id"),
    required=True,
)

COLLECTIONS = RecordSpec(
    ImportKind.COLLECTIONS,
    (
        Column(
            "external_id",
            _("External id"),
            ("回款编号", "流水号", "收款编号", "外部编号", "external id"),
            required=True,
        ),
        DEAL,
        Column(
            "received_on",
            _("Date received"),
            ("回款日期", "到账日期", "收款日期", "received"),
            required=True,
            parse=parse_day,
        ),
        Column(
            "amount",
            _("Amount (yuan)"),
            ("回款金额", "到账金额", "收款金额", "金额"),
            required=True,
            parse=parse_money,
            issue_fields=("amount_fen",),
        ),
        Column("note", _("Note"), ("备注", "说明")),
    ),
    _collection,
    collection_bulk_upsert,
)


def _refund(values: Values, row: int, target: Target) -> RefundRow:
    amount = values.get("amount")
    return RefundRow(
        source=target.source,
        external_id=values["external_id"],
        deal=values["deal"],
        refunded_on=values["refunded_on"],
        # A refunds file may list refunds as negative lines; the size is what counts.
        amount_fen=abs(amount) if amount is not None else None,
        reason=values.get("reason", ""),
        cancel=values.get("cancel", False),
        row=row,
    )


REFUNDS = RecordSpec(
    ImportKind.REFUNDS,
    (
        Column(
            "external_id",
            _("External id"),
            ("退款编号", "退款单号", "外部编号", "external id"),
            required=True,
        ),
        DEAL,
        Column(
            "refunded_on",
            _("Refund date"),
            ("退款日期", "取消日期", "refunded"),
            required=True,
            parse=parse_day,
        ),
        Column(
            "amount",
            _("Refund amount (yuan)"),
            ("退款金额", "金额"),
            parse=parse_money,
            issue_fields=("amount_fen",),
        ),
        Column("reason", _("Reason"), ("原因", "退款原因", "备注")),
        Column(
            "cancel", _("Cancels the deal"), ("取消合同", "是否取消", "cancel"), parse=parse_bool
        ),
    ),
    _refund,
    refund_bulk_upsert,
)

SOURCE_KINDS = {
    "marketing": SourceKind.MARKETING,
    "市场": SourceKind.MARKETING,
    "市场部": SourceKind.MARKETING,
    "市场线索": SourceKind.MARKETING,
    "self_sourced": SourceKind.SELF_SOURCED,
    "self": SourceKind.SELF_SOURCED,
    "自拓": SourceKind.SELF_SOURCED,
    "自主开发": SourceKind.SELF_SOURCED,
    "销售自拓": SourceKind.SELF_SOURCED,
    "referral": SourceKind.REFERRAL,
    "转介绍": SourceKind.REFERRAL,
    "推荐": SourceKind.REFERRAL,
}
CUSTOMER_KINDS = {
    "enterprise": CustomerKind.ENTERPRISE,
    "企业": CustomerKind.ENTERPRISE,
    "企业客户": CustomerKind.ENTERPRISE,
    "大客户": CustomerKind.ENTERPRISE,
    "smb": CustomerKind.SMB,
    "中小": CustomerKind.SMB,
    "中小企业": CustomerKind.SMB,
    "小微": CustomerKind.SMB,
    "个人": CustomerKind.SMB,
}


def _choice(choices: Mapping[str, str], what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = choices.get(text.strip().casefold()) or choices.get(text.strip())
        if value is None:
            raise CellError(
                ErrorCode.BAD_CHOICE,  # type: ignore[arg-type]
                str(_("“%(value)s” is not one of: %(choices)s."))
                % {"value": text, "choices": "、".join(k for k in choices if not k.isascii())},
            )
        return value

    parse.__name__ = f"parse_{what}"
    return parse


LEAD_STEPS = (
    ("visited_at", Step.VISITED, _("Visited at"), ("到访时间", "拜访时间")),
    ("received_at", Step.RECEIVED, _("Received by sales at"), ("接待时间", "销售接待时间")),
    ("intent_at", Step.INTENT, _("Intent at"), ("意向时间", "意向登记时间")),
    ("contract_at", Step.CONTRACT, _("Contract archived at"), ("合同归档时间", "签约时间")),
    ("settled_at", Step.SETTLED, _("Settled at"), ("结算时间", "业绩结算时间")),
    ("lost_at", Step.LOST, _("Lost at"), ("流失时间", "丢单时间")),
)


def _lead(values: Values, row: int, target: Target) -> LeadRow:
    steps = tuple((step, values[field]) for field, step, _l, _a in LEAD_STEPS if field in values)
    return LeadRow(
        source=target.source,
        external_id=values["external_id"],
        company_name=values["company_name"],
        source_kind=values["source_kind"],
        platform=values.get("platform") or target.platform,
        entered_at=values["entered_at"],
        source_employee=values.get("source_employee", ""),
        owner=values.get("owner", ""),
        customer=values.get("customer", ""),
        contact_name=values.get("contact_name", ""),
        contact_phone=values.get("contact_phone", ""),
        contact_email=values.get("contact_email", ""),
        referrer_name=values.get("referrer_name", ""),
        steps=steps,
        lost_reason=values.get("lost_reason", ""),
        note=values.get("note", ""),
        row=row,
    )


STEP_FIELDS = tuple(field for field, _s, _l, _a in LEAD_STEPS)

LEADS = RecordSpec(
    ImportKind.LEADS,
    (
        Column(
            "external_id",
            _("External id"),
            ("线索编号", "线索ID", "外部编号", "external id"),
            required=True,
        ),
        Column(
            "company_name",
            _("Company name"),
            ("公司名称", "客户名称", "企业名称", "company"),
            required=True,
        ),
        Column(
            "source_kind",
            _("Lead source"),
            ("线索来源", "来源", "source"),
            required=True,
            parse=_choice(SOURCE_KINDS, "source_kind"),
        ),
        Column(
            "source_employee",
            _("Brought by (employee number)"),
            ("来源人工号", "市场人员工号", "录入人工号"),
        ),
        Column("owner", _("Owner's employee number"), ("负责人工号", "销售工号", "跟进人工号")),
        Column(
            "entered_at",
            _("Entered at"),
            ("录入时间", "创建时间", "entered"),
            required=True,
            parse=parse_datetime,
        ),
        PLATFORM,
        Column("customer", _("Customer external id"), ("客户编号", "客户ID")),
        Column("contact_name", _("Contact"), ("联系人", "联系人姓名")),
        Column("contact_phone", _("Contact phone"), ("联系电话", "电话", "手机")),
        Column("contact_email", _("Contact e-mail"), ("联系邮箱", "邮箱", "email")),
        Column("referrer_name", _("Referred by"), ("介绍人", "推荐人")),
        *(
            Column(field, label, aliases, parse=parse_datetime, issue_fields=("steps",))
            for field, _s, label, aliases in LEAD_STEPS
        ),
        Column("lost_reason", _("Reason lost"), ("流失原因", "丢单原因")),
        Column("note", _("Note"), ("备注",)),
    ),
    _lead,
    lead_bulk_upsert,
    defaults=("platform",),
)


def _customer(values: Values, row: int, target: Target) -> CustomerRow:
    return CustomerRow(
        source=target.source,
        external_id=values["external_id"],
        name=values["name"],
        platform=values.get("platform") or target.platform,
        kind=values.get("kind", CustomerKind.SMB),
        industry=values.get("industry", ""),
        region=values.get("region", ""),
        phone=values.get("phone", ""),
        email=values.get("email", ""),
        row=row,
    )


CUSTOMERS = RecordSpec(
    ImportKind.CUSTOMERS,
    (
        Column(
            "external_id",
            _("External id"),
            ("客户编号", "客户ID", "外部编号", "external id"),
            required=True,
        ),
        Column("name", _("Customer name"), ("客户名称", "公司名称", "名称", "name"), required=True),
        Column(
            "kind",
            _("Customer kind"),
            ("客户类型", "类型", "kind"),
            parse=_choice(CUSTOMER_KINDS, "customer_kind"),
        ),
        Column("industry", _("Industry"), ("行业", "所属行业")),
        Column("region", _("Region code"), ("区域编码", "区域", "地区")),
        PLATFORM,
        Column("phone", _("Phone"), ("电话", "联系电话", "手机")),
        Column("email", _("E-mail"), ("邮箱", "电子邮箱", "email")),
    ),
    _customer,
    customer_bulk_upsert,
    defaults=("platform",),
)

SPECS: dict[str, RecordSpec] = {
    spec.kind: spec for spec in (DEALS, COLLECTIONS, REFUNDS, LEADS, CUSTOMERS)
}

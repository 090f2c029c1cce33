"""The fixed shape of the demo company's sales history (``/work/shared/DEMO.md``).

Plain data: how each platform sells (volume, deal sizes, customers, lead sources,
payment habits, growth), the calendar (seasons, Spring Festival), the sales rules in
force (platform stages, the big-client threshold, the lead qualification standard,
SLA rules), the word lists customers and contacts are drawn from, and the figures the
story people must show. Company data is Chinese (it is what the CRM would hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from meritline.core.periods import rolling_window
from meritline.demo.catalogue import TODAY

# Two years of history, and the last twelve months the selection rules look at.
HISTORY = rolling_window(TODAY, 24)  # 2024-11-24 .. 2026-11-23
LAST_12_MONTHS = rolling_window(TODAY, 12)  # 2025-11-24 .. 2026-11-23

# The systems the records come from (``source`` of the upsert keys).
CRM = "crm"
FINANCE = "finance"


@dataclass(frozen=True)
class Channel:
    """How one platform sells.

    ``rate``: deals per rep and working day at full speed; ``smb`` / ``ent``: median
    deal in yuan for a small business / an enterprise; ``enterprise``: share of new
    customers that are enterprises; ``growth``: yearly growth of demand (new
    platforms ramp up from their launch instead); ``sources``: weights of marketing,
    self-sourced and referral leads; ``weekend``: weekend demand against a weekday;
    ``cycle``: days from a lead to the contract (low, high); ``payment``: how the
    customers pay (see ``PAYMENT_PLANS``); ``convert``: the typical lead conversion.
    """

    rate: float
    smb: int
    ent: int
    enterprise: float
    growth: float
    sources: tuple[float, float, float]
    weekend: float
    cycle: tuple[int, int]
    payment: str
    convert: float


CHANNELS: dict[str, Channel] = {
    "WEB": Channel(0.085, 9_000, 22_000, 0.35, 0.10, (0.6, 0.25, 0.15), 0.15, (7, 45), "web", 0.3),
    "GOV": Channel(
        0.080, 12_000, 28_000, 0.9, 0.12, (0.25, 0.45, 0.3), 0.05, (30, 110), "gov", 0.35
    ),
    "JD": Channel(0.095, 6_500, 16_000, 0.3, 0.04, (0.55, 0.3, 0.15), 0.4, (3, 30), "shop", 0.3),
    "TMALL": Channel(0.095, 7_000, 16_000, 0.2, 0.08, (0.55, 0.3, 0.15), 0.4, (3, 30), "shop", 0.3),
    "ALI1688": Channel(
        0.085, 6_000, 14_000, 0.25, -0.06, (0.5, 0.35, 0.15), 0.3, (5, 35), "shop", 0.28
    ),
    "OFFLINE": Channel(
        0.070, 11_000, 26_000, 0.4, -0.08, (0.3, 0.45, 0.25), 0.08, (15, 75), "terms", 0.33
    ),
    "AGENT": Channel(
        0.070, 10_000, 24_000, 0.4, 0.02, (0.2, 0.4, 0.4), 0.08, (15, 75), "terms", 0.33
    ),
    "WXMINI": Channel(
        0.090, 4_500, 11_000, 0.1, 0.18, (0.6, 0.25, 0.15), 0.4, (2, 25), "shop", 0.27
    ),
    "GLOBAL": Channel(
        0.060, 12_000, 30_000, 0.5, 0.25, (0.45, 0.35, 0.2), 0.2, (20, 90), "terms", 0.3
    ),
    "DOUYIN": Channel(
        0.110, 5_000, 12_000, 0.15, 0.0, (0.75, 0.15, 0.1), 0.5, (2, 20), "shop", 0.26
    ),
    "WXSHOP": Channel(0.100, 4_500, 11_000, 0.1, 0.0, (0.7, 0.2, 0.1), 0.5, (2, 20), "shop", 0.25),
    "XHS": Channel(0.100, 5_000, 12_000, 0.15, 0.0, (0.75, 0.15, 0.1), 0.5, (2, 20), "shop", 0.25),
}

# Payment habits: (share of deals, instalments as (share of the net amount, days after
# signing low, high)). The last instalment of a few deals is never paid.
PAYMENT_PLANS: dict[str, tuple[tuple[float, tuple[tuple[float, int, int], ...]], ...]] = {
    "shop": (
        (0.8, ((1.0, 0, 7),)),
        (0.2, ((0.5, 0, 5), (0.5, 25, 60))),
    ),
    "web": (
        (0.6, ((1.0, 3, 30),)),
        (0.4, ((0.5, 5, 20), (0.5, 30, 90))),
    ),
    "terms": (
        (0.35, ((1.0, 10, 45),)),
        (0.65, ((0.6, 10, 45), (0.4, 60, 150))),
    ),
    "gov": (
        (0.3, ((0.5, 20, 60), (0.5, 90, 180))),
        (0.7, ((0.3, 20, 60), (0.4, 90, 150), (0.3, 180, 300))),
    ),
}
BAD_DEBT = 0.03  # deals whose last instalment is never paid
PARTIAL_REFUND = 0.03  # deals with a partial refund
CANCELLED = 0.012  # deals cancelled (refunded in full) soon after signing
SPLIT = 0.07  # deals credited to two people

# Demand through the year: Q4 peak (Double 11, year-end budgets), the 618 festival,
# a dip around the Spring Festival and the National Day holiday.
MONTH_FACTORS = {
    1: 0.95,
    2: 0.8,
    3: 1.0,
    4: 1.0,
    5: 1.0,
    6: 1.1,
    7: 0.95,
    8: 0.95,
    9: 1.05,
    10: 1.05,
    11: 1.3,
    12: 1.45,
}
SPRING_FESTIVAL = (date(2025, 1, 29), date(2026, 2, 17))
NATIONAL_DAY = ((10, 1), (10, 7))

# Lead sources, in the order of ``Channel.sources``.
SOURCE_KINDS = ("marketing", "self_sourced", "referral")

# How much each marketing group brings in (线索运营组 most); senior specialists more.
MARKETING_WEIGHTS = {
    "MKT-LEADS": 1.4,
    "MKT-DIGITAL": 1.2,
    "MKT-CHANNEL": 1.0,
    "MKT-CONTENT": 0.7,
    "MKT-BRAND": 0.3,
}
MARKETING_POSTS = ("MKS", "SMKS")
SELLING_POSTS = ("REP", "SREP")

# -- the sales rules in force ---------------------------------------------------------
# Platform stage history: mature platforms grew up; the three 2026 platforms are new.
STAGE_STEPS = (("new", 0), ("growing", 12), ("mature", 36))  # months after launch
STAGE_OVERRIDES = {
    "GLOBAL": (
        ("new", date(2020, 8, 3)),
        ("growing", date(2022, 1, 1)),
        ("mature", date(2025, 1, 1)),
    )
}
TRANSFORMATION = date(2025, 7, 1)  # the incentive transformation (seed 003)
THRESHOLDS = (
    (date(2019, 1, 1), 300_000, "转型前:单笔合同 3,000 元及以上为大客户"),
    (TRANSFORMATION, 1_000_000, "激励转型:大客户门槛上调至 10,000 元"),
)
STANDARDS = (
    (
        date(2024, 6, 1),
        "线索合格标准(2024版)",
        [{"kind": "required", "field": "company_name"}, {"kind": "required", "field": "contact"}],
        "有公司名称和任一联系方式即为合格线索",
    ),
    (
        TRANSFORMATION,
        "线索合格标准(2025版)",
        [
            {"kind": "required", "field": "company_name"},
            {"kind": "required", "field": "contact_name"},
            {"kind": "required", "field": "contact_phone"},
        ],
        "激励转型:合格线索须有联系人姓名和电话,市场按合格线索计分",
    ),
)
RULES_FROM = date(2024, 6, 1)
SLA_HOURS = {  # the longest a lead may wait at a step
    "entered": 72,
    "visited": 48,
    "received": 168,
    "intent": 720,
    "contract": 336,
}

# -- the story people -------------------------------------------------------------------
CHENJING_SALES_FEN = 110_000_000  # 1.1 M in the last 12 months: above the 800,000 bar
CHENJING_ENTERPRISE = 34  # enterprise clients, in 12 months and over the whole history
LIUYANG_SALES_FEN = 76_000_000  # exactly 760,000: below the bar
LIUYANG_ENTERPRISE = 32  # enough clients, so sales is the only reason he is refused
ZHAOMIN_CONVERSION = Decimal("0.198")  # just under the 20 % gate: near it, never on it
ZHENGKAI_SLUMP = date(2026, 4, 1)  # from here his sales fall away

# (rate, deal size, share of enterprise customers or None, lead conversion) per login
STORY_SELLERS: dict[str, tuple[float, float, float | None, float]] = {
    "chenjing": (1.6, 1.0, 0.95, 0.45),
    "liuyang": (2.0, 1.2, 0.7, 0.33),
    "zhengkai": (1.4, 1.0, None, 0.22),
    "huanglei": (1.3, 1.0, None, 0.2),
    "sunlei": (1.0, 1.0, None, 0.28),
}
ZHENGKAI_AFTER = (0.45, 0.7)  # rate and size after the slump
HUANGLEI_NEW_PLATFORM = 2.0  # on 抖音企业号 she sells twice her usual pace: far more than anyone
HUANGLEI_EXTRA_OPEN_LEADS = 30  # and a pile of leads waiting on her
ZHAOMIN_WEIGHT = 3.0  # she brings more leads than anyone

# 孙磊 found this company himself, he says; 赵敏 had already entered it.
SUNLEI_COMPANY = "杭州云帆智能科技有限公司"
SUNLEI_CONTACT = ("周建华", "13857126688", "zhoujh@yunfan-ai.example")
SUNLEI_ENTERED = (date(2026, 11, 16), 10, 20)  # day, hour, minute
SUNLEI_VISITED = (date(2026, 11, 18), 15, 5)
SUNLEI_CLAIM = (
    "该客户是我10月底在杭州云栖大会展台上接触的,已加微信并电话沟通过两次,"
    "11月中旬登记为自拓客户时被系统拒绝,提示与市场部赵敏11月16日录入的线索重复。"
    "我的接触早于市场录入,申请认定为自拓客户。"
)

# -- word lists ---------------------------------------------------------------------------
CITIES = {
    "EAST": ("上海", "杭州", "苏州", "南京", "宁波", "合肥", "无锡", "温州"),
    "SOUTH": ("深圳", "广州", "厦门", "东莞", "佛山", "南宁", "珠海", "福州"),
    "NORTH": ("北京", "天津", "石家庄", "济南", "郑州", "青岛", "太原", "大连"),
    "SOUTHWEST": ("成都", "重庆", "贵阳", "昆明", "绵阳", "南充"),
}
BRAND_CHARS = (
    "华星云海天宇恒信达远博瑞鼎新智创联合盛安泰和嘉优品源汇通正科锐德顺宏图铭启航"
    "睿英泽鸿凯越蓝辰晟禾森楷朗卓逸辉腾骏澜峰锦"
)
INDUSTRIES: tuple[tuple[str, str], ...] = (
    # industry, a word of the company name
    ("软件和信息技术", "信息技术"),
    ("软件和信息技术", "软件"),
    ("电子商务", "电子商务"),
    ("智能制造", "智能装备"),
    ("智能制造", "精密制造"),
    ("金融服务", "金融信息服务"),
    ("医疗健康", "医疗科技"),
    ("教育培训", "教育科技"),
    ("物流供应链", "供应链管理"),
    ("零售连锁", "商贸"),
    ("文化传媒", "文化传媒"),
    ("新能源", "新能源科技"),
    ("建筑工程", "建设工程"),
    ("餐饮服务", "餐饮管理"),
    ("汽车及零部件", "汽车零部件"),
    ("政务与公共服务", "数字科技"),
)
ENTERPRISE_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司")
SMB_SUFFIXES = ("有限公司", "有限公司", "工作室", "商行")
PRODUCTS = (
    "云服务器ECS",
    "对象存储OSS",
    "云数据库RDS",
    "CDN加速",
    "企业邮箱",
    "Web应用防火墙",
    "大数据平台",
    "数据可视化",
    "短信服务",
    "视频直播",
    "实施与技术服务",
    "运维托管服务",
)
LOST_REASONS = (
    "客户预算不足",
    "选择了竞争对手",
    "需求暂缓,明年再议",
    "多次联系不上客户",
    "价格未谈拢",
    "客户内部决策流程搁置",
)
MARKETING_LOST_REASONS = ("多次联系不上客户", "客户无明确采购需求", "重复咨询,已有在跟进线索")
UNQUALIFIED_REASON = "未通过线索质量审核"
UNQUALIFIED_NOTE = "联系信息不全,不符合线索合格标准"
REFUND_REASONS = (
    "部分服务未交付,退还对应款项",
    "客户缩减采购规模",
    "价格调整,退还差价",
    "服务期调整,按比例退款",
)
CANCEL_REASONS = ("客户取消采购", "合同条款未达成一致,双方协商解除", "客户预算被收回")
COLLECTION_NOTES = ("对公转账", "银行转账", "平台结算", "支付宝企业付款", "承兑汇票")
REFERRERS = ("老客户转介绍", "合作伙伴推荐", "行业协会推荐")
EMAIL_DOMAIN = "customer.example"

"""The fixed shape of the demo company 星河云服 (``/work/shared/DEMO.md``).

Plain data: entities, regions, the department tree, job families and levels, posts
with their criteria and competencies, platforms and their sales teams, and the word
lists the names are drawn from. Company data is Chinese (it is what HR would type);
only the console output of the commands is translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# The "today" of the story: hire dates, tenure and history are laid out around it.
TODAY = date(2026, 11, 23)
FIRST_HIRE = date(2018, 11, 26)
DEFAULT_SEED = 20261123
PASSWORD = "demo12345"  # noqa: S105 - the published password of the demo logins
EMAIL_DOMAIN = "xinghecloud.example"

GROUP = "GROUP"
ENTITIES: tuple[tuple[str, str, str | None], ...] = (
    # code, name, parent
    (GROUP, "星河集团", None),
    ("SH", "星河云服(上海)有限公司", GROUP),
    ("SZ", "星河云服(深圳)有限公司", GROUP),
)
# Base part of the unified social credit codes; the check character is computed.
CREDIT_CODE_BASES = {
    GROUP: "91310000MA1K4XH00",
    "SH": "91310115MA1H9XH01",
    "SZ": "91440300MA5FXH002",
}

REGIONS: tuple[tuple[str, str, str], ...] = (
    # code, name, employing entity
    ("EAST", "华东", "SH"),
    ("SOUTH", "华南", "SZ"),
    ("NORTH", "华北", "SH"),
    ("SOUTHWEST", "西南", "SZ"),
)
REGION_ENTITY = {code: entity for code, _name, entity in REGIONS}
REGION_NAMES = {code: name for code, name, _entity in REGIONS}

# Area codes (first six digits of ID numbers) people of a region tend to come from.
AREA_CODES = {
    "EAST": ("310101", "310104", "310115", "320102", "320505", "330106", "340104"),
    "SOUTH": ("440103", "440106", "440304", "440305", "350203", "450103"),
    "NORTH": ("110105", "110108", "120101", "130102", "370102", "410105"),
    "SOUTHWEST": ("510104", "510107", "500103", "520102", "530102"),
}

FAMILIES: tuple[tuple[str, str], ...] = (("SALES", "销售"), ("MKT", "市场"), ("FUNC", "职能"))
LEVELS: tuple[tuple[str, str, int, str], ...] = (
    # code, name, rank, family
    ("S1", "S1 代表", 1, "SALES"),
    ("S2", "S2 资深代表", 2, "SALES"),
    ("S3", "S3 经理", 3, "SALES"),
    ("S4", "S4 总监", 4, "SALES"),
    ("S5", "S5 副总裁", 5, "SALES"),
    ("M1", "M1 专员", 1, "MKT"),
    ("M2", "M2 高级专员", 2, "MKT"),
    ("M3", "M3 经理", 3, "MKT"),
    ("M4", "M4 总监", 4, "MKT"),
    ("F1", "F1 专员", 1, "FUNC"),
    ("F2", "F2 高级专员", 2, "FUNC"),
    ("F3", "F3 经理", 3, "FUNC"),
    ("F4", "F4 总监", 4, "FUNC"),
    ("F5", "F5 总经理", 5, "FUNC"),
)


@dataclass(frozen=True)
class Post:
    code: str
    name: str
    family: str
    level: str
    pay_structure: str
    description: str
    next: str | None = None
    ladder_order: int | None = None
    is_sales_post: bool = False
    criteria: tuple[tuple[str, dict[str, Any]], ...] = ()
    competencies: tuple[tuple[str, str, str], ...] = ()  # name, description, reference
    # monthly base band in hundreds of yuan for someone hired into the post today
    band: tuple[int, int] = (70, 90)


POSTS: tuple[Post, ...] = (
    Post(
        "REP",
        "商务代表",
        "SALES",
        "S1",
        "底薪 + 提成",
        "负责所在平台的企业客户开发与成交:线索跟进、需求调研、方案演示、报价签约与回款跟进,"
        "维护客户关系并及时录入CRM。",
        next="SREP",
        ladder_order=1,
        is_sales_post=True,
        band=(75, 86),
        competencies=(
            ("客户沟通", "能清楚了解客户需求并跟进到成交", "COMMUNICATION"),
            ("产品知识", "熟悉公司云服务产品线与报价规则", "PRODUCT"),
            ("抗压与自驱", "在目标压力下保持节奏,主动开拓客户", "RESILIENCE"),
        ),
    ),
    Post(
        "SREP",
        "高级商务代表",
        "SALES",
        "S2",
        "底薪 + 提成 + 奖金",
        "独立负责重点企业客户的全周期经营,主导技术服务类项目的商务谈判,"
        "承担客户拓展指标,并带教新入职的商务代表。",
        next="MGR",
        ladder_order=2,
        is_sales_post=True,
        band=(92, 106),
        criteria=(
            ("tenure_years", {"min_years": 3}),
            (
                "metric_threshold",
                {"metric": "sales_amount", "window_months": 12, "min_value": 80_000_000},
            ),
            ("client_count", {"min_count": 30, "client_kind": "enterprise"}),
        ),
        competencies=(
            (
                "云计算/大数据知识",
                "能向企业客户讲清云计算与大数据产品的价值和落地方案",
                "TECH_CLOUD",
            ),
            ("独立谈判", "能独立完成技术服务类项目的商务谈判与签约", "NEGOTIATION"),
            ("带教新人", "能带教新入职的商务代表,分享客户经营方法", "COACHING"),
        ),
    ),
    Post(
        "MGR",
        "商务经理",
        "SALES",
        "S3",
        "底薪 + 提成 + 奖金 + 股权",
        "带领平台销售团队完成业绩目标:目标拆解、过程辅导、绩效评估、人员招聘与团队建设。",
        next="DIR",
        ladder_order=3,
        is_sales_post=True,
        band=(150, 190),
        criteria=(
            ("tenure_years", {"min_years": 5}),
            (
                "metric_threshold",
                {"metric": "sales_amount", "window_months": 24, "min_value": 240_000_000},
            ),
            ("client_count", {"min_count": 50, "client_kind": "enterprise"}),
            (
                "metric_threshold",
                {"metric": "collection_rate", "window_months": 12, "min_value": "0.9"},
            ),
        ),
        competencies=(
            ("团队管理", "能组建并带领销售团队,处理团队冲突", "TEAM_MANAGEMENT"),
            ("目标拆解与辅导", "能把团队目标拆到人并做过程辅导", "PERFORMANCE_COACHING"),
            ("大客户经营", "能经营千万级大客户关系", "KEY_ACCOUNT"),
            ("跨部门协作", "与市场、交付、财务顺畅协作", "COLLABORATION"),
        ),
    ),
    Post(
        "DIR",
        "销售总监",
        "SALES",
        "S4",
        "底薪 + 团队业绩奖金 + 股权",
        "负责一个大区的销售经营:区域目标、平台布局、经理梯队建设与重大客户决策。",
        ladder_order=4,
        is_sales_post=True,
        band=(280, 340),
        criteria=(
            ("tenure_years", {"min_years": 8}),
            ("certificate", {"name": "销售管理师(高级)"}),
        ),
        competencies=(
            ("战略规划", "能制定区域年度经营策略", "STRATEGY"),
            ("组织建设", "能搭建经理梯队与人才储备", "ORGANISATION"),
            ("经营分析", "能基于数据做区域经营分析与决策", "BUSINESS_ANALYSIS"),
        ),
    ),
    Post(
        "VP",
        "销售副总裁",
        "SALES",
        "S5",
        "年薪 + 股权",
        "统筹全国销售中心与各平台的经营目标和资源配置。",
        is_sales_post=True,
        band=(450, 450),
    ),
    Post(
        "MKS",
        "市场专员",
        "MKT",
        "M1",
        "底薪 + 线索奖励",
        "策划并执行市场活动与内容投放,获取并初步筛选销售线索,按规范移交销售。",
        next="SMKS",
        band=(75, 90),
        competencies=(
            ("内容策划", "能独立完成活动与内容策划", "CONTENT"),
            ("数据分析", "能用数据评估渠道与线索质量", "DATA_ANALYSIS"),
        ),
    ),
    Post(
        "SMKS",
        "高级市场专员",
        "MKT",
        "M2",
        "底薪 + 线索奖励 + 奖金",
        "负责一个渠道或产品线的市场获客,对线索质量与转化率负责。",
        next="MKM",
        band=(100, 120),
        competencies=(
            ("渠道运营", "能独立运营一个获客渠道", "CHANNEL"),
            ("数据分析", "能用数据评估渠道与线索质量", "DATA_ANALYSIS"),
        ),
    ),
    Post(
        "MKM",
        "市场经理",
        "MKT",
        "M3",
        "底薪 + 奖金",
        "带领市场小组完成获客目标与品牌计划。",
        next="MKD",
        band=(160, 200),
    ),
    Post(
        "MKD",
        "市场总监",
        "MKT",
        "M4",
        "底薪 + 奖金 + 股权",
        "负责公司品牌与市场获客。",
        band=(300, 300),
    ),
    Post(
        "HRS",
        "人力资源专员",
        "FUNC",
        "F1",
        "月薪 + 年终奖",
        "负责招聘、入离职、考勤与员工档案等人事事务。",
        next="HRBP",
        band=(70, 85),
    ),
    Post(
        "HRBP",
        "人力资源业务伙伴",
        "FUNC",
        "F2",
        "月薪 + 年终奖",
        "对接一个大区的业务团队,负责组织、人才与绩效工作。",
        next="HRM",
        band=(110, 140),
    ),
    Post(
        "HRM",
        "人力资源经理",
        "FUNC",
        "F3",
        "月薪 + 年终奖",
        "负责薪酬绩效、竞聘与人事制度,配置激励方案与考核模板。",
        next="HRD",
        band=(160, 180),
    ),
    Post(
        "HRD",
        "人力资源总监",
        "FUNC",
        "F4",
        "月薪 + 年终奖 + 股权",
        "负责集团人力资源工作。",
        band=(280, 280),
    ),
    Post("CASH", "出纳", "FUNC", "F1", "月薪 + 年终奖", "负责资金收付与银行对账。", band=(65, 75)),
    Post(
        "ACC",
        "会计",
        "FUNC",
        "F1",
        "月薪 + 年终奖",
        "负责核算、应收与提成结算。",
        next="FM",
        band=(80, 95),
    ),
    Post(
        "FM",
        "财务经理",
        "FUNC",
        "F3",
        "月薪 + 年终奖",
        "负责提成与薪资的审核、发放和结账。",
        next="CFO",
        band=(170, 170),
    ),
    Post(
        "CFO",
        "财务总监",
        "FUNC",
        "F4",
        "月薪 + 年终奖 + 股权",
        "负责集团财务与资金。",
        band=(350, 350),
    ),
    Post(
        "AUD",
        "内审专员",
        "FUNC",
        "F2",
        "月薪 + 年终奖",
        "审查业务与财务流程、激励发放和人事变动的合规性。",
        band=(100, 120),
    ),
    Post(
        "AUDM",
        "内审经理",
        "FUNC",
        "F3",
        "月薪 + 年终奖",
        "负责内部审计计划与报告。",
        band=(180, 180),
    ),
    Post("CEO", "总经理", "FUNC", "F5", "年薪 + 股权", "全面负责公司经营。", band=(600, 600)),
)
POSTS_BY_CODE = {p.code: p for p in POSTS}


@dataclass(frozen=True)
class Team:
    """A sales platform and the team that sells on it."""

    platform: str
    name: str
    launched_on: date
    region: str
    size: int  # members below the managers, active today
    groups: int = 1  # how many 商务经理 lead the team
    new: bool = False

    @property
    def department(self) -> str:
        return f"S-{self.platform}"

    @property
    def department_name(self) -> str:
        return self.name if self.name.endswith("部") else f"{self.name}组"

    @property
    def entity(self) -> str:
        return REGION_ENTITY[self.region]


TEAMS: tuple[Team, ...] = (
    Team("WEB", "官网直销", date(2016, 3, 1), "EAST", 22, 2),
    Team("GOV", "政企大客户部", date(2017, 6, 1), "EAST", 8, 1),
    Team("JD", "京东企业购", date(2018, 4, 2), "EAST", 20, 2),
    Team("DOUYIN", "抖音企业号", date(2026, 3, 2), "EAST", 10, 1, new=True),
    Team("TMALL", "天猫企业店", date(2017, 9, 1), "SOUTH", 22, 2),
    Team("GLOBAL", "海外站", date(2020, 8, 3), "SOUTH", 12, 1),
    Team("WXSHOP", "视频号小店", date(2026, 5, 6), "SOUTH", 8, 1, new=True),
    Team("ALI1688", "阿里1688", date(2016, 11, 1), "NORTH", 18, 2),
    Team("OFFLINE", "线下渠道", date(2015, 1, 5), "NORTH", 20, 2),
    Team("XHS", "小红书企业号", date(2026, 7, 1), "NORTH", 7, 1, new=True),
    Team("AGENT", "代理商渠道", date(2015, 6, 1), "SOUTHWEST", 16, 2),
    Team("WXMINI", "微信小程序商城", date(2019, 5, 20), "SOUTHWEST", 14, 1),
)
TEAMS_BY_PLATFORM = {t.platform: t for t in TEAMS}


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    parent: str | None
    entity: str
    region: str | None = None


def departments() -> list[Dept]:
    """The department tree, parents before children."""
    tree = [
        Dept("HQ", "总部", None, "SH"),
        Dept("SALES", "销售中心", "HQ", "SH"),
    ]
    for code, name, entity in REGIONS:
        tree.append(Dept(f"S-{code}", f"{name}销售部", "SALES", entity, code))
    for team in TEAMS:
        tree.append(
            Dept(
                team.department, team.department_name, f"S-{team.region}", team.entity, team.region
            )
        )
    tree.append(Dept("MKT", "市场部", "HQ", "SH"))
    tree.extend(Dept(code, name, "MKT", "SH") for code, name, _size in MARKETING_GROUPS)
    tree.append(Dept("HR", "人力资源部", "HQ", "SH"))
    tree.append(Dept("FIN", "财务部", "HQ", "SH"))
    tree.append(Dept("AUDIT", "内审部", "HQ", "SH"))
    return tree


MARKETING_GROUPS: tuple[tuple[str, str, int], ...] = (
    # department code, name, specialists
    ("MKT-BRAND", "品牌组", 7),
    ("MKT-CONTENT", "内容运营组", 8),
    ("MKT-LEADS", "线索运营组", 9),
    ("MKT-CHANNEL", "渠道市场组", 8),
    ("MKT-DIGITAL", "数字营销组", 8),
)


@dataclass(frozen=True)
class StoryLogin:
    """A person with a story: their login, role grant and what the demo shows of them."""

    login: str
    name: str
    role: str  # meritline.core.access.Role value
    region: str | None = None  # HRBP scope


STORY_LOGINS: tuple[StoryLogin, ...] = (
    StoryLogin("wangfang", "王芳", "hr_admin"),
    StoryLogin("liqiang", "李强", "hrbp", region="EAST"),
    StoryLogin("zhangwei", "张伟", "sales_manager"),
    StoryLogin("chenjing", "陈静", "employee"),
    StoryLogin("liuyang", "刘洋", "employee"),
    StoryLogin("sunlei", "孙磊", "employee"),
    StoryLogin("zhengkai", "郑凯", "employee"),
    StoryLogin("huanglei", "黄蕾", "employee"),
    StoryLogin("zhaomin", "赵敏", "employee"),
    StoryLogin("zhouting", "周婷", "finance"),
    StoryLogin("wuhao", "吴昊", "auditor"),
)
STORY_NAMES = frozenset(s.name for s in STORY_LOGINS)

# The most common surnames come first; they are drawn more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
MALE_CHARS = (
    "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳晨"
    "博文峰亮东志海宏建振轩然睿天嘉毅哲诚康"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀玲燕萍红婷雪琳晶妍茜倩颖璐佳欣怡瑶雯蕾梦悦琪慧洁丹莉薇晓雅诗可彤涵宁嘉"
)
PHONE_PREFIXES = "138 139 136 137 135 150 151 158 159 186 187 188 177 189 133 153 181 199"

TRANSFER_REASONS = ("团队调整", "个人申请调岗", "区域业务调整", "业务重组,平台团队合并")
NEW_PLATFORM_TRANSFER = "新平台组建,调岗支援"
NEW_PLATFORM_LEAD = "竞聘晋升并调任新平台团队负责人"
REPORTING_CHANGE = "汇报关系调整"
SALES_PROMOTION = "竞聘晋升:%s→%s"
PROMOTION = "晋升:%s→%s"
PROMOTION_RAISE = "竞聘晋升,底薪上调15%"
PROMOTION_RAISE_OTHER = "晋升调薪"
ANNUAL_RAISE = "年度调薪"

LEAVE_REASONS: tuple[tuple[str, str, int], ...] = (
    # reason, note, weight
    ("resigned", "个人职业发展", 6),
    ("resigned", "家庭原因,回老家发展", 3),
    ("resigned", "薪资期望未满足", 3),
    ("resigned", "继续深造", 1),
    ("contract_ended", "劳动合同到期不续签", 2),
    ("dismissed", "严重违反公司制度", 1),
    ("other", "协商解除劳动合同", 1),
)

CERTIFICATES = {
    # family: (name, issuer, years valid or 0)
    "SALES": (
        ("阿里云ACP云计算认证", "阿里云", 2),
        ("华为HCIA-Cloud认证", "华为", 3),
        ("腾讯云从业者认证", "腾讯云", 3),
        ("销售管理师(中级)", "中国商业联合会", 0),
        ("PMP项目管理专业人士", "PMI", 3),
    ),
    "MKT": (
        ("CDA数据分析师(一级)", "CDA数据科学研究院", 0),
        ("巨量引擎营销认证", "巨量引擎", 1),
        ("Google Analytics认证", "Google", 1),
    ),
    "HR": (("企业人力资源管理师(二级)", "人力资源和社会保障部", 0),),
    "FIN": (
        ("初级会计专业技术资格", "财政部", 0),
        ("中级会计专业技术资格", "财政部", 0),
        ("注册会计师(CPA)", "中国注册会计师协会", 0),
    ),
    "AUDIT": (("国际注册内部审计师(CIA)", "国际内部审计师协会", 0),),
}
COURSES = {
    # family: (course, hours)
    "SALES": (
        ("云计算产品知识", 8),
        ("大客户谈判技巧", 12),
        ("顾问式销售实战", 16),
        ("带教导师训练营", 12),
        ("合规与反商业贿赂", 4),
        ("CRM系统操作", 4),
    ),
    "MKT": (("数据驱动营销", 12), ("内容策划与短视频运营", 8), ("合规与反商业贿赂", 4)),
    "FUNC": (("劳动法实务", 8), ("合规与反商业贿赂", 4), ("Excel数据分析", 8)),
}
ONBOARDING_COURSE = ("新员工入职培训", 16)

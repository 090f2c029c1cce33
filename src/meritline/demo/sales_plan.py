"""Two years of the demo company's sales as plain data, computed from a seed.

``make_sales_plan(plan, seed)`` walks day by day through the history: every rep who
holds a selling post on a platform that day (from the people plan's assignments) may
sign deals, with seasonal demand, platforms growing at their own pace and the three
2026 platforms ramping up from their launch. A deal is either a repurchase by one of
the rep's accounts or a new customer won through a lead (from marketing, found by the
rep, or referred). Accounts pass to a colleague when their rep leaves or moves. Then
come the refunds and cancellations, the collections (paid in instalments, so recent
deals are partly unpaid), the leads that were lost or are still open, and finally the
story people's figures are set exactly (``sales_catalogue``). No database is touched:
the same seed and people give the same plan.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from meritline.demo import catalogue as c
from meritline.demo import sales_catalogue as s
from meritline.demo.plan import Plan, add_years, workday
from meritline.sales import normalise

DAY = timedelta(days=1)
START, END = s.HISTORY
W_START, W_END = s.LAST_12_MONTHS
CLOSE = datetime.combine(END, time(17, 30))  # nothing in the history happens later
MARKETING, SELF_SOURCED, REFERRAL = s.SOURCE_KINDS
ENTERPRISE, SMB = "enterprise", "smb"
LAUNCHES = {t.platform: t.launched_on for t in c.TEAMS}
NEW_PLATFORMS = frozenset(t.platform for t in c.TEAMS if t.new)
REGION_OF = {t.platform: t.region for t in c.TEAMS}


# -- the plan -----------------------------------------------------------------------------
@dataclass
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(eq=False)
class CustomerP:
    platform: str
    region: str
    kind: str
    industry: int  # index into ``sales_catalogue.INDUSTRIES``
    size: float  # how much it buys against the platform's median
    signed: list[date] = field(default_factory=list)
    name: str = ""
    contact: Contact = field(default_factory=Contact)
    external_id: str = ""


@dataclass
class StepP:
    step: str
    at: datetime
    owner: str | None  # employee number


@dataclass
class ReviewP:
    at: datetime
    reviewer: str  # login
    standard: date  # valid_from of the standard in force when the lead was entered
    qualified: bool


@dataclass(eq=False)
class LeadP:
    platform: str
    source_kind: str
    bringer: str | None  # employee number of whoever brought it
    owner: str | None  # the rep who received it
    steps: list[StepP]
    customer: CustomerP | None = None
    referrer: str = ""
    lost_reason: str = ""
    review: ReviewP | None = None
    review_note: str = ""
    region: str = ""
    company: str = ""
    contact: Contact = field(default_factory=Contact)
    missing: tuple[str, ...] = ()  # contact fields the lead lacks (unqualified leads)
    story: bool = False
    external_id: str = ""

    @property
    def entered_at(self) -> datetime:
        return self.steps[0].at

    @property
    def current(self) -> StepP:
        return self.steps[-1]

    def at(self, step: str) -> datetime | None:
        return next((x.at for x in self.steps if x.step == step), None)


@dataclass
class LineP:
    """A collection or a refund (``cancel``: a cancellation refunding all that remains)."""

    day: date
    amount_fen: int
    note: str
    cancel: bool = False
    external_id: str = ""


@dataclass(eq=False)
class DealP:
    signed_on: date
    platform: str
    customer: CustomerP
    owner: str
    amount_fen: int
    lead: LeadP | None
    products: tuple[str, ...]
    splits: list[tuple[str, Decimal]]
    cost_fen: int = 0
    refunds: list[LineP] = field(default_factory=list)
    collections: list[LineP] = field(default_factory=list)
    number: str = ""

    @property
    def cancelled(self) -> bool:
        return any(r.cancel for r in self.refunds)

    @property
    def refunded_fen(self) -> int:
        return sum(r.amount_fen for r in self.refunds)

    @property
    def collected_fen(self) -> int:
        return sum(x.amount_fen for x in self.collections)

    @property
    def cancelled_on(self) -> date | None:
        return max(r.day for r in self.refunds) if self.cancelled else None


@dataclass
class SalesPlan:
    seed: int
    customers: list[CustomerP]
    leads: list[LeadP]
    deals: list[DealP]

    @property
    def dispute_lead(self) -> LeadP:
        return next(lead for lead in self.leads if lead.story)


# -- who sells and who brings leads ----------------------------------------------------
@dataclass(frozen=True)
class Stint:
    """Selling on ``platform`` from ``start`` to ``end`` inclusive (``senior``: 高级商务代表)."""

    platform: str
    start: date
    end: date
    senior: bool


@dataclass
class Seller:
    no: str
    login: str | None
    hired: date
    stints: list[Stint]
    rate: float
    size: float
    enterprise: float | None
    convert: float

    def on(self, day: date) -> Stint | None:
        for stint in self.stints:
            if stint.start <= day <= stint.end:
                return stint
        return None

    def platform_since(self, day: date) -> date:
        """The first day of the unbroken run on the platform held on ``day``."""
        stint = self.on(day)
        assert stint is not None
        first = stint.start
        for other in reversed(self.stints):
            if other.end == first - DAY and other.platform == stint.platform:
                first = other.start
        return first


@dataclass
class Marketer:
    no: str
    login: str | None
    start: date
    end: date
    weight: float
    convert: float


def _sellers(plan: Plan, rng: random.Random) -> list[Seller]:
    sellers = []
    for person in sorted(plan.people, key=lambda p: p.employee_no):
        stints = [
            Stint(seg.platform, seg.valid_from, seg.valid_to or END, seg.post == "SREP")
            for seg in person.segments
            if seg.post in s.SELLING_POSTS and seg.platform
        ]
        stints = [x for x in _merged(stints) if x.end >= START and x.start <= END]
        if not stints:
            continue
        base = s.CHANNELS[stints[-1].platform]
        rate, size, enterprise, convert = s.STORY_SELLERS.get(
            person.login or "",
            (
                rng.lognormvariate(0, 0.3),
                rng.lognormvariate(0, 0.15),
                None,
                min(0.6, max(0.12, base.convert * rng.lognormvariate(0, 0.25))),
            ),
        )
        sellers.append(
            Seller(
                person.employee_no,
                person.login,
                person.hire_date,
                stints,
                rate,
                size,
                enterprise,
                convert,
            )
        )
    return sellers


def _merged(stints: list[Stint]) -> list[Stint]:
    merged: list[Stint] = []
    for stint in stints:
        last = merged[-1] if merged else None
        if (
            last
            and last.platform == stint.platform
            and last.senior == stint.senior
            and last.end + DAY == stint.start
        ):
            merged[-1] = Stint(last.platform, last.start, stint.end, last.senior)
        else:
            merged.append(stint)
    return merged


def _marketers(plan: Plan, rng: random.Random) -> list[Marketer]:
    found = []
    for person in sorted(plan.people, key=lambda p: p.employee_no):
        spans = [seg for seg in person.segments if seg.post in s.MARKETING_POSTS]
        if not spans:
            continue
        start, end = spans[0].valid_from, spans[-1].valid_to or END
        if end < START:
            continue
        weight = s.MARKETING_WEIGHTS.get(spans[-1].dept, 0.5)
        weight *= 1.2 if spans[-1].post == "SMKS" else 1.0
        if person.login == "zhaomin":
            weight *= s.ZHAOMIN_WEIGHT
        convert = rng.uniform(0.16, 0.32)
        found.append(Marketer(person.employee_no, person.login, start, end, weight, convert))
    return found


# -- the calendar -----------------------------------------------------------------------
def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += DAY


def season(day: date) -> float:
    factor = s.MONTH_FACTORS[day.month]
    for festival in s.SPRING_FESTIVAL:
        offset = (day - festival).days
        if -7 <= offset <= 10:
            factor *= 0.15
        elif -14 <= offset <= 17:
            factor *= 0.6
    (m1, d1), (m2, d2) = s.NATIONAL_DAY
    if date(day.year, m1, d1) <= day <= date(day.year, m2, d2):
        factor *= 0.2
    return factor


def demand(platform: str, day: date) -> float:
    """How much a platform sells on ``day`` against its full speed (growth or ramp-up)."""
    if platform in NEW_PLATFORMS:
        months = (day - LAUNCHES[platform]).days / 30.4
        return min(1.5, 0.05 + 0.2 * months) if months >= 0 else 0.0
    years = (day - START).days / 365
    return float((1 + s.CHANNELS[platform].growth) ** years)


def at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60))


def in_window(day: date) -> bool:
    return W_START <= day <= W_END


# -- the planner ------------------------------------------------------------------------
class _Planner:
    def __init__(self, plan: Plan, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"{seed}/sales")
        self.sellers = _sellers(plan, self.rng)
        self.by_login = {x.login: x for x in self.sellers if x.login}
        self.marketers = _marketers(plan, self.rng)
        self.zhaomin = next(m for m in self.marketers if m.login == "zhaomin")
        self.story = {x.no for x in self.sellers if x.login}
        self.exact = {self.by_login["chenjing"].no, self.by_login["liuyang"].no}
        self.customers: list[CustomerP] = []
        self.leads: list[LeadP] = []
        self.deals: list[DealP] = []
        self.books: dict[tuple[str, str], list[CustomerP]] = defaultdict(list)

    # -- drawing ------------------------------------------------------------------------
    def between(self, low: date, high: date) -> date:
        return low + timedelta(days=self.rng.randint(0, max((high - low).days, 0)))

    def busy_day(self, low: date, high: date) -> date:
        """A day in [low, high], on a working day and in a busy season more often."""
        for _ in range(20):
            day = self.between(low, high)
            if day.weekday() < 5 and self.rng.random() < season(day) / 1.5:
                return day
        return self.between(low, high)

    def office_time(self, day: date, first: int = 9 * 60, last: int = 18 * 60) -> datetime:
        return at(day, self.rng.randint(first, last))

    def source_kind(self, platform: str) -> str:
        return self.rng.choices(s.SOURCE_KINDS, weights=s.CHANNELS[platform].sources)[0]

    def marketer_on(self, day: date, exclude: Marketer | None = None) -> Marketer | None:
        active = [m for m in self.marketers if m.start <= day <= m.end and m is not exclude]
        if not active:
            return None
        return self.rng.choices(active, weights=[m.weight for m in active])[0]

    def colleague(self, day: date, platform: str, me: str) -> Seller | None:
        """Another rep (no story person) selling on ``platform`` on ``day``."""
        found = [
            x
            for x in self.sellers
            if x.no != me
            and x.no not in self.story
            and (st := x.on(day))
            and st.platform == platform
        ]
        return self.rng.choice(found) if found else None

    def referrer_on(self, day: date, platform: str, me: str) -> Seller | None:
        """A rep on another platform who passes a contact on."""
        found = [
            x for x in self.sellers if x.no != me and (st := x.on(day)) and st.platform != platform
        ]
        return self.rng.choice(found) if found else None

    def amount(self, platform: str, kind: str, size: float, seller: Seller, day: date) -> int:
        ch = s.CHANNELS[platform]
        yuan = (ch.ent if kind == ENTERPRISE else ch.smb) * size * seller.size
        yuan *= self.rng.lognormvariate(0, 0.45)
        if seller.login == "zhengkai" and day >= s.ZHENGKAI_SLUMP:
            yuan *= s.ZHENGKAI_AFTER[1]
        return fen_of(yuan)

    # -- deals --------------------------------------------------------------------------
    def rate(self, seller: Seller, stint: Stint, day: date) -> float:
        ch = s.CHANNELS[stint.platform]
        value = ch.rate * seller.rate * demand(stint.platform, day) * season(day)
        value *= ch.weekend if day.weekday() >= 5 else 1.0
        value *= 1.2 if stint.senior else 1.0
        new_hire = (day - seller.hired).days
        if new_hire < 90:
            value *= 0.3 + 0.7 * new_hire / 90
        if seller.login == "zhengkai" and day >= s.ZHENGKAI_SLUMP:
            value *= s.ZHENGKAI_AFTER[0]
        if seller.login == "huanglei" and stint.platform == "DOUYIN":
            value *= s.HUANGLEI_NEW_PLATFORM
        return min(value, 0.9)

    def history(self) -> None:
        ends: dict[date, list[tuple[Seller, Stint]]] = defaultdict(list)
        for seller in self.sellers:
            for stint in seller.stints:
                following = seller.on(stint.end + DAY)
                if stint.end < END and (following is None or following.platform != stint.platform):
                    ends[stint.end + DAY].append((seller, stint))
        orphans: dict[str, list[CustomerP]] = defaultdict(list)
        for day in days(START, END):
            for seller, stint in ends.get(day, ()):
                orphans[stint.platform].extend(self.books.pop((seller.no, stint.platform), []))
            active = [(x, st) for x in self.sellers if (st := x.on(day))]
            for platform, waiting in orphans.items():
                takers = [x for x, st in active if st.platform == platform]
                if waiting and takers:
                    for customer in waiting:
                        taker = self.rng.choice(takers)
                        self.books[(taker.no, platform)].append(customer)
                    waiting.clear()
            for seller, stint in active:
                if self.rng.random() < self.rate(seller, stint, day):
                    self.deal(seller, stint.platform, day)

    def deal(self, seller: Seller, platform: str, day: date, kind: str | None = None) -> DealP:
        book = self.books[(seller.no, platform)]
        eligible = [x for x in book if x.signed[-1] <= day - timedelta(days=30)]
        k = 2 if platform == "GOV" else 4
        if (
            kind is None
            and eligible
            and self.rng.random() < min(0.8, len(eligible) / (len(eligible) + k))
        ):
            customer = self.rng.choice(eligible)
            lead = None
            amount = self.amount(platform, customer.kind, customer.size * 0.85, seller, day)
        else:
            customer = self.new_customer(seller, platform, kind)
            lead = self.won_lead(seller, platform, customer, day)
            amount = self.amount(platform, customer.kind, customer.size, seller, day)
        return self.sign(seller, platform, day, customer, lead, amount)

    def sign(
        self,
        seller: Seller,
        platform: str,
        day: date,
        customer: CustomerP,
        lead: LeadP | None,
        amount: int,
    ) -> DealP:
        splits = [(seller.no, Decimal(1))]
        if seller.no not in self.story and self.rng.random() < s.SPLIT:
            partner = self.colleague(day, platform, seller.no)
            if partner is not None:
                share = Decimal(self.rng.choice(("0.5", "0.6", "0.7")))
                splits = [(seller.no, share), (partner.no, Decimal(1) - share)]
        products = tuple(self.rng.sample(s.PRODUCTS, self.rng.choice((1, 1, 2, 2, 3))))
        deal = DealP(day, platform, customer, seller.no, amount, lead, products, splits)
        customer.signed.append(day)
        customer.signed.sort()
        self.deals.append(deal)
        return deal

    def new_customer(self, seller: Seller, platform: str, kind: str | None = None) -> CustomerP:
        share = (
            seller.enterprise if seller.enterprise is not None else s.CHANNELS[platform].enterprise
        )
        if kind is None:
            kind = ENTERPRISE if self.rng.random() < share else SMB
        region = REGION_OF[platform]
        if self.rng.random() < 0.3:
            region = self.rng.choice([code for code, _n, _e in c.REGIONS])
        customer = CustomerP(
            platform=platform,
            region=region,
            kind=kind,
            industry=self.rng.randrange(len(s.INDUSTRIES)),
            size=self.rng.lognormvariate(0, 0.35),
        )
        self.customers.append(customer)
        self.books[(seller.no, platform)].append(customer)
        return customer

    # -- leads ----------------------------------------------------------------------------
    def won_lead(self, seller: Seller, platform: str, customer: CustomerP, day: date) -> LeadP:
        ch = s.CHANNELS[platform]
        cycle = self.rng.randint(*ch.cycle)
        cycle = min(cycle, (day - max(seller.platform_since(day), START)).days)
        entered = day - timedelta(days=cycle)
        signed = self.office_time(day, 10 * 60, 17 * 60)
        first = self.office_time(entered) if cycle else self.office_time(day, 8 * 60, 9 * 60 + 30)
        kind, bringer, referrer = self.origin(platform, entered, seller)
        span = signed - first
        fast = kind != MARKETING
        visited = first + span * self.rng.uniform(0.0, 0.05 if fast else 0.1)
        received = visited + (
            min(timedelta(minutes=self.rng.randint(5, 90)), span * 0.1)
            if fast
            else span * self.rng.uniform(0.02, 0.1)
        )
        intent = received + (signed - received) * self.rng.uniform(0.3, 0.8)
        times = [("entered", first), ("visited", visited), ("received", received)]
        times += [("intent", intent), ("contract", signed)]
        settled = signed + timedelta(days=self.rng.randint(2, 12), hours=self.rng.randint(-2, 2))
        if settled <= CLOSE:
            times.append(("settled", settled))
        lead = self.lead(platform, kind, bringer, referrer, seller.no, times)
        lead.customer = customer
        return lead

    def origin(self, platform: str, day: date, seller: Seller) -> tuple[str, str | None, str]:
        """Where a lead came from: kind, who brought it, the referrer's name."""
        kind = self.source_kind(platform)
        if kind == MARKETING:
            marketer = self.marketer_on(day)
            if marketer is not None:
                return kind, marketer.no, ""
            kind = SELF_SOURCED
        if kind == REFERRAL:
            if self.rng.random() < 0.35 and (other := self.referrer_on(day, platform, seller.no)):
                return kind, other.no, ""
            return kind, None, self.rng.choice(s.REFERRERS)
        return SELF_SOURCED, seller.no, ""

    def lead(
        self,
        platform: str,
        kind: str,
        bringer: str | None,
        referrer: str,
        owner: str | None,
        times: list[tuple[str, datetime]],
    ) -> LeadP:
        """A lead with its steps. The steps before reception belong to whoever brought it;
        a marketing lead has no owner until sales receives it."""
        steps = []
        received = False
        for step, moment in times:
            received = received or step == "received"
            who = owner if received or kind == SELF_SOURCED else (bringer or owner)
            steps.append(StepP(step, moment.replace(second=0, microsecond=0), who))
        lead = LeadP(
            platform=platform,
            source_kind=kind,
            bringer=bringer,
            owner=owner if received or kind != MARKETING else None,
            steps=steps,
            referrer=referrer,
        )
        if kind == MARKETING and lead.at("visited"):
            self.review(lead, qualified=True)
        self.leads.append(lead)
        return lead

    def review(self, lead: LeadP, *, qualified: bool) -> None:
        """The quality review, between the visit and the reception (LED-2)."""
        visited = lead.at("visited")
        assert visited is not None
        received = lead.at("received") or visited + timedelta(hours=4)
        moment = (visited + (received - visited) / 2).replace(second=0, microsecond=0)
        standard = max(day for day, *_rest in s.STANDARDS if day <= lead.entered_at.date())
        reviewer = "zhangwei" if lead.platform == "GOV" else "wangfang"
        lead.review = ReviewP(moment, reviewer, standard, qualified)
        if not qualified:
            lead.review_note = s.UNQUALIFIED_NOTE
            lead.missing = (
                ("contact_phone", "contact_email")
                if standard < s.TRANSFORMATION
                else self.rng.choice((("contact_name",), ("contact_phone",)))
            )

    def lost_leads(self) -> None:
        """Leads the reps received but did not win: lost, or still open if recent."""
        won = Counter(lead.owner for lead in self.leads if lead.customer is not None)
        for seller in self.sellers:
            stints = [
                Stint(x.platform, max(x.start, START), min(x.end, END), x.senior)
                for x in seller.stints
            ]
            count = round(won[seller.no] * (1 / seller.convert - 1))
            count = count or self.rng.randint(2, 6)
            weights = [(x.end - x.start).days + 1 for x in stints]
            for _ in range(count):
                self.rep_lead(seller, self.rng.choices(stints, weights=weights)[0])
        huanglei = self.by_login["huanglei"]
        douyin = next(x for x in huanglei.stints if x.platform == "DOUYIN")
        for _ in range(s.HUANGLEI_EXTRA_OPEN_LEADS):
            recent = Stint("DOUYIN", max(douyin.start, END - timedelta(days=40)), END, False)
            self.rep_lead(huanglei, recent, keep_open=True)

    def rep_lead(self, seller: Seller, stint: Stint, keep_open: bool = False) -> LeadP:
        ongoing = stint.end == END
        latest = stint.end if ongoing else max(stint.start, stint.end - timedelta(days=5))
        first = self.office_time(self.busy_day(stint.start, latest), 9 * 60, 16 * 60)
        cap = CLOSE if ongoing else at(stint.end, 17 * 60)
        kind, bringer, referrer = self.origin(stint.platform, first.date(), seller)
        visited = first + timedelta(hours=self.rng.uniform(1, 48))
        received = visited + timedelta(hours=self.rng.uniform(0.2, 72))
        intent = received + timedelta(days=self.rng.uniform(2, 25))
        times = [("entered", first), ("visited", visited), ("received", received)]
        if self.rng.random() < 0.45:
            times.append(("intent", intent))
        lost = times[-1][1] + timedelta(days=self.rng.uniform(2, 40))
        if keep_open:
            lost = CLOSE + DAY
        times = [(step, moment) for step, moment in times if moment <= cap]
        lead = self.lead(stint.platform, kind, bringer, referrer, seller.no, times)
        if lost <= cap or not ongoing:
            self.lose(lead, min(lost, cap), self.rng.choice(s.LOST_REASONS))
        return lead

    def lose(self, lead: LeadP, moment: datetime, reason: str) -> None:
        moment = max(moment.replace(second=0, microsecond=0), lead.current.at)
        lead.steps.append(StepP("lost", moment, lead.current.owner))
        lead.lost_reason = reason

    def marketing_leads(self) -> None:
        """Leads marketing brought that never reached sales, so that each specialist's
        conversion lands where it is."""
        brought = Counter(lead.bringer for lead in self.leads if lead.source_kind == MARKETING)
        won = Counter(
            lead.bringer
            for lead in self.leads
            if lead.source_kind == MARKETING and lead.customer is not None
        )
        for marketer in self.marketers:
            if marketer is self.zhaomin:
                continue
            wanted = round(won[marketer.no] / marketer.convert) or self.rng.randint(5, 15)
            for _ in range(max(0, wanted - brought[marketer.no])):
                self.unreceived_lead(marketer)

    def unreceived_lead(self, marketer: Marketer, low: date = START, high: date = END) -> LeadP:
        low, high = max(low, marketer.start), min(high, marketer.end)
        day = self.busy_day(low, high)
        platforms = [p for p in s.CHANNELS if LAUNCHES[p] <= day]
        weights = [s.CHANNELS[p].sources[0] * (1.5 if p in NEW_PLATFORMS else 1) for p in platforms]
        platform = self.rng.choices(platforms, weights=weights)[0]
        first = self.office_time(day, 9 * 60, 16 * 60)
        cap = CLOSE if marketer.end == END else at(marketer.end, 17 * 60)
        visited = first + timedelta(hours=self.rng.uniform(2, 48))
        times = [("entered", first)] + ([("visited", visited)] if visited <= cap else [])
        lead = self.lead(platform, MARKETING, marketer.no, "", None, times)
        if lead.review is not None and self.rng.random() < 0.4:
            self.review(lead, qualified=False)
            self.lose(lead, lead.review.at + timedelta(hours=1), s.UNQUALIFIED_REASON)
            return lead
        lost = lead.current.at + timedelta(days=self.rng.uniform(1, 12))
        if lost <= cap or marketer.end < END:
            self.lose(lead, min(lost, cap), self.rng.choice(s.MARKETING_LOST_REASONS))
        return lead

    # -- the story people ---------------------------------------------------------------
    def sunlei_lead(self) -> None:
        """赵敏's lead for the company 孙磊 says he found first: visited, awaiting sales."""
        (d1, h1, m1), (d2, h2, m2) = s.SUNLEI_ENTERED, s.SUNLEI_VISITED
        times = [("entered", at(d1, h1 * 60 + m1)), ("visited", at(d2, h2 * 60 + m2))]
        lead = self.lead("WEB", MARKETING, self.zhaomin.no, "", None, times)
        lead.story = True
        lead.company = s.SUNLEI_COMPANY
        lead.region = "EAST"
        lead.contact = Contact(*s.SUNLEI_CONTACT)

    def zhaomin_gate(self) -> None:
        """Her leads of the last 12 months convert near the gate: won ÷ brought just under
        20 % (``ZHAOMIN_CONVERSION``), as ``conversion_rate`` by source counts them."""
        mine = [
            lead
            for lead in self.leads
            if lead.bringer == self.zhaomin.no and in_window(lead.entered_at.date())
        ]
        won = sum(1 for lead in mine if lead.at("contract"))
        wanted = round(won / s.ZHAOMIN_CONVERSION)
        for _ in range(wanted - len(mine)):
            self.unreceived_lead(self.zhaomin, W_START, W_END)
        extra = len(mine) - wanted
        spare = [lead for lead in mine if lead.owner is None and not lead.story]
        for lead in spare[: max(0, extra)]:
            self.leads.remove(lead)
        # Still too many: some of the leads sales lost were brought by a colleague of hers.
        lost = [lead for lead in mine if lead.owner is not None and not lead.at("contract")]
        for lead in lost[: max(0, extra - len(spare))]:
            other = self.marketer_on(lead.entered_at.date(), exclude=self.zhaomin)
            assert other is not None
            for step in lead.steps:
                step.owner = other.no if step.owner == lead.bringer else step.owner
            lead.bringer = other.no

    def renewals(self, seller: Seller) -> None:
        """Every enterprise client of hers renews in the last 12 months (annual contracts)."""
        renewed = {id(x) for x in self.clients(seller, window=True)}
        for customer in self.clients(seller, window=False):
            if customer.kind == ENTERPRISE and id(customer) not in renewed:
                day = customer.signed[-1] + timedelta(days=365 + self.rng.randint(-20, 20))
                day = workday(min(max(day, W_START), END - timedelta(days=3)))
                stint = seller.on(day)
                assert stint is not None and stint.platform == customer.platform
                amount = self.amount(customer.platform, ENTERPRISE, customer.size, seller, day)
                self.sign(seller, customer.platform, day, customer, None, amount)

    def credited(self, seller: Seller) -> list[DealP]:
        return [
            d
            for d in self.deals
            if not d.cancelled and any(no == seller.no for no, _share in d.splits)
        ]

    def clients(self, seller: Seller, *, window: bool) -> list[CustomerP]:
        found: dict[int, CustomerP] = {}
        for deal in self.credited(seller):
            if not window or in_window(deal.signed_on):
                found.setdefault(id(deal.customer), deal.customer)
        return list(found.values())

    def enterprise_clients(self, login: str, target: int) -> None:
        """Exactly ``target`` enterprise clients with deals in the last 12 months."""
        seller = self.by_login[login]
        current = [x for x in self.clients(seller, window=True) if x.kind == ENTERPRISE]
        for customer in self.rng.sample(current, max(0, len(current) - target)):
            customer.kind = SMB
        smb = [x for x in self.clients(seller, window=True) if x.kind == SMB]
        self.rng.shuffle(smb)
        missing = target - len(current)
        for customer in smb[: max(0, missing)]:
            customer.kind = ENTERPRISE
        for _ in range(missing - len(smb)):
            stint = seller.on(END)
            assert stint is not None
            day = workday(self.between(max(W_START, stint.start), END - timedelta(days=7)))
            self.deal(seller, stint.platform, day, kind=ENTERPRISE)

    def sales(self, seller: Seller, first: date, last: date) -> int:
        """The seller's sales_amount from ``first`` to ``last`` (as the metrics engine
        counts it: deals signed then, less refunds dated then; none of them split)."""
        mine = self.credited(seller)
        signed = sum(d.amount_fen for d in mine if first <= d.signed_on <= last)
        return signed - sum(r.amount_fen for d in mine for r in d.refunds if first <= r.day <= last)

    def set_sales(self, login: str, target: int, first: date = W_START, last: date = W_END) -> None:
        """Exactly ``target`` fen of sales_amount from ``first`` to ``last``: the amounts
        of the deals signed then (and not refunded) are scaled to fit, the rest lands on
        the largest."""
        seller = self.by_login[login]
        free = [d for d in self.credited(seller) if first <= d.signed_on <= last and not d.refunds]
        need = target - self.sales(seller, first, last) + sum(d.amount_fen for d in free)
        total = sum(d.amount_fen for d in free)
        for deal in free:
            deal.amount_fen = max(50_000, round(deal.amount_fen * need / total / 10_000) * 10_000)
        largest = max(free, key=lambda d: (d.amount_fen, d.signed_on))
        largest.amount_fen += need - sum(d.amount_fen for d in free)
        if largest.amount_fen <= 0:
            raise RuntimeError(f"cannot set the sales of {login} to {target}")

    def slump(self) -> None:
        """郑凯 misses his target from the slump on: each quarter since brings at most a
        quarter of what his quarters brought in the year before."""
        seller = self.by_login["zhengkai"]
        year_before = (add_years(s.ZHENGKAI_SLUMP, -1), s.ZHENGKAI_SLUMP - DAY)
        ceiling = self.sales(seller, *year_before) // 4 // 4
        for first, last in quarters(s.ZHENGKAI_SLUMP, END):
            has_deals = any(
                first <= d.signed_on <= last and not d.refunds for d in self.credited(seller)
            )
            if has_deals and self.sales(seller, first, last) > ceiling:
                self.set_sales("zhengkai", ceiling * 4 // 5 // 10_000 * 10_000, first, last)

    # -- money after the signature ----------------------------------------------------
    def refunds(self) -> None:
        for deal in self.deals:
            draw = self.rng.random()
            if draw < s.CANCELLED and deal.owner not in self.exact:
                day = deal.signed_on + timedelta(days=self.rng.randint(2, 20))
                if day <= END:
                    reason = self.rng.choice(s.CANCEL_REASONS)
                    deal.refunds.append(LineP(day, deal.amount_fen, reason, cancel=True))
            elif draw < s.CANCELLED + s.PARTIAL_REFUND:
                day = deal.signed_on + timedelta(days=self.rng.randint(15, 120))
                if day <= END:
                    yuan = deal.amount_fen * self.rng.uniform(0.1, 0.4) / 100
                    amount = max(100, round(yuan)) * 100
                    deal.refunds.append(LineP(day, amount, self.rng.choice(s.REFUND_REASONS)))

    def collections(self) -> None:
        for deal in self.deals:
            deal.cost_fen = round(deal.amount_fen * self.rng.uniform(0.45, 0.72) / 100) * 100
            if deal.cancelled:
                continue
            net = deal.amount_fen - deal.refunded_fen
            options = s.PAYMENT_PLANS[s.CHANNELS[deal.platform].payment]
            instalments = self.rng.choices(
                [plan for _w, plan in options], weights=[w for w, _plan in options]
            )[0]
            parts = [round(net * share / 100) * 100 for share, _low, _high in instalments[:-1]]
            parts.append(net - sum(parts))
            if len(parts) > 1 and self.rng.random() < s.BAD_DEBT:
                parts.pop()  # the customer never pays the last instalment
            day = deal.signed_on
            for number, (amount, (_share, low, high)) in enumerate(
                zip(parts, instalments, strict=False)
            ):
                day = max(day, deal.signed_on + timedelta(days=self.rng.randint(low, high)))
                if amount <= 0 or day > END:
                    break
                note = self.rng.choice(s.COLLECTION_NOTES)
                if len(instalments) > 1:
                    note = f"{note} 第{number + 1}期"
                deal.collections.append(LineP(day, amount, note))

    # -- names, contacts and keys ----------------------------------------------------
    def names(self) -> None:
        taken = {normalise.company_name(s.SUNLEI_COMPANY)}
        phones = {s.SUNLEI_CONTACT[1]}
        for customer in self.customers:
            customer.name = self.company(customer.region, customer.kind, customer.industry, taken)
            customer.contact = self.contact(phones, f"kh{len(phones):05d}", email=0.75)
        for lead in self.leads:
            if lead.story:
                continue
            if lead.customer is not None:
                lead.company = lead.customer.name
                lead.region = lead.customer.region
                lead.contact = Contact(**vars(lead.customer.contact))
            else:
                lead.region = REGION_OF[lead.platform]
                if self.rng.random() < 0.3:
                    lead.region = self.rng.choice([code for code, _n, _e in c.REGIONS])
                kind = (
                    ENTERPRISE if self.rng.random() < s.CHANNELS[lead.platform].enterprise else SMB
                )
                industry = self.rng.randrange(len(s.INDUSTRIES))
                lead.company = self.company(lead.region, kind, industry, taken)
                lead.contact = self.contact(phones, f"xs{len(phones):05d}", email=0.5)
            for missing in lead.missing:
                setattr(lead.contact, missing.removeprefix("contact_"), "")

    def company(self, region: str, kind: str, industry: int, taken: set[str]) -> str:
        suffixes = s.ENTERPRISE_SUFFIXES if kind == ENTERPRISE else s.SMB_SUFFIXES
        word = s.INDUSTRIES[industry][1]
        while True:
            city = self.rng.choice(s.CITIES[region])
            brand = "".join(self.rng.sample(s.BRAND_CHARS, 2))
            name = f"{city}{brand}{word}{self.rng.choice(suffixes)}"
            key = normalise.company_name(name)
            if key not in taken:
                taken.add(key)
                return name

    def contact(self, phones: set[str], mailbox: str, *, email: float) -> Contact:
        gender = self.rng.choice("MF")
        chars = c.MALE_CHARS if gender == "M" else c.FEMALE_CHARS
        surname = c.SURNAMES[int(len(c.SURNAMES) * self.rng.random() ** 2)]
        given = self.rng.choice(chars) + (self.rng.choice(chars) if self.rng.random() < 0.7 else "")
        phone = ""
        while not phone or phone in phones:
            prefix = self.rng.choice(c.PHONE_PREFIXES.split())
            phone = f"{prefix}{self.rng.randint(0, 99_999_999):08d}"
        phones.add(phone)
        address = f"{mailbox}@{s.EMAIL_DOMAIN}" if self.rng.random() < email else ""
        return Contact(surname + given, phone, address)

    def keys(self) -> None:
        self.deals.sort(key=lambda d: (d.signed_on, d.owner, d.amount_fen))
        for number, deal in enumerate(self.deals, start=1):
            deal.number = f"HT{deal.signed_on:%Y%m}{number:05d}"
        order = {id(x): i for i, x in enumerate(self.customers)}
        self.customers.sort(key=lambda x: (x.signed[0], order[id(x)]))
        for number, customer in enumerate(self.customers, start=1):
            customer.external_id = f"KH{number:06d}"
        order = {id(x): i for i, x in enumerate(self.leads)}
        self.leads.sort(key=lambda x: (x.entered_at, order[id(x)]))
        for number, lead in enumerate(self.leads, start=1):
            lead.external_id = f"XS{number:07d}"
        lines = sorted(
            (
                (x.day, deal.number, i, x)
                for deal in self.deals
                for i, x in enumerate(deal.collections)
            ),
            key=lambda t: t[:3],
        )
        for number, (*_key, line) in enumerate(lines, start=1):
            line.external_id = f"HK{number:07d}"
        lines = sorted(
            ((x.day, deal.number, i, x) for deal in self.deals for i, x in enumerate(deal.refunds)),
            key=lambda t: t[:3],
        )
        for number, (*_key, line) in enumerate(lines, start=1):
            line.external_id = f"TK{number:06d}"


def quarters(first: date, last: date) -> list[tuple[date, date]]:
    """The calendar quarters from the one holding ``first``, the last cut at ``last``."""
    found = []
    start = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    while start <= last:
        following = add_months(start, 3)
        found.append((start, min(following - DAY, last)))
        start = following
    return found


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fen_of(yuan: float) -> int:
    """A contract amount as people write it: whole hundreds (tens below 2,000 yuan)."""
    step = 100 if yuan >= 2_000 else 10
    return max(500, round(yuan / step) * step) * 100


def make_sales_plan(plan: Plan, seed: int | None = None) -> SalesPlan:
    planner = _Planner(plan, plan.seed if seed is None else seed)
    planner.history()
    chenjing = planner.by_login["chenjing"]
    planner.renewals(chenjing)
    planner.enterprise_clients("chenjing", s.CHENJING_ENTERPRISE)
    planner.enterprise_clients("liuyang", s.LIUYANG_ENTERPRISE)
    planner.refunds()
    planner.set_sales("chenjing", s.CHENJING_SALES_FEN)
    planner.set_sales("liuyang", s.LIUYANG_SALES_FEN)
    planner.slump()
    planner.collections()
    planner.lost_leads()
    planner.marketing_leads()
    planner.sunlei_lead()
    planner.zhaomin_gate()
    planner.names()
    planner.keys()
    return SalesPlan(planner.seed, planner.customers, planner.leads, planner.deals)

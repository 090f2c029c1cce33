"""The people of the demo company as plain data, computed from a seed.

``make_plan(seed)`` draws every person, their career steps, reporting lines, salary
history, certificates and training from ``random.Random(seed)`` and touches no
database: the same seed gives the same plan (fetch → compute → persist).

Reporting lines come from *nodes* (a team, a region, a department, the CEO): a step
says which node a person answers to and, for leaders, which node they lead from that
day. A person's manager on a day is the leader of the nearest node up the chain that
has one, so a team without a manager yet reports to its regional director, and every
manager was already in post when someone reported to them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from meritline.core.money import apply_rate
from meritline.demo import catalogue as c
from meritline.org.id_numbers import check_digit


@dataclass(frozen=True)
class Step:
    """From ``on``, the person holds ``post`` in ``dept`` and answers to node ``boss``."""

    on: date
    post: str
    dept: str
    boss: str | None
    platform: str | None = None
    reason: str = ""  # empty on the first step: the builder writes "Hired"
    leads: str | None = None  # node this person leads from ``on``


@dataclass
class Segment:
    valid_from: date
    valid_to: date | None
    dept: str
    post: str
    manager: int | None  # Person.key
    platform: str | None
    reason: str


@dataclass
class Person:
    key: int
    name: str
    gender: str
    entity: str
    region: str | None
    family: str  # SALES, MKT, HR, FIN, AUDIT: which certificates and courses fit
    steps: list[Step]
    login: str | None = None
    leave: tuple[date, str, str] | None = None  # date, reason, note
    employee_no: str = ""
    email: str = ""
    phone: str = ""
    id_number: str = ""
    segments: list[Segment] = field(default_factory=list)
    salaries: list[tuple[date, int, str]] = field(default_factory=list)
    certificates: list[tuple[str, str, date, date | None]] = field(default_factory=list)
    trainings: list[tuple[str, date, Decimal, Decimal | None]] = field(default_factory=list)

    @property
    def hire_date(self) -> date:
        return self.steps[0].on

    @property
    def end(self) -> date:
        return self.leave[0] if self.leave else c.TODAY


@dataclass
class Plan:
    seed: int
    people: list[Person]  # in employee-number order

    def by_key(self) -> dict[int, Person]:
        return {p.key: p for p in self.people}

    def by_login(self) -> dict[str, Person]:
        return {p.login: p for p in self.people if p.login}


def make_plan(seed: int = c.DEFAULT_SEED) -> Plan:
    planner = _Planner(seed)
    planner.leaders()
    planner.story_people()
    planner.sales_teams()
    planner.functions()
    planner.leavers()
    return planner.finish()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def month_start(day: date) -> date:
    """The first of the month on or after ``day`` (promotions and moves start on the 1st)."""
    if day.day == 1:
        return day
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def round_hundred(fen: int) -> int:
    """To whole hundreds of yuan, as salaries are set."""
    return (fen + 5_000) // 10_000 * 10_000


def _node(team: c.Team, group: int) -> str:
    return f"team:{team.platform}:{group}"


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# Where the story people sit in the sales teams (they count towards the team sizes).
_STORY_SLOTS = {("GOV", 0): 1, ("TMALL", 0): 1, ("WEB", 0): 1, ("JD", 1): 1, ("DOUYIN", 0): 1}
_DAY = timedelta(days=1)


class _Planner:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.people: list[Person] = []
        self.leaders_of: dict[str, list[tuple[date, int]]] = defaultdict(list)
        self.names = set(c.STORY_NAMES)
        self.parents: dict[str, str | None] = {
            "ceo": None,
            "vp": "ceo",
            "dept:MKT": "ceo",
            "dept:HR": "ceo",
            "dept:FIN": "ceo",
            "dept:AUDIT": "ceo",
            "hrm": "dept:HR",
            "fm": "dept:FIN",
        }
        for code, _name, _entity in c.REGIONS:
            self.parents[f"region:{code}"] = "vp"
        for team in c.TEAMS:
            for group in range(team.groups):
                self.parents[_node(team, group)] = f"region:{team.region}"
        for code, _name, _size in c.MARKETING_GROUPS:
            self.parents[f"group:{code}"] = "dept:MKT"

    # -- drawing -------------------------------------------------------------------
    def between(self, low: date, high: date) -> date:
        return low + timedelta(days=self.rng.randint(0, max((high - low).days, 0)))

    def recent(self, low: date, high: date) -> date:
        """A day in [low, high], more often recent: the company grows and people leave."""
        span = max((high - low).days, 0)
        return low + timedelta(days=int(span * self.rng.random() ** 0.7))

    def name(self, gender: str) -> str:
        surnames = c.SURNAMES
        chars = c.MALE_CHARS if gender == "M" else c.FEMALE_CHARS
        while True:
            # Common surnames first: squaring the draw favours the front of the list.
            surname = surnames[int(len(surnames) * self.rng.random() ** 2)]
            given = self.rng.choice(chars)
            if self.rng.random() < 0.7:
                given += self.rng.choice(chars)
            full = surname + given
            if full not in self.names and given[0] != surname:
                self.names.add(full)
                return full

    def add(
        self,
        steps: list[Step],
        *,
        entity: str,
        family: str,
        region: str | None = None,
        name: str | None = None,
        gender: str | None = None,
        login: str | None = None,
        leave: tuple[date, str, str] | None = None,
    ) -> Person:
        gender = gender or self.rng.choice("MF")
        person = Person(
            key=len(self.people),
            name=name or self.name(gender),
            gender=gender,
            entity=entity,
            region=region,
            family=family,
            steps=steps,
            login=login,
            leave=leave,
        )
        for step in steps:
            if step.leads:
                self.leaders_of[step.leads].append((step.on, person.key))
        self.people.append(person)
        return person

    def mature_teams(self, entity: str, exclude: c.Team | None = None) -> list[c.Team]:
        return [t for t in c.TEAMS if not t.new and t.entity == entity and t is not exclude]

    # -- who ------------------------------------------------------------------------
    def leaders(self) -> None:
        self.add(
            [Step(c.FIRST_HIRE, "CEO", "HQ", None, leads="ceo")],
            entity="SH",
            family="FUNC",
            gender="M",
        )
        self.add(
            [Step(date(2019, 1, 14), "VP", "SALES", "ceo", leads="vp")], entity="SH", family="SALES"
        )
        for code, _name, entity in c.REGIONS:
            hired = workday(self.between(date(2019, 2, 18), date(2020, 6, 30)))
            self.add(
                [Step(hired, "DIR", f"S-{code}", "vp", leads=f"region:{code}")],
                entity=entity,
                region=code,
                family="SALES",
            )
        heads = (
            ("MKD", "MKT", date(2019, 3, 11), "MKT"),
            ("HRD", "HR", date(2019, 2, 25), "HR"),
            ("CFO", "FIN", date(2019, 1, 21), "FIN"),
            ("AUDM", "AUDIT", date(2020, 1, 6), "AUDIT"),
        )
        for post, dept, hired, family in heads:
            self.add(
                [Step(hired, post, dept, "ceo", leads=f"dept:{dept}")], entity="SH", family=family
            )

    def story_people(self) -> None:
        sales = c.SALES_PROMOTION
        names = {p.code: p.name for p in c.POSTS}
        add = self.add
        add(
            [
                Step(date(2019, 8, 12), "HRS", "HR", "hrm"),
                Step(
                    date(2021, 7, 1),
                    "HRM",
                    "HR",
                    "dept:HR",
                    reason=c.PROMOTION % (names["HRS"], names["HRM"]),
                    leads="hrm",
                ),
            ],
            entity="SH",
            family="HR",
            name="王芳",
            gender="F",
            login="wangfang",
        )
        add(
            [Step(date(2020, 10, 19), "HRBP", "HR", "dept:HR")],
            entity="SH",
            family="HR",
            name="李强",
            gender="M",
            login="liqiang",
        )
        add(
            [
                Step(date(2018, 12, 10), "REP", "S-GOV", "team:GOV:0", "GOV"),
                Step(
                    date(2021, 12, 13),
                    "SREP",
                    "S-GOV",
                    "team:GOV:0",
                    "GOV",
                    reason=sales % (names["REP"], names["SREP"]),
                ),
                Step(
                    date(2022, 6, 1),
                    "MGR",
                    "S-GOV",
                    "region:EAST",
                    "GOV",
                    reason=sales % (names["SREP"], names["MGR"]),
                    leads="team:GOV:0",
                ),
            ],
            entity="SH",
            region="EAST",
            family="SALES",
            name="张伟",
            gender="M",
            login="zhangwei",
        )
        chenjing = add(
            [Step(date(2022, 7, 11), "REP", "S-GOV", "team:GOV:0", "GOV")],
            entity="SH",
            region="EAST",
            family="SALES",
            name="陈静",
            gender="F",
            login="chenjing",
        )
        chenjing.salaries = [
            (date(2022, 7, 11), 720_000, ""),
            (date(2024, 4, 1), 760_000, c.ANNUAL_RAISE),
            (date(2025, 4, 1), 800_000, c.ANNUAL_RAISE),
        ]
        chenjing.certificates = [
            ("阿里云ACP云计算认证", "阿里云", date(2025, 10, 20), date(2027, 10, 19)),
        ]
        chenjing.trainings = [
            ("新员工入职培训", date(2022, 7, 22), Decimal(16), None),
            ("云计算产品知识", date(2022, 9, 16), Decimal(8), Decimal("91.5")),
            ("大客户谈判技巧", date(2024, 5, 24), Decimal(12), Decimal("88.0")),
            ("带教导师训练营", date(2025, 11, 14), Decimal(12), Decimal("93.0")),
        ]
        add(
            [Step(date(2022, 5, 16), "REP", "S-TMALL", "team:TMALL:0", "TMALL")],
            entity="SZ",
            region="SOUTH",
            family="SALES",
            name="刘洋",
            gender="M",
            login="liuyang",
        )
        add(
            [Step(date(2024, 3, 4), "REP", "S-WEB", "team:WEB:0", "WEB")],
            entity="SH",
            region="EAST",
            family="SALES",
            name="孙磊",
            gender="M",
            login="sunlei",
        )
        add(
            [Step(date(2021, 9, 6), "REP", "S-JD", "team:JD:1", "JD")],
            entity="SH",
            region="EAST",
            family="SALES",
            name="郑凯",
            gender="M",
            login="zhengkai",
        )
        add(
            [
                Step(date(2023, 4, 10), "REP", "S-JD", "team:JD:0", "JD"),
                Step(
                    date(2026, 3, 2),
                    "REP",
                    "S-DOUYIN",
                    "team:DOUYIN:0",
                    "DOUYIN",
                    reason=c.NEW_PLATFORM_TRANSFER,
                ),
            ],
            entity="SH",
            region="EAST",
            family="SALES",
            name="黄蕾",
            gender="F",
            login="huanglei",
        )
        add(
            [Step(date(2023, 2, 13), "MKS", "MKT-LEADS", "group:MKT-LEADS")],
            entity="SH",
            family="MKT",
            name="赵敏",
            gender="F",
            login="zhaomin",
        )
        add(
            [Step(date(2020, 4, 7), "FM", "FIN", "dept:FIN", leads="fm")],
            entity="SH",
            family="FIN",
            name="周婷",
            gender="F",
            login="zhouting",
        )
        add(
            [Step(date(2021, 5, 10), "AUD", "AUDIT", "dept:AUDIT")],
            entity="SH",
            family="AUDIT",
            name="吴昊",
            gender="M",
            login="wuhao",
        )

    def sales_teams(self) -> None:
        for team in c.TEAMS:
            for group, size in enumerate(_split(team.size, team.groups)):
                if not self.leaders_of[_node(team, group)]:
                    self.team_manager(team, group)
                for _ in range(size - _STORY_SLOTS.get((team.platform, group), 0)):
                    self.sales_member(team, group)

    def team_manager(self, team: c.Team, group: int) -> None:
        node, boss = _node(team, group), f"region:{team.region}"
        names = {p.code: p.name for p in c.POSTS}
        if team.new:
            source = self.rng.choice(self.mature_teams(team.entity))
            src_node = _node(source, self.rng.randrange(source.groups))
            hired = workday(self.between(c.FIRST_HIRE, date(2021, 6, 30)))
            senior = month_start(add_years(hired, 3) + timedelta(days=self.rng.randint(30, 300)))
            steps = [
                Step(hired, "REP", source.department, src_node, source.platform),
                Step(
                    senior,
                    "SREP",
                    source.department,
                    src_node,
                    source.platform,
                    reason=c.SALES_PROMOTION % (names["REP"], names["SREP"]),
                ),
                Step(
                    team.launched_on,
                    "MGR",
                    team.department,
                    boss,
                    team.platform,
                    reason=c.NEW_PLATFORM_LEAD,
                    leads=node,
                ),
            ]
        elif self.rng.random() < 0.5:
            hired = workday(self.between(max(c.FIRST_HIRE, team.launched_on), date(2020, 6, 30)))
            senior = month_start(add_years(hired, 3) + timedelta(days=self.rng.randint(30, 150)))
            manager = month_start(senior + timedelta(days=self.rng.randint(300, 700)))
            steps = [
                Step(hired, "REP", team.department, node, team.platform),
                Step(
                    senior,
                    "SREP",
                    team.department,
                    node,
                    team.platform,
                    reason=c.SALES_PROMOTION % (names["REP"], names["SREP"]),
                ),
                Step(
                    manager,
                    "MGR",
                    team.department,
                    boss,
                    team.platform,
                    reason=c.SALES_PROMOTION % (names["SREP"], names["MGR"]),
                    leads=node,
                ),
            ]
        else:
            low = max(c.FIRST_HIRE + timedelta(days=60), team.launched_on)
            hired = workday(self.between(low, date(2022, 6, 30)))
            steps = [Step(hired, "MGR", team.department, boss, team.platform, leads=node)]
        self.add(steps, entity=team.entity, region=team.region, family="SALES")

    def sales_member(
        self, team: c.Team, group: int, leave: tuple[date, str, str] | None = None
    ) -> None:
        end = leave[0] if leave else c.TODAY
        node = _node(team, group)
        start_team, start_node = team, node
        move: tuple[date, str] | None = None
        if team.new and self.rng.random() < 0.5:
            start_team = self.rng.choice(self.mature_teams(team.entity))
            start_node = _node(start_team, self.rng.randrange(start_team.groups))
            hired = workday(self.recent(c.FIRST_HIRE, team.launched_on - timedelta(days=365)))
            move = (team.launched_on, c.NEW_PLATFORM_TRANSFER)
        elif team.new:
            hired = workday(self.between(team.launched_on, end - timedelta(days=14)))
        else:
            low = max(c.FIRST_HIRE, team.launched_on)
            hired = workday(self.recent(low, end - timedelta(days=14)))
            if self.rng.random() < 0.12 and (end - hired).days > 540:
                start_team = self.rng.choice(self.mature_teams(team.entity, exclude=team))
                start_node = _node(start_team, self.rng.randrange(start_team.groups))
                moved = month_start(
                    self.between(hired + timedelta(days=365), end - timedelta(days=60))
                )
                move = (moved, self.rng.choice(c.TRANSFER_REASONS))
        promoted: date | None = None
        if (end - hired).days > 3 * 365 + 30 and self.rng.random() < 0.45:
            day = month_start(add_years(hired, 3) + timedelta(days=self.rng.randint(0, 420)))
            if day < end - timedelta(days=14) and (move is None or day != move[0]):
                promoted = day
        names = {p.code: p.name for p in c.POSTS}
        events: list[tuple[date, str]] = [(hired, "hire")]
        if move:
            events.append((move[0], "move"))
        if promoted:
            events.append((promoted, "promote"))
        steps: list[Step] = []
        post, where, boss = "REP", start_team, start_node
        for day, kind in sorted(events):
            reason = ""
            if kind == "move":
                where, boss = team, node
                reason = move[1] if move else ""
            elif kind == "promote":
                post = "SREP"
                reason = c.SALES_PROMOTION % (names["REP"], names["SREP"])
            steps.append(Step(day, post, where.department, boss, where.platform, reason=reason))
        self.add(steps, entity=team.entity, region=team.region, family="SALES", leave=leave)

    def functions(self) -> None:
        names = {p.code: p.name for p in c.POSTS}
        for code, _name, size in c.MARKETING_GROUPS:
            node = f"group:{code}"
            if self.rng.random() < 0.5:
                hired = workday(self.between(date(2019, 4, 1), date(2020, 12, 31)))
                senior = month_start(add_years(hired, 2) + timedelta(days=self.rng.randint(0, 200)))
                manager = month_start(senior + timedelta(days=self.rng.randint(300, 600)))
                steps = [
                    Step(hired, "MKS", code, node),
                    Step(
                        senior,
                        "SMKS",
                        code,
                        node,
                        reason=c.PROMOTION % (names["MKS"], names["SMKS"]),
                    ),
                    Step(
                        manager,
                        "MKM",
                        code,
                        "dept:MKT",
                        reason=c.PROMOTION % (names["SMKS"], names["MKM"]),
                        leads=node,
                    ),
                ]
            else:
                hired = workday(self.between(date(2019, 4, 1), date(2023, 6, 30)))
                steps = [Step(hired, "MKM", code, "dept:MKT", leads=node)]
            self.add(steps, entity="SH", family="MKT")
            for _ in range(size - (1 if code == "MKT-LEADS" else 0)):
                self.specialist(code, node)
        for _ in range(3):
            hired = workday(self.between(date(2019, 6, 3), date(2024, 6, 28)))
            self.add([Step(hired, "HRBP", "HR", "dept:HR")], entity="SH", family="HR")
        for post, dept, boss, count, family in (
            ("HRS", "HR", "hrm", 6, "HR"),
            ("ACC", "FIN", "fm", 7, "FIN"),
            ("CASH", "FIN", "fm", 3, "FIN"),
            ("AUD", "AUDIT", "dept:AUDIT", 1, "AUDIT"),
        ):
            for _ in range(count):
                hired = workday(self.recent(date(2019, 3, 4), c.TODAY - timedelta(days=14)))
                self.add([Step(hired, post, dept, boss)], entity="SH", family=family)

    def specialist(self, code: str, node: str, leave: tuple[date, str, str] | None = None) -> None:
        end = leave[0] if leave else c.TODAY
        hired = workday(self.recent(date(2019, 4, 1), end - timedelta(days=14)))
        steps = [Step(hired, "MKS", code, node)]
        if (end - hired).days > 2 * 365 + 60 and self.rng.random() < 0.4:
            day = month_start(add_years(hired, 2) + timedelta(days=self.rng.randint(0, 300)))
            if day < end - timedelta(days=14):
                steps.append(
                    Step(
                        day,
                        "SMKS",
                        code,
                        node,
                        reason=c.PROMOTION
                        % (c.POSTS_BY_CODE["MKS"].name, c.POSTS_BY_CODE["SMKS"].name),
                    )
                )
        self.add(steps, entity="SH", family="MKT", leave=leave)

    def leave(self) -> tuple[date, str, str]:
        weights = [w for _r, _n, w in c.LEAVE_REASONS]
        reason, note, _w = self.rng.choices(c.LEAVE_REASONS, weights=weights)[0]
        day = workday(self.between(date(2022, 1, 4), c.TODAY - timedelta(days=10)))
        return day, reason, note

    def leavers(self) -> None:
        mature = [t for t in c.TEAMS if not t.new]
        for _ in range(22):
            team = self.rng.choices(mature, weights=[t.size for t in mature])[0]
            self.sales_member(team, self.rng.randrange(team.groups), leave=self.leave())
        for _ in range(3):
            code = self.rng.choice(c.MARKETING_GROUPS)[0]
            self.specialist(code, f"group:{code}", leave=self.leave())
        for post, dept, boss, family in (("HRS", "HR", "hrm", "HR"), ("ACC", "FIN", "fm", "FIN")):
            leave = self.leave()
            hired = workday(self.between(date(2019, 3, 4), leave[0] - timedelta(days=150)))
            self.add([Step(hired, post, dept, boss)], entity="SH", family=family, leave=leave)

    # -- history ----------------------------------------------------------------------
    def manager_on(self, node: str | None, day: date, me: int) -> int | None:
        while node is not None:
            held = [key for since, key in self.leaders_of.get(node, ()) if since <= day]
            if held and held[-1] != me:
                return held[-1]
            node = self.parents[node]
        return None

    def changes_below(
        self, node: str | None, after: date, until: date | None, me: int
    ) -> set[date]:
        days: set[date] = set()
        while node is not None:
            for since, key in self.leaders_of.get(node, ()):
                if key != me and since > after and (until is None or since <= until):
                    days.add(since)
            node = self.parents[node]
        return days

    def segments(self, person: Person) -> list[Segment]:
        result: list[Segment] = []
        for index, step in enumerate(person.steps):
            following = person.steps[index + 1] if index + 1 < len(person.steps) else None
            until = (
                following.on - _DAY if following else (person.leave[0] if person.leave else None)
            )
            starts = [step.on, *sorted(self.changes_below(step.boss, step.on, until, person.key))]
            for number, start in enumerate(starts):
                stop = starts[number + 1] - _DAY if number + 1 < len(starts) else until
                manager = self.manager_on(step.boss, start, person.key)
                if number and result[-1].manager == manager:
                    result[-1].valid_to = stop
                    continue
                result.append(
                    Segment(
                        valid_from=start,
                        valid_to=stop,
                        dept=step.dept,
                        post=step.post,
                        manager=manager,
                        platform=step.platform,
                        reason=step.reason if number == 0 else c.REPORTING_CHANGE,
                    )
                )
        return result

    def salaries(self, person: Person) -> list[tuple[date, int, str]]:
        first = c.POSTS_BY_CODE[person.steps[0].post]
        years = (c.TODAY - person.hire_date).days // 365
        fen = self.rng.randint(*first.band) * 10_000
        fen = round_hundred(apply_rate(fen, Decimal("0.97") ** years))
        rows: dict[date, tuple[int, str]] = {person.hire_date: (fen, "")}

        def put(day: date, amount: int, reason: str) -> None:
            if day in rows and rows[day][1]:
                reason = f"{rows[day][1]};{reason}"
            rows[day] = (amount, reason)

        events: list[tuple[date, Step | None]] = [(s.on, s) for s in person.steps[1:]]
        for year in range(person.hire_date.year, person.end.year + 1):
            april = date(year, 4, 1)
            if person.hire_date + timedelta(days=180) < april <= person.end:
                events.append((april, None))
        post = first.code
        for day, step in sorted(events, key=lambda e: (e[0], e[1] is not None)):
            if step is None:
                if self.rng.random() < 0.7:
                    rate = Decimal(self.rng.randint(102, 106)) / 100
                    fen = round_hundred(apply_rate(fen, rate))
                    put(day, fen, c.ANNUAL_RAISE)
            elif step.post != post:
                if (post, step.post) == ("REP", "SREP"):
                    fen = apply_rate(fen, Decimal("1.15"))
                    put(day, fen, c.PROMOTION_RAISE)
                else:
                    fen = round_hundred(apply_rate(fen, Decimal(self.rng.randint(115, 130)) / 100))
                    put(day, fen, c.PROMOTION_RAISE_OTHER)
                post = step.post
        return [(day, amount, reason) for day, (amount, reason) in sorted(rows.items())]

    def id_number(self, person: Person, taken: set[str]) -> str:
        region = person.region or self.rng.choice(c.REGIONS)[0]
        senior = c.POSTS_BY_CODE[person.steps[0].post].level[-1] >= "3"
        while True:
            area = self.rng.choice(c.AREA_CODES[region])
            age = self.rng.randint(30, 42) if senior else self.rng.randint(21, 33)
            born = add_years(person.hire_date, -age) - timedelta(days=self.rng.randint(0, 364))
            sequence = self.rng.randint(0, 998)
            if (sequence % 2 == 1) != (person.gender == "M"):
                sequence += 1
            first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
            value = first17 + check_digit(first17)
            if value not in taken:
                taken.add(value)
                return value

    def certificates(self, person: Person) -> list[tuple[str, str, date, date | None]]:
        draw = self.rng.random()
        count = 2 if draw < 0.1 else 1 if draw < 0.4 else 0
        options = c.CERTIFICATES.get(person.family, ())
        rows = []
        for name, issuer, valid_years in self.rng.sample(options, min(count, len(options))):
            low = max(person.hire_date - timedelta(days=730), date(2015, 1, 1))
            issued = workday(self.between(low, person.end - timedelta(days=30)))
            expires = add_years(issued, valid_years) - _DAY if valid_years else None
            rows.append((name, issuer, issued, expires))
        return rows

    def trainings(self, person: Person) -> list[tuple[str, date, Decimal, Decimal | None]]:
        rows: list[tuple[str, date, Decimal, Decimal | None]] = []
        if person.hire_date >= date(2019, 6, 1):
            day = workday(person.hire_date + timedelta(days=self.rng.randint(3, 20)))
            if day < person.end:
                course, hours = c.ONBOARDING_COURSE
                rows.append((course, day, Decimal(hours), None))
        family = person.family if person.family in c.COURSES else "FUNC"
        options = c.COURSES[family]
        first = person.hire_date + timedelta(days=30)
        if first < person.end:
            for course, hours in self.rng.sample(options, self.rng.randint(0, 3)):
                day = workday(self.between(first, person.end - _DAY))
                score = (
                    Decimal(self.rng.randint(620, 985)) / 10 if self.rng.random() < 0.8 else None
                )
                rows.append((course, min(day, person.end), Decimal(hours), score))
        return rows

    def finish(self) -> Plan:
        ordered = sorted(self.people, key=lambda p: (p.hire_date, p.key))
        for number, person in enumerate(ordered, start=1):
            person.employee_no = f"XH{number:05d}"
        ids: set[str] = set()
        phones: set[str] = set()
        for person in self.people:
            person.segments = self.segments(person)
            local = person.login or person.employee_no.lower()
            person.email = f"{local}@{c.EMAIL_DOMAIN}"
            while not person.phone or person.phone in phones:
                prefix = self.rng.choice(c.PHONE_PREFIXES.split())
                person.phone = f"{prefix}{self.rng.randint(0, 99_999_999):08d}"
            phones.add(person.phone)
            if person.login or self.rng.random() < 0.65:
                person.id_number = self.id_number(person, ids)
            if not person.salaries:
                person.salaries = self.salaries(person)
            if person.login != "chenjing":
                person.certificates = self.certificates(person)
                person.trainings = self.trainings(person)
        return Plan(seed=self.seed, people=ordered)

"""The demo company's two years of sales history (issue 3, DEMO.md): deterministic, the
story people's figures exact as the metrics engine computes them, realistic in shape
(seasons, growing platforms, lagging collections) and consistent with every rule the
sales services enforce.

The company is built once for the module inside a transaction that is rolled back at
the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from meritline.core.errors import DomainError
from meritline.core.models import AuditLog, User
from meritline.core.periods import rolling_window
from meritline.demo import sales_catalogue as s
from meritline.demo.build import Summary, build
from meritline.demo.catalogue import DEFAULT_SEED, TEAMS, TODAY
from meritline.demo.plan import add_years, make_plan
from meritline.demo.sales_plan import SalesPlan, make_sales_plan, quarters
from meritline.metrics import Frames, compute
from meritline.org.models import Assignment, Employee, Platform
from meritline.sales import normalise
from meritline.sales.errors import ErrorCode
from meritline.sales.frames import frames_for, frames_unscoped
from meritline.sales.models import (
    CHAIN,
    Collection,
    Customer,
    Deal,
    DealSplit,
    DealStatus,
    DisputeKind,
    DisputeStatus,
    Lead,
    LeadAlert,
    LeadDispute,
    LeadStep,
    PlatformStage,
    QualificationStandard,
    Refund,
    RefundKind,
    SegmentThreshold,
    SlaRule,
    SourceKind,
    Step,
)
from meritline.sales.services.leads import lead_register

LAST_12 = rolling_window(TODAY, 12)
NEW_PLATFORMS = [t for t in TEAMS if t.new]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[Summary]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(seed=DEFAULT_SEED)
        transaction.set_rollback(True)


@pytest.fixture
def company(demo: Summary, db: None) -> Summary:
    return demo


def employee(login: str) -> Employee:
    return Employee.objects.get(user__username=login)


def platform(code: str) -> Platform:
    return Platform.objects.get(code=code)


# -- the metrics engine over the records ------------------------------------------------
def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date()


@pytest.fixture(scope="module")
def engine_frames(demo: Summary, django_db_blocker) -> Frames:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return frames_unscoped()


def metric(
    frames_: Frames,
    name: str,
    people: Iterable[int],
    windows: list[tuple[date, date]] | None = None,
    by: str = "employee_id",
) -> pl.DataFrame:
    return compute([name], frames_, windows or [LAST_12], by=by, groups=list(people))


def one(frames_: Frames, name: str, person: int, window: tuple[date, date] = LAST_12) -> Any:
    return metric(frames_, name, [person], [window])[name][0]


# -- determinism -------------------------------------------------------------------------
def _digest(rows: Iterable[tuple[Any, ...]]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(row).encode())
    return h.hexdigest()


def _share(value: Decimal) -> str:
    return f"{value:.4f}"


def db_rows() -> Iterable[tuple[Any, ...]]:
    """Deals, splits, collections, refunds, customers, leads and steps by natural keys."""
    yield from Customer.objects.order_by("external_id").values_list(
        "external_id", "name", "kind", "industry", "region__code", "platform__code", "phone",
        "email",
    )  # fmt: skip
    for row in Lead.objects.order_by("external_id").values_list(
        "external_id", "company_name", "contact_name", "contact_phone", "contact_email",
        "source_kind", "source_employee__employee_no", "referrer_name", "owner__employee_no",
        "platform__code", "customer__external_id", "step", "step_at", "lost_reason",
        "qualified", "review_note",
    ):  # fmt: skip
        yield (*row[:12], timezone.localtime(row[12]).replace(tzinfo=None), *row[13:])
    steps = LeadStep.objects.order_by("lead__external_id", "at", "step")
    for ext, step, at, owner in steps.values_list(
        "lead__external_id", "step", "at", "owner__employee_no"
    ):
        yield ext, step, timezone.localtime(at).replace(tzinfo=None), owner
    yield from Deal.objects.order_by("number").values_list(
        "number", "signed_on", "amount_fen", "cost_fen", "platform__code",
        "customer__external_id", "owner__employee_no", "lead__external_id", "products",
        "status", "cancelled_on", "collected_fen", "refunded_fen",
    )  # fmt: skip
    for number, person, share in DealSplit.objects.order_by(
        "deal__number", "employee__employee_no"
    ).values_list("deal__number", "employee__employee_no", "share"):
        yield number, person, _share(share)
    yield from Collection.objects.order_by("external_id").values_list(
        "external_id", "deal__number", "received_on", "amount_fen", "note"
    )
    yield from Refund.objects.order_by("external_id").values_list(
        "external_id", "deal__number", "refunded_on", "amount_fen", "kind", "reason"
    )


def plan_rows(sales: SalesPlan) -> Iterable[tuple[Any, ...]]:
    """The same rows, straight from the plan (no database)."""
    industries = [industry for industry, _word in s.INDUSTRIES]
    for cu in sorted(sales.customers, key=lambda cu: cu.external_id):
        yield (
            cu.external_id, cu.name, cu.kind, industries[cu.industry], cu.region, cu.platform,
            cu.contact.phone, cu.contact.email,
        )  # fmt: skip
    leads = sorted(sales.leads, key=lambda le: le.external_id)
    for le in leads:
        yield (
            le.external_id, le.company, le.contact.name, le.contact.phone, le.contact.email,
            le.source_kind, le.bringer, le.referrer, le.owner, le.platform,
            le.customer.external_id if le.customer else None, le.current.step, le.current.at,
            le.lost_reason, le.review.qualified if le.review else None, le.review_note,
        )  # fmt: skip
    for le in leads:
        for step in sorted(le.steps, key=lambda st: (st.at, st.step)):
            yield le.external_id, step.step, step.at, step.owner
    deals = sorted(sales.deals, key=lambda d: d.number)
    for d in deals:
        yield (
            d.number, d.signed_on, d.amount_fen, d.cost_fen, d.platform,
            d.customer.external_id, d.owner, d.lead.external_id if d.lead else None,
            list(d.products), (DealStatus.CANCELLED if d.cancelled else DealStatus.ACTIVE).value,
            d.cancelled_on, d.collected_fen, d.refunded_fen,
        )  # fmt: skip
    for d in deals:
        for person, share in sorted(d.splits):
            yield d.number, person, _share(share)
    lines = sorted(((x, d) for d in deals for x in d.collections), key=lambda t: t[0].external_id)
    for x, d in lines:
        yield x.external_id, d.number, x.day, x.amount_fen, x.note
    lines = sorted(((x, d) for d in deals for x in d.refunds), key=lambda t: t[0].external_id)
    for x, d in lines:
        kind = (RefundKind.CANCELLATION if x.cancel else RefundKind.REFUND).value
        yield x.external_id, d.number, x.day, x.amount_fen, kind, x.note


@pytest.fixture(scope="module")
def planned() -> SalesPlan:
    return make_sales_plan(make_plan(DEFAULT_SEED))


def test_the_history_written_is_the_one_the_seed_plans(
    company: Summary, planned: SalesPlan
) -> None:
    assert _digest(db_rows()) == _digest(plan_rows(planned))


def test_the_plan_is_deterministic_and_depends_on_the_seed(planned: SalesPlan) -> None:
    first, again = planned, make_sales_plan(make_plan(DEFAULT_SEED))
    assert _digest(plan_rows(first)) == _digest(plan_rows(again))
    other = make_sales_plan(make_plan(7))
    assert _digest(plan_rows(other)) != _digest(plan_rows(first))
    assert [d.amount_fen for d in other.deals[:50]] != [d.amount_fen for d in first.deals[:50]]


def test_the_summary_audit_row_counts_what_was_built(company: Summary, capsys) -> None:  # type: ignore[no-untyped-def]
    row = AuditLog.objects.get(action="demo.sales_history")
    with capsys.disabled():
        print(
            f"\n[demo] whole build {company.seconds:.1f} s, sales history {row.after['seconds']} s:"
            f" {row.after['customers']} customers, {row.after['leads']} leads,"
            f" {row.after['deals']} deals, {row.after['collections']} collections,"
            f" {row.after['refunds']} refunds"
        )
    assert row.after["seconds"] > 0  # the time is reported, not judged (noisy machines)
    assert row.after["seed"] == DEFAULT_SEED
    assert row.after["deals"] == Deal.objects.count() == company.counts["deals"]
    assert row.after["leads"] == Lead.objects.count()
    assert row.after["customers"] == Customer.objects.count()
    assert row.after["collections"] == Collection.objects.count()
    assert 2_500 <= Customer.objects.count() <= 4_500
    assert 9_000 <= Lead.objects.count() <= 16_000
    assert 6_500 <= Deal.objects.count() <= 10_000
    assert Refund.objects.count() >= 150
    first = Deal.objects.order_by("signed_on").values_list("signed_on", flat=True).first()
    assert first is not None and first >= s.HISTORY[0]
    assert first <= s.HISTORY[0] + timedelta(days=14)
    assert Deal.objects.order_by("-signed_on").values_list("signed_on", flat=True)[0] <= TODAY


# -- the rules in force --------------------------------------------------------------------
def test_platform_stage_history(company: Summary) -> None:
    for team in TEAMS:
        history = list(
            PlatformStage.objects.filter(platform__code=team.platform)
            .order_by("valid_from")
            .values_list("stage", "valid_from")
        )
        assert history[0] == ("new", team.launched_on)
        assert platform(team.platform).stage == history[-1][0]
        if team.new:
            assert history == [("new", team.launched_on)]
            assert team.launched_on.year == 2026
        else:
            assert [stage for stage, _day in history] == ["new", "growing", "mature"]
            assert history[-1][1] <= TODAY


def test_the_big_client_threshold_rose_with_the_transformation(company: Summary) -> None:
    def threshold_on(day: date) -> int:
        row = SegmentThreshold.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
        assert row is not None
        return int(row.big_client_min_fen)

    assert threshold_on(s.HISTORY[0]) == threshold_on(date(2025, 6, 30)) == 300_000
    assert threshold_on(date(2025, 7, 1)) == threshold_on(TODAY) == 1_000_000


def test_qualification_standards_and_sla_rules(company: Summary) -> None:
    standards = list(QualificationStandard.objects.order_by("valid_from"))
    assert [x.valid_from for x in standards] == [date(2024, 6, 1), date(2025, 7, 1)]
    assert {"kind": "required", "field": "contact_name"} in standards[-1].criteria
    rules = dict(SlaRule.objects.values_list("step", "max_hours"))
    assert set(rules) == {s for s in CHAIN if s != Step.SETTLED}
    assert all(hours > 0 for hours in rules.values())


# -- the story people -----------------------------------------------------------------------
def test_chenjing_qualifies_for_senior_rep(company: Summary, engine_frames: Frames) -> None:
    chenjing = employee("chenjing")
    assert one(engine_frames, "sales_amount", chenjing.pk) == s.CHENJING_SALES_FEN
    # the same figure from what she sees herself
    own = frames_for(user=chenjing.user, names=["deals", "refunds", "customers"])
    assert one(own, "sales_amount", chenjing.pk) == s.CHENJING_SALES_FEN
    assert s.CHENJING_SALES_FEN >= 80_000_000
    assert one(engine_frames, "enterprise_clients", chenjing.pk) == 34
    # the same 34 however far back one looks: all her enterprise clients bought this year
    history = (s.HISTORY[0], TODAY)
    assert one(engine_frames, "enterprise_clients", chenjing.pk, history) == 34
    assert add_years(chenjing.hire_date, 4) <= TODAY


def test_liuyang_has_exactly_760000_and_fails_only_on_sales(
    company: Summary, engine_frames: Frames
) -> None:
    liuyang = employee("liuyang")
    assert one(engine_frames, "sales_amount", liuyang.pk) == 76_000_000 < 80_000_000
    assert one(engine_frames, "enterprise_clients", liuyang.pk) >= 30
    assert add_years(liuyang.hire_date, 3) <= TODAY


def test_sunlei_disputes_the_marketing_lead_he_could_not_register(company: Summary) -> None:
    sunlei, zhaomin = employee("sunlei"), employee("zhaomin")
    lead = Lead.objects.get(company_name=s.SUNLEI_COMPANY)
    assert lead.source_kind == SourceKind.MARKETING
    assert lead.source_employee == zhaomin
    assert lead.owner is None and lead.step == Step.VISITED
    assert lead.qualified is True
    key = normalise.company_name(s.SUNLEI_COMPANY)
    assert list(Lead.objects.filter(company_name_normalised=key)) == [lead]
    dispute = LeadDispute.objects.get()
    assert dispute.lead == lead
    assert dispute.kind == DisputeKind.SOURCE
    assert dispute.status == DisputeStatus.OPEN
    assert dispute.claimant == sunlei
    assert dispute.raised_by.username == "sunlei"
    # registering it as his own is refused again, naming 赵敏's lead; nothing is written
    count = Lead.objects.count()
    with pytest.raises(DomainError) as refused:
        lead_register(
            actor=User.objects.get(username="sunlei"),
            company_name=f" {s.SUNLEI_COMPANY} ",
            source_kind=SourceKind.SELF_SOURCED,
            platform=platform("WEB"),
        )
    assert refused.value.code == ErrorCode.MARKETING_LEAD_MATCH
    assert lead.number in str(refused.value) and "赵敏" in str(refused.value)
    assert Lead.objects.count() == count
    # the lead waits at its visit for the dispute: an SLA alert on 赵敏
    alert = LeadAlert.objects.get(lead=lead)
    assert alert.step == Step.VISITED and alert.responsible == zhaomin


def test_zhengkai_missed_two_quarters_running(company: Summary, engine_frames: Frames) -> None:
    zhengkai = employee("zhengkai")
    windows = quarters(date(2025, 4, 1), date(2026, 9, 30))  # 2025-Q2 … 2026-Q3
    team = [
        a.employee_id
        for a in Assignment.objects.filter(platform__code="JD", position__code__in=["REP", "SREP"])
        .filter(valid_from__lte=date(2026, 4, 1))
        .exclude(valid_to__lt=date(2026, 9, 30))
    ]
    table = metric(engine_frames, "sales_amount", set(team) | {zhengkai.pk}, windows)
    his = table.filter(pl.col("employee_id") == zhengkai.pk)["sales_amount"].to_list()
    before, slump = his[:4], his[4:]
    assert min(before) > 0
    average = sum(before) / 4
    for quarter in slump:
        assert quarter < average / 3
    for index in (4, 5):
        values = sorted(table.filter(pl.col("window_start") == windows[index][0])["sales_amount"])
        assert his[index] < values[len(values) // 2]  # below the team's median


def test_huanglei_sells_most_on_douyin_and_is_swamped(
    company: Summary, engine_frames: Frames
) -> None:
    huanglei = employee("huanglei")
    douyin = platform("DOUYIN")
    since_launch = (douyin.launched_on, TODAY)
    counts = Counter(
        Deal.objects.filter(platform=douyin, status=DealStatus.ACTIVE).values_list(
            "owner_id", flat=True
        )
    )
    (top, mine), (_second, theirs) = counts.most_common(2)
    assert top == huanglei.pk and mine >= 1.5 * theirs
    assert one(engine_frames, "deal_count", huanglei.pk, since_launch) == mine
    waiting = Lead.objects.filter(owner=huanglei).exclude(step__in=[Step.SETTLED, Step.LOST])
    others = (
        Lead.objects.filter(platform=douyin)
        .exclude(owner=huanglei)
        .exclude(step__in=[Step.SETTLED, Step.LOST])
        .values("owner")
        .annotate(n=Count("id"))
    )
    assert waiting.count() >= 25
    assert all(row["n"] < waiting.count() / 2 for row in others)
    assert LeadAlert.objects.filter(responsible=huanglei, resolved_at=None).count() >= 5


def test_zhaomin_brings_most_leads_and_converts_at_the_gate(
    company: Summary, engine_frames: Frames
) -> None:
    zhaomin = employee("zhaomin")
    table = compute(["conversion_rate"], engine_frames, [LAST_12], by="source_employee_id")
    marketing = set(
        Lead.objects.filter(source_kind=SourceKind.MARKETING).values_list(
            "source_employee_id", flat=True
        )
    )
    table = table.filter(pl.col("source_employee_id").is_in(list(marketing)))
    leads = dict(zip(table["source_employee_id"], table["conversion_rate__den"], strict=True))
    assert max(leads, key=leads.__getitem__) == zhaomin.pk
    assert leads[zhaomin.pk] >= 250
    rate = table.filter(pl.col("source_employee_id") == zhaomin.pk)["conversion_rate"][0]
    assert Decimal("0.19") <= rate < Decimal("0.20")  # near the 20 % gate, just under it


# -- the shape of the history ------------------------------------------------------------
def _sales(first: date, last: date, **filters: Any) -> int:
    total = Deal.objects.filter(
        status=DealStatus.ACTIVE, signed_on__range=(first, last), **filters
    ).aggregate(total=Sum("amount_fen"))["total"]
    return int(total or 0)


def test_q4_peaks_and_the_spring_festival_dips(company: Summary) -> None:
    q4 = _sales(date(2025, 10, 1), date(2025, 12, 31))
    q1 = _sales(date(2025, 1, 1), date(2025, 3, 31)) + _sales(date(2026, 1, 1), date(2026, 3, 31))
    assert q4 > 1.3 * q1 / 2
    for festival in s.SPRING_FESTIVAL:
        holiday = Deal.objects.filter(
            signed_on__range=(festival - timedelta(days=7), festival + timedelta(days=10))
        ).count()
        before = Deal.objects.filter(
            signed_on__range=(festival - timedelta(days=74), festival - timedelta(days=15))
        ).count()
        assert holiday / 18 < 0.4 * before / 60


def test_platforms_grow_at_different_rates(company: Summary, engine_frames: Frames) -> None:
    mature = [
        p for p in Platform.objects.all() if p.code not in {t.platform for t in NEW_PLATFORMS}
    ]
    table = compute(
        ["growth_rate"], engine_frames, [LAST_12], by="platform_id", groups=[p.pk for p in mature]
    )
    growth = dict(zip(table["platform_id"], table["growth_rate"], strict=True))
    by_code = {p.code: growth[p.pk] for p in mature}
    assert max(by_code.values()) > Decimal("0.1") and min(by_code.values()) < 0
    assert max(by_code.values()) - min(by_code.values()) > Decimal("0.25")
    assert by_code["GLOBAL"] > by_code["OFFLINE"]


def test_new_platforms_start_at_launch_and_grow_fast(company: Summary) -> None:
    for team in NEW_PLATFORMS:
        deals = Deal.objects.filter(platform__code=team.platform)
        assert not deals.filter(signed_on__lt=team.launched_on).exists()
        middle = team.launched_on + (TODAY - team.launched_on) / 2
        first = _sales(team.launched_on, middle, platform__code=team.platform)
        second = _sales(middle + timedelta(days=1), TODAY, platform__code=team.platform)
        assert second > 2.5 * first > 0
    recent = (TODAY - timedelta(days=90), TODAY)
    new_share = _sales(*recent, platform__code__in=[t.platform for t in NEW_PLATFORMS])
    assert new_share > 0.08 * _sales(*recent)


def test_conversion_differs_by_person(company: Summary, engine_frames: Frames) -> None:
    history = (s.HISTORY[0], TODAY)
    sellers = list(Lead.objects.exclude(owner=None).values_list("owner_id", flat=True).distinct())
    table = metric(engine_frames, "conversion_rate", sellers, [history])
    rates = table.filter(pl.col("conversion_rate__den") >= 30)["conversion_rate"].to_list()
    assert len(rates) > 100
    assert max(rates) - min(rates) > Decimal("0.2")
    kinds = Counter(Lead.objects.values_list("source_kind", flat=True))
    assert kinds[SourceKind.MARKETING] > kinds[SourceKind.SELF_SOURCED] > kinds[SourceKind.REFERRAL]
    assert kinds[SourceKind.REFERRAL] > 500
    assert Lead.objects.filter(step=Step.LOST).exclude(lost_reason="").count() > 5_000
    assert not Lead.objects.filter(step=Step.LOST, lost_reason="").exists()
    assert Lead.objects.filter(qualified=False).count() > 200


def test_collections_lag_behind_the_deals(company: Summary, engine_frames: Frames) -> None:
    def paid(first: date, last: date) -> float:
        row = Deal.objects.filter(
            status=DealStatus.ACTIVE, signed_on__range=(first, last)
        ).aggregate(
            amount=Sum("amount_fen"), refunded=Sum("refunded_fen"), collected=Sum("collected_fen")
        )
        return float(row["collected"] / (row["amount"] - row["refunded"]))

    assert paid(TODAY - timedelta(days=30), TODAY) < 0.7
    assert paid(date(2025, 7, 1), date(2025, 12, 31)) > 0.92
    assert paid(s.HISTORY[0], date(2025, 6, 30)) > 0.95
    several = Collection.objects.values("deal").annotate(n=Count("id")).filter(n__gt=1).count()
    assert several > 0.15 * Deal.objects.count()
    assert not Collection.objects.filter(received_on__lt=F("deal__signed_on")).exists()
    assert Collection.objects.filter(received_on__gt=F("deal__signed_on") + timedelta(days=90))
    unpaid = Deal.objects.filter(
        status=DealStatus.ACTIVE,
        signed_on__lt=date(2025, 6, 1),
        collected_fen__lt=F("amount_fen") - F("refunded_fen"),
    )
    assert unpaid.exists()  # a few customers never paid their last instalment
    rate = compute(["collection_rate"], engine_frames, [LAST_12], by="platform_id")
    assert all(r < 1 for r in rate["collection_rate"].drop_nulls())


def test_refunds_and_cancellations(company: Summary) -> None:
    cancelled = Deal.objects.filter(status=DealStatus.CANCELLED)
    assert 30 <= cancelled.count() <= 0.03 * Deal.objects.count()
    assert not cancelled.exclude(refunded_fen=F("amount_fen")).exists()
    assert not cancelled.filter(collected_fen__gt=0).exists()
    assert not cancelled.filter(cancelled_on=None).exists()
    for deal in cancelled[:20]:
        line = deal.refunds.get()
        assert line.kind == RefundKind.CANCELLATION and line.refunded_on == deal.cancelled_on
    partial = Refund.objects.filter(kind=RefundKind.REFUND)
    assert partial.count() >= 100
    assert not partial.filter(amount_fen__gte=F("deal__amount_fen")).exists()
    assert not Deal.objects.filter(status=DealStatus.ACTIVE, refunded_fen__gte=F("amount_fen"))


# -- invariants the services enforce ---------------------------------------------------------
def test_splits_add_up_to_one_and_some_deals_are_shared(company: Summary) -> None:
    totals = DealSplit.objects.values("deal").annotate(total=Sum("share"))
    assert totals.count() == Deal.objects.count()
    assert {row["total"] for row in totals} == {Decimal(1)}
    shared = Deal.objects.filter(splits__share__lt=1).distinct().count()
    assert 0.03 * Deal.objects.count() < shared < 0.12 * Deal.objects.count()
    assert not DealSplit.objects.filter(share__lte=0).exists()


def test_running_totals_match_the_lines(company: Summary) -> None:
    collected = dict(
        Collection.objects.values("deal").annotate(t=Sum("amount_fen")).values_list("deal", "t")
    )
    refunded = dict(
        Refund.objects.values("deal").annotate(t=Sum("amount_fen")).values_list("deal", "t")
    )
    for pk, got_collected, got_refunded in Deal.objects.values_list(
        "pk", "collected_fen", "refunded_fen"
    ):
        assert got_collected == collected.get(pk, 0)
        assert got_refunded == refunded.get(pk, 0)
    assert not Deal.objects.filter(collected_fen__gt=F("amount_fen") - F("refunded_fen")).exists()
    assert not Collection.objects.filter(amount_fen__lte=0).exists()


def test_first_purchases_repurchases_and_names_are_derived(company: Summary) -> None:
    first: dict[int, date] = {}
    rows = list(
        Deal.objects.values_list("pk", "customer_id", "signed_on", "status", "is_repurchase")
    )
    for _pk, customer, signed, status, _flag in rows:
        if status == DealStatus.ACTIVE and (customer not in first or signed < first[customer]):
            first[customer] = signed
    for _pk, customer, signed, _status, flag in rows:
        assert flag == (customer in first and signed > first[customer])
    assert sum(flag for *_rest, flag in rows) > 0.3 * len(rows)
    for pk, day, name, key, phone, phone_key in Customer.objects.values_list(
        "pk", "first_purchase_on", "name", "name_normalised", "phone", "phone_normalised"
    ):
        assert day == first.get(pk)
        assert key == normalise.company_name(name) and phone_key == normalise.phone(phone)
    enterprise = Customer.objects.filter(kind="enterprise").count()
    assert 0.2 < enterprise / Customer.objects.count() < 0.6


def test_lead_steps_follow_the_chain_with_their_owners(company: Summary) -> None:
    order = {step: i for i, step in enumerate(CHAIN)}
    steps: dict[int, list[tuple[datetime, str, int | None]]] = defaultdict(list)
    for lead_id, step, at, owner in LeadStep.objects.values_list(
        "lead_id", "step", "at", "owner_id"
    ):
        steps[lead_id].append((at, step, owner))
    leads = Lead.objects.values_list(
        "pk", "step", "step_at", "entered_at", "owner_id", "source_employee_id", "source_kind",
        "number",
    )  # fmt: skip
    for pk, step, step_at, entered, owner, brought, kind, number in leads:
        chain = sorted(steps[pk], key=lambda t: (t[0], order.get(t[1], 99)))
        assert chain[0][:2] == (entered, Step.ENTERED)
        assert chain[-1][:2] == (step_at, step)
        named = [st for _at, st, _o in chain if st != Step.LOST]
        assert named == sorted(named, key=order.__getitem__)
        assert [st for _at, st, _o in chain].count(Step.LOST) <= 1
        if kind == SourceKind.SELF_SOURCED:
            assert owner == brought
        if any(st == Step.RECEIVED for _at, st, _o in chain):
            assert owner is not None
            assert all(o == owner for _at, st, o in chain if order.get(st, 9) >= 2)
        if kind == SourceKind.MARKETING:
            assert chain[0][2] == brought  # marketing entered it
        assert number.startswith("L") and len(number) == 8
    won = Deal.objects.exclude(lead=None)
    assert not won.exclude(lead__customer=F("customer")).exists()
    for deal in won.select_related("lead")[:200]:
        contract = deal.lead.steps.get(step=Step.CONTRACT)
        assert _local(contract.at) == deal.signed_on


def test_marketing_leads_are_reviewed_against_the_standard_in_force(company: Summary) -> None:
    standards = list(QualificationStandard.objects.order_by("-valid_from"))
    reviewed = Lead.objects.exclude(qualified=None)
    assert not reviewed.exclude(source_kind=SourceKind.MARKETING).exists()
    for lead in reviewed.iterator():
        entered = _local(lead.entered_at)
        assert lead.qualification_standard == next(x for x in standards if x.valid_from <= entered)
        assert lead.qualified == (lead.qualification_failures == [])
        assert lead.reviewed_by is not None and lead.reviewed_at is not None
        assert lead.reviewed_at >= lead.entered_at
        if not lead.qualified:
            assert lead.review_note and lead.step == Step.LOST and lead.owner_id is None


def test_no_self_sourced_lead_matches_a_marketing_lead(company: Summary) -> None:
    marketing = Lead.objects.filter(source_kind=SourceKind.MARKETING).exclude(step=Step.LOST)
    names = set(marketing.values_list("company_name_normalised", flat=True))
    phones = set(marketing.values_list("contact_phone_normalised", flat=True)) - {""}
    emails = set(marketing.values_list("contact_email_normalised", flat=True)) - {""}
    for name, phone, email in Lead.objects.filter(source_kind=SourceKind.SELF_SOURCED).values_list(
        "company_name_normalised", "contact_phone_normalised", "contact_email_normalised"
    ):
        assert name not in names and phone not in phones and email not in emails


# -- people: who was where, when ---------------------------------------------------------------
def test_deals_belong_to_people_on_that_platform_that_day(company: Summary) -> None:
    spans: dict[int, list[tuple[date, date, int]]] = defaultdict(list)
    for person, start, end, plat in Assignment.objects.filter(
        position__code__in=s.SELLING_POSTS, platform__isnull=False
    ).values_list("employee_id", "valid_from", "valid_to", "platform_id"):
        spans[person].append((start, end or TODAY, plat))
    employed = {
        pk: (hired, left or TODAY)
        for pk, hired, left in Employee.objects.values_list("pk", "hire_date", "leave_date")
    }

    def selling(person: int, day: date, plat: int) -> bool:
        hired, left = employed[person]
        return hired <= day <= left and any(
            a <= day <= b and p == plat for a, b, p in spans[person]
        )

    for person, day, plat in DealSplit.objects.values_list(
        "employee_id", "deal__signed_on", "deal__platform_id"
    ):
        assert selling(person, day, plat)
    for person, day, plat in Deal.objects.values_list("owner_id", "signed_on", "platform_id"):
        assert selling(person, day, plat)
    received = LeadStep.objects.filter(step=Step.RECEIVED).values_list(
        "owner_id", "at", "lead__platform_id"
    )
    for person, at, plat in received:
        assert selling(person, _local(at), plat)


def test_leavers_sold_until_they_left_and_their_clients_moved_on(company: Summary) -> None:
    left = Employee.objects.exclude(leave_date=None).filter(leave_date__gte=s.HISTORY[0])
    assert not Deal.objects.filter(owner__leave_date__lt=F("signed_on")).exists()
    assert not DealSplit.objects.filter(employee__leave_date__lt=F("deal__signed_on")).exists()
    sellers = left.filter(owned_deals__isnull=False).distinct()
    assert sellers.count() >= 5
    handed_over = 0
    for person in sellers:
        clients = Deal.objects.filter(owner=person).values_list("customer_id", flat=True)
        later = Deal.objects.filter(customer_id__in=clients, signed_on__gt=person.leave_date)
        assert not later.filter(owner=person).exists()
        handed_over += later.count()
    assert handed_over > 0
    assert (
        not Lead.objects.filter(owner__leave_date__lt=TODAY)
        .exclude(step__in=[Step.SETTLED, Step.LOST])
        .exists()
    )


def test_sla_alerts_name_the_responsible_person(company: Summary) -> None:
    alerts = LeadAlert.objects.filter(resolved_at=None).select_related("lead")
    assert alerts.count() >= 100
    for alert in alerts[:300]:
        assert alert.responsible_id == alert.lead.responsible_id
        assert alert.step == alert.lead.step

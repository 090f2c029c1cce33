"""Run a plan on files alone (``meritline incentives simulate``): no database involved.

A sales-ops analyst checks a plan on a month of deals (and leads, and people) exported
to CSV or XLSX in the importers' column format. The files are read and checked here,
mapped to the engine's :class:`Inputs`, evaluated, and every line explained. Any
problem — a bad plan, a bad cell, a deal outside the period, a duplicate deal, split
shares that do not add up, an unknown person — stops the run with every problem listed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.periods import Period, PeriodError
from meritline.incentives.engine import (
    Adjustment,
    Deal,
    EngineError,
    Inputs,
    Lead,
    LevelRate,
    Plan,
    PlanError,
    Result,
    Split,
    build_inputs,
    evaluate,
    explain,
    load_plan,
    render,
)
from meritline.incentives.simulate_facts import FactsError, counts_for, metrics_for
from meritline.incentives.simulate_files import (
    DEAL_COLUMNS,
    LEAD_COLUMNS,
    PEOPLE_COLUMNS,
    Row,
    Sheet,
    read_sheet,
)
from meritline.incentives.simulate_people import Book, Person, read_people, unknown
from meritline.sales.models import SourceKind
from meritline.sales.services.deal_rows import check_splits

RESULT_COLUMNS = (
    "payee",
    "component",
    "source_id",
    "base_fen",
    "rate",
    "amount_fen",
    "explanation",
)
BIG_CLIENT_FROM_FEN = 1_000_000  # seed 003: a deal of 10,000 yuan or more is a big client's
ENGINE_SOURCE_KINDS = {
    SourceKind.MARKETING: "marketing",
    SourceKind.SELF_SOURCED: "self",
    SourceKind.REFERRAL: "referral",
}
WON_FIELDS = ("contract_at", "settled_at")


class SimulationError(Exception):
    """The run cannot go ahead; ``problems`` lists every reason, each a full sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Simulation:
    """The evaluated plan, one CSV row per line, and the net total per payee."""

    result: Result
    rows: list[dict[str, Any]]
    totals: list[tuple[str, str, int]]  # employee number, name, net fen


def simulate(
    *,
    plan: Path,
    deals: Path,
    period: str,
    leads: Path | None = None,
    people: Path | None = None,
    big_client_from_fen: int = BIG_CLIENT_FROM_FEN,
    language: str = "zh-Hans",
) -> Simulation:
    """Evaluate the plan in file ``plan`` on the files for ``period``; raises
    :class:`SimulationError` listing every problem before anything is computed."""
    problems: list[str] = []
    the_period = _period(period, problems)
    the_plan = _plan(plan, problems)
    sheets = {"deals": read_sheet(deals, DEAL_COLUMNS)}
    if leads is not None:
        sheets["leads"] = read_sheet(leads, LEAD_COLUMNS)
    if people is not None:
        sheets["people"] = read_sheet(people, PEOPLE_COLUMNS)
    for sheet in sheets.values():
        problems += sheet.problems
    if problems or the_period is None or the_plan is None:
        raise SimulationError(problems)
    book = Book(read_people(sheets.get("people")), strict=people is not None)
    lead_sheet = sheets.get("leads")
    lead_rows = _leads_by_number(lead_sheet)
    deal_list = _deals(sheets["deals"], the_period, book, lead_rows, big_client_from_fen)
    entered: dict[int, date] = {}
    lead_list = _leads(lead_sheet, book, sheets["deals"], entered) if lead_sheet else []
    for sheet in sheets.values():
        problems += sheet.problems
    if problems:
        raise SimulationError(problems)
    customers = {r.number: r.values.get("customer", "") for r in sheets["deals"].rows}
    facts = (customers, entered)
    inputs = _inputs(the_plan, the_period, book, deal_list, lead_list, facts)
    try:
        result = evaluate(the_plan, inputs)
    except EngineError as exc:
        raise SimulationError([str(issue) for issue in exc.issues]) from None
    return _simulation(result, book, sheets, language)


def write_csv(simulation: Simulation, path: Path) -> None:
    """The lines as CSV in UTF-8 with a byte-order mark (Excel opens it as Unicode)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=RESULT_COLUMNS)
        writer.writeheader()
        writer.writerows(simulation.rows)


def _period(text: str, problems: list[str]) -> Period | None:
    try:
        return Period.parse(text)
    except PeriodError:
        problems.append(
            _("“%(value)s” is not a period; write a month such as 2026-10.") % {"value": text}
        )
        return None


def _plan(path: Path, problems: list[str]) -> Plan | None:
    try:
        return load_plan(path.read_text(encoding="utf-8"))
    except PlanError as exc:
        problems += [
            _("Plan %(file)s: %(problem)s") % {"file": path.name, "problem": str(issue)}
            for issue in exc.issues
        ]
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(_("Plan %(file)s: %(problem)s") % {"file": path.name, "problem": str(exc)})
    return None


def _leads_by_number(sheet: Sheet | None) -> dict[str, Row]:
    return {r.values["external_id"]: r for r in sheet.rows} if sheet else {}


def _deals(
    sheet: Sheet, period: Period, book: Book, leads: dict[str, Row], big_from: int
) -> list[Deal]:
    first_seen: dict[str, int] = {}
    first_purchase: dict[str, date] = {}
    for row in sheet.rows:
        customer, signed = row.values.get("customer"), row.values.get("signed_on")
        if (
            customer
            and signed
            and (customer not in first_purchase or signed < first_purchase[customer])
        ):
            first_purchase[customer] = signed
    deals = []
    for row in sheet.rows:
        v = row.values
        if {"external_id", "signed_on", "amount", "customer", "owner"} - set(v):
            continue  # a required cell was empty or bad: already reported
        external_id = v["external_id"]
        if external_id in first_seen:
            sheet.cell_problem(
                row.number,
                "external_id",
                _("deal %(id)s already appears in row %(first)d.")
                % {"id": external_id, "first": first_seen[external_id]},
            )
            continue
        first_seen[external_id] = row.number
        if not period.contains(v["signed_on"]):
            sheet.problem(
                row.number,
                _("signing date %(day)s is not in %(period)s")
                % {"day": v["signed_on"].isoformat(), "period": period},
            )
            continue
        deal = _deal(sheet, row, book, leads, big_from, first_purchase)
        if deal is not None:
            deals.append(deal)
    return deals


def _deal(
    sheet: Sheet,
    row: Row,
    book: Book,
    leads: dict[str, Row],
    big_from: int,
    first_purchase: dict[str, date],
) -> Deal | None:
    v = row.values
    lead = leads.get(v.get("lead", ""))
    if v.get("lead") and leads and lead is None:
        sheet.cell_problem(
            row.number, "lead", _("lead %(id)s is not in the leads file.") % {"id": v["lead"]}
        )
        return None
    source = v.get("lead_source") or (lead.values.get("source_employee", "") if lead else "")
    kind = v.get("lead_source_kind") or (lead.values["source_kind"] if lead else None)
    splits = v.get("splits", ())
    owner = v["owner"]
    missing = book.unknown([owner, source, *(number for number, _share in splits)])
    for number in dict.fromkeys(missing):
        sheet.problem(row.number, unknown(number))
    credits = [(book.id(number), share) for number, share in splits]
    names = {book.id(number): number for number, _share in splits}
    for _code, message in check_splits(credits, names) if credits else ():
        sheet.cell_problem(row.number, "splits", message)
    if missing or (credits and check_splits(credits, names)):
        return None
    signed, customer = v["signed_on"], v["customer"]
    repurchase = v.get("is_repurchase", signed > first_purchase[customer])
    team_lead = book.people.get(owner, Person(owner)).team_lead
    return Deal(
        deal_id=row.number,
        number=v.get("number") or v["external_id"],
        signed_on=signed,
        amount_fen=v["amount"],
        owner_id=book.id(owner),
        collected_fen=v.get("collected", 0),
        refunded_fen=v.get("refunded", 0),
        segment="big" if v["amount"] >= big_from else "small",
        is_repurchase=repurchase,
        is_new_customer=v.get("is_new_customer", signed == first_purchase[customer]),
        platform=v.get("platform", ""),
        customer_kind=v.get("customer_kind", ""),
        lead_source_id=book.id(source) if source else None,
        lead_source_kind=ENGINE_SOURCE_KINDS[kind] if kind else "self",
        team_lead_id=book.id(team_lead) if team_lead else None,
        splits=tuple(Split(person, share) for person, share in credits),
    )


def _leads(sheet: Sheet, book: Book, deal_sheet: Sheet, entered: dict[int, date]) -> list[Lead]:
    """The leads as the engine's records; ``entered`` gets each lead's entry date."""
    signed: dict[str, date] = {}
    customer_kinds: dict[str, str] = {}
    for row in deal_sheet.rows:
        lead, day = row.values.get("lead"), row.values.get("signed_on")
        if lead and day and (lead not in signed or day < signed[lead]):
            signed[lead] = day
        if row.values.get("customer") and row.values.get("customer_kind"):
            customer_kinds[row.values["customer"]] = row.values["customer_kind"]
    first_seen: dict[str, int] = {}
    leads = []
    for row in sheet.rows:
        v = row.values
        if {"external_id", "source_kind", "entered_at"} - set(v):
            continue
        if v["external_id"] in first_seen:
            sheet.cell_problem(
                row.number,
                "external_id",
                _("lead %(id)s already appears in row %(first)d.")
                % {"id": v["external_id"], "first": first_seen[v["external_id"]]},
            )
            continue
        first_seen[v["external_id"]] = row.number
        owner, source = v.get("owner", ""), v.get("source_employee", "")
        missing = book.unknown(dict.fromkeys([owner, source]))
        for number in missing:
            sheet.problem(row.number, unknown(number))
        if missing:
            continue
        entered[row.number] = timezone.localtime(v["entered_at"]).date()
        won = [timezone.localtime(v[f]).date() for f in WON_FIELDS if f in v]
        if v["external_id"] in signed:
            won.append(signed[v["external_id"]])
        qualified = v.get("qualified_on") or (
            entered[row.number] if v.get("qualified", True) else None
        )
        leads.append(
            Lead(
                lead_id=row.number,
                number=v["external_id"],
                owner_id=book.id(owner) if owner else None,  # type: ignore[arg-type]
                source_id=book.id(source) if source else None,
                source_kind=ENGINE_SOURCE_KINDS[v["source_kind"]],
                platform=v.get("platform", ""),
                customer_kind=v.get("customer_kind")
                or customer_kinds.get(v.get("customer", ""), ""),
                qualified_on=qualified,
                converted_on=min(won) if won else None,
            )
        )
    return leads


def _inputs(
    plan: Plan,
    period: Period,
    book: Book,
    deals: list[Deal],
    leads: list[Lead],
    facts: tuple[dict[int, str], dict[int, date]],
) -> Inputs:
    rates = [
        LevelRate(book.id(p.number), period.start, p.level_rate)
        for p in book.people.values()
        if p.level_rate is not None
    ]
    adjustments = [
        Adjustment(book.id(p.number), p.rate_adjustment)
        for p in book.people.values()
        if p.rate_adjustment
    ]
    try:
        return build_inputs(
            period,
            deals=deals,
            leads=leads,
            level_rates=rates,
            adjustments=adjustments,
            metrics=metrics_for(plan, period, leads, facts[1]),
            counts=counts_for(plan, period, deals, facts[0]),
        )
    except FactsError as exc:
        raise SimulationError([exc.message]) from None
    except EngineError as exc:
        raise SimulationError([str(issue) for issue in exc.issues]) from None


def _simulation(result: Result, book: Book, sheets: dict[str, Sheet], language: str) -> Simulation:
    numbers = {person_id: number for number, person_id in book.ids.items()}
    sources = {
        kind: {r.number: r.values.get("external_id", "") for r in sheets[name].rows}
        for kind, name in (("deal", "deals"), ("lead", "leads"))
        if name in sheets
    }
    rows = []
    for line in result.line_list():
        source_id = sources.get(line.source, {}).get(line.source_id or 0, "")
        rows.append(
            {
                "payee": numbers[line.payee_id],
                "component": line.component_id,
                "source_id": source_id,
                "base_fen": line.base_fen,
                "rate": "" if line.rate is None else str(line.rate),
                "amount_fen": line.amount_fen,
                "explanation": render(explain(result, line), language),
            }
        )
    totals = [
        (numbers[payee], book.people.get(numbers[payee], Person("")).name, fen)
        for payee, fen in result.totals().items()
    ]
    return Simulation(result, rows, sorted(totals))

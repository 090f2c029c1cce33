"""Incentive engine throughput: one month, a plan using every component kind, 20,000
payees, 5,000,000 deals and 2,000,000 leads.

Prints figures; not part of `make test`. Run: `uv run python bench/incentives.py`
(`--scale 0.1` for a quick run). Steps:

1. generate (seeded, vectorised polars) the engine's input frames for 2026-10 — deals
   (one in eleven split 60/40 between two people, with collections and refunds, a lead
   source on a third, a team lead on every one), their credits, leads, level rates
   (with a promotion in mid-month for one payee in fifty), rate adjustments, a
   conversion-rate metric and a new-client count per payee — and write them to Arrow
   files in a temporary folder;
2. in a fresh process (so that its peak memory is its own): load the frames, check them
   (``make_inputs``), evaluate the plan vectorized; print seconds and peak RSS; then on
   the same frames a plan with only the tiered deal commission, and a single
   hand-written polars expression computing that commission (the floor);
3. the reference evaluator (plain Python, Decimal, row by row) on a 1 % sample — the
   records of every 100th payee: the deals and leads they own and their counts — timed
   alone and extrapolated ×100, with the part it spends building its lines frame shown
   apart, and checked equal to the vectorized lines of the same sample.

``evaluate`` keeps the lines per component; the single frame of all lines
(``Result.lines``) is built afterwards and timed apart.

The end-to-end figure from PostgreSQL needs the incentives services (fetch → compute →
persist) and is not measured here.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from meritline.incentives.engine import evaluate, make_inputs, parse_plan
from meritline.incentives.engine.inputs import SCHEMAS
from meritline.incentives.engine.lines import canonical, lines_frame
from meritline.incentives.engine.schema import Plan

PERIOD = "2026-10"
FIRST_DAY = date(2026, 10, 1)
DAYS = 31
EVERY = 100  # the reference sample: payees whose id is a multiple of this
NAMES = ("deals", "credits", "leads", "level_rates", "adjustments", "metrics", "counts")

TIERS = [
    {"from": 0, "rate": "level_rate"},
    {"from": 500_000, "rate": "0.015"},
    {"from": 1_000_000, "rate": "0.02"},
]
TIERED = {"id": "deal_commission", "kind": "rate", "payee": "owner", "tiers": TIERS}
PLAN = {
    "name": "every component kind",
    "components": [
        {
            **TIERED,
            "payee": "credited",
            "bracket": "cumulative",
            "payee_adjustment": True,
            "modifiers": [
                {
                    "id": "big",
                    "when": {"field": "segment", "op": "eq", "value": "big"},
                    "multiply": "1.15",
                },
                {
                    "id": "repurchase",
                    "when": {"field": "is_repurchase", "op": "is_true"},
                    "add": "0.005",
                },
            ],
        },
        {
            "id": "team_override",
            "kind": "rate",
            "payee": "team_lead",
            "mode": "marginal",
            "tiers": [{"from": 0, "rate": "0.002"}, {"from": 100_000, "rate": "0.004"}],
        },
        {
            "id": "marketing_share",
            "kind": "rate",
            "payee": "lead_source",
            "when": {"field": "lead_source_kind", "op": "eq", "value": "marketing"},
            "tiers": [{"from": 0, "rate": "0.01"}],
            "gate": {"metric": "conversion_rate", "min": "0.2"},
        },
        {
            "id": "lead_points",
            "kind": "points",
            "records": "leads",
            "payee": "lead_source",
            "points": 10,
            "converted_bonus": 30,
            "yuan_per_point": 20,
        },
        {
            "id": "collaboration",
            "kind": "points",
            "records": "deals",
            "payee": "credited",
            "when": {"field": "has_collaborators", "op": "is_true"},
            "points": 1,
            "yuan_per_point": 500,
        },
        {
            "id": "expansion",
            "kind": "award",
            "count": "new_enterprise_clients",
            "block": 10,
            "amount": 5000,
        },
        {"id": "cap", "kind": "cap", "applies_to": ["deal_commission"], "max": 200_000},
        {"id": "hold", "kind": "hold_until_collected", "applies_to": ["deal_commission"]},
        {"id": "clawback", "kind": "clawback_on_refund", "applies_to": ["team_override"]},
    ],
}


def _rand(n: int, seed: int) -> pl.Expr:
    """A seeded pseudo-random UInt64 per row (hash of the row number)."""
    return pl.int_range(n, dtype=pl.UInt64).hash(seed)


def _below(n: int, seed: int, high: int) -> pl.Expr:
    return (_rand(n, seed) % high).cast(pl.Int64)


def _rate(value: pl.Expr) -> pl.Expr:
    """An integer number of ten-thousandths as a Decimal(38, 6) rate."""
    return (value.cast(pl.Decimal(38, 6)) / 10_000).cast(pl.Decimal(38, 6))


def generate(deal_rows: int, lead_rows: int, payees: int) -> dict[str, pl.DataFrame]:
    """Every input frame of one month; ids start at 1; every payee id is 1 … payees."""
    n, k = deal_rows, lead_rows
    amount = (50_000 + (_rand(n, 5) % 1000) ** 2 * (_rand(n, 6) % 200 + 1)).cast(pl.Int64)
    deals = pl.select(
        deal_id=pl.int_range(1, n + 1, dtype=pl.Int64),
        owner_id=_below(n, 1, payees) + 1,
        signed_on=pl.lit(FIRST_DAY) + pl.duration(days=_below(n, 4, DAYS)),
        amount_fen=amount,
        r=_below(n, 14, 100),
        lead_r=_below(n, 8, 3),
        source=_below(n, 9, payees) + 1,
        is_repurchase=_below(n, 10, 10) < 3,
        is_new_customer=_below(n, 11, 10) < 2,
        has_collaborators=pl.int_range(1, n + 1) % 11 == 0,
    ).with_columns(
        number=pl.format("D-{}", "deal_id"),
        collected_fen=pl.when(pl.col("r") < 60)
        .then(pl.col("amount_fen"))
        .when(pl.col("r") < 85)
        .then(pl.col("amount_fen") // 2)
        .otherwise(0),
        refunded_fen=pl.when(pl.col("r") >= 98).then(pl.col("amount_fen") // 4).otherwise(0),
        segment=pl.when(pl.col("amount_fen") >= 30_000_000)
        .then(pl.lit("big"))
        .otherwise(pl.lit("small")),
        platform=pl.format("P{}", _below(n, 3, 12)),
        customer_kind=pl.when(_below(n, 12, 10) < 3)
        .then(pl.lit("enterprise"))
        .otherwise(pl.lit("smb")),
        lead_source_id=pl.when(pl.col("lead_r") == 0).then("source"),
        lead_source_kind=pl.when(pl.col("lead_r") == 0)
        .then(pl.lit("marketing"))
        .otherwise(pl.lit("self")),
        team_lead_id=(pl.col("owner_id") - 1) // 10 * 10 + 1,  # teams of ten
    )
    shared = deals.filter("has_collaborators")
    partner = (pl.col("owner_id") + pl.col("deal_id") % (payees - 1)) % payees + 1
    credits = pl.concat(
        [
            shared.select(
                "deal_id",
                employee_id="owner_id",
                share=pl.lit(Decimal("0.6"), pl.Decimal(38, 6)),
                split_index=pl.lit(0, pl.Int64),
            ),
            shared.select(
                "deal_id",
                employee_id=partner,
                share=pl.lit(Decimal("0.4"), pl.Decimal(38, 6)),
                split_index=pl.lit(1, pl.Int64),
            ),
        ]
    )
    leads = pl.select(
        lead_id=pl.int_range(1, k + 1, dtype=pl.Int64),
        owner_id=_below(k, 15, payees) + 1,
        source_id=_below(k, 16, payees) + 1,
        r=_below(k, 19, 100),
        day=_below(k, 18, DAYS),
    ).select(
        "lead_id",
        "owner_id",
        "source_id",
        number=pl.format("L-{}", "lead_id"),
        source_kind=pl.lit("marketing"),
        platform=pl.format("P{}", pl.col("r") % 12),
        customer_kind=pl.lit("enterprise"),
        qualified_on=pl.when(pl.col("r") < 70).then(
            pl.lit(FIRST_DAY) + pl.duration(days=pl.col("day"))
        ),
        converted_on=pl.when(pl.col("r") < 20).then(
            pl.lit(FIRST_DAY) + pl.duration(days=pl.col("day"))
        ),
    )
    people = pl.select(employee_id=pl.int_range(1, payees + 1, dtype=pl.Int64))
    level_rates = pl.concat(
        [
            people.select(
                "employee_id",
                valid_from=pl.lit(date(2026, 1, 1)),
                rate=_rate(100 + 50 * (pl.col("employee_id") % 2)),
            ),
            people.filter(pl.col("employee_id") % 50 == 0).select(
                "employee_id", valid_from=pl.lit(date(2026, 10, 16)), rate=_rate(pl.lit(150))
            ),
        ]
    )
    return {
        "deals": deals.select(list(SCHEMAS["deals"])),
        "credits": credits,
        "leads": leads,
        "level_rates": level_rates,
        "adjustments": people.filter(pl.col("employee_id") % 7 == 0).select(
            "employee_id", rate=_rate(pl.lit(-50))
        ),
        "metrics": people.select(
            "employee_id",
            metric=pl.lit("conversion_rate"),
            numerator=_below(payees, 30, 40),
            denominator=pl.lit(100, pl.Int64),
        ),
        "counts": people.select(
            "employee_id", name=pl.lit("new_enterprise_clients"), value=_below(payees, 31, 40)
        ),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def floor_expression(deals: pl.DataFrame, level: pl.DataFrame) -> pl.DataFrame:
    """The tiered deal commission alone, by hand: whole per-deal brackets, the level rate
    below 500 k (the latest in force on the signing day), half-up to the fen."""
    rate = (
        pl.when(pl.col("amount_fen") >= 100_000_000)
        .then(pl.lit(20_000, pl.Int64))
        .when(pl.col("amount_fen") >= 50_000_000)
        .then(pl.lit(15_000, pl.Int64))
        .otherwise((pl.col("rate") * 1_000_000).cast(pl.Int64))
    )
    product = pl.col("amount_fen").cast(pl.Int128) * rate
    return (
        deals.sort("signed_on")
        .join_asof(
            level.sort("valid_from"),
            left_on="signed_on",
            right_on="valid_from",
            by_left="owner_id",
            by_right="employee_id",
            check_sortedness=False,
        )
        .select(
            "deal_id",
            payee_id="owner_id",
            amount_fen=((product + 500_000) // 1_000_000).cast(pl.Int64),
        )
    )


def engine_side(folder: Path) -> None:
    """Child process: load, check, evaluate; the tiered-only plan; the floor; reference."""
    frames = {name: pl.read_ipc(folder / f"{name}.arrow") for name in NAMES}
    loaded = _rss_mb()
    plan, tiered = parse_plan(PLAN), parse_plan({"name": "tiered", "components": [TIERED]})
    start = time.perf_counter()
    inputs = make_inputs(PERIOD, **frames)
    checked = time.perf_counter()
    result = evaluate(plan, inputs)
    evaluated = time.perf_counter()
    print(f"  check inputs (make_inputs)   {checked - start:7.2f} s")
    print(
        f"  evaluate, every kind         {evaluated - checked:7.2f} s"
        f"   ({result.height:,} lines, {len(PLAN['components'])} components)"
    )
    print(f"  memory: frames loaded {loaded:.0f} MB RSS, peak {_peak_mb():.0f} MB RSS")
    start = time.perf_counter()
    whole = result.lines
    print(
        f"  all lines as one frame (Result.lines, on demand) {time.perf_counter() - start:.2f} s,"
        f" {whole.estimated_size() / 2**20:,.0f} MB; peak now {_peak_mb():.0f} MB RSS"
    )
    del whole, result
    start = time.perf_counter()
    only = evaluate(tiered, inputs)
    tiered_s = time.perf_counter() - start
    start = time.perf_counter()
    floor = floor_expression(inputs.deals, inputs.level_rates)
    floor_s = time.perf_counter() - start
    same = (
        only.lines.select("source_id", "amount_fen").sort("source_id").to_series(1)
        == floor.sort("deal_id")["amount_fen"]
    ).all()
    print(
        f"  tiered commission alone: engine {tiered_s:.2f} s, hand-written expression "
        f"{floor_s:.2f} s ({tiered_s / floor_s:.1f}× the floor; same amounts: "
        f"{'yes' if same else 'NO'}); whole plan {(evaluated - checked) / floor_s:.1f}× the floor"
    )
    reference_side(plan, frames, evaluated - checked)


def sample(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The records of every ``EVERY``-th payee: the deals and leads they own (with those
    deals' credits) and their counts; the per-payee terms (level rates, adjustments,
    metrics) stay whole, as lookups."""
    mine = pl.col("owner_id") % EVERY == 0
    deals = frames["deals"].filter(mine)
    return {
        **frames,
        "deals": deals,
        "credits": frames["credits"].join(deals.select("deal_id"), on="deal_id", how="semi"),
        "leads": frames["leads"].filter(mine),
        "counts": frames["counts"].filter(pl.col("employee_id") % EVERY == 0),
    }


def reference_side(plan: Plan, frames: dict[str, pl.DataFrame], full_s: float) -> None:
    """The reference evaluator on the sample, timed on its own (inputs checked first),
    against the vectorized evaluator on the same sample and on everything."""
    part = make_inputs(PERIOD, **sample(frames))
    start = time.perf_counter()
    vector = evaluate(plan, part)
    vector_s = time.perf_counter() - start
    start = time.perf_counter()
    reference = evaluate(plan, part, mode="reference")
    reference_s = time.perf_counter() - start
    lines = reference.line_list()
    start = time.perf_counter()
    canonical(lines_frame(lines), [comp.id for comp in plan.components])
    framing_s = time.perf_counter() - start
    print(
        f"  reference evaluator on the 1 % sample ({part.deals.height:,} deals, "
        f"{part.leads.height:,} leads, {reference.height:,} lines): {reference_s:.1f} s, of "
        f"which {framing_s:.1f} s turn its lines into the frame (vectorized {vector_s:.2f} s);"
        f" same lines: {'yes' if reference.lines.equals(vector.lines) else 'NO'}"
    )
    for label, seconds in (("whole", reference_s), ("without the frame", reference_s - framing_s)):
        print(
            f"  reference ({label}) ×{EVERY}: {seconds * EVERY:,.0f} s; vectorized on "
            f"everything is {seconds * EVERY / full_s:,.0f}× faster"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--engine-only", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_only:
        engine_side(Path(args.engine_only))
        return
    deal_rows, lead_rows = int(5_000_000 * args.scale), int(2_000_000 * args.scale)
    payees = int(20_000 * args.scale)
    with tempfile.TemporaryDirectory(prefix="meritline-incentives-") as tmp:
        folder = Path(tmp)
        print(f"generate {deal_rows:,} deals, {lead_rows:,} leads, {payees:,} payees, {PERIOD}")
        start = time.perf_counter()
        frames = generate(deal_rows, lead_rows, payees)
        for name, frame in frames.items():
            frame.write_ipc(folder / f"{name}.arrow", compression="uncompressed")
        print(f"  {time.perf_counter() - start:.2f} s")
        del frames
        print("engine: one month, fresh process")
        subprocess.run([sys.executable, __file__, "--engine-only", tmp], check=True)  # noqa: S603


if __name__ == "__main__":
    main()

"""Performance engine throughput: score one cycle for 20,000 employees × 8 KPIs plus
100,000 multi-rater answers (rater normalisation on), vectorized with Polars.

Prints figures; not part of `make test`. Run: `uv run python bench/performance.py`
(`--scale 0.1` for a quick run). Target (issue 5): ≤ 15 s and ≤ 3 GB peak memory.

By default the KPI values arrive as frames of numerator/denominator, generated here
(seeded); the run also scores a 1 % sample of the employees by the reference scorer and
checks that it equals the vectorized result for them.

`--from-sales` measures the whole cycle as the issue states it: bench/metrics.py's
generator writes 5,000,000 credited deal rows and 2,000,000 leads (24 months, 1,000,000
customers) to Arrow files; a fresh process loads them, validates them, computes the seven
metric KPIs of the template for 2025-Q4 (and the previous quarter that retention needs)
through the metrics engine for every employee, and scores the cycle with the 100,000
answers. Seconds are counted from the frames loaded; the peak is that process's RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from meritline.metrics import METRICS, Frames, compute
from meritline.performance.engine import (
    ANSWERS_SCHEMA,
    EMPLOYEES_SCHEMA,
    VALUES_SCHEMA,
    BlendRules,
    CycleRules,
    RaterRules,
    parse_grades,
    parse_template,
    score_cycle,
)

LINEAR = {"kind": "linear", "points": [[60, 0], [100, 100], [120, 120]]}
STEPS = {"kind": "steps", "points": [[80, 60], [100, 100], [130, 120]]}
LOWER = {"kind": "lower_is_better", "points": [[50, 120], [100, 100], [200, 0]]}
# (id, unit, target, curve, weight, numerator range, denominator range)
KPIS = [
    ("sales_amount", "fen", 2_000_000_00, LINEAR, 20, (0, 3_000_000_00), (1, 1)),
    ("big_clients", "count", 5, LINEAR, 15, (0, 8), (1, 1)),
    ("new_customers", "count", 20, STEPS, 10, (0, 30), (1, 1)),
    ("conversion_rate", "ratio", "0.25", LINEAR, 10, (0, 60), (40, 120)),
    ("retention", "ratio", "0.8", LINEAR, 10, (50, 100), (100, 100)),
    ("gross_margin", "ratio", "0.3", LINEAR, 10, (0, 40_000_00), (100_000_00, 100_000_00)),
    ("follow_up", "days", 2, LOWER, 10, (0, 300), (30, 100)),
    ("satisfaction", "score", 4, LINEAR, 15, (0, 0), (1, 1)),
]


# --from-sales: the metric behind each KPI of the template
METRIC_OF = {
    "sales_amount": "sales_amount",
    "big_clients": "enterprise_clients",
    "new_customers": "new_customers",
    "conversion_rate": "conversion_rate",
    "retention": "retention_rate",
    "gross_margin": "gross_margin_rate",
    "follow_up": "average_follow_up_days",
}
QUARTER = (date(2025, 10, 1), date(2025, 12, 31))


def template() -> dict[str, object]:
    items = []
    for kpi_id, unit, target, curve, weight, _, _ in KPIS:
        doc = {"id": kpi_id, "unit": unit, "target": target, "curve": curve, "weight": weight}
        metric = METRIC_OF.get(kpi_id, kpi_id)
        doc |= {"kind": "rating"} if unit == "score" else {"kind": "metric", "metric": metric}
        items.append(doc)
    return {"id": "bench", "items": items}


def values_from(result: pl.DataFrame) -> pl.DataFrame:
    """The engine's metric columns as the scorer's KPI values (numerator/denominator;
    a ratio without a denominator is no value)."""
    parts = []
    for kpi_id, metric in METRIC_OF.items():
        if METRICS[metric].unit.is_ratio:
            num, den = pl.col(f"{metric}__num"), pl.col(f"{metric}__den")
        else:
            num, den = pl.col(metric), pl.lit(1, dtype=pl.Int64)
        parts.append(
            result.select(
                "employee_id",
                pl.lit(kpi_id).alias("kpi_id"),
                num.alias("num"),
                den.alias("den"),
                pl.lit(None).alias("target"),
            ).filter(pl.col("num").is_not_null() & (pl.col("den") > 0))
        )
    return pl.concat(parts).cast(VALUES_SCHEMA)  # type: ignore[arg-type]


def cycle_from_sales(folder: Path, answers: int, seed: int) -> None:
    """Child process: load the sales frames, compute the KPIs, score the cycle."""
    from metrics import NAMES, SEGMENT

    frames = {name: pl.read_ipc(folder / f"{name}.arrow") for name in NAMES}
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    employees = int(frames["deals"]["employee_id"].max() or 0)
    data = generate(employees, answers, seed)  # the employees and answers (not timed)
    started = time.perf_counter()
    checked = Frames(**frames)
    del frames
    validated = time.perf_counter()
    result = compute(sorted(set(METRIC_OF.values())), checked, [QUARTER], segment=SEGMENT)
    computed = time.perf_counter()
    values = values_from(result)
    scored = score_cycle(
        rules(), mode="vectorized", employees=data["employees"], values=values,
        answers=data["answers"],
    )  # fmt: skip
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  validate the sales frames        {validated - started:6.2f} s")
    print(f"  compute 7 metric KPIs (2025-Q4)  {computed - validated:6.2f} s")
    print(f"  KPI values → scores, grades      {done - computed:6.2f} s")
    print(
        f"whole cycle from the sales frames: {done - started:.2f} s, peak RSS {peak_mb:,.0f} MB "
        f"(frames loaded: {loaded_mb:,.0f} MB; target ≤ 15 s, ≤ 3,072 MB); "
        f"{values.height:,} KPI values, {scored.ratings.height:,} ratings"
    )
    print("grades:", dict(scored.employees.group_by("grade").len().sort("grade").iter_rows()))


def from_sales(scale: float, seed: int) -> None:
    from metrics import NAMES
    from metrics import generate as generate_sales

    deal_rows, lead_rows = int(5_000_000 * scale), int(2_000_000 * scale)
    employees, customers = int(20_000 * scale), int(1_000_000 * scale)
    with tempfile.TemporaryDirectory(prefix="meritline-perf-") as tmp:
        started = time.perf_counter()
        frames = generate_sales(deal_rows, lead_rows, employees, customers)
        for name in NAMES:
            frames[name].write_ipc(Path(tmp) / f"{name}.arrow", compression="uncompressed")
        print(
            f"generated {deal_rows:,} deal rows, {lead_rows:,} leads, {employees:,} employees, "
            f"{int(100_000 * scale):,} answers to come "
            f"({time.perf_counter() - started:.1f} s, not timed); the cycle in a fresh process:"
        )
        del frames
        command = [sys.executable, __file__, "--cycle-from", tmp, "--seed", str(seed)]
        command += ["--scale", str(scale)]
        subprocess.run(command, check=True)  # noqa: S603


def rules() -> CycleRules:
    grades = parse_grades(
        {
            "bands": [
                {"grade": "S", "min_score": 110, "coefficient": "1.5"},
                {"grade": "A", "min_score": 100, "coefficient": "1.2"},
                {"grade": "B", "min_score": 85, "coefficient": "1.0"},
                {"grade": "C", "min_score": 70, "coefficient": "0.8"},
                {"grade": "D", "min_score": 0, "coefficient": "0.5"},
            ]
        }
    )
    raters = RaterRules.parse(
        {
            "weights": {"supervisor": 50, "peer": 25, "subordinate": 5, "customer": 10, "self": 10},
            "scale_min": 1,
            "scale_max": 5,
            "normalise": True,
        }
    )
    return CycleRules(
        templates={"bench": parse_template(template())},
        blend=BlendRules.parse({"team_weight": 20, "max_points": 10}),
        grades=grades,
        raters=raters,
    )


def generate(employees: int, answers: int, seed: int) -> dict[str, pl.DataFrame]:
    rnd = random.Random(seed)
    ids = list(range(1, employees + 1))
    emp = pl.DataFrame(
        {
            "employee_id": ids,
            "template_id": ["bench"] * employees,
            "team_score": [Decimal(rnd.randint(6000, 11000)) / 100 for _ in ids],
            "points": [Decimal(rnd.choice([0, 0, 0, 200, 500, 1500])) / 100 for _ in ids],
        },
        schema=EMPLOYEES_SCHEMA,
    )
    rows: dict[str, list[object]] = {k: [] for k in VALUES_SCHEMA}
    for e in ids:
        for kpi_id, unit, _, _, _, (lo, hi), (dlo, dhi) in KPIS:
            if unit == "score":
                continue
            rows["employee_id"].append(e)
            rows["kpi_id"].append(kpi_id)
            rows["num"].append(rnd.randint(lo, hi))
            rows["den"].append(rnd.randint(dlo, dhi))
            rows["target"].append(None)
    values = pl.DataFrame(rows, schema=VALUES_SCHEMA)
    ans: dict[str, list[object]] = {k: [] for k in ANSWERS_SCHEMA}
    groups = ["supervisor", "peer", "peer", "peer", "subordinate", "customer", "self"]
    seen: set[tuple[int, int]] = set()
    while len(ans["ratee_id"]) < answers:
        ratee = rnd.choice(ids)
        group = rnd.choice(groups)
        rater = ratee if group == "self" else rnd.randint(1, employees + 5000)
        if (rater == ratee and group != "self") or (ratee, rater) in seen:
            continue
        seen.add((ratee, rater))
        for key, value in zip(
            ANSWERS_SCHEMA,
            (ratee, rater, group, "satisfaction", Decimal(rnd.randint(100, 500)) / 100),
            strict=True,
        ):
            ans[key].append(value)
    return {"employees": emp, "values": values, "answers": pl.DataFrame(ans, schema=ANSWERS_SCHEMA)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--from-sales", action="store_true", help="KPIs from 5 M deals, 2 M leads")
    parser.add_argument("--cycle-from", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cycle_from:
        cycle_from_sales(Path(args.cycle_from), int(100_000 * args.scale), args.seed)
        return
    if args.from_sales:
        from_sales(args.scale, args.seed)
        return
    employees, answers = int(20_000 * args.scale), int(100_000 * args.scale)
    cycle = rules()
    started = time.perf_counter()
    data = generate(employees, answers, args.seed)
    print(
        f"generated {employees:,} employees × {len(KPIS)} KPIs and {answers:,} answers "
        f"in {time.perf_counter() - started:.1f} s (not timed below)"
    )
    started = time.perf_counter()
    result = score_cycle(cycle, mode="vectorized", **data)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"vectorized cycle: {seconds:.2f} s, peak RSS {peak_mb:,.0f} MB "
        f"(target ≤ 15 s, ≤ 3,072 MB); {result.kpis.height:,} KPI rows, "
        f"{result.ratings.height:,} ratings"
    )
    print("grades:", dict(result.employees.group_by("grade").len().sort("grade").iter_rows()))
    sample = data["employees"].filter(pl.col("employee_id") % 100 == 0)
    ids = sample["employee_id"].to_list()
    raters = data["answers"].filter(pl.col("ratee_id").is_in(ids))["rater_id"].unique()
    # normalisation needs every answer of the sample's raters and the item's pool: keep all
    started = time.perf_counter()
    reference = score_cycle(
        cycle,
        mode="reference",
        employees=sample,
        values=data["values"].filter(pl.col("employee_id").is_in(ids)),
        answers=data["answers"],
    )
    kept = result.employees.filter(pl.col("employee_id").is_in(ids))
    assert_frame_equal(reference.employees, kept)
    print(
        f"reference on a 1 % sample ({sample.height} employees, {raters.len():,} raters): "
        f"equal to the vectorized result ({time.perf_counter() - started:.1f} s)"
    )
    print(
        "KPI values come from the metrics engine over 5,000,000 deals and 2,000,000 "
        "leads; its cost is measured by bench/metrics.py."
    )


if __name__ == "__main__":
    main()

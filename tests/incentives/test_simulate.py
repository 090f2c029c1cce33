"""`meritline incentives simulate`: a plan run on files alone, never on the database."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "simulate"
PAY2 = ROOT / "examples" / "plans" / "pay2_tiered_commission.yaml"
POINTS = ROOT / "examples" / "plans" / "lead_points_redesign.yaml"

DEALS_HEADER = "订单号,合同编号,签约日期,合同金额,客户编号,负责人工号,分成\n"
PEOPLE = (
    "工号,姓名,职级提成率,提成率调整,团队负责人工号\nE001,王芳,1%,,\nE002,李强,1.5%,-0.5%,E001\n"
)


def run(*args: str | Path) -> str:
    out = io.StringIO()
    call_command("incentives", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def simulate(tmp_path: Path, deals: str, *extra: str | Path, plan: Path = PAY2) -> str:
    """Run on a deals file with these rows (and two people), messages in English."""
    deals_file = tmp_path / "deals.csv"
    deals_file.write_text(DEALS_HEADER + deals, encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    return run(
        "simulate",
        "--plan", plan,
        "--deals", deals_file,
        "--people", people,
        "--period", "2026-10",
        "--out", tmp_path / "result.csv",
        *(extra or ("--lang", "en")),
    )  # fmt: skip


def refusal(tmp_path: Path, deals: str, *extra: str | Path, plan: Path = PAY2) -> str:
    with pytest.raises(CommandError) as caught:
        simulate(tmp_path, deals, *extra, plan=plan)
    assert not (tmp_path / "result.csv").exists()
    return str(caught.value)


def lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_example_files_run_the_tiered_plan_without_touching_the_database(
    tmp_path: Path, django_db_blocker
) -> None:  # type: ignore[no-untyped-def]
    with django_db_blocker.block():
        printed = run(
            "simulate",
            "--plan", PAY2,
            "--deals", EXAMPLES / "deals.csv",
            "--leads", EXAMPLES / "leads.csv",
            "--people", EXAMPLES / "people.csv",
            "--period", "2026-10",
            "--out", tmp_path / "result.csv",
            "--lang", "en",
        )  # fmt: skip
    rows = lines(tmp_path / "result.csv")
    assert list(rows[0]) == [
        "payee", "component", "source_id", "base_fen", "rate", "amount_fen", "explanation"
    ]  # fmt: skip
    big = next(r for r in rows if r["source_id"] == "SO-202610-001")
    assert (big["payee"], big["base_fen"], big["rate"], big["amount_fen"]) == (
        "E001", "120000000", "0.020000", "2400000"
    )  # fmt: skip
    assert big["explanation"].startswith(
        "Deal D-1024: signed ¥1,200,000.00 reached the ≥¥1,000,000 bracket, rate 2%"
    )
    refund = next(r for r in rows if r["component"] == "refunds")
    assert (refund["source_id"], refund["amount_fen"]) == ("SO-202610-003", "-50000")
    adjusted = next(r for r in rows if r["source_id"] == "SO-202610-004")
    assert (adjusted["payee"], adjusted["rate"]) == ("E003", "0.005000")  # 1 % level − 0.5 pt
    assert "E001 王芳" in printed and "¥27,450.00" in printed
    total = sum(int(r["amount_fen"]) for r in rows)
    assert f"{len(rows)} lines for 3 payees, total ¥{total / 100:,.2f}" in printed


def test_lang_en_explains_in_english(tmp_path: Path) -> None:
    simulate(tmp_path, "A1,D-1,2026-10-05,1200000,C1,E001,\n", "--lang", "en")
    (row,) = lines(tmp_path / "result.csv")
    assert row["explanation"].startswith("Deal D-1: signed ¥1,200,000.00 reached")
    simulate(tmp_path, "A1,D-1,2026-10-05,1200000,C1,E001,\n", "--lang", "zh-hans")
    (row,) = lines(tmp_path / "result.csv")
    assert row["explanation"].startswith("合同 D-1 签约额 ¥1,200,000.00 达到")


def test_collaborators_share_a_deal_by_their_split(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: 协作\ncomponents:\n  - {id: c, kind: rate, payee: credited, "
        'tiers: [{from: 0, rate: "0.01"}]}\n',
        encoding="utf-8",
    )
    simulate(tmp_path, "A1,D-1,2026-10-05,1000.01,C1,E001,E001:60%;E002:40%\n", plan=plan)
    amounts = {r["payee"]: int(r["amount_fen"]) for r in lines(tmp_path / "result.csv")}
    assert amounts == {"E001": 600, "E002": 400}


def test_a_bad_plan_is_refused_with_the_engines_location(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: 分档\ncomponents:\n  - id: c\n    kind: rate\n    payee: owner\n    tiers:\n"
        '      - {from: 0, to: 400000, rate: "0.01"}\n      - {from: 500000, rate: "0.02"}\n',
        encoding="utf-8",
    )
    message = refusal(tmp_path, "A1,D-1,2026-10-05,100,C1,E001,\n", plan=plan)
    assert "Plan plan.yaml: components[0].tiers[1].from: leaves a gap" in message


def test_a_bad_cell_names_its_row_and_column(tmp_path: Path) -> None:
    message = refusal(
        tmp_path, "A1,D-1,2026-10-05,100,C1,E001,\nA2,D-2,2026-10-06,一百元,C1,E001,\n"
    )
    assert "deals.csv row 3 [合同金额]: “一百元” is not an amount in yuan" in message


def test_a_deal_signed_outside_the_period_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, "A1,D-1,2026-10-05,100,C1,E001,\nA2,D-2,2026-09-30,100,C1,E001,\n")
    assert "deals.csv row 3: signing date 2026-09-30 is not in 2026-10" in message


def test_duplicate_deal_ids_are_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, "A1,D-1,2026-10-05,100,C1,E001,\nA1,D-2,2026-10-06,100,C1,E001,\n")
    assert "deals.csv row 3 [订单号]: deal A1 already appears in row 2." in message


def test_split_shares_must_add_up_to_100_percent(tmp_path: Path) -> None:
    message = refusal(tmp_path, "A1,D-1,2026-10-05,100,C1,E001,E001:60%;E002:30%\n")
    assert "deals.csv row 2 [分成]: The split shares add up to 90.00 %" in message


def test_people_not_in_the_people_file_are_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, "A1,D-1,2026-10-05,100,C1,E009,E009:50%;E001:50%\n")
    assert message.count("employee number E009 is not in the people file.") == 1


def test_a_missing_level_rate_is_reported(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS_HEADER + "A1,D-1,2026-10-05,100,C1,E001,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="level rate"):
        run("simulate", "--plan", PAY2, "--deals", deals, "--period", "2026-10",
            "--out", tmp_path / "r.csv", "--lang", "en")  # fmt: skip


def test_an_xlsx_deals_file_reads_like_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["外部编号", "签约日期", "签约金额", "客户ID", "销售工号"])
    sheet.append(["X1", "2026-10-09", 600000, "C9", "E002"])
    book.save(tmp_path / "deals.xlsx")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    run("simulate", "--plan", PAY2, "--deals", tmp_path / "deals.xlsx",
        "--people", tmp_path / "people.csv", "--period", "2026-10",
        "--out", tmp_path / "r.csv", "--lang", "en")  # fmt: skip
    (row,) = lines(tmp_path / "r.csv")
    assert (row["source_id"], row["rate"], row["amount_fen"]) == ("X1", "0.010000", "600000")


def test_a_conversion_gate_is_measured_on_the_leads_file(tmp_path: Path) -> None:
    run("simulate", "--plan", POINTS, "--deals", EXAMPLES / "deals.csv",
        "--leads", EXAMPLES / "leads.csv", "--people", EXAMPLES / "people.csv",
        "--period", "2026-10", "--out", tmp_path / "r.csv", "--lang", "en")  # fmt: skip
    shares = [
        r for r in lines(tmp_path / "r.csv") if r["component"] == "marketing_conversion_share"
    ]
    assert {r["payee"] for r in shares} == {"E020"}
    assert all(
        "gate met: lead conversion rate 2/5 = 40.00% ≥ 20%" in r["explanation"] for r in shares
    )


def test_a_gate_on_a_metric_files_cannot_give_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: 门槛\ncomponents:\n  - {id: c, kind: rate, payee: owner, "
        'tiers: [{from: 0, rate: "0.01"}], gate: {metric: collection_rate, min: "0.5"}}\n',
        encoding="utf-8",
    )
    message = refusal(tmp_path, "A1,D-1,2026-10-05,100,C1,E001,\n", plan=plan)
    assert "collection_rate" in message


def test_the_console_script_exits_non_zero_with_a_chinese_message(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS_HEADER + "A1,D-1,2026-09-30,100,C1,E001,\n", encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meritline.config.settings.dev",
        # an unreachable database: the command must not need one
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/no_such_database",
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "meritline.config.cli", "incentives", "simulate",
         "--plan", str(PAY2), "--deals", str(deals), "--period", "2026-10",
         "--out", str(tmp_path / "r.csv"), "--lang", "en"],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "deals.csv row 2: signing date 2026-09-30 is not in 2026-10" in done.stderr

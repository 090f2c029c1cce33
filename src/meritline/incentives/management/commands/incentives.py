"""`meritline incentives simulate --plan PLAN.yaml --deals DEALS.csv --period 2026-10 --out
RESULT.csv` — run a plan on files alone, without the database (docs/plans.md,
"Simulating a plan on files")."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from meritline.core.money import format_fen, parse_yuan
from meritline.incentives.simulate import (
    BIG_CLIENT_FROM_FEN,
    SimulationError,
    simulate,
    write_csv,
)

LANGUAGES = {"zh-hans": "zh-Hans", "en": "en"}
SHOWN_PROBLEMS = 200


def _yuan(text: str) -> int:
    try:
        return parse_yuan(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "Incentive plans on files: `simulate` runs a plan on CSV/XLSX files without the database."
    )
    requires_system_checks: list[str] = []  # nothing here needs the database or the apps' checks

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        sim = commands.add_parser(
            "simulate",
            help="run a plan on deals (and leads, people) files and write every result line",
        )
        sim.add_argument("--plan", required=True, type=Path, help="the plan, YAML or JSON")
        sim.add_argument("--deals", required=True, type=Path, help="deals, .csv or .xlsx")
        sim.add_argument("--leads", type=Path, help="leads, .csv or .xlsx")
        sim.add_argument(
            "--people", type=Path, help="people: number, name, level rate, adjustment, team lead"
        )
        sim.add_argument("--period", required=True, help="the month, e.g. 2026-10")
        sim.add_argument("--out", required=True, type=Path, help="the result lines, CSV")
        sim.add_argument("--lang", choices=sorted(LANGUAGES), default="zh-hans")
        sim.add_argument(
            "--big-client-from",
            type=_yuan,
            default=BIG_CLIENT_FROM_FEN,
            metavar="YUAN",
            help="a deal of at least this amount is a big client's (default 10000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            self._simulate(options)

    def _simulate(self, options: dict[str, Any]) -> None:
        try:
            simulation = simulate(
                plan=options["plan"],
                deals=options["deals"],
                leads=options["leads"],
                people=options["people"],
                period=options["period"],
                big_client_from_fen=options["big_client_from"],
                language=LANGUAGES[options["lang"]],
            )
        except SimulationError as exc:
            shown = exc.problems[:SHOWN_PROBLEMS]
            if len(exc.problems) > SHOWN_PROBLEMS:
                shown.append(
                    _("… and %(count)d more.") % {"count": len(exc.problems) - SHOWN_PROBLEMS}
                )
            raise CommandError(
                _("Nothing was computed:") + "\n" + "\n".join(f"  {p}" for p in shown)
            ) from None
        try:
            write_csv(simulation, options["out"])
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s")
                % {"file": options["out"], "reason": exc.strerror or exc}
            ) from None
        out = self.stdout
        width = max((len(n) + len(name) for n, name, _fen in simulation.totals), default=0)
        for number, name, fen in simulation.totals:
            out.write(f"  {f'{number} {name}'.strip():<{width + 1}}  {format_fen(fen):>16}")
        total = sum(fen for _n, _name, fen in simulation.totals)
        out.write(
            _("%(lines)d lines for %(payees)d payees, total %(total)s; written to %(file)s.")
            % {
                "lines": len(simulation.rows),
                "payees": len(simulation.totals),
                "total": format_fen(total),
                "file": options["out"],
            }
        )

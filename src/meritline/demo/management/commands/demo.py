"""``meritline demo``: build the demo company 星河云服 (deterministic for a seed)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meritline.demo import build as demo
from meritline.demo.catalogue import DEFAULT_SEED
from meritline.demo.logins import table


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Build the demo company 星河云服: structure, about 300 staff with their history, "
        "and the demo logins."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("Seed of the generator; the same seed builds the same company."),
        )
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help=_("Do nothing if the demo company is already there."),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Delete the organisation data first, then build."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("With --reset: wipe even data that did not come from the demo."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reset, if_absent = options["reset"], options["if_absent"]
        if demo.demo_present() and (if_absent or not reset):
            if if_absent:
                self.stdout.write(_("Demo company already present."))
                return
            raise CommandError(
                _("The demo company is already present; use --reset to build it again.")
            )
        if demo.org_data_present() and not reset:
            if if_absent:
                self.stderr.write(
                    _("The database holds other organisation data; the demo company was not built.")
                )
                return
            raise CommandError(
                _(
                    "The database already holds organisation data; use --reset --force to "
                    "replace it with the demo company."
                )
            )
        if reset:
            problems = demo.foreign_data()
            if problems and not options["force"]:
                raise CommandError(
                    _(
                        "Refusing to wipe data that did not come from the demo (%(what)s). "
                        "Add --force to wipe it anyway."
                    )
                    % {"what": "; ".join(problems)}
                )
        with transaction.atomic():
            if reset:
                demo.wipe()
            summary = demo.build(seed=options["seed"])
        self.stdout.write(self.style.SUCCESS(self.summary(summary)))
        self.stdout.write("")
        self.stdout.write(table())

    @staticmethod
    def summary(summary: demo.Summary) -> str:
        counts = summary.counts
        first = _("Built the demo company 星河云服 (seed %(seed)s) in %(seconds).1f s.") % {
            "seed": summary.seed,
            "seconds": summary.seconds,
        }
        second = (
            _(
                "%(entities)s legal entities, %(regions)s regions, %(departments)s departments, "
                "%(posts)s posts, %(platforms)s sales platforms; %(employees)s employees "
                "(%(active)s active, %(left)s left), %(assignments)s assignments, "
                "%(salary_changes)s salary changes, %(certificates)s certificates, "
                "%(trainings)s training records."
            )
            % counts
        )
        return f"{first}\n{second}"

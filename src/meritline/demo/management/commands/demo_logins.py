"""``meritline demo_logins``: print the demo logins (``make demo`` runs it before serving)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from meritline.demo.logins import table


class Command(BaseCommand):
    help = _(  # type: ignore[assignment]
        "Print the logins of the demo company and whose story each one shows."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(table())

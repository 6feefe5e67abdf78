"""Load the demo report (after `load_demo`, which loads the questionnaire it is based on)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reports.demo.report import DEMO_SYMBOL, load_demo_report


class Command(BaseCommand):
    help = f"Load the demo report {DEMO_SYMBOL} on the demo questionnaire. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo_report()
        if report is None:
            raise CommandError("The demo questionnaire is not loaded: run `load_demo` first.")
        self.stdout.write(self.style.SUCCESS(f"Demo report {report.symbol} is report {report.pk}."))

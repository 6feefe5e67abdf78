"""Build a report's PDF now, in this process, and say where it is."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.storage import where_stored
from reports import services
from reports.models import Build, Report


class Command(BaseCommand):
    help = "Compile a report to PDF and DOCX synchronously (no worker needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report_id", type=int)
        parser.add_argument(
            "--acknowledge-warnings",
            action="store_true",
            help="Build even though the consistency report has warnings (they are recorded).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = Report.objects.get(pk=options["report_id"])
        except Report.DoesNotExist:
            raise CommandError(f"No report has the id {options['report_id']}.") from None
        started = time.monotonic()
        try:
            build = services.compile_now(
                report=report, acknowledge_warnings=options["acknowledge_warnings"]
            )
        except services.WarningsNotAcknowledgedError as error:
            raise CommandError(
                f"{error.messages[0]} Run again with --acknowledge-warnings to build anyway."
            ) from None
        seconds = time.monotonic() - started
        if build.status != Build.Status.SUCCEEDED:
            raise CommandError(f"Build {build.pk} failed: {build.error}")
        reused = f" (reused build {build.reused_from_id})" if build.reused_from_id else ""
        self.stdout.write(f"PDF: {where_stored(build.pdf.name)}")
        self.stdout.write(f"DOCX: {where_stored(build.docx.name)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Build {build.pk}: {build.page_count} pages in {seconds:.1f} s{reused}."
            )
        )

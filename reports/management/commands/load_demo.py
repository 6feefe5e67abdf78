from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from portal.storage import where_stored
from reports.builds import services as report_services
from reports.demo import cycle as demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo dataset. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        demo.ensure_demo_allowed()
        # The demo files replies as they arrived in 2007: its acknowledgements are logged in
        # the e-mail log like any other, but not printed on the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            loaded = demo.load_demo()
        q = loaded["questionnaire"]
        self.stdout.write(
            self.style.SUCCESS(
                f'Demo data loaded: {loaded["accounts"]} accounts; "{q.title[:60]}…" with '
                f"{q.replies.filter(received_on__isnull=False).count()} replies received."
            )
        )
        report = loaded["report"]
        if report is not None:
            # Compiled once, here and now; the demo's deliberate slip (Latvia cited without a
            # reply) is a warning of the consistency report, acknowledged for the demo.
            build = report_services.compile_now(report=report, acknowledge_warnings=True)
            if build.pdf:
                self.stdout.write(
                    f"Demo report {report.symbol}: {build.page_count} pages, PDF at "
                    f"{where_stored(build.pdf.name)}"
                )
            else:
                self.stdout.write(
                    self.style.WARNING(f"The demo report did not build: {build.error}")
                )
        paper = loaded.get("paper")
        if paper is not None:
            build = report_services.compile_now(report=paper, acknowledge_warnings=True)
            if build.pdf:
                self.stdout.write(
                    f"Demo background paper ({paper.short_title}): {build.page_count} pages, "
                    f"PDF at {where_stored(build.pdf.name)}"
                )
            else:
                self.stdout.write(
                    self.style.WARNING(f"The demo background paper did not build: {build.error}")
                )

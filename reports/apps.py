from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Coding and reports"

    def ready(self) -> None:
        from portal import jobs
        from surveys import events

        from . import receivers, services

        # Builds are a kind of background job: the watchdog (portal.jobs) looks after them.
        jobs.register(services.BUILDS)

        events.reply_submitted.connect(receivers.refresh_coding, dispatch_uid="reports.coding")

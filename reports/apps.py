from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Coding and reports"

    def ready(self) -> None:
        from portal import jobs
        from surveys import events

        from . import receivers, services, tasks  # noqa: F401  (tasks: sent by name, see below)

        # Builds are a kind of background job: the watchdog (portal.jobs) looks after them. Their
        # task is sent by name, so it is registered here for processes that run tasks in-process.
        jobs.register(services.BUILDS)

        events.reply_submitted.connect(receivers.refresh_coding, dispatch_uid="reports.coding")

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Coding and reports"

    def ready(self) -> None:
        from portal import jobs
        from portal import selectors as home
        from surveys import events

        # ``tasks`` registers the areas' Celery tasks in every process, not only in workers that
        # autodiscover them: builds are queued by task name (``BUILD_TASK``), and with eager
        # Celery (the embedded default) the web process runs them itself.
        from . import attention, receivers, tasks  # noqa: F401
        from .builds import services as builds

        # Builds are a kind of background job: the watchdog (portal.jobs) looks after them.
        jobs.register(builds.BUILDS)
        # The secretariat's home lists what needs attention, from both apps.
        home.register_attention(attention.secretariat_attention)

        events.reply_submitted.connect(receivers.refresh_coding, dispatch_uid="reports.coding")

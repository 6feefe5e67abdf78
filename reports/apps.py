from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Coding and reports"

    def ready(self) -> None:
        from surveys import events

        from . import receivers

        events.reply_submitted.connect(receivers.refresh_coding, dispatch_uid="reports.coding")

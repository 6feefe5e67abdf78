from django.apps import AppConfig
from django.urls import register_converter


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Accounts and portal"

    def ready(self) -> None:
        from .ids import IdConverter

        # Every page route names its rows as <id:pk>: registered here, before any URLconf loads.
        register_converter(IdConverter, "id")

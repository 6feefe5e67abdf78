from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo dataset. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        demo.ensure_demo_allowed()
        users = demo.load_demo_accounts()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(users)} accounts."))

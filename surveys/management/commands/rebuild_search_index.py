from django.core.management.base import BaseCommand

from surveys.review import search


class Command(BaseCommand):
    help = "Rebuild the search entries of every submitted reply (after an upgrade or a restore)."

    def handle(self, *args: object, **options: object) -> None:
        count = search.rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} entries."))

from django.core.management.base import BaseCommand

from reports.demo import cycle as demo


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write("Sign in with one of these demo accounts (e-mail, password, role):")
        for line in demo.login_lines():
            self.stdout.write(line)

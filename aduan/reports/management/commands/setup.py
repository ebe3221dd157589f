"""``aduan setup [--demo]``: everything a fresh database needs, safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Migrate, collect static files, load reference data, train the router if it has no "
            "model yet, and (optionally) load the demo.")

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also load the demo data.")

    def handle(self, *args, demo=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("refdata", "load", stdout=self.stdout)
        call_command("routing", "train", "--if-missing", stdout=self.stdout)
        if demo:
            call_command("demo", stdout=self.stdout)

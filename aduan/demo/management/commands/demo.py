"""``aduan demo [--training]``: load the demo accounts and reports (once), or a training sandbox."""

from django.core.management.base import BaseCommand

from aduan.demo.scenarios import DEMO_PASSWORD, STAFF, load_demo, load_training


class Command(BaseCommand):
    help = ("Load demo staff accounts, a citizen account and reports in every status; with "
            "--training, also practice reports for every queue, and switch the site to "
            "training mode (banner, no message sent to anyone).")

    def add_arguments(self, parser):
        parser.add_argument("--training", action="store_true",
                            help="Make this database a training sandbox.")

    def handle(self, *args, training=False, **options):
        staff = ", ".join(username for username, *_rest in STAFF)
        if training:
            made = load_training()
            self.stdout.write(f"training mode on: {made} practice reports added; staff accounts "
                              f"(password {DEMO_PASSWORD}): {staff}")
            return
        made = load_demo()
        if not made:
            self.stdout.write("demo: already loaded")
            return
        self.stdout.write(f"demo: {made} reports; staff accounts (password {DEMO_PASSWORD}): "
                          + staff)

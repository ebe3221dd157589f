"""``aduan twofactor reset USERNAME``: remove a staff member's second factors (a lost phone).

The staff member enrols again at the next login. Audited; run it only after checking
who is asking, out of band.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aduan.accounts.twofactor import two_factor_reset


class Command(BaseCommand):
    help = "Manage staff second factors."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset", help="Remove every second factor of a user.")
        reset.add_argument("username")

    def handle(self, *args, action, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        removed = two_factor_reset(user)
        self.stdout.write(f"Removed {removed} second factor rows of {username}; they enrol "
                          "again at the next login.")

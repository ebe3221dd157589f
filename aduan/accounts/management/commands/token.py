"""``aduan token create USERNAME``: print a new API token on the last line."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aduan.accounts.services import token_create


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, action, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        raw = token_create(user=user, name=name, from_cli=True)
        self.stdout.write("Token created; it is shown only once:")
        self.stdout.write(raw)

"""``aduan staff add USERNAME --agency CODE --role ROLE`` (password read from stdin)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from aduan.accounts.services import staff_add
from aduan.agencies.models import Role
from aduan.errors import DomainError


class Command(BaseCommand):
    help = "Manage staff members."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a staff member or give them another role.")
        add.add_argument("username")
        add.add_argument("--agency", required=True, help="Agency code, e.g. pemkot-surabaya.")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--email", default="")

    def handle(self, *args, action, username, agency, role, email, **options):
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else None
        if password is None:
            import getpass
            password = getpass.getpass("Password: ")
        try:
            user, created = staff_add(username=username, agency_code=agency, role=role,
                                      password=password or None, email=email)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {user.get_username()}: {role} at {agency}")

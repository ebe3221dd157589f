"""``aduan clients add|list|rotate|revoke``: partner systems and their keys.

``add`` and ``rotate`` print the new key on their last line; it is shown only once.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from aduan.errors import DomainError
from aduan.partners import clients
from aduan.partners.models import ApiClient


class Command(BaseCommand):
    help = "Manage API clients (partner systems)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create a client; prints its key on the last line.")
        add.add_argument("name")
        add.add_argument("--agency", required=True, help="The agency code it acts for.")
        add.add_argument("--scopes", required=True,
                         help="Comma-separated: reports:submit,reports:read,reports:act,"
                              "open-data:read")
        add.add_argument("--rate-limit", type=int, default=600,
                         help="Requests per minute (default 600).")
        sub.add_parser("list", help="List the clients.")
        rotate = sub.add_parser("rotate", help="New key; old keys work for the overlap.")
        rotate.add_argument("name")
        rotate.add_argument("--overlap-hours", type=float, default=24.0)
        revoke = sub.add_parser("revoke", help="End every key of the client now.")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _add(self, *, name, agency, scopes, rate_limit, **_options):
        made = clients.client_create(name=name, agency_code=agency, scopes=scopes,
                                     rate_limit_per_minute=rate_limit)
        self.stdout.write(f"Client {made.client.name} created for {made.client.agency_id} "
                          f"({', '.join(made.client.scopes)}); its key is shown only once:")
        self.stdout.write(made.raw)

    def _list(self, **_options):
        for client in ApiClient.objects.select_related("agency"):
            state = "revoked" if client.revoked_at else "active"
            used = client.last_used_at.isoformat() if client.last_used_at else "never"
            self.stdout.write(f"{client.name}\t{client.agency_id}\t{','.join(client.scopes)}\t"
                              f"{state}\tlast used {used}")

    def _rotate(self, *, name, overlap_hours, **_options):
        if overlap_hours < 0:
            raise CommandError("The overlap cannot be negative.")
        made = clients.client_rotate(client=clients.client_get(name),
                                     overlap=timedelta(hours=overlap_hours))
        self.stdout.write(f"New key for {made.client.name}; older keys stop in "
                          f"{overlap_hours:g} h. The new key is shown only once:")
        self.stdout.write(made.raw)

    def _revoke(self, *, name, **_options):
        client = clients.client_get(name)
        clients.client_revoke(client=client)
        self.stdout.write(f"Client {client.name} revoked.")

"""``aduan clients add|list|rotate|revoke|webhook``: partner systems, their keys and webhooks.

``add`` and ``rotate`` print the new key on their last line, ``webhook add`` the
endpoint's signing secret; each is shown only once.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from aduan.errors import DomainError
from aduan.partners import clients, webhooks
from aduan.partners.models import ApiClient, EventType


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
        self._webhook_arguments(sub.add_parser("webhook", help="The client's webhooks."))

    def _webhook_arguments(self, parser):
        sub = parser.add_subparsers(dest="webhook_action", required=True)
        add = sub.add_parser("add", help="Register an endpoint; prints its secret last.")
        add.add_argument("name")
        add.add_argument("url")
        add.add_argument("--events", required=True,
                         help=f"Comma-separated: {','.join(EventType.values)}")
        sub.add_parser("list", help="List a client's endpoints.").add_argument("name")
        remove = sub.add_parser("remove", help="Delete an endpoint.")
        remove.add_argument("name")
        remove.add_argument("id", type=int)
        resume = sub.add_parser("resume", help="Unpause an endpoint.")
        resume.add_argument("name")
        resume.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        try:
            if action == "webhook":
                action = f"webhook_{options.pop('webhook_action')}"
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

    def _webhook_add(self, *, name, url, events, **_options):
        endpoint, secret = webhooks.webhook_add(client=clients.client_get(name), url=url,
                                                event_types=events)
        self.stdout.write(f"Webhook {endpoint.pk} of {endpoint.client.name} for "
                          f"{', '.join(endpoint.event_types)} at {endpoint.url}; its signing "
                          "secret is shown only once:")
        self.stdout.write(secret)

    def _webhook_list(self, *, name, **_options):
        for endpoint in clients.client_get(name).webhooks.all():
            state = (f"paused: {endpoint.pause_reason}" if endpoint.paused_at
                     else f"active, {endpoint.failures} failures in a row")
            self.stdout.write(f"{endpoint.pk}\t{endpoint.url}\t{','.join(endpoint.event_types)}"
                              f"\t{state}")

    def _webhook_remove(self, *, name, id, **_options):
        endpoint = webhooks.webhook_get(client=clients.client_get(name), endpoint_id=id)
        webhooks.webhook_remove(endpoint=endpoint)
        self.stdout.write(f"Webhook {id} removed.")

    def _webhook_resume(self, *, name, id, **_options):
        endpoint = webhooks.webhook_get(client=clients.client_get(name), endpoint_id=id)
        webhooks.webhook_resume(endpoint=endpoint)
        self.stdout.write(f"Webhook {id} resumed.")

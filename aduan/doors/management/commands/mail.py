"""E-mail in: ``aduan mail poll [--every SECONDS]``, ``aduan mail serve [--listen HOST:PORT]``."""

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.doors.common import door_configured
from aduan.doors.email_in import mail_poll
from aduan.doors.mail_listener import listen_address, mail_listener

DEFAULT_LISTEN = "127.0.0.1:2525"


class Command(BaseCommand):
    help = ("Read the e-mail door: fetch new messages from its IMAP mailbox (poll), "
            "or receive them over SMTP (serve).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="fetch unseen messages")
        poll.add_argument("--every", type=int, default=0,
                          help="keep polling with this many seconds between rounds")
        serve = sub.add_parser("serve", help="listen for SMTP deliveries")
        serve.add_argument("--listen", default="",
                           help=f"host:port (default ADUAN_MAIL_LISTEN, else {DEFAULT_LISTEN})")
        serve.add_argument("--port", type=int, default=0, help="the port only (host 127.0.0.1)")

    def handle(self, *args, action, **options):
        if action == "serve":
            return self.serve(options["listen"], options["port"])
        if not door_configured("email", "IMAP_HOST", "IMAP_USER", "IMAP_PASSWORD"):
            raise CommandError("Set ADUAN_IMAP_HOST, ADUAN_IMAP_USER and ADUAN_IMAP_PASSWORD.")
        while True:
            kept = mail_poll()
            self.stdout.write(f"{kept} new message(s) kept")
            if not options["every"]:
                return
            time.sleep(options["every"])

    def serve(self, listen: str, port: int) -> None:
        listen = listen or (f"127.0.0.1:{port}" if port else "") \
            or settings.CHANNEL_DOORS["email"]["LISTEN"] or DEFAULT_LISTEN
        try:
            host, port = listen_address(listen)
        except ValueError:
            raise CommandError(f"--listen must be host:port, got {listen!r}") from None
        listener = mail_listener(host, port)
        listener.start()
        self.stdout.write(f"Receiving mail at {host}:{port}; Ctrl-C stops it.")
        stopped = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stopped.set())
        stopped.wait()
        listener.stop()

"""``aduan mail poll [--every SECONDS]``: read the e-mail door's IMAP mailbox."""

import time

from django.core.management.base import BaseCommand, CommandError

from aduan.doors.common import door_configured
from aduan.doors.email_in import mail_poll


class Command(BaseCommand):
    help = "Fetch new messages from the e-mail door's IMAP mailbox (once, or every N seconds)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="fetch unseen messages")
        poll.add_argument("--every", type=int, default=0,
                          help="keep polling with this many seconds between rounds")

    def handle(self, *args, action, every=0, **options):
        if not door_configured("email", "IMAP_HOST", "IMAP_USER", "IMAP_PASSWORD"):
            raise CommandError("Set ADUAN_IMAP_HOST, ADUAN_IMAP_USER and ADUAN_IMAP_PASSWORD.")
        while True:
            kept = mail_poll()
            self.stdout.write(f"{kept} new message(s) kept")
            if not every:
                return
            time.sleep(every)

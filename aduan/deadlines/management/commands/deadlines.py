"""``aduan deadlines sweep [--now ISO]``: run one deadline sweep as of a moment."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aduan.deadlines.recompute import recompute_open
from aduan.deadlines.sweep import sweep


class Command(BaseCommand):
    help = "Deadline operations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep", help="Remind, escalate, auto-close and auto-archive once.")
        run.add_argument("--now", help="ISO date-time to sweep as of (default: now).")
        sub.add_parser("recompute", help="Work out the due dates of every open report again.")

    def handle(self, *args, action, now=None, **options):
        if action == "recompute":
            self.stdout.write(f"recomputed {recompute_open()} open reports")
            return
        moment = timezone.now()
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError(f"{now!r} is not an ISO date-time, e.g. 2026-03-25T09:00+07:00.")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        self.stdout.write(json.dumps(sweep(moment)))

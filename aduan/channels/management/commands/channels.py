"""``aduan channels status``: the doors, today's inbound, waiting and failed outbound."""

from django.core.management.base import BaseCommand

from aduan.channels.outbox import outbox_retry
from aduan.channels.selectors import channels_overview, dead_letters, doors_configured


class Command(BaseCommand):
    help = "Show the channel doors and the outbox (status), or retry a dead letter (retry ID)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="doors, inbound today, waiting and failed outbound")
        retry = sub.add_parser("retry", help="send a dead letter again")
        retry.add_argument("message_id", type=int)

    def handle(self, *args, action, **options):
        if action == "retry":
            done = outbox_retry(message_id=options["message_id"])
            self.stdout.write("queued again" if done else "no dead letter with that id")
            return
        overview = channels_overview(doors_configured())
        self.stdout.write(f"{'door':<12} {'configured':<11} {'inbound today':>13} "
                          f"{'unreadable 7d':>13}")
        for door in overview["doors"]:
            self.stdout.write(f"{door['provider']:<12} {'yes' if door['configured'] else 'no':<11}"
                              f" {door['inbound_today']:>13} {door['unreadable_week']:>13}")
        self.stdout.write(f"\n{'channel':<12} {'waiting':>8} {'failed':>8}")
        for channel, counts in sorted(overview["outbound"].items()):
            self.stdout.write(f"{channel:<12} {counts.get('pending', 0):>8} "
                              f"{counts.get('failed', 0):>8}")
        dead = dead_letters(10)
        if dead:
            self.stdout.write("\nnewest dead letters (retry with: aduan channels retry ID)")
            for m in dead:
                self.stdout.write(f"  #{m.pk} {m.channel} {m.purpose} after {m.attempts} "
                                  f"attempt(s): {m.last_error[:80]}")

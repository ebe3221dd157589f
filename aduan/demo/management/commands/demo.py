"""``aduan demo [--training | --reports N]``: load the demo accounts and reports (once), a
training sandbox, or N synthetic reports for load tests (``aduan.demo.volume``)."""

import time

from django.core.management.base import BaseCommand

from aduan.demo.scenarios import DEMO_PASSWORD, STAFF, load_demo, load_training


class Command(BaseCommand):
    help = ("Load demo staff accounts, a citizen account and reports in every status; with "
            "--training, also practice reports for every queue, and switch the site to "
            "training mode (banner, no message sent to anyone).")

    def add_arguments(self, parser):
        parser.add_argument("--training", action="store_true",
                            help="Make this database a training sandbox.")
        parser.add_argument("--reports", type=int, metavar="N",
                            help="Make synthetic reports until N exist (bulk, for load tests "
                                 "and benchmarks; a second run adds only what is missing).")
        parser.add_argument("--seed", type=int, help="Random seed for --reports.")
        parser.add_argument("--no-finish", action="store_true",
                            help="With --reports: leave sealing the events' hash chain and the "
                                 "statistics to the worker (or `aduan audit verify` and a "
                                 "statistics rebuild) instead of doing them here.")

    def handle(self, *args, training=False, reports=None, seed=None, no_finish=False,
               **options):
        if reports is not None:
            self._volume(reports, seed, finish=not no_finish)
            return
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

    def _volume(self, total: int, seed: int | None, *, finish: bool) -> None:
        from aduan.demo.volume import VOLUME_PIN, volume_finish, volume_generate

        started = time.perf_counter()

        def progress(done: int, wanted: int) -> None:
            if done % 100_000 < 5000 or done == wanted:
                self.stdout.write(f"  {done:,} / {wanted:,} reports "
                                  f"({time.perf_counter() - started:.0f} s)")

        made = volume_generate(total, seed=seed, progress=progress)
        written = time.perf_counter()
        self.stdout.write(f"demo: {made:,} synthetic reports added in {written - started:.1f} s "
                          f"(tracking PIN of every one: {VOLUME_PIN})")
        if finish and made:
            finished = volume_finish()
            self.stdout.write(f"demo: {finished['sealed']:,} events sealed, statistics of "
                              f"{finished['stats']:,} reports rebuilt in "
                              f"{time.perf_counter() - written:.1f} s")

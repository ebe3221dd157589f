"""``aduan audit verify|seal|anchor``: the hash chains of the audit log and report events."""

from django.core.management.base import BaseCommand, CommandError

from aduan.accounts import chain
from aduan.reports.chain import erasures_unaccounted


def _anchor_arg(value: str) -> tuple[str, int, str]:
    stream, _sep, rest = value.partition(":")
    seq, _sep, head = rest.partition(":")
    if stream not in chain.STREAMS or not seq.isdigit() or len(head) != 64:
        raise CommandError(f"--anchor takes STREAM:SEQ:HASH as the worker logs it, got {value!r}")
    return stream, int(seq), head


class Command(BaseCommand):
    help = ("Verify the hash chains (exit status 1 and the first row altered or deleted), "
            "seal rows written since the last seal, or write an anchor now.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal", "anchor"])
        parser.add_argument("--stream", choices=sorted(chain.STREAMS), action="append",
                            help="Only this stream (audit or events); default: both.")
        parser.add_argument("--anchor", action="append", default=[], type=_anchor_arg,
                            help="An anchor copied from the worker's log, STREAM:SEQ:HASH.")
        parser.add_argument("--no-seal", action="store_true",
                            help="verify: do not seal unsealed rows first.")

    def handle(self, *args, action, stream, anchor, no_seal, **options):
        names = stream or list(chain.STREAMS)
        if action == "seal":
            for name in names:
                self.stdout.write(f"{name}: {chain.seal(name)} rows sealed")
            return
        if action == "anchor":
            for name in names:
                made = chain.anchor_write(name)
                self.stdout.write(f"{name}: " + (f"anchor at {made.seq} {made.head_hash}"
                                                 if made else "nothing new to anchor"))
            return
        if not self._verify(names, anchor, seal_first=not no_seal):
            raise SystemExit(1)

    def _verify(self, names, anchors, *, seal_first: bool) -> bool:
        ok = True
        for name in names:
            if seal_first:
                chain.seal(name)
            given = {seq: head for stream, seq, head in anchors if stream == name}
            result = chain.verify(name, anchors=given)
            if result.broken is not None:
                ok = False
                self.stderr.write(f"{name}: BROKEN: {chain.label(name, result.broken)}")
            elif result.extra_problem:
                ok = False
                self.stderr.write(f"{name}: BROKEN: {result.extra_problem}")
            else:
                self.stdout.write(f"{name}: ok, {result.checked} rows, head {result.head_hash}"
                                  + (f", {result.unsealed} not yet sealed"
                                     if result.unsealed else ""))
        if "events" in names:
            stray = erasures_unaccounted()
            if stray:
                ok = False
                self.stderr.write(f"events: BROKEN: report event #{stray[0]} was erased without "
                                  f"an erasure audit entry ({len(stray)} such events)")
        return ok

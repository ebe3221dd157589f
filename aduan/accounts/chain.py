"""Hash-chained streams in the database: sealing, anchors and verification.

A stream is one table whose rows are chained in the order they are sealed. Rows are
written as usual (one ``save``, a bulk insert, a data-modifying CTE) and sealed just
after their transaction commits, by whoever wrote them, under the lock of the
stream's ``ChainHead`` row: two writers never fork the chain, and no writer holds a
global lock while it does its own work. A row that nobody sealed (a crash between
commit and seal) is sealed by the worker's next tick or by ``aduan audit verify``;
until then the database's triggers already refuse to change or delete it.

The audit log's stream is defined here; the report events' stream in
``reports.chain``, which registers it.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from aduan.lib.hashchain import GENESIS, Break, Layout, link, link_many, walk

from .models import Anchor, AuditEntry, ChainHead
from .sealing import SEALERS

logger = logging.getLogger("aduan.audit")
_BATCH = 1000
_BATCH_POSTGRESQL = 5000  # array parameters: no placeholder limit, fewer round trips


def _batch_size() -> int:
    return _BATCH_POSTGRESQL if connection.vendor == "postgresql" else _BATCH


@dataclass(frozen=True)
class Stream:
    """One chained table: which columns the hash covers, read from ``.values()`` rows."""

    name: str
    model: type[models.Model]
    columns: tuple[str, ...]
    # Extra columns read for ``fields`` (not chained themselves).
    extra: tuple[str, ...] = ()
    # (row, sealing) -> the dict the hash covers; ``sealing`` True when the row is sealed.
    fields: Callable[[dict, bool], dict] | None = None
    # Columns written at sealing besides the chain's own (e.g. a content digest).
    sealed_columns: tuple[str, ...] = ()
    # A row's label in messages ("audit entry #12").
    label: str = "row"

    def chained(self, row: dict, sealing: bool = False) -> dict:
        if self.fields is not None:
            return self.fields(row, sealing)
        return {column: row[column] for column in self.columns}


AUDIT = Stream(name="audit", model=AuditEntry, label="audit entry",
               columns=("id", "at", "actor_id", "action", "target", "detail"))
STREAMS: dict[str, Stream] = {"audit": AUDIT}


def stream_register(stream: Stream) -> None:
    STREAMS[stream.name] = stream


def _head_locked(stream: Stream, *, skip_locked: bool = False, heads=ChainHead):
    """The stream's head row, locked (None if ``skip_locked`` and another holds it).

    The row exists after a stream's first seal, so the lock is tried first: one query
    per seal (every submission seals after its commit), the creation only when missing.
    """
    locked = heads.objects.select_for_update(skip_locked=skip_locked).filter(pk=stream.name)
    head = locked.first()
    if head is None and not heads.objects.filter(pk=stream.name).exists():
        heads.objects.get_or_create(stream=stream.name, defaults={"head_hash": GENESIS})
        head = locked.first()
    return head


def _seal_batch(stream: Stream, head, after: int = 0) -> int:
    # ``after``: the last id this call sealed. The partial index still lists the rows
    # just sealed (dead tuples until vacuum); starting past them keeps each batch cheap.
    rows = list(stream.model.objects.filter(row_hash__isnull=True, id__gt=after).order_by("id")
                .values(*{*stream.columns, *stream.extra, "id"})[:_batch_size()])
    sealed = []
    for row in rows:
        fields = stream.chained(row, sealing=True)
        head.seq += 1
        row_hash = link(head.head_hash, head.seq, fields)
        sealed.append((row["id"], head.seq, head.head_hash, row_hash,
                       *(fields[column] for column in stream.sealed_columns)))
        head.head_hash = row_hash
    if sealed:
        _write_seals(stream, sealed)
        head.save(update_fields=["seq", "head_hash"])
    return sealed[-1][0] if sealed else 0


def _write_seals(stream: Stream, sealed: list[tuple]) -> None:
    """One UPDATE ... FROM (VALUES ...) per batch (SQLite and PostgreSQL alike).

    Django's bulk_update writes CASE WHEN id = ... per column, which costs each row a
    scan of the whole CASE: a thousand rows took seconds.
    """
    table = stream.model._meta.db_table
    columns = ("chain_seq", "prev_hash", "row_hash", *stream.sealed_columns)
    types = ("bigint", "varchar(64)", "varchar(64)", *("varchar(64)",) * len(stream.sealed_columns))
    if connection.vendor == "postgresql":
        # One array per column: a statement with thousands of placeholders costs more to
        # build and parse than the update itself.
        sets = ", ".join(f"{column} = v.{column}" for column in columns)
        arrays = ", ".join(f"%s::{kind}[]" for kind in ("bigint", *types))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({arrays}) "
                           f"AS v(id, {', '.join(columns)}) WHERE {table}.id = v.id",
                           [list(values) for values in zip(*sealed, strict=True)])
        return
    sets = ", ".join(f"{column} = CAST(v.column{n} AS {kind})"
                     for n, (column, kind) in enumerate(zip(columns, types, strict=True), 2))
    one = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([one] * len(sealed))}) "
                       f"AS v WHERE {table}.id = CAST(v.column1 AS bigint)",
                       [value for row in sealed for value in row])


def seal(name: str, *, wait: bool = True) -> int:
    """Seal every unsealed row of the stream, in id order; return how many.

    ``wait=False`` gives up at once when another process is sealing: that one, or the
    next tick, seals what this call would have.
    """
    return seal_stream(STREAMS[name], wait=wait)


def seal_stream(stream: Stream, *, wait: bool = True, heads=ChainHead) -> int:
    """``seal`` for a stream object (migrations pass their historical models)."""
    total, last = 0, 0
    while True:
        with transaction.atomic():
            head = _head_locked(stream, skip_locked=not wait, heads=heads)
            if head is None:
                return total
            before = head.seq
            last = _seal_batch(stream, head, after=last)
        done = head.seq - before
        total += done
        if done < _batch_size():
            return total


SEALERS["audit"] = SEALERS["events"] = seal


def seal_inserting(name: str, layout: Layout, rows) -> list[tuple[int, str, str]]:
    """Chain rows that the caller is about to insert, in the given order, sealed as written.

    For bulk writers: a row inserted with its hash is written once, where sealing after
    commit writes it twice (and runs the guard trigger). Takes the stream's head lock and
    holds it until the caller's transaction ends, so call it at the end of the transaction
    and insert the rows in it: others' after-commit seals skip the locked head meanwhile
    (their rows are sealed after this transaction, by the seal it registers, or by the
    worker's tick), and nobody's own writes wait. Returns (seq, prev_hash, row_hash) per row.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("seal_inserting needs the transaction that inserts the rows")
    head = _head_locked(STREAMS[name])
    sealed = link_many(head.head_hash, head.seq, layout, rows)
    if sealed:
        head.seq, head.head_hash = sealed[-1][0], sealed[-1][2]
        head.save(update_fields=["seq", "head_hash"])
    return sealed


# --- anchors ----------------------------------------------------------------------


def anchor_write(name: str, *, now=None) -> Anchor | None:
    """Seal the stream and record its head as an anchor (None if nothing new)."""
    now = now or timezone.now()
    seal(name)
    with transaction.atomic():
        head = _head_locked(STREAMS[name])
        if head.seq == 0 or Anchor.objects.filter(stream=name, seq=head.seq).exists():
            return None
        anchor = Anchor.objects.create(stream=name, seq=head.seq, head_hash=head.head_hash,
                                       created_at=now)
        head.anchored_at = now
        head.save(update_fields=["anchored_at"])
    # The log line is the copy outside the database: keep it with the logs.
    logger.info("audit anchor stream=%s seq=%d hash=%s", name, anchor.seq, anchor.head_hash)
    return anchor


def anchors_periodic(now=None) -> list[Anchor]:
    """The worker's hook: seal every stream; anchor each one whose interval has passed."""
    now = now or timezone.now()
    every = timedelta(minutes=settings.ADUAN["AUDIT_ANCHOR_MINUTES"])
    made = []
    for name in STREAMS:
        seal(name)
        last = ChainHead.objects.filter(pk=name).values_list("anchored_at", flat=True).first()
        if last is None or last <= now - every:
            anchor = anchor_write(name, now=now)
            if anchor is not None:
                made.append(anchor)
    return made


# --- verification -----------------------------------------------------------------


@dataclass
class Result:
    stream: str
    checked: int
    unsealed: int
    head_hash: str
    broken: Break | None = None
    extra_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.extra_problem


def _rows(stream: Stream) -> Iterator[tuple]:
    queryset = (stream.model.objects.filter(chain_seq__isnull=False).order_by("chain_seq")
                .values(*{*stream.columns, *stream.extra, "id", "chain_seq", "prev_hash",
                          "row_hash"}))
    for row in queryset.iterator(chunk_size=2000):
        yield (row["chain_seq"], row["id"], row["prev_hash"], row["row_hash"],
               stream.chained(row))


def verify(name: str, *, anchors: dict[int, str] | None = None) -> Result:
    """Walk the stream from its first row; name the first row altered or deleted.

    Anchors in the database are checked, plus any given (copied from logs).
    """
    stream = STREAMS[name]
    known = dict(Anchor.objects.filter(stream=name).values_list("seq", "head_hash"))
    conflicting = {seq for seq, value in (anchors or {}).items()
                   if known.get(seq, value) != value}
    known.update(anchors or {})
    with transaction.atomic():  # one snapshot on PostgreSQL
        # The head row is an anchor too: rows deleted from the end show up against it.
        head_row = ChainHead.objects.filter(pk=name).first()
        if head_row is not None and head_row.seq:
            known.setdefault(head_row.seq, head_row.head_hash)
        last, head, broken = walk(_rows(stream), anchors=known)
        unsealed = stream.model.objects.filter(row_hash__isnull=True).count()
    result = Result(stream=name, checked=last, unsealed=unsealed, head_hash=head, broken=broken)
    if conflicting and broken is None:
        result.extra_problem = (f"the anchors stored for positions {sorted(conflicting)} "
                                "differ from the ones given")
    return result


def label(name: str, broken: Break) -> str:
    stream = STREAMS[name]
    who = f"{stream.label} #{broken.row_id}" if broken.row_id else f"the {stream.label}"
    return f"{who} at position {broken.seq} was {broken.problem}: {broken.detail}"


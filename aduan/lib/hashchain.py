"""Hash chains: each row's hash covers its content and the previous row's hash.

Pure functions over plain values, shared by the audit log and the report events
(``accounts.chain`` does the database part). A row is a dict of JSON-able values;
datetimes become ISO 8601 in UTC, so SQLite and PostgreSQL give the same bytes.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

GENESIS = "0" * 64


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical(fields: dict) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps({key: _plain(value) for key, value in fields.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def link(prev_hash: str, seq: int, fields: dict) -> str:
    """The hash of the row at position ``seq`` that follows a row hashed ``prev_hash``."""
    return hashlib.sha256(f"{prev_hash}:{seq}:".encode() + canonical(fields)).hexdigest()


class Layout:
    """``canonical`` for many rows that share most of their values, at a fraction of the cost.

    A bulk writer (the deadline sweep: a hundred thousand events that differ only in ids,
    statuses and agencies) fixes the shared values once; ``canonical_of(values)`` then
    gives the same bytes as ``canonical`` of the whole row, by filling the varying values
    into a frame that ``canonical`` itself laid out (so key order and spacing cannot
    drift). Varying values are JSON scalars: str, int or None.
    """

    def __init__(self, shared: dict, varying: tuple[str, ...]):
        marks = {name: f"\x01{n}\x01" for n, name in enumerate(varying)}
        frame = canonical({**shared, **marks}).decode()
        self.varying = varying
        self._pieces = []  # text between the varying values, in the order they appear
        self._order = []   # index into ``varying`` of each slot
        for name in sorted(marks, key=lambda name: frame.index(json.dumps(marks[name]))):
            head, frame = frame.split(json.dumps(marks[name]), 1)
            self._pieces.append(head)
            self._order.append(varying.index(name))
        self._tail = frame
        self._scalars: dict = {}

    def _scalar(self, value) -> str:
        if type(value) is int:
            return str(value)
        text = self._scalars.get(value)
        if text is None:
            text = self._scalars[value] = json.dumps(value, ensure_ascii=False)
        return text

    def canonical_of(self, values: tuple) -> bytes:
        """``canonical({**shared, **dict(zip(varying, values))})``."""
        scalar = self._scalar
        parts = []
        for piece, index in zip(self._pieces, self._order):
            parts.append(piece)
            parts.append(scalar(values[index]))
        parts.append(self._tail)
        return "".join(parts).encode()


def link_many(prev_hash: str, seq: int, layout: Layout, rows) -> list[tuple[int, str, str]]:
    """Chain rows (each the ``layout``'s varying values) after ``prev_hash`` at ``seq``.

    Returns (seq, prev_hash, row_hash) per row: what ``link`` gives one row at a time.
    """
    sealed = []
    sha256, canonical_of = hashlib.sha256, layout.canonical_of
    for values in rows:
        seq += 1
        row_hash = sha256(f"{prev_hash}:{seq}:".encode() + canonical_of(values)).hexdigest()
        sealed.append((seq, prev_hash, row_hash))
        prev_hash = row_hash
    return sealed


@dataclass(frozen=True)
class Break:
    """The first place a chain does not hold: the row named, and what is wrong with it."""

    seq: int
    row_id: int | None
    problem: str  # "altered", "deleted", "reordered"
    detail: str


def walk(rows, *, start_seq: int = 0, start_hash: str = GENESIS,
         anchors: dict[int, str] | None = None) -> tuple[int, str, Break | None]:
    """Check rows given in chain order as (seq, id, prev_hash, row_hash, fields).

    Returns (last seq, last hash, first break or None). A missing position is a
    deleted row; a row whose content does not give its hash was altered, and so was
    a row whose hash is not the one its successor (or an anchor) recorded.
    """
    anchors = anchors or {}
    seq, head, prev_id = start_seq, start_hash, None
    for row_seq, row_id, prev_hash, row_hash, fields in rows:
        if row_seq != seq + 1:
            return seq, head, Break(seq + 1, None, "deleted",
                                    f"position {seq + 1} is missing (the row after #{prev_id}, "
                                    f"before #{row_id})")
        if prev_hash != head:
            return seq, head, Break(seq, prev_id, "altered",
                                    f"its hash is not the one row #{row_id} recorded")
        if link(prev_hash, row_seq, fields) != row_hash:
            return seq, head, Break(row_seq, row_id, "altered",
                                    "its content does not match its hash")
        if anchors.get(row_seq, row_hash) != row_hash:
            return seq, head, Break(row_seq, row_id, "altered",
                                    "its hash is not the one anchored for its position")
        seq, head, prev_id = row_seq, row_hash, row_id
    beyond = [s for s in anchors if s > seq]
    if beyond:
        return seq, head, Break(seq + 1, None, "deleted",
                                f"an anchor records position {max(beyond)} but the chain ends "
                                f"at {seq} (rows after #{prev_id} were deleted)")
    return seq, head, None

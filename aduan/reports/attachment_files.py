"""Attachment files in storage (local folder or S3 bucket): walk them and prune orphans.

A report service saves its files before its transaction commits, so a rolled-back
submission (bad input found late, a lost lock, a killed process) leaves files that
no ``Attachment`` row names. ``attachments_prune`` removes those once they are older
than a day: a younger file may belong to a transaction that is still open.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Attachment

ROOT = "attachments"
# A file this young may belong to a transaction that has not committed yet.
MIN_AGE = timedelta(days=1)
_CHUNK = 500


@dataclass
class PruneResult:
    scanned: int = 0
    orphans: int = 0
    removed: int = 0
    # Orphans left because they are too young.
    kept_young: int = 0


def stored_names(storage=None, root: str = ROOT) -> Iterator[str]:
    """Every file name under ``root`` in the storage, depth first."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(root)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{root}/{name}"
    for folder in sorted(folders):
        yield from stored_names(storage, f"{root}/{folder}")


def _chunks(names: Iterator[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for name in names:
        chunk.append(name)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def attachments_prune(*, min_age: timedelta = MIN_AGE, dry_run: bool = False,
                      storage=None) -> PruneResult:
    """Delete stored files no attachment row names and older than ``min_age``."""
    storage = storage or default_storage
    cutoff = timezone.now() - min_age
    result = PruneResult()
    for chunk in _chunks(stored_names(storage)):
        result.scanned += len(chunk)
        known = set(Attachment.objects.filter(file__in=chunk).values_list("file", flat=True))
        for name in chunk:
            if name in known:
                continue
            result.orphans += 1
            if storage.get_modified_time(name) > cutoff:
                result.kept_young += 1
                continue
            if not dry_run:
                storage.delete(name)
            result.removed += 1
    return result

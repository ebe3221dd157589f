"""Backup archives: a folder (or a tar of it) with the database, the attachments and a manifest.

Layout::

    manifest.json            format, vendor, database file and format, row counts, checksums
    database.sqlite3 | database.pgdump | database.json
    files/attachments/...    every attachment file, under its storage name

The manifest lists every other file with its SHA-256 and size; ``verify`` refuses an
archive in which any file is missing, changed or added, before anything is restored.
"""

import hashlib
import json
import os
import tarfile
from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"


def sha256_stream(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return sha256_stream(handle)


def model_tables() -> list[str]:
    """Every table Django manages, many-to-many tables included, sorted."""
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)
              if model._meta.managed and not model._meta.proxy}
    return sorted(tables)


def count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _listing(root: Path) -> dict[str, dict]:
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative != MANIFEST:
                found[relative] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return dict(sorted(found.items()))


def write_manifest(root: Path, meta: dict) -> dict:
    manifest = {"format": FORMAT, **meta, "files": _listing(root)}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def verify(root: Path) -> dict:
    """The manifest of an untouched archive; refuse any difference from it."""
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise CommandError(f"not a backup archive: {MANIFEST} unreadable ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise CommandError(f"unknown archive format {manifest.get('format')!r}; "
                           f"this Aduan reads format {FORMAT}")
    listed, found = manifest.get("files", {}), _listing(root)
    problems = sorted(
        [f"missing {name}" for name in listed.keys() - found.keys()]
        + [f"unlisted {name}" for name in found.keys() - listed.keys()]
        + [f"checksum differs: {name}" for name in listed.keys() & found.keys()
           if listed[name] != found[name]])
    if problems:
        raise CommandError("archive refused, it is not as written: " + "; ".join(problems[:10]))
    return manifest


def pack(root: Path, target: Path) -> None:
    mode = "w:gz" if target.name.endswith((".tar.gz", ".tgz")) else "w"
    with tarfile.open(target, mode) as tar:
        for entry in sorted(root.iterdir()):
            tar.add(entry, arcname=entry.name)


def unpack(source: Path, into: Path) -> None:
    try:
        with tarfile.open(source) as tar:
            # "data": no absolute paths, no links out, no devices.
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise CommandError(f"cannot read {source}: {exc}") from None


def is_tar(path: Path) -> bool:
    return path.name.endswith((".tar", ".tar.gz", ".tgz"))

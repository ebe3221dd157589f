"""``aduan restore``: check an archive whole, then load it into a fresh database.

Nothing is touched before every checksum in the manifest matches. The target must
be fresh (no tables at all): restoring over live data would mix two histories. The
native formats restore into their own vendor only (``sqlite`` via the backup API,
``pg_dump`` via ``pg_restore`` in one transaction); JSON restores into either, after
``migrate``. Afterwards every table's row count is compared with the manifest's.
"""

import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from .archive import FILES, count_rows, is_tar, sha256_stream, unpack, verify
from .backup import pg_args

_VENDOR = {"sqlite": "sqlite", "pg_dump": "postgresql"}


def _require_fresh() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise CommandError(f"the target database is not empty ({len(tables)} tables); "
                           "restore only into a fresh database")


def _attachment_names(root: Path) -> list[str]:
    base = root / FILES
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()) \
        if base.exists() else []


def _check_storage(root: Path, names: list[str]) -> list[str]:
    """Names still to write; refuse a storage holding other bytes under one of them."""
    storage, todo = storages["default"], []
    for name in names:
        if not storage.exists(name):
            todo.append(name)
            continue
        with storage.open(name, "rb") as held:
            same = held.read() == (root / FILES / name).read_bytes()
        if not same:
            raise CommandError(f"storage already holds a different {name}; use an empty one")
    return todo


def _load_sqlite(path: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _load_pg(path: Path) -> None:
    args, env = pg_args(connection.settings_dict)
    connection.close()
    done = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                           "--single-transaction", *args, str(path)],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"pg_restore failed: {done.stderr.strip()[:500]}")


def _load_json(path: Path) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    # Data migrations and post_migrate seed rows the dump holds too (content types,
    # permissions, reference data): empty every table, then load the dump's own rows.
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    call_command("loaddata", str(path), verbosity=0)


_LOADERS = {"sqlite": _load_sqlite, "pg_dump": _load_pg, "json": _load_json}


def _compare(manifest: dict) -> None:
    expected = manifest["tables"]
    with connection.cursor() as cursor:
        found = count_rows(cursor, sorted(expected), connection.ops.quote_name)
    wrong = [f"{t}: {found[t]} rows, archive has {n}" for t, n in expected.items()
             if found[t] != n]
    if wrong:
        raise CommandError("restored database differs from the archive: " + "; ".join(wrong))


def restore(source: Path) -> dict:
    """Verify ``source`` (a folder or tar file), restore it, and check the result."""
    with tempfile.TemporaryDirectory(prefix="aduan-restore-") as scratch:
        root = source
        if is_tar(source):
            unpack(source, Path(scratch))
            root = Path(scratch)
        manifest = verify(root)
        fmt = manifest["database"]["format"]
        if _VENDOR.get(fmt, connection.vendor) != connection.vendor:
            raise CommandError(f"a {fmt} dump restores into {_VENDOR[fmt]}, "
                               f"not {connection.vendor}; back up with --format json to move")
        _require_fresh()
        names = _attachment_names(root)
        todo = _check_storage(root, names)
        _LOADERS[fmt](root / manifest["database"]["file"])
        _compare(manifest)
        storage = storages["default"]
        for name in todo:
            with open(root / FILES / name, "rb") as handle:
                written = storage.save(name, File(handle))
            if written != name:
                raise CommandError(f"storage renamed {name} to {written}")
        for name in names:
            with storage.open(name, "rb") as held:
                if sha256_stream(held) != manifest["files"][f"{FILES}/{name}"]["sha256"]:
                    raise CommandError(f"{name} differs in storage after the restore")
    return manifest


"""``aduan backup``: one consistent database dump, then the attachments, then the manifest.

The dump is taken first and in one snapshot, with its row counts from that same
snapshot: SQLite through its online backup API (a page-level consistent copy while
the site runs), PostgreSQL with ``pg_dump`` on an exported snapshot when it is on
PATH, else Django's JSON serialisation inside one REPEATABLE READ transaction.
Attachments are copied afterwards: a file is written before the row naming it
commits and is never deleted while named, so every row in the dump finds its file
(later files ride along as orphans that ``aduan attachments prune`` removes).
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from aduan.reports.attachment_files import stored_names

from .archive import FILES, count_rows, is_tar, model_tables, pack, write_manifest

FORMATS = ("auto", "native", "json")
_FILE = {"sqlite": "database.sqlite3", "pg_dump": "database.pgdump", "json": "database.json"}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def pg_args(settings_dict: dict) -> tuple[list[str], dict]:
    """libpq command-line arguments and environment for the configured PostgreSQL."""
    args = ["--dbname", settings_dict["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _choose(fmt: str) -> str:
    vendor = connection.vendor
    if fmt == "json":
        return "json"
    if vendor == "sqlite":
        return "sqlite"
    if vendor == "postgresql" and shutil.which("pg_dump"):
        return "pg_dump"
    if fmt == "native":
        raise CommandError(f"no native dump for {vendor} here (pg_dump is not on PATH)")
    return "json"


def _dump_sqlite(path: Path) -> dict[str, int]:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        cursor = target.cursor()
        return count_rows(cursor, model_tables(), _quote)
    finally:
        target.close()


@contextmanager
def _snapshot():
    """One read-only transaction whose view every query in it shares."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _dump_pg(path: Path) -> dict[str, int]:
    with _snapshot(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        args, env = pg_args(connection.settings_dict)
        done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                               f"--snapshot={snapshot}", "--file", str(path), *args],
                              env=env, capture_output=True, text=True)
        if done.returncode:
            raise CommandError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return count_rows(cursor, model_tables(), _quote)


def _dump_json(path: Path) -> dict[str, int]:
    with _snapshot(), connection.cursor() as cursor:
        call_command("dumpdata", output=str(path), format="json", verbosity=0)
        return count_rows(cursor, model_tables(), _quote)


_DUMPERS = {"sqlite": _dump_sqlite, "pg_dump": _dump_pg, "json": _dump_json}


def _copy_attachments(root: Path) -> int:
    storage = storages["default"]
    copied = 0
    for name in stored_names(storage):
        target = root / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        copied += 1
    return copied


def backup_create(target: Path, *, fmt: str = "auto") -> dict:
    """Write a backup to ``target`` (a new folder, or a ``.tar``/``.tar.gz`` file)."""
    if target.exists() and (is_tar(target) or any(target.iterdir())):
        raise CommandError(f"{target} exists; give a new folder or tar file")
    dump_format = _choose(fmt)
    with tempfile.TemporaryDirectory(prefix="aduan-backup-",
                                     dir=target.parent if is_tar(target) else None) as scratch:
        root = Path(scratch) if is_tar(target) else target
        root.mkdir(parents=True, exist_ok=True)
        started = timezone.now()
        counts = _DUMPERS[dump_format](root / _FILE[dump_format])
        attachments = _copy_attachments(root)
        manifest = write_manifest(root, {
            "created_at": started.isoformat(), "vendor": connection.vendor,
            "database": {"file": _FILE[dump_format], "format": dump_format},
            "tables": counts, "attachments": attachments})
        if is_tar(target):
            pack(root, target)
    return manifest

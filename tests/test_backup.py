"""Backup and restore: make data, back up, restore into a new database, compare everything.

The restore runs as ``aduan restore`` in a separate process against a fresh database
(a new SQLite file; a new PostgreSQL database when the suite runs on PostgreSQL), as an
operator would run it on a new machine.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import TEST_SEED_PER_CATEGORY
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from webutil import photo_with_gps, tiny_pdf

from aduan.agencies.refdata import load_reference_data
from aduan.ops.archive import sha256_file
from aduan.reports import services
from aduan.reports.attachments import Upload, attachments_prepare
from aduan.reports.models import Attachment
from aduan.routing.training import train

ADUAN = str(Path(sys.executable).with_name("aduan"))


@pytest.fixture
def reference_data_after_flush(django_db_blocker):
    # Listed before transactional_db, so this teardown runs after its flush.
    yield
    with django_db_blocker.unblock():
        load_reference_data()
        train(per_category=TEST_SEED_PER_CATEGORY, use_history=False)


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path / "media"


def _make_data(cast):
    for title in ("Pungli di kelurahan", "Jalan rusak"):
        files = attachments_prepare([Upload("foto.jpg", photo_with_gps().read()),
                                     Upload("surat.pdf", tiny_pdf().read())])
        report, _pin = services.report_submit(data=services.NewReport(
            kind="complaint", title=title, body="Mohon ditindak.", category="kepegawaian",
            region_code="35.78"), user=cast.citizen.user, attachments=files)
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")


def _restore(archive: Path, database_url: str, tmp_path: Path, name: str):
    env = {**os.environ, "DATABASE_URL": database_url, "ADUAN_STORAGE": "local",
           "ADUAN_MEDIA_DIR": str(tmp_path / f"media-{name}"),
           "ADUAN_VAR_DIR": str(tmp_path / f"var-{name}"), "ADUAN_SECRET_KEY": "restore-test"}
    return subprocess.run([ADUAN, "restore", str(archive)], env=env, capture_output=True,
                          text=True, timeout=600)


def _sqlite_counts(path: Path, tables) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _live_counts(tables) -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            found[table] = cursor.fetchone()[0]
    return found


def _files_match(manifest: dict, media_dir: Path) -> None:
    attachments = {k.removeprefix("files/"): v for k, v in manifest["files"].items()
                   if k.startswith("files/")}
    assert len(attachments) == manifest["attachments"] == Attachment.objects.count() == 4
    for name, entry in attachments.items():
        assert sha256_file(media_dir / name) == entry["sha256"]


sqlite_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SQLite round trip; the PostgreSQL one is test_pg_dump_round_trip")


@sqlite_only
def test_backup_restore_round_trip_tampering_and_json(reference_data_after_flush, transactional_db,
                                                 cast, media, tmp_path):
    _make_data(cast)
    archive = tmp_path / "aduan.tar.gz"
    call_command("backup", str(archive))
    extracted = tmp_path / "extracted"
    shutil.unpack_archive(archive, extracted, filter="data")
    manifest = json.loads((extracted / "manifest.json").read_text())
    assert manifest["database"]["format"] == "sqlite"
    assert manifest["tables"] == _live_counts(manifest["tables"])
    assert manifest["tables"]["reports_report"] == 2

    fresh = tmp_path / "restored.sqlite3"
    done = _restore(archive, f"sqlite:///{fresh}", tmp_path, "one")
    assert done.returncode == 0, done.stderr
    assert "counts and checksums match" in done.stdout
    assert _sqlite_counts(fresh, manifest["tables"]) == manifest["tables"]
    _files_match(manifest, tmp_path / "media-one")

    again = _restore(archive, f"sqlite:///{fresh}", tmp_path, "one")
    assert again.returncode != 0 and "not empty" in again.stderr

    photo = next(p for p in (extracted / "files").rglob("*.jpg"))
    photo.write_bytes(photo.read_bytes()[:-1] + b"\0")
    untouched = tmp_path / "untouched.sqlite3"
    refused = _restore(extracted, f"sqlite:///{untouched}", tmp_path, "two")
    assert refused.returncode != 0 and "checksum differs" in refused.stderr
    assert _sqlite_counts(untouched, []) == {} and not (tmp_path / "media-two").exists()
    with sqlite3.connect(untouched) as db:
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0

    # The portable format, from the same data (one flush and reload for both).
    folder = tmp_path / "json-backup"
    call_command("backup", str(folder), "--format", "json")
    portable = json.loads((folder / "manifest.json").read_text())
    assert portable["database"] == {"file": "database.json", "format": "json"}
    from_json = tmp_path / "from-json.sqlite3"
    done = _restore(folder, f"sqlite:///{from_json}", tmp_path, "json")
    assert done.returncode == 0, done.stderr
    assert _sqlite_counts(from_json, portable["tables"]) == portable["tables"]
    _files_match(portable, tmp_path / "media-json")


def test_backup_refuses_an_existing_target(db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(tmp_path / "old"))


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres")
                    or not shutil.which("pg_dump"), reason="needs PostgreSQL and pg_dump")
def test_pg_dump_round_trip(reference_data_after_flush, transactional_db, cast, media,
                            tmp_path):
    import psycopg

    _make_data(cast)
    archive = tmp_path / "aduan.tar"
    call_command("backup", str(archive))
    settings_dict = connection.settings_dict
    base = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT'] or 5432}")
    name = f"scale2_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        done = _restore(archive, f"{base}/{name}", tmp_path, "pg")
        assert done.returncode == 0, done.stderr
        extracted = tmp_path / "extracted"
        shutil.unpack_archive(archive, extracted, filter="data")
        manifest = json.loads((extracted / "manifest.json").read_text())
        assert manifest["database"]["format"] == "pg_dump"
        with psycopg.connect(f"{base}/{name}") as restored:
            counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                      for t in manifest["tables"]}
        assert counts == manifest["tables"] == _live_counts(manifest["tables"])
        _files_match(manifest, tmp_path / "media-pg")
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""Attachments in both storages: the local folder and a real S3-protocol server (moto).

The S3 tests start moto's threaded server on a free port and talk to it over HTTP
with boto3, as a deployment talks to MinIO or a cloud bucket; they skip when moto
cannot start here.
"""

import os
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from webutil import photo_with_gps, tiny_pdf

from aduan.reports import services
from aduan.reports.attachment_files import attachments_prune, stored_names
from aduan.reports.attachments import Upload, attachments_prepare, attachments_store
from aduan.reports.models import Attachment

pytestmark = pytest.mark.django_db

BUCKET = "aduan-test"
KEYS = {"access_key": "test-access", "secret_key": "test-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip(f"moto server not installed: {exc}")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        server.start()
    except Exception as exc:  # no free socket, a sandbox without threads ...
        pytest.skip(f"moto server could not start: {exc}")
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id=KEYS["access_key"],
                 aws_secret_access_key=KEYS["secret_key"]).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def _s3_settings(endpoint, bucket=BUCKET):
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint, "region_name": "us-east-1",
        "file_overwrite": False, "default_acl": None, "querystring_expire": 60, **KEYS}}


@pytest.fixture(params=["local", "s3"])
def storage(request, settings, tmp_path):
    if request.param == "local":
        backend = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(tmp_path / "media")}}
    else:
        backend = _s3_settings(request.getfixturevalue("s3_endpoint"))
    settings.STORAGES = {**settings.STORAGES, "default": backend}
    yield request.param
    for name in list(stored_names()):
        default_storage.delete(name)


def _submit_with_files(cast):
    files = attachments_prepare([Upload("foto.jpg", photo_with_gps().read()),
                                 Upload("surat.pdf", tiny_pdf().read())])
    report, _pin = services.report_submit(data=services.NewReport(
        kind="complaint", title="Pungli", body="Ada pungli.", category="kepegawaian",
        region_code="35.78"), user=cast.citizen.user, attachments=files)
    return report


def test_files_are_stored_and_streamed_with_the_access_checks(cast, storage):
    report = _submit_with_files(cast)
    photo, pdf = Attachment.objects.filter(report=report).order_by("id")
    assert sorted(stored_names()) == sorted([photo.file.name, pdf.file.name])
    assert type(default_storage._wrapped).__name__ == (
        "S3Storage" if storage == "s3" else "FileSystemStorage")
    owner, stranger = Client(), Client()
    owner.force_login(cast.citizen.user)
    stranger.force_login(cast.admin_b.user)
    assert stranger.get(f"/lampiran/{photo.public_id}/").status_code == 404
    response = owner.get(f"/lampiran/{photo.public_id}/")
    assert response.status_code == 200 and "sandbox" in response["Content-Security-Policy"]
    with default_storage.open(photo.file.name, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    download = owner.get(f"/lampiran/{pdf.public_id}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def _rolled_back_store(cast):
    """Save files inside a transaction that then fails, as a late refusal would."""
    report = _submit_with_files(cast)
    files = attachments_prepare([Upload("foto.jpg", photo_with_gps().read())])
    with pytest.raises(RuntimeError), transaction.atomic():
        attachments_store(report=report, prepared=files, from_reporter=True,
                          visibility="staff", now=report.created_at)
        raise RuntimeError("refused late")
    return report


def test_prune_removes_only_old_orphans(cast, storage):
    report = _rolled_back_store(cast)
    kept = set(Attachment.objects.filter(report=report).values_list("file", flat=True))
    names = set(stored_names())
    assert len(names) == 3 and kept < names
    young = attachments_prune()
    assert (young.scanned, young.orphans, young.removed, young.kept_young) == (3, 1, 0, 1)
    assert attachments_prune(min_age=timedelta(0), dry_run=True).removed == 1
    assert set(stored_names()) == names
    assert attachments_prune(min_age=timedelta(0)).removed == 1
    assert set(stored_names()) == kept
    assert attachments_prune(min_age=timedelta(0)).orphans == 0


def test_prune_command(cast, storage, capsys):
    _rolled_back_store(cast)
    call_command("attachments", "prune", "--min-age-hours", "0")
    assert "3 files, 1 orphans: removed 1" in capsys.readouterr().out


def test_readiness_checks_the_bucket(settings, s3_endpoint):
    from aduan.ops.checks import storage as storage_check

    settings.STORAGES = {**settings.STORAGES, "default": _s3_settings(s3_endpoint)}
    assert storage_check() == (True, "S3Storage")
    settings.STORAGES = {**settings.STORAGES,
                         "default": _s3_settings(s3_endpoint, bucket="no-such-bucket")}
    response = Client().get("/health/ready")
    body = response.json()
    assert response.status_code == 503 and body["checks"]["storage"]["ok"] is False


def test_s3_settings_from_the_environment(monkeypatch, tmp_path):
    from aduan import settings as module

    monkeypatch.setenv("ADUAN_STORAGE", "s3")
    monkeypatch.delenv("ADUAN_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="ADUAN_S3_BUCKET"):
        module._attachment_storage()
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("ADUAN_S3_BUCKET", "lampiran")
    monkeypatch.setenv("ADUAN_S3_ENDPOINT", "http://127.0.0.1:9000")
    monkeypatch.setenv("ADUAN_S3_SECRET_KEY_FILE", str(secret))
    options = module._attachment_storage()["OPTIONS"]
    assert options["bucket_name"] == "lampiran" and options["secret_key"] == "from-a-file"
    assert options["endpoint_url"] == "http://127.0.0.1:9000" and not options["file_overwrite"]
    monkeypatch.setenv("ADUAN_STORAGE", "ftp")
    with pytest.raises(ImproperlyConfigured):
        module._attachment_storage()
    assert os.environ["ADUAN_STORAGE"] == "ftp"

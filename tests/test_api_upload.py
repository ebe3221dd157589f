"""POST /api/v1/reports/upload: a report with its photos in one request, idempotent like every POST."""

import io
import json
import uuid

import pytest
from django.test import Client
from PIL import Image

from aduan.reports.models import Attachment, Report


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}


def photo(name="foto.jpg", size=(1600, 1200)) -> io.BytesIO:
    image = Image.new("RGB", size, (120, 90, 60))
    exif = Image.Exif()
    exif[0x010E] = "Rahmawati"  # ImageDescription, must not survive
    data = io.BytesIO()
    image.save(data, "JPEG", quality=80, exif=exif)
    data.seek(0)
    data.name = name
    return data


REPORT = {"kind": "complaint", "title": "Saluran tersumbat", "body": "Air meluap ke jalan.",
          "category": "jalan_drainase", "region_code": "35.78.02",
          "latitude": -7.2575, "longitude": 112.7521, "address": "Jl. Darmo 5"}


def post(client, report=REPORT, files=(), key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/reports/upload",
                       {"report": json.dumps(report), "attachments": list(files)}, **headers)


def test_a_report_with_three_photos_is_stored_with_clean_photos(db):
    answer = post(Client(), files=[photo(f"{i}.jpg") for i in range(3)])
    assert answer.status_code == 201, answer.content
    report = Report.objects.get(tracking_id=answer.json()["tracking_id"])
    assert report.channel == "api" and str(report.latitude) == "-7.257500"
    stored = Attachment.objects.filter(report=report)
    assert stored.count() == 3
    for attachment in stored:
        with attachment.file.open("rb") as handle:
            assert not Image.open(handle).getexif()


def test_a_retried_upload_is_stored_once(db):
    key = str(uuid.uuid4())
    first = post(Client(), files=[photo()], key=key)
    # A new request from the phone: a new multipart boundary, the same parts.
    again = post(Client(), files=[photo()], key=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1
    other = post(Client(), report={**REPORT, "title": "Lain"}, files=[photo()], key=key)
    assert other.status_code == 422


def test_bad_report_json_and_bad_files_are_refused_clearly(db):
    answer = post(Client(), report={**REPORT, "kind": "rumor"})
    assert answer.status_code == 422 and "report.kind" in answer.json()["error"]["message"]
    broken = Client().post("/api/v1/reports/upload", {"report": "{not json"})
    assert broken.status_code == 422
    fake = io.BytesIO(b"MZ\x90\x00 not an image")
    fake.name = "foto.jpg"
    refused = post(Client(), files=[fake])
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_input"
    assert not Report.objects.exists()

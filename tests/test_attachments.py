"""Attachments: cleaned before anyone sees them, and shown only to whom they belong."""

import io

import pytest
from django.test import Client
from django.utils import translation
from PIL import Image
from webutil import photo_with_gps, tiny_pdf

from aduan.errors import InvalidInput
from aduan.reports import services
from aduan.reports.attachments import Upload, attachments_prepare
from aduan.reports.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}


def prepare(*files):
    return attachments_prepare([Upload(f.name, f.read()) for f in files])


def test_photos_lose_exif_gps_and_comments():
    original = photo_with_gps()
    raw = original.read()
    assert b"SecretCam" in raw and b"taken at home" in raw
    original.seek(0)
    [cleaned] = prepare(original)
    assert cleaned.content_type == "image/jpeg"
    assert b"SecretCam" not in cleaned.data and b"Exif" not in cleaned.data
    assert b"taken at home" not in cleaned.data
    image = Image.open(io.BytesIO(cleaned.data))
    assert not image.getexif() and image.size == (640, 480)


def test_big_photos_are_scaled_down():
    [cleaned] = prepare(photo_with_gps(size=(4000, 3000)))
    assert (cleaned.width, cleaned.height) == (2560, 1920)


@pytest.mark.parametrize("name,data,message", [
    ("evil.jpg", b"<script>alert(1)</script>", "not a JPEG"),
    ("doc.pdf", b"%PDF-1.4 truncated", "incomplete"),
])
def test_files_that_are_not_what_they_claim_are_refused(name, data, message):
    with pytest.raises(InvalidInput) as exc, translation.override("en"):
        attachments_prepare([Upload(name, data)])
    assert message in str(exc.value) and exc.value.field == "attachments"


def test_limits_on_size_and_count(settings):
    settings.ADUAN = {**settings.ADUAN, "ATTACHMENT_MAX_BYTES": 1000}
    with pytest.raises(InvalidInput, match="larger than"), translation.override("en"):
        prepare(photo_with_gps())
    settings.ADUAN = {**settings.ADUAN, "ATTACHMENT_MAX_FILES": 2, "ATTACHMENT_MAX_BYTES": 10**7}
    with pytest.raises(InvalidInput, match="at most 2"), translation.override("en"):
        prepare(tiny_pdf(), tiny_pdf(), tiny_pdf())


def _with_files(cast, **privacy):
    files = prepare(photo_with_gps(), tiny_pdf())
    report, _pin = services.report_submit(data=services.NewReport(
        kind="complaint", title="Pungli", body="Ada pungli.", category="kepegawaian",
        region_code="35.78", **privacy), user=cast.citizen.user, attachments=files)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    return report


def _fetch(client, attachment):
    return client.get(f"/lampiran/{attachment.public_id}/")


@pytest.mark.parametrize("privacy", [{}, {"anonymous": True}, {"confidential": True}])
def test_reporters_files_never_reach_the_public(cast, privacy):
    report = _with_files(cast, **privacy)
    photo, pdf = Attachment.objects.filter(report=report).order_by("id")
    assert photo.name == "foto-1.jpg" and pdf.name == "dokumen-2.pdf"
    assert photo.file.name.startswith("attachments/") and "foto" not in photo.file.name
    public, other = Client(), Client()
    other.force_login(cast.admin_b.user)
    for client in (public, other):
        assert _fetch(client, photo).status_code == 404
        assert _fetch(client, pdf).status_code == 404
    for member in (cast.citizen, cast.admin_a, cast.national):
        client = Client()
        client.force_login(member.user)
        response = _fetch(client, photo)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"SecretCam" not in b"".join(response.streaming_content)
        download = _fetch(client, pdf)
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_an_agencys_published_files_are_public_on_a_public_report(cast):
    report = _with_files(cast)
    services.report_respond(caller=cast.admin_a.caller, report=report,
                            message="Sudah ditindak.", attachments=prepare(photo_with_gps()))
    staff_file = Attachment.objects.get(report=report, from_reporter=False)
    assert _fetch(Client(), staff_file).status_code == 200
    page = Client().get(f"/laporan/{report.tracking_id}/").content.decode()
    assert str(staff_file.public_id) in page
    assert all(str(a.public_id) not in page
               for a in Attachment.objects.filter(report=report, from_reporter=True))


def test_unknown_attachment_is_404(db):
    assert Client().get("/lampiran/5b0b7a4c-8e0f-4d2b-9a55-0d2cfd0c1e11/").status_code == 404


def test_pdfs_are_rewritten_without_their_author_and_scripts():
    from webutil import PDF_AUTHOR

    from aduan.reports.attachments import Upload, attachments_prepare

    original = tiny_pdf().read()
    assert PDF_AUTHOR.encode() in original
    (cleaned,) = attachments_prepare([Upload(name="surat.pdf", data=original)])
    assert cleaned.content_type == "application/pdf" and cleaned.data.startswith(b"%PDF-")
    assert PDF_AUTHOR.encode() not in cleaned.data and b"Microsoft Word" not in cleaned.data
    with pytest.raises(InvalidInput):
        attachments_prepare([Upload(name="x.pdf", data=b"%PDF-1.4 not really a pdf")])

"""Defects 1-3: PDF pictures lose their metadata, uploads are limited while they stream,
decompression and page bombs are refused, phone cameras' MPO files are accepted."""

import io
import itertools
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject
from webutil import photo_with_gps

from aduan.errors import InvalidInput
from aduan.reports.attachments import Upload, attachments_prepare
from aduan.web.uploads import LimitedUploadHandler, request_byte_cap

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
       b'<dc:creator>Rahasia Pelapor</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (120, 80), (10, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x013B] = "Artist Budi"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (7.0, 15.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf_with_photo() -> bytes:
    """One page showing a JPEG that carries EXIF GPS, camera and artist, and its own XMP."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    jpeg = _jpeg_with_exif()
    xmp = StreamObject()
    xmp.set_data(XMP)
    xmp.update({NameObject("/Type"): NameObject("/Metadata"),
                NameObject("/Subtype"): NameObject("/XML")})
    image = StreamObject()
    image.set_data(jpeg)
    image.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(120), NameObject("/Height"): NumberObject(80),
        NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
        NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): NameObject("/DCTDecode"),
        NameObject("/Metadata"): writer._add_object(xmp)})
    ref = writer._add_object(image)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im0"): ref})})
    content = StreamObject()
    content.set_data(b"q 120 0 0 80 10 10 cm /Im0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_metadata({"/Author": "Rahasia Pelapor"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pictures_inside_a_pdf_lose_exif_gps_artist_and_xmp():
    raw = pdf_with_photo()
    assert b"SecretCam" in raw and b"Artist Budi" in raw and b"Rahasia Pelapor" in raw
    [cleaned] = attachments_prepare([Upload("scan.pdf", raw)])
    for secret in (b"SecretCam", b"Artist Budi", b"Rahasia Pelapor", b"Exif", b"xmpmeta"):
        assert secret not in cleaned.data, secret
    [image] = PdfReader(io.BytesIO(cleaned.data)).pages[0].images
    assert image.image.size == (120, 80)  # the picture itself is kept


def _pdf_pages(n: int, count: int | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=10, height=10)
    if count is not None:  # a /Count that lies
        writer._root_object["/Pages"][NameObject("/Count")] = NumberObject(count)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_page_bombs_are_refused_and_fifty_pages_pass():
    attachments_prepare([Upload("ok.pdf", _pdf_pages(50))])
    with pytest.raises(InvalidInput, match="more than 50 pages"), translation.override("en"):
        attachments_prepare([Upload("bomb.pdf", _pdf_pages(51))])
    with pytest.raises(InvalidInput, match="more than 50 pages"), translation.override("en"):
        attachments_prepare([Upload("liar.pdf", _pdf_pages(400, count=1))])


def test_the_cleaning_budget_is_shared_by_every_file_of_a_message(monkeypatch):
    """Five PDFs that each fit the budget alone once took a request past the worker's
    timeout together: the budget is per message, not per file."""
    clock = itertools.count(step=2.0)  # every look at the clock is two seconds later
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    pdf = pdf_with_photo()
    attachments_prepare([Upload("one.pdf", pdf)])
    with pytest.raises(InvalidInput, match="too long"), translation.override("en"):
        attachments_prepare([Upload(f"{n}.pdf", pdf) for n in range(5)])


def _png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_decompression_bombs_are_refused_before_decoding():
    bomb = _png((7070, 7070))
    assert len(bomb) < 200_000
    with pytest.raises(InvalidInput, match="40 megapixels"), translation.override("en"):
        attachments_prepare([Upload("bomb.png", bomb)])


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_only_the_promised_formats_are_opened(fmt):
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, fmt)
    with pytest.raises(InvalidInput), translation.override("en"):
        attachments_prepare([Upload(f"x.{fmt.lower()}", out.getvalue())])


def test_mpo_from_phone_cameras_is_accepted_as_jpeg():
    first, second = Image.new("RGB", (64, 48), "red"), Image.new("RGB", (64, 48), "blue")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    [cleaned] = attachments_prepare([Upload("phone.jpg", out.getvalue())])
    assert cleaned.content_type == "image/jpeg" and (cleaned.width, cleaned.height) == (64, 48)


def _handler_run(sizes, settings):
    settings.ADUAN = {**settings.ADUAN, "ATTACHMENT_MAX_FILES": 2, "ATTACHMENT_MAX_BYTES": 1000}
    handler, files = LimitedUploadHandler(), []
    for number, size in enumerate(sizes):
        handler.new_file("attachments", f"f{number}.jpg", "image/jpeg", size)
        for start in range(0, size, 300):
            assert handler.receive_data_chunk(b"x" * min(300, size - start), start) is None
        files.append(handler.file_complete(size))
    return files


def test_the_upload_handler_stops_keeping_bytes_beyond_the_limits(settings):
    small, big, extra = _handler_run([500, 5000, 10], settings)
    assert not small.truncated and small.read() == b"x" * 500
    assert big.truncated and big.read() == b""  # never held in memory
    assert extra.truncated  # the third file of two allowed
    with pytest.raises(InvalidInput, match="at most 2 files"), translation.override("en"):
        attachments_prepare([Upload(f.name, b"x", truncated=f.truncated)
                             for f in (small, big, extra)])


@pytest.mark.django_db
def test_a_form_with_too_many_files_is_refused_with_a_message(settings):
    files = [photo_with_gps(f"f{n}.jpg") for n in range(7)]
    response = Client().post("/lapor/", {
        "kind": "complaint", "title": "Jalan rusak", "body": "Lubang besar sekali",
        "attachments": files}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "at most 5 files" in response.content.decode()


@pytest.mark.django_db
def test_a_request_larger_than_any_legal_form_is_refused_unread():
    response = Client().post("/lapor/", b"x", content_type="multipart/form-data; boundary=x",
                             CONTENT_LENGTH=str(request_byte_cap() + 1))
    assert response.status_code == 413
    api = Client().post("/api/v1/reports", b"{}", content_type="application/json",
                        CONTENT_LENGTH=str(request_byte_cap() + 1))
    assert api.status_code == 413 and api.json()["error"]["code"] == "too_large"


def test_one_big_file_part_is_refused(settings):
    big = SimpleUploadedFile("big.jpg", b"x" * 10)
    with pytest.raises(InvalidInput, match="larger than"), translation.override("en"):
        attachments_prepare([Upload(big.name, b"", truncated=True)])

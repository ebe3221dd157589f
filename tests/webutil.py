"""Helpers for tests of the portal and the back office (HTML over Django's test client)."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from aduan.reports import services


def photo_with_gps(name="foto.jpg", size=(640, 480)) -> SimpleUploadedFile:
    """A JPEG carrying EXIF with a GPS position and a camera make, as phones write them."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0132] = "2026:11:01 10:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (7.0, 15.0, 30.0)
    gps[3], gps[4] = "E", (112.0, 45.0, 10.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home of Siti")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


PDF_AUTHOR = "Budi Santoso Pelapor"


def tiny_pdf(name="surat.pdf") -> SimpleUploadedFile:
    """A one-page PDF whose metadata names its author, as office software writes it."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": PDF_AUTHOR, "/Creator": "Microsoft Word"})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def text(response) -> str:
    return response.content.decode()


def csp_nonce_ok(response) -> bool:
    """No inline script without a nonce, and no inline event handler attributes."""
    html = text(response)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    handlers = re.findall(r"\son[a-z]+=\"", html)
    return all("nonce=" in attrs for attrs in inline) and not handlers


def dispatched(cast, **overrides):
    report, pin = submit_report(**overrides)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency=overrides.pop("_to", "pemkot-surabaya.dpupr"))
    report.refresh_from_db()
    return report, pin


def submit_report(**overrides):
    from conftest import submit

    overrides.pop("_to", None)
    return submit(**overrides)

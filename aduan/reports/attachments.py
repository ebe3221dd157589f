"""Attachments: check, clean and store photos and PDFs before anyone else can see them.

Images are decoded and re-encoded by Pillow: the new file carries the pixels only,
so EXIF (with its GPS position, camera serial and time), XMP, ICC and comments are
gone, and a file that only pretends to be an image is refused. PDFs are rewritten
page by page by pypdf, leaving their metadata (an anonymous reporter's name is often
the PDF's "author"), scripts and annotations behind, and are served only as downloads.
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError as PdfError

from aduan.errors import InvalidInput

from .models import Attachment, Report, ReportEvent, ResponseDraft

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PDF_TYPE = "application/pdf"
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
# Long side of a stored photo: enough to read a sign or a receipt, small enough for phones.
MAX_SIDE = 2560
# Decoding bigger pictures could exhaust memory (decompression bombs).
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class Upload:
    """A file as received: the bytes and the name the sender gave (used only for messages)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Prepared:
    data: bytes
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None


def limits() -> tuple[int, int]:
    """Maximum files per message and bytes per file."""
    return settings.ADUAN["ATTACHMENT_MAX_FILES"], settings.ADUAN["ATTACHMENT_MAX_BYTES"]


def _refuse(upload: Upload, reason: str) -> InvalidInput:
    return InvalidInput(_("%(name)s: %(reason)s") % {"name": upload.name[:80], "reason": reason},
                        field="attachments")


def _clean_image(upload: Upload) -> Prepared:
    try:
        with Image.open(io.BytesIO(upload.data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(upload, _("the picture is too large (more than 50 megapixels)."))
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise _refuse(upload, _("the file is damaged or not a JPEG, PNG or WebP picture.")) \
            from None
    if fmt not in IMAGE_FORMATS:
        raise _refuse(upload, _("only JPEG, PNG and WebP pictures are accepted."))
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    image.info = {}  # nothing of the original's metadata may ride along
    out = io.BytesIO()
    if fmt == "PNG" and image.mode in ("RGBA", "LA", "P"):
        image.save(out, "PNG", optimize=True)
        content_type, extension = "image/png", ".png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    return Prepared(out.getvalue(), content_type, extension, image.width, image.height)


def _clean_pdf(upload: Upload) -> Prepared:
    """Rewrite the PDF page by page: the document information (author, creator, dates),
    XMP metadata, embedded files, scripts, form actions and annotations stay behind."""
    try:
        reader = PdfReader(io.BytesIO(upload.data))
        if reader.is_encrypted:
            raise _refuse(upload, _("password-protected PDFs are not accepted."))
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Annots", "/AA", "/Metadata"):
                if key in page:
                    del page[key]
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except PdfError:
        raise _refuse(upload, _("the PDF is incomplete or damaged.")) from None
    return Prepared(out.getvalue(), PDF_TYPE, ".pdf")


def attachments_prepare(uploads: list[Upload]) -> list[Prepared]:
    """Check limits and types and clean every file; refuse the whole batch on any problem.

    Done before the report is locked: re-encoding takes time and needs no lock.
    """
    uploads = [u for u in uploads if u.data]
    max_files, max_bytes = limits()
    if len(uploads) > max_files:
        raise InvalidInput(ngettext("Attach at most %(n)d file.", "Attach at most %(n)d files.",
                                    max_files) % {"n": max_files}, field="attachments")
    prepared = []
    for upload in uploads:
        if len(upload.data) > max_bytes:
            raise _refuse(upload, _("the file is larger than %(mb)d MB.")
                          % {"mb": max_bytes // (1024 * 1024)})
        if upload.data.startswith(b"%PDF-"):
            prepared.append(_clean_pdf(upload))
        else:
            prepared.append(_clean_image(upload))
    return prepared


def attachments_store(*, report: Report, prepared: list[Prepared], from_reporter: bool,
                      visibility: str, now, event: ReportEvent | None = None,
                      draft: ResponseDraft | None = None) -> list[Attachment]:
    """Save cleaned files through the storage API and record them; call inside the service."""
    saved = []
    for number, item in enumerate(prepared, start=1):
        # Stored names are data, not UI: fixed, and free of whatever the sender called the file.
        kind = "foto" if item.content_type.startswith("image/") else "dokumen"
        attachment = Attachment(
            public_id=uuid.uuid4(), report=report, event=event, draft=draft,
            name=f"{kind}-{number}{item.extension}", content_type=item.content_type,
            size=len(item.data), width=item.width, height=item.height,
            from_reporter=from_reporter, visibility=visibility, created_at=now)
        attachment.file.save(item.extension, ContentFile(item.data), save=False)
        attachment.save()
        saved.append(attachment)
    return saved

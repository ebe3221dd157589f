"""Attachments: check, clean and store photos and PDFs before anyone else can see them.

Images are decoded and re-encoded by Pillow: the new file carries the pixels only,
so EXIF (with its GPS position, camera serial and time), XMP, ICC and comments are
gone, and a file that only pretends to be an image is refused. PDFs are rewritten
page by page (``pdfclean``), their pictures re-encoded too, and are served only as
downloads. Pixels, pages and cleaning time are capped: a small file must not cost
a worker seconds and hundreds of megabytes (decompression and page bombs).
"""

import io
import time
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError
# The decoders of the formats we accept, registered for Image.open(formats=...).
from PIL import JpegImagePlugin, PngImagePlugin, WebPImagePlugin  # noqa: F401

from aduan.errors import InvalidInput

from .models import Attachment, Report, ReportEvent, ResponseDraft
from .pdfclean import PdfRefused, pdf_clean

# MPO is what phone cameras write for a JPEG with a depth or preview frame.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png",
                 "WEBP": "image/webp"}
# Pillow's JPEG opener hands MPO files over to its MPO reader itself.
OPEN_FORMATS = ["JPEG", "PNG", "WEBP"]
PDF_TYPE = "application/pdf"
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
# Long side of a stored photo: enough to read a sign or a receipt, small enough for phones.
MAX_SIDE = 2560
# Decoding bigger pictures could exhaust memory (decompression bombs): 40 MP is more
# than any phone camera takes. Pillow itself refuses at twice this.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_PDF_PAGES = 50
# Seconds all files of one message may take to clean, together: well inside the web
# worker's 30 s timeout. Beyond it the sender is asked for fewer or smaller files.
MAX_CLEAN_SECONDS = 10.0


@dataclass(frozen=True)
class Upload:
    """A file as received: the bytes and the name the sender gave (used only for messages)."""

    name: str
    data: bytes
    # The upload handler stopped keeping its bytes (too large, or one file too many).
    truncated: bool = False


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


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # The explicit pixel check gives the sender a clear message instead.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data), formats=OPEN_FORMATS)


def _clean_image(upload: Upload) -> Prepared:
    try:
        with _open(upload.data) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(upload, _("the picture is too large (more than %(mp)d "
                                        "megapixels).") % {"mp": MAX_PIXELS // 1_000_000})
            # JPEG decodes straight at a fraction of its size when it is to be scaled down.
            probe.draft(None, (MAX_SIDE, MAX_SIDE))
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


def _clean_pdf(upload: Upload, deadline: float) -> Prepared:
    try:
        data = pdf_clean(upload.data, max_pages=MAX_PDF_PAGES, max_pixels=MAX_PIXELS,
                         deadline=deadline)
    except PdfRefused as exc:
        raise _refuse(upload, exc.reason) from None
    return Prepared(data, PDF_TYPE, ".pdf")


def attachments_prepare(uploads: list[Upload]) -> list[Prepared]:
    """Check limits and types and clean every file; refuse the whole batch on any problem.

    Done before the report is locked: re-encoding takes time and needs no lock.
    """
    uploads = [u for u in uploads if u.data or u.truncated]
    max_files, max_bytes = limits()
    if len(uploads) > max_files:
        raise InvalidInput(ngettext("Attach at most %(n)d file.", "Attach at most %(n)d files.",
                                    max_files) % {"n": max_files}, field="attachments")
    prepared = []
    for upload in uploads:
        if upload.truncated or len(upload.data) > max_bytes:
            raise _refuse(upload, _("the file is larger than %(mb)d MB.")
                          % {"mb": max_bytes // (1024 * 1024)})
    # One budget for the whole message: five slow files must not add up to a timeout.
    deadline = time.monotonic() + MAX_CLEAN_SECONDS
    for upload in uploads:
        if time.monotonic() > deadline:
            raise _refuse(upload, _("the files take too long to check; send fewer or smaller "
                                    "files."))
        if upload.data.startswith(b"%PDF-"):
            prepared.append(_clean_pdf(upload, deadline))
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

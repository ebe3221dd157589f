"""Rewrite an uploaded PDF so that nothing but its pages' content rides along.

pypdf copies the pages into a new document: the document information (author,
creator, dates), XMP metadata, embedded files, scripts, form actions and
annotations stay behind. Every picture inside is decoded and re-encoded by Pillow
(as photos are), so a scanned photo keeps its pixels and loses its EXIF GPS,
camera and artist and its own XMP; see ADR 0008 for why this and not rasterising.
Page count, picture size and the time spent are bounded (page and decompression
bombs).
"""

import io
import time

from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PdfStreamError
from pypdf.generic import DictionaryObject

# Page keys that carry metadata, scripts or annotations.
_PAGE_KEYS = ("/Annots", "/AA", "/Metadata", "/PieceInfo", "/Thumb")
# Markers of metadata inside a picture's bytes (EXIF, XMP, IPTC).
_METADATA_MARKERS = (b"Exif\x00", b"http://ns.adobe.com/xap", b"Photoshop 3.0")


class PdfRefused(Exception):
    """The PDF cannot be accepted; ``reason`` is a translated sentence for the sender."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _image_xobjects(resources, depth: int = 0):
    """Every image XObject reachable from a page's resources (forms included, 5 deep)."""
    if depth > 5 or not isinstance(resources, DictionaryObject):
        return
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    for ref in xobjects.values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            yield obj
        elif obj.get("/Subtype") == "/Form":
            yield from _image_xobjects(obj.get("/Resources"), depth + 1)


def _check_images(page, max_pixels: int) -> None:
    """Refuse pictures too large to decode; drop their XMP so it is never copied."""
    for obj in _image_xobjects(page.get("/Resources")):
        if int(obj.get("/Width", 0)) * int(obj.get("/Height", 0)) > max_pixels:
            raise PdfRefused(_("a picture in the PDF is too large (more than %(mp)d "
                               "megapixels).") % {"mp": max_pixels // 1_000_000})
        if "/Metadata" in obj:
            del obj["/Metadata"]


def _check_time(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise PdfRefused(_("the PDF takes too long to check; send fewer or smaller pages."))


def _reencode_images(page, deadline: float) -> None:
    for image in page.images:
        _check_time(deadline)
        if image.indirect_reference is None:  # an inline picture: cannot be rewritten
            if any(marker in image.data for marker in _METADATA_MARKERS):
                raise PdfRefused(_("the PDF contains a picture with metadata that cannot be "
                                   "removed; print it to a new PDF and send that."))
            continue
        pixels = image.image
        if pixels.mode not in ("RGB", "L", "CMYK"):
            pixels = pixels.convert("RGB")
        pixels.info = {}
        image.replace(pixels, quality=85)


def _too_many_pages(root, max_pages: int) -> bool:
    """Whether the page tree holds more than ``max_pages`` pages, whatever ``/Count`` says.

    Walked by hand and stopped at the cap: pypdf's page list would first resolve every
    page of a 40,000-page file (seconds) before it could be counted.
    """
    pages, seen, stack = 0, set(), [root.get("/Pages")]
    while stack:
        ref = stack.pop()
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        node = ref.get_object() if ref is not None else None
        if not isinstance(node, DictionaryObject):
            continue
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            pages += 1
            if pages > max_pages:
                return True
        else:
            kids = node["/Kids"].get_object()
            if len(kids) > max_pages:
                return True
            stack.extend(reversed(kids))
    return False


def pdf_clean(data: bytes, *, max_pages: int, max_pixels: int, deadline: float) -> bytes:
    """The cleaned PDF's bytes; raise ``PdfRefused`` with the reason otherwise.

    ``deadline`` (``time.monotonic()``) is shared by every file of one message, so five
    slow files cannot add up to the web worker's timeout.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfRefused(_("password-protected PDFs are not accepted."))
        root = reader.trailer["/Root"]
        declared = int(root["/Pages"].get("/Count", 0))
        if declared > max_pages or _too_many_pages(root, max_pages):
            raise PdfRefused(_("the PDF has more than %(n)d pages.") % {"n": max_pages})
        writer = PdfWriter()
        for page in reader.pages:
            _check_time(deadline)
            _check_images(page, max_pixels)
            for key in _PAGE_KEYS:
                if key in page:
                    del page[key]
            writer.add_page(page)
        for page in writer.pages:
            _reencode_images(page, deadline)
        _check_time(deadline)
        # The replaced pictures' old objects must not be written out.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except PdfRefused:
        raise
    except (PdfReadError, PdfStreamError, KeyError, ValueError, TypeError, OSError,
            Image.DecompressionBombError, NotImplementedError):
        raise PdfRefused(_("the PDF is incomplete or damaged.")) from None
    return out.getvalue()

"""Uploads refused while they stream in, before they can fill a worker's memory or disk.

Django's own handlers read every file part (any size, up to the part limit) before
a view can look at them. ``LimitedUploadHandler`` counts files and bytes as the
request arrives: beyond the per-file size or the file count it stops keeping data
and marks the file, so the attachment service refuses it with its usual message.
``RequestSizeLimitMiddleware`` refuses a request whose declared size exceeds what
any legal form can send (413) before a byte of the body is read.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from aduan.reports.attachments import limits


class LimitedFile(InMemoryUploadedFile):
    """An uploaded file; ``truncated`` when the handler stopped keeping its bytes."""

    truncated = False


class LimitedUploadHandler(FileUploadHandler):
    """Keep at most ``ATTACHMENT_MAX_FILES`` files of at most ``ATTACHMENT_MAX_BYTES`` each."""

    def __init__(self, request=None):
        super().__init__(request)
        self.files = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files += 1
        self.buffer, self.received = io.BytesIO(), 0
        max_files, self.max_bytes = limits()
        self.truncated = self.files > max_files

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.truncated = True
        if not self.truncated:
            self.buffer.write(raw_data)
        return None  # consumed: no other handler keeps a copy

    def file_complete(self, file_size):
        data = b"" if self.truncated else self.buffer.getvalue()
        self.buffer = io.BytesIO()
        upload = LimitedFile(io.BytesIO(data), self.field_name, self.file_name,
                             self.content_type, self.received, self.charset,
                             self.content_type_extra)
        upload.truncated = self.truncated
        return upload


def request_byte_cap() -> int:
    """The largest body a legal request can have: every file at its limit, plus the form."""
    max_files, max_bytes = limits()
    return max_files * max_bytes + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > request_byte_cap():
            message = _("The request is too large: attach at most %(n)d files of %(mb)d MB.") % {
                "n": limits()[0], "mb": limits()[1] // (1024 * 1024)}
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "too_large", "message": message}},
                                    status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

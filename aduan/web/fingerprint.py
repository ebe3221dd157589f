"""What makes two POSTs "the same" for an ``Idempotency-Key`` (the API and the portal)."""

import hashlib

from django.http import HttpRequest

# Never part of the fingerprint: a page's masked CSRF token changes with every page load.
_IGNORED = frozenset({"csrfmiddlewaretoken"})


def request_content(request: HttpRequest) -> bytes:
    """The raw body, or for a multipart upload its parts.

    A browser picks a new multipart boundary on every send, so a retried upload
    never repeats its bytes, only its parts; and files, unlike a body read whole,
    do not count against DATA_UPLOAD_MAX_MEMORY_SIZE.
    """
    if request.content_type != "multipart/form-data":
        return request.body
    digest = hashlib.sha256()
    for name in sorted(set(request.POST) - _IGNORED):
        for value in request.POST.getlist(name):
            digest.update(f"{name}={value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            part = hashlib.sha256()
            for chunk in upload.chunks():
                part.update(chunk)
            upload.seek(0)
            digest.update(f"{name}:{upload.name}:{part.hexdigest()}\0".encode())
    return digest.digest()

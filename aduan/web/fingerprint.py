"""``Idempotency-Key`` pieces the API and the portal share: what makes two POSTs "the same",
and answering once under a claimed key."""

import hashlib
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from aduan.partners.idempotency import idempotency_complete, idempotency_release

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


REPLAYED = "Idempotent-Replayed"
# Answers a retry could change: authenticate again, wait for the rate limit.
_NOT_KEPT = frozenset({401, 429})


def replayed(replay) -> HttpResponse:
    """The first answer to a key, given again (``partners.idempotency.Replay``)."""
    response = HttpResponse(replay.body, status=replay.status, content_type=replay.content_type)
    response[REPLAYED] = "true"
    return response


def answer_once(claim, produce: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer under a claimed key: ``produce`` runs in one transaction with the kept answer.

    A server error rolls back and keeps nothing; an answer a retry could change (401,
    429) or a streamed one is not kept either; in those cases the claim is released so
    the retry runs again.
    """
    kept = False
    try:
        with transaction.atomic():
            response = produce()
            status = response.status_code
            if status >= 500:
                transaction.set_rollback(True)
            elif status not in _NOT_KEPT and not response.streaming:
                idempotency_complete(claim, status=status,
                                     content_type=response.get("Content-Type", ""),
                                     body=response.content)
                kept = True
    finally:
        if not kept:
            idempotency_release(claim)
    return response

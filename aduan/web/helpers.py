"""Helpers the portal and back-office views share: uploads, domain errors, listings, report pages."""

import json

from django.http import Http404
from django.shortcuts import redirect, render

from aduan.accounts.challenge import challenge_create
from aduan.agencies.models import Category, Region
from aduan.errors import DomainError, NotFound, ReportNotFound
from aduan.lib import tracking
from aduan.reports.attachments import Upload, attachments_prepare
from aduan.reports.attachments import limits as attachments_limits

def uploads_from(files) -> list:
    """Cleaned attachments from a form's ``attachments`` list (raises InvalidInput).

    The upload handler (``web.uploads``) has already stopped reading files beyond the
    limits; they arrive ``truncated`` and are refused with the usual message.
    """
    max_bytes = attachments_limits()[1]
    uploads = [Upload(name=f.name or "", data=b"" if getattr(f, "truncated", False)
                      else f.read(max_bytes + 1),
                      truncated=getattr(f, "truncated", False)) for f in files or []]
    return attachments_prepare(uploads)


def add_domain_error(form, exc: DomainError, field_of: dict | None = None) -> None:
    """Show a refused request beside the field it concerns, or at the top of the form."""
    field = (field_of or {}).get(exc.field, exc.field) if exc.field else None
    form.add_error(field if field in form.fields else None, str(exc.message))


def not_found_on(exc: DomainError) -> None:
    if isinstance(exc, (ReportNotFound, NotFound)):
        raise Http404(str(exc.message))


def names_for(rows: list[dict]) -> list[dict]:
    """Add category and region names to listing rows (two queries for a whole page)."""
    categories = dict(Category.objects.values_list("code", "name"))
    codes = {row["region_code"] for row in rows if row["region_code"]}
    regions = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for row in rows:
        row["category_name"] = categories.get(row["category"], "")
        row["region_name"] = regions.get(row["region_code"], "")
    return rows


def render_report_page(request, tracking_id: str, url_name: str, context_of, template: str):
    """A report page by tracking ID: typed forms redirect to the canonical ID, unknown is 404."""
    canonical = tracking.normalize(tracking_id)
    if canonical is None:
        raise Http404()
    if canonical != tracking_id:
        return redirect(url_name, tracking_id=canonical)
    try:
        context = context_of(request, canonical)
    except ReportNotFound:
        raise Http404() from None
    # A report page may carry the unredacted text or a reporter's contact details.
    return no_store(render(request, template, context))


def challenge_context(needed: bool) -> dict:
    """Template context for ``web/_challenge.html``: a fresh proof-of-work check if needed."""
    if not needed:
        return {"challenge": None}
    challenge = challenge_create()
    return {"challenge": challenge, "challenge_json": json.dumps(challenge)}


def no_store(response):
    """Keep a page with a PIN or a report's private text out of every cache and history."""
    response["Cache-Control"] = "no-store"
    return response

"""The reporter identity reveals: who looked at whom filed a report, when and why."""

from django.http import Http404
from django.shortcuts import render

from aduan.reports.access import identity_reveals_allowed
from aduan.reports.selectors import identity_reveals

from .base import staff_required


@staff_required
def reveals(request):
    # 404, not 403: a page the caller may not use is as absent as one that does not exist.
    if not identity_reveals_allowed(request.caller):
        raise Http404()
    try:
        before = int(request.GET.get("sebelum", "") or 0) or None
    except ValueError:
        before = None
    rows, next_cursor = identity_reveals(before=before)
    return render(request, "backoffice/reveals.html", {"rows": rows, "next_cursor": next_cursor})

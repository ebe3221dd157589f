"""Agency admins manage the members and roles of their agency's subtree."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts.services import (
    grantable_roles,
    managed_paths,
    members_list,
    membership_add,
    membership_remove,
)
from aduan.agencies.models import Agency
from aduan.errors import DomainError, NotFound
from aduan.web.helpers import add_domain_error

from ..forms import MemberForm
from .base import staff_required

AGENCY_CHOICES_LIMIT = 500


def _agency_choices(caller) -> list[tuple[str, str]]:
    paths = managed_paths(caller)
    rows = Agency.objects.filter(active=True)
    if paths is not None:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__startswith=path)
        rows = rows.filter(q)
    else:
        # A national admin manages everything; offer the top-level bodies and let the
        # agency filter narrow it (the full list has thousands of offices).
        rows = rows.filter(parent__isnull=True)
    return list(rows.order_by("path").values_list("code", "name")[:AGENCY_CHOICES_LIMIT])


def _page(request, form=None, status=200):
    caller = request.caller
    agency = request.GET.get("agency", "").strip()[:80]
    choices = _agency_choices(caller)
    if agency and agency not in {c for c, _n in choices}:
        row = Agency.objects.filter(pk=agency).values_list("code", "name").first()
        choices = [row, *choices] if row else choices
    form = form or MemberForm(agencies=choices, roles=grantable_roles(caller),
                              initial={"agency": agency})
    return render(request, "backoffice/members.html", {
        "members": members_list(caller, agency_code=agency), "form": form,
        "agency": agency}, status=status)


@staff_required
def members(request):
    if managed_paths(request.caller) == []:
        raise Http404()
    if request.method != "POST":
        return _page(request)
    caller = request.caller
    choices = _agency_choices(caller)
    posted = request.POST.get("agency", "")
    if posted not in {c for c, _n in choices}:
        row = Agency.objects.filter(pk=posted).values_list("code", "name").first()
        choices = [row, *choices] if row else choices
    form = MemberForm(request.POST, agencies=choices, roles=grantable_roles(caller))
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership_add(caller=caller, username=data["username"], agency_code=data["agency"],
                           role=data["role"], password=data["password"], email=data["email"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Role given to %(user)s.") % {"user": data["username"]})
            return redirect("backoffice:members")
    return _page(request, form, status=422)


@require_POST
@staff_required
def member_remove(request, membership_id: int):
    try:
        membership_remove(caller=request.caller, membership_id=membership_id)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("backoffice:members")

"""Who may enter the back office: active users with at least one staff role."""

from functools import wraps

from django.shortcuts import redirect

from aduan.agencies.models import Role
from aduan.channels.messages import notices_unread_count
from aduan.reports.access import (
    channel_simulator_allowed,
    channels_admin_allowed,
    identity_reveals_allowed,
)
from aduan.reports.callers import caller_for_user


def staff_required(view):
    """Run the view with ``request.caller`` for a staff member; otherwise go to the login page."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        caller = caller_for_user(request.user)
        if not caller.is_staff_member:
            return redirect(f"/kantor/?next={request.path}")
        request.caller = caller
        request.can_manage = caller.is_national_admin or caller.has_role(Role.AGENCY_ADMIN)
        request.channels_admin = channels_admin_allowed(caller)
        request.reveals_reader = identity_reveals_allowed(caller)
        request.can_simulate = channel_simulator_allowed(caller)
        request.unread_notices = notices_unread_count(request.user)
        return view(request, *args, **kwargs)
    return wrapper

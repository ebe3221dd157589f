"""Who is looking at a portal page: an account, a tracking ID + PIN kept in the session, or nobody.

The session remembers which reports the visitor unlocked with their PIN, so a
reporter without an account can move from page to page without typing it again.
"""

from django.http import HttpRequest

from aduan.lib import tracking
from aduan.reports.callers import Caller, caller_for_user

SESSION_PINS = "aduan_pin_reports"
SESSION_RECEIPT = "aduan_receipt"


def pin_unlock(request: HttpRequest, tracking_id: str, report_id: int) -> None:
    unlocked = dict(request.session.get(SESSION_PINS, {}))
    unlocked[tracking_id] = report_id
    # A long-lived shared computer should not collect a citizen's reports forever.
    request.session[SESSION_PINS] = dict(list(unlocked.items())[-20:])


def portal_caller(request: HttpRequest, tracking_id: str | None = None) -> Caller:
    pin_report_id = None
    if tracking_id:
        canonical = tracking.normalize(tracking_id)
        pin_report_id = request.session.get(SESSION_PINS, {}).get(canonical or "")
    return caller_for_user(request.user, pin_report_id=pin_report_id)

"""Revealing who filed a report: a national admin, a typed reason, the supervisor told.

DESIGN §2: an anonymous reporter is hidden from every agency; only the national admin
may see who it is, and each look is recorded. The reason is required, kept in the audit
entry and sent to the supervisors (Ombudsman), who read every reveal in the back office.
The notice carries the tracking ID, who looked and why, never the identity itself.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import AuditEntry
from aduan.agencies.selectors import supervisors
from aduan.channels.messages import Recipient, compose, send
from aduan.errors import Forbidden, InvalidInput, ReportNotFound, Unauthenticated
from aduan.lib.tracking import display

from ..access import view_level
from ..callers import Caller
from ..models import Report

REASON_MIN, REASON_MAX = 20, 500
_REVEALED = (gettext_lazy("Reporter of %(id)s revealed"),
             gettext_lazy("%(who)s (national admin) opened the identity of the reporter of report "
                          "%(id)s.\nReason given: %(reason)s\nEvery reveal is listed at %(url)s."))


def reveal_reason(text: str | None) -> str:
    reason = " ".join((text or "").split())
    if len(reason) < REASON_MIN:
        raise InvalidInput(_("Say why you need to see who filed this report, in at least %(n)d "
                             "characters: the reason is recorded and sent to the supervisor.")
                           % {"n": REASON_MIN}, field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("%(field)s must be at most %(max)d characters.")
                           % {"field": "reason", "max": REASON_MAX}, field="reason")
    return reason


def reporter_identity_reveal(*, caller: Caller, report: Report, reason: str | None) -> dict:
    """Show who filed the report. National admins only, with a reason; audited and told."""
    if view_level(caller, report) is None:
        raise ReportNotFound()
    if not caller.is_authenticated:
        raise Unauthenticated()
    if not caller.is_national_admin:
        raise Forbidden(_("Only a national admin may see who filed an anonymous report."))
    reason = reveal_reason(reason)
    with transaction.atomic():
        AuditEntry.objects.create(
            actor=caller.user, action=AuditEntry.Action.REPORTER_IDENTITY_VIEWED,
            target=report.tracking_id, detail={"anonymous": report.anonymous, "reason": reason})
        _tell_supervisors(caller, report, reason)
    return {"name": report.reporter_name, "email": report.reporter_email,
            "phone": report.reporter_phone,
            "account": report.reporter.get_username() if report.reporter_id else None}


def _tell_supervisors(caller: Caller, report: Report, reason: str) -> None:
    everyone = supervisors()
    if not everyone:
        return
    who = caller.user.get_full_name() or caller.user.get_username()
    send([compose((Recipient(*member) for member in everyone), _REVEALED,
                  {"id": display(report.tracking_id), "who": who, "reason": reason,
                   "url": f"{settings.SITE_URL}/kantor/pembukaan-identitas/"},
                  purpose="identity_revealed")])

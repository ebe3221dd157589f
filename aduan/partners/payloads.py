"""What partners are told about an event: its type, its public id, and a body cut to the view.

The same body goes out by webhook and in the changes feed, so a partner can
de-duplicate on ``id`` across both. Reporters are never named (not even when
the view would allow it): a partner learns of a report's progress, not of who
sent it.
"""

from django.utils.crypto import salted_hmac

from aduan.reports.access import View, event_visibilities
from aduan.reports.models import Visibility
from aduan.reports.workflow import Action

from .models import EventType

ACTION_TYPES = {
    Action.SUBMIT: EventType.RECEIVED,
    Action.DISPATCH: EventType.DISPATCHED,
    Action.FORWARD: EventType.DISPATCHED,
    Action.RESPOND: EventType.RESPONDED,
    Action.SIGN_OFF: EventType.RESPONDED,
    Action.CLOSE: EventType.CLOSED,
    Action.ESCALATE: EventType.ESCALATED,
}


def event_type(action: str) -> str:
    """The webhook type of an action, or ``report.<action>`` for those only in the feed."""
    return str(ACTION_TYPES.get(action, f"report.{action}"))


def event_public_id(event_pk: int) -> str:
    """A stable, non-sequential id of an event (keyed hash of its row id)."""
    return "evt_" + salted_hmac("aduan.partners.event", str(event_pk), algorithm="sha256").hexdigest()[:32]


def event_body(event, *, view: View, external_id: str = "") -> dict:
    """The JSON body about ``event`` (with ``event.report`` and its holder loaded) for a
    partner that sees the report at ``view``."""
    report = event.report
    holder = report.holder if report.holder_id else None
    about = {"tracking_id": report.tracking_id, "status": event.to_status or report.status,
             "category": report.category_id,
             "holder": {"code": holder.pk, "name": holder.name} if holder else None}
    if external_id:
        about["external_id"] = external_id
    if view >= View.FORMER:
        about["title"] = report.title
        message = event.message if event.visibility in event_visibilities(view) else ""
    else:
        message = event.public_message if event.visibility == Visibility.PUBLIC else ""
    return {"id": event_public_id(event.pk), "type": event_type(event.action),
            "created_at": event.created_at.isoformat(), "report": about, "message": message}

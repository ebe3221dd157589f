"""Which events tell whom, in which words. Messages go through the outbox.

Reporter messages are written in Indonesian and then English in one body: the
reporter's language is not known, and both must be able to read it. They never
contain the PIN.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Membership, Role
from aduan.channels.models import OutboundChannel
from aduan.channels.outbox import outbox_add
from aduan.lib.tracking import display

from .workflow import Action

_REPORTER_MESSAGES = {
    Action.SUBMIT: (_("Report %(id)s received"),
                    _("We received your report \"%(title)s\". Tracking ID: %(id)s. Keep the PIN "
                      "you were shown to follow it at %(url)s.")),
    Action.DISPATCH: (_("Report %(id)s dispatched"),
                      _("Your report %(id)s was verified and sent to %(agency)s.")),
    Action.FORWARD: (_("Report %(id)s forwarded"),
                     _("Your report %(id)s was forwarded to %(agency)s, the body authorised to "
                       "answer it. Its deadlines still count from when you sent it.")),
    Action.REQUEST_INFO: (_("More information needed for report %(id)s"),
                          _("The handler of report %(id)s asks: %(message)s\nAnswer at %(url)s.")),
    Action.RESPOND: (_("Follow-up on report %(id)s"),
                     _("%(agency)s followed up on your report %(id)s:\n%(message)s\nAccept and "
                       "rate it, or reply if the matter is not settled, at %(url)s.")),
    Action.ARCHIVE: (_("Report %(id)s archived"),
                     _("Your report %(id)s will not be processed further (reason: %(reason)s).")),
    Action.REOPEN: (_("Report %(id)s reopened"), _("Your report %(id)s was reopened.")),
}

# A signed-off draft is the agency's follow-up: the reporter hears the same.
_REPORTER_MESSAGES[Action.SIGN_OFF] = _REPORTER_MESSAGES[Action.RESPOND]


def _render(template, context: dict) -> str:
    parts = []
    for language in ("id", "en"):
        with translation.override(language):
            parts.append(str(template) % context)
    return "\n\n".join(parts) if parts[0] != parts[1] else parts[0]


def _reporter_email(report) -> str:
    if report.reporter_email:
        return report.reporter_email
    return report.reporter.email if report.reporter_id and report.reporter.email else ""


def queue_for_event(report, event) -> None:
    """Queue the reporter's message for this event, if the event is one they hear about."""
    templates = _REPORTER_MESSAGES.get(event.action)
    recipient = _reporter_email(report)
    if templates is None or not recipient:
        return
    context = {
        "id": display(report.tracking_id), "title": report.title, "message": event.message,
        "agency": report.holder.name if report.holder_id else "",
        "reason": report.archive_reason, "url": f"{settings.SITE_URL}/lacak/",
    }
    outbox_add(channel=OutboundChannel.EMAIL, recipient=recipient,
               subject=_render(templates[0], context).split("\n\n")[0],
               body=_render(templates[1], context), purpose=f"report_{event.action}", event=event)


def alert_national_admins(report, *, reason: str) -> None:
    """Tell every national admin that a report needs their intervention."""
    subject = _("Report %(id)s needs intervention")
    body = _("Report %(id)s has been forwarded %(count)d times without finding its agency "
             "(%(reason)s). Please verify and dispatch it.")
    context = {"id": display(report.tracking_id), "count": report.forward_count,
               "reason": reason}
    emails = set(Membership.objects.filter(role=Role.NATIONAL_ADMIN, user__is_active=True)
                 .exclude(user__email="").values_list("user__email", flat=True))
    for email in sorted(emails):
        outbox_add(channel=OutboundChannel.EMAIL, recipient=email,
                   subject=_render(subject, context).split("\n\n")[0],
                   body=_render(body, context), purpose=f"alert_{reason}")

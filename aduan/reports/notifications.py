"""Which report events tell whom, in which words (queued through channels.messages).

Reporters hear of the steps that concern them, by e-mail; messages never
contain the PIN. National admins hear, by e-mail and in the back office, when
a report keeps being forwarded without finding its agency.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.agencies.selectors import national_admins
from aduan.channels.messages import Recipient, compose, contact_notify, send
from aduan.lib.tracking import display
from aduan.push.services import PushNote, push_queue

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
_FORWARD_ALERT = (_("Report %(id)s needs intervention"),
                  _("Report %(id)s has been forwarded %(count)d times without finding its agency "
                    "(%(reason)s). Please verify and dispatch it."))

# A signed-off draft is the agency's follow-up: the reporter hears the same.
_REPORTER_MESSAGES[Action.SIGN_OFF] = _REPORTER_MESSAGES[Action.RESPOND]
# What also reaches the reporter's devices that allowed notifications (a closure by the
# sweep is pushed from deadlines.notify).
PUSHED = frozenset({Action.REQUEST_INFO, Action.RESPOND, Action.SIGN_OFF})


def reporter_email(report) -> str:
    if report.reporter_email:
        return report.reporter_email
    return report.reporter.email if report.reporter_id and report.reporter.email else ""


def _context(report, event) -> dict:
    return {
        "id": display(report.tracking_id), "title": report.title, "message": event.message,
        "agency": report.holder.name if report.holder_id else "",
        "reason": report.archive_reason, "url": f"{settings.SITE_URL}/lacak/",
    }


def queue_for_event(report, event) -> None:
    """Queue the reporter's message for this event, if the event is one they hear about."""
    queue_for_events([(report, event)])


def queue_for_events(pairs) -> None:
    """Queue the reporters' messages for many (report, event) pairs, e-mails in one batch."""
    messages, notes = [], []
    for report, event in pairs:
        template = _REPORTER_MESSAGES.get(event.action)
        if template is None:
            continue
        context = _context(report, event)
        purpose = f"report_{event.action}"
        # A report that came in by a channel door hears back by that door (the SMS, chat or
        # mail it was sent from); its receipt is queued by the door itself, with the PIN.
        contact_notify(report, template, context, purpose=purpose, event_id=event.pk)
        email = reporter_email(report)
        message = compose([Recipient(None, email)], template, context, purpose=purpose,
                          event_id=event.pk)
        if event.action in PUSHED:
            notes.append(push_note(report.pk, report.reporter_id, message.subject, message.body,
                                   purpose, event.pk))
        if email:
            # The reporter's e-mail only: a reporter's account never gets back-office notices.
            messages.append(message)
    if messages:
        send(messages)
    if notes:
        push_queue(notes)


def push_note(report_id: int, reporter_id: int | None, subject: str, body: str, purpose: str,
              event_id: int | None) -> PushNote:
    """A notification for the reporter's devices: the Indonesian text alone, a few lines."""
    url = "/akun/laporan/" if reporter_id else "/laporan-saya/"
    return PushNote(report_id, reporter_id, subject, body.split("\n\n", 1)[0], purpose,
                    event_id, url)


def alert_national_admins(report, *, reason: str, event_id: int | None = None) -> None:
    """Tell every national admin that a report needs their intervention."""
    context = {"id": display(report.tracking_id), "count": report.forward_count,
               "reason": reason}
    send([compose([Recipient(*m) for m in national_admins()], _FORWARD_ALERT, context,
                  purpose=f"alert_{reason}", event_id=event_id)])

"""What the reporter does: answer a request, add information, reply, accept and rate."""

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import InvalidInput, InvalidTransition

from ..attachments import Prepared
from ..callers import Caller
from ..models import Report, Visibility
from ..workflow import Action
from ._core import required_text, simple_move


def report_provide_info(*, caller: Caller, report: Report, message: str,
                        attachments: list[Prepared] = ()) -> Report:
    message = required_text(message, "message")
    return simple_move(caller=caller, report=report, action=Action.PROVIDE_INFO,
                        visibility=Visibility.REPORTER, message=message,
                        fields={"status_before_info": ""}, attachments=attachments)


def report_add_info(*, caller: Caller, report: Report, message: str,
                    attachments: list[Prepared] = ()) -> Report:
    """The reporter adds a detail or a file while the report is being handled."""
    message = required_text(message, "message")
    return simple_move(caller=caller, report=report, action=Action.ADD_INFO,
                        visibility=Visibility.REPORTER, message=message,
                        attachments=attachments)


def report_reply(*, caller: Caller, report: Report, message: str,
                 attachments: list[Prepared] = ()) -> Report:
    """The reporter disagrees with the follow-up: the report reopens at the same agency."""
    message = required_text(message, "message")
    if report.reply_due is not None and report.reply_due < timezone.now():
        raise InvalidTransition(_("The reply window for this follow-up has closed."))
    return simple_move(caller=caller, report=report, action=Action.REPLY,
                        visibility=Visibility.REPORTER, message=message,
                        fields={"reopen_count": lambda r, now: r.reopen_count + 1},
                        attachments=attachments)


def report_close(*, caller: Caller, report: Report, rating: int, comment: str = "") -> Report:
    """The reporter accepts the follow-up and rates it from 1 to 5."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput(_("The rating must be a whole number from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput(_("The comment must be at most 2000 characters."), field="comment")
    return simple_move(caller=caller, report=report, action=Action.CLOSE,
                        visibility=Visibility.PUBLIC, data={"rating": rating},
                        fields={"rating": rating, "rating_comment": comment,
                                "closed_at": lambda r, now: now})

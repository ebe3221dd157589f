"""The report life cycle: statuses, actions, and the one table of legal moves.

Pure Python: no ORM. Services ask ``next_status`` before they change anything;
access functions ask ``MOVES[action].actors`` who may make a move. DESIGN §3.
"""

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    SUBMITTED = "submitted", _("Not yet verified")
    NEEDS_INFO = "needs_info", _("Waiting for more information")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    RESPONDED = "responded", _("Followed up")
    CLOSED = "closed", _("Completed")
    ARCHIVED = "archived", _("Archived")


class Action(TextChoices):
    SUBMIT = "submit", _("Submit")
    DISPATCH = "dispatch", _("Verify and dispatch")
    FORWARD = "forward", _("Forward to the authorised agency")
    RETURN = "return", _("Return to the verifier")
    DISPATCH_INTERNAL = "dispatch_internal", _("Dispatch to a unit")
    ACCEPT = "accept", _("Accept")
    REQUEST_INFO = "request_info", _("Request information")
    PROVIDE_INFO = "provide_info", _("Provide information")
    RESPOND = "respond", _("Respond")
    DRAFT = "draft_response", _("Draft a follow-up")
    SIGN_OFF = "sign_off", _("Sign off the drafted follow-up")
    RETURN_DRAFT = "return_draft", _("Send the draft back")
    ADD_INFO = "add_info", _("Add information")
    REPLY = "reply", _("Reply to the follow-up")
    CLOSE = "close", _("Accept and rate")
    ARCHIVE = "archive", _("Archive")
    REOPEN = "reopen", _("Reopen")
    RESTRICT = "restrict", _("Make privacy stricter")
    CATEGORISE = "categorise", _("Change the category")
    LINK = "link", _("Link a related report")
    # Written by the deadline sweep only; no status moves with them.
    ESCALATE = "escalate", _("Escalated for a missed deadline")
    REMIND = "remind", _("Deadline reminder")


class Actor(TextChoices):
    """How a caller relates to a report; access functions work out which apply."""

    REPORTER = "reporter", _("Reporter")
    NATIONAL_ADMIN = "national_admin", _("National admin")
    HOLDER_ADMIN = "holder_admin", _("Admin of the holding agency")
    HOLDER_STAFF = "holder_staff", _("Unit admin of the holding agency")
    HOLDER_LIAISON = "holder_liaison", _("Liaison officer of the holding agency")
    SUPERVISOR = "supervisor", _("Supervisor")
    SYSTEM = "system", _("System")


class ArchiveReason(TextChoices):
    SPAM = "spam", _("Spam or abuse")
    UNINTELLIGIBLE = "unintelligible", _("Cannot be understood")
    DUPLICATE = "duplicate", _("Duplicate of another report")
    OUT_OF_SCOPE = "out_of_scope", _("Not a public-service matter")
    INCOMPLETE = "incomplete", _("Requested information never arrived")
    TEST = "test", _("Test report")


class Severity(TextChoices):
    """How much work a complaint needs; sets the resolution deadline (5/14/60 HK by default)."""

    SIMPLE = "simple", _("Simple (information or simple complaint)")
    DISPUTE = "dispute", _("Dispute or violation, no field check")
    FIELD_CHECK = "field_check", _("Needs a field examination")


# Target markers that are worked out from the report, not fixed by the table.
UNCHANGED = "="
PREVIOUS = "<"
REOPENED = "^"

OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.NEEDS_INFO, Status.DISPATCHED,
                           Status.IN_PROGRESS, Status.RESPONDED})
FINAL_STATUSES = frozenset({Status.CLOSED, Status.ARCHIVED})
HELD = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})

_A, _S = Actor, Status
_HOLDER = frozenset({_A.HOLDER_ADMIN, _A.HOLDER_STAFF})


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    actors: frozenset[str]


MOVES: dict[str, Move] = {
    Action.DISPATCH: Move(frozenset({_S.SUBMITTED}), _S.DISPATCHED,
                          frozenset({_A.NATIONAL_ADMIN, _A.HOLDER_ADMIN, _A.SYSTEM})),
    Action.FORWARD: Move(HELD, _S.DISPATCHED, frozenset({_A.HOLDER_ADMIN, _A.NATIONAL_ADMIN})),
    Action.RETURN: Move(HELD, _S.SUBMITTED, frozenset({_A.HOLDER_ADMIN})),
    Action.DISPATCH_INTERNAL: Move(HELD, UNCHANGED, _HOLDER),
    Action.ACCEPT: Move(frozenset({_S.DISPATCHED}), _S.IN_PROGRESS, _HOLDER),
    Action.REQUEST_INFO: Move(frozenset({_S.SUBMITTED}) | HELD, _S.NEEDS_INFO,
                              _HOLDER | {_A.NATIONAL_ADMIN}),
    Action.PROVIDE_INFO: Move(frozenset({_S.NEEDS_INFO}), PREVIOUS, frozenset({_A.REPORTER})),
    Action.RESPOND: Move(HELD, _S.RESPONDED, _HOLDER),
    # Where the holding agency requires it, a follow-up is drafted and then signed off by a
    # liaison officer; ``policy.Policy.refusal`` says which of RESPOND or DRAFT applies.
    Action.DRAFT: Move(HELD, UNCHANGED, _HOLDER),
    Action.SIGN_OFF: Move(HELD, _S.RESPONDED, frozenset({_A.HOLDER_LIAISON})),
    Action.RETURN_DRAFT: Move(HELD, UNCHANGED, frozenset({_A.HOLDER_LIAISON})),
    # The reporter may add information while the report is open and not waiting on them.
    Action.ADD_INFO: Move(frozenset({_S.SUBMITTED}) | HELD, UNCHANGED, frozenset({_A.REPORTER})),
    Action.REPLY: Move(frozenset({_S.RESPONDED}), _S.IN_PROGRESS, frozenset({_A.REPORTER})),
    Action.CLOSE: Move(frozenset({_S.RESPONDED}), _S.CLOSED,
                       frozenset({_A.REPORTER, _A.SYSTEM})),
    Action.ARCHIVE: Move(frozenset({_S.SUBMITTED, _S.NEEDS_INFO, _S.DISPATCHED}), _S.ARCHIVED,
                         frozenset({_A.NATIONAL_ADMIN, _A.HOLDER_ADMIN, _A.SYSTEM})),
    Action.REOPEN: Move(FINAL_STATUSES, REOPENED,
                        frozenset({_A.NATIONAL_ADMIN, _A.SUPERVISOR})),
    Action.RESTRICT: Move(frozenset(Status.values), UNCHANGED,
                          frozenset({_A.NATIONAL_ADMIN, _A.HOLDER_ADMIN})),
    # A verifier or the holder corrects the category while the report is still worked on;
    # every human correction is a training label for the router.
    Action.CATEGORISE: Move(OPEN_STATUSES, UNCHANGED,
                            frozenset({_A.NATIONAL_ADMIN, _A.HOLDER_ADMIN, _A.HOLDER_STAFF,
                                       _A.SYSTEM})),
    Action.LINK: Move(frozenset(Status.values), UNCHANGED,
                      frozenset({_A.NATIONAL_ADMIN, _A.HOLDER_ADMIN, _A.HOLDER_STAFF})),
}


class TransitionError(Exception):
    """An action that the report's current status does not allow."""

    def __init__(self, action: str, status: str):
        self.action = action
        self.status = status
        self.allowed = allowed_actions(status)
        super().__init__(
            f"Cannot {action} a report in status {status}; allowed actions now: "
            f"{', '.join(self.allowed) or 'none'}"
        )


def allowed_actions(status: str) -> list[str]:
    """Actions the table allows from ``status``, whoever asks."""
    return [action for action, move in MOVES.items() if status in move.sources]


def next_status(action: str, status: str, *, previous: str | None = None,
                has_holder: bool = False) -> str:
    """Return the status after ``action``; raise ``TransitionError`` if it is illegal.

    ``previous`` is the status a ``needs_info`` report came from; ``has_holder``
    says whether a reopened report goes back to its agency or to verification.
    """
    move = MOVES.get(action)
    if move is None or status not in move.sources:
        raise TransitionError(action, status)
    if move.target == UNCHANGED:
        return status
    if move.target == PREVIOUS:
        return previous or Status.SUBMITTED
    if move.target == REOPENED:
        return Status.IN_PROGRESS if has_holder else Status.SUBMITTED
    return move.target


def may(action: str, actors: set[str] | frozenset[str]) -> bool:
    """True when one of the caller's relations to the report may make ``action``."""
    move = MOVES.get(action)
    return move is not None and bool(move.actors & set(actors))

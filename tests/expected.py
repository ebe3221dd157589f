"""The legal moves of DESIGN §3, written out independently of the code under test."""

from aduan.reports.workflow import Action, Status

EXPECTED = {
    (Status.SUBMITTED, Action.DISPATCH): Status.DISPATCHED,
    (Status.SUBMITTED, Action.REQUEST_INFO): Status.NEEDS_INFO,
    (Status.SUBMITTED, Action.ARCHIVE): Status.ARCHIVED,
    (Status.SUBMITTED, Action.RESTRICT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.ADD_INFO): Status.SUBMITTED,
    (Status.NEEDS_INFO, Action.PROVIDE_INFO): "previous",
    (Status.NEEDS_INFO, Action.ARCHIVE): Status.ARCHIVED,
    (Status.NEEDS_INFO, Action.RESTRICT): Status.NEEDS_INFO,
    (Status.DISPATCHED, Action.FORWARD): Status.DISPATCHED,
    (Status.DISPATCHED, Action.RETURN): Status.SUBMITTED,
    (Status.DISPATCHED, Action.DISPATCH_INTERNAL): Status.DISPATCHED,
    (Status.DISPATCHED, Action.ACCEPT): Status.IN_PROGRESS,
    (Status.DISPATCHED, Action.REQUEST_INFO): Status.NEEDS_INFO,
    (Status.DISPATCHED, Action.RESPOND): Status.RESPONDED,
    (Status.DISPATCHED, Action.ARCHIVE): Status.ARCHIVED,
    (Status.DISPATCHED, Action.RESTRICT): Status.DISPATCHED,
    (Status.DISPATCHED, Action.DRAFT): Status.DISPATCHED,
    (Status.DISPATCHED, Action.SIGN_OFF): Status.RESPONDED,
    (Status.DISPATCHED, Action.RETURN_DRAFT): Status.DISPATCHED,
    (Status.DISPATCHED, Action.ADD_INFO): Status.DISPATCHED,
    (Status.IN_PROGRESS, Action.FORWARD): Status.DISPATCHED,
    (Status.IN_PROGRESS, Action.RETURN): Status.SUBMITTED,
    (Status.IN_PROGRESS, Action.DISPATCH_INTERNAL): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.REQUEST_INFO): Status.NEEDS_INFO,
    (Status.IN_PROGRESS, Action.RESPOND): Status.RESPONDED,
    (Status.IN_PROGRESS, Action.RESTRICT): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.DRAFT): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.SIGN_OFF): Status.RESPONDED,
    (Status.IN_PROGRESS, Action.RETURN_DRAFT): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.ADD_INFO): Status.IN_PROGRESS,
    (Status.RESPONDED, Action.REPLY): Status.IN_PROGRESS,
    (Status.RESPONDED, Action.CLOSE): Status.CLOSED,
    (Status.RESPONDED, Action.RESTRICT): Status.RESPONDED,
    (Status.CLOSED, Action.REOPEN): "reopened",
    (Status.CLOSED, Action.RESTRICT): Status.CLOSED,
    (Status.ARCHIVED, Action.REOPEN): "reopened",
    (Status.ARCHIVED, Action.RESTRICT): Status.ARCHIVED,
}

# Correcting the category (open reports) and linking related reports (any report) never
# move the status.
for _status in (Status.SUBMITTED, Status.NEEDS_INFO, Status.DISPATCHED, Status.IN_PROGRESS,
                Status.RESPONDED):
    EXPECTED[(_status, Action.CATEGORISE)] = _status
for _status in Status.values:
    EXPECTED[(_status, Action.LINK)] = _status

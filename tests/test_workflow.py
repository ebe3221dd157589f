"""The pure life-cycle table: every status × action, legal and illegal."""

import pytest
from expected import EXPECTED

from aduan.reports.workflow import (
    MOVES,
    Action,
    Actor,
    Status,
    TransitionError,
    allowed_actions,
    may,
    next_status,
)

ACTIONS = [a for a in Action.values if a != Action.SUBMIT]


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_status_and_action(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(TransitionError) as exc:
            next_status(action, status)
        assert status in str(exc.value) and "allowed actions now" in str(exc.value)
        return
    if expected == "previous":
        assert next_status(action, status, previous=Status.IN_PROGRESS) == Status.IN_PROGRESS
        assert next_status(action, status, previous=Status.SUBMITTED) == Status.SUBMITTED
    elif expected == "reopened":
        assert next_status(action, status, has_holder=True) == Status.IN_PROGRESS
        assert next_status(action, status, has_holder=False) == Status.SUBMITTED
    else:
        assert next_status(action, status) == expected


def test_allowed_actions_lists_exactly_the_legal_moves():
    for status in Status.values:
        assert set(allowed_actions(status)) == {a for (s, a) in EXPECTED if s == status}


def test_who_may_act():
    assert may(Action.DISPATCH, {Actor.NATIONAL_ADMIN})
    assert not may(Action.DISPATCH, {Actor.REPORTER})
    assert may(Action.CLOSE, {Actor.REPORTER}) and not may(Action.CLOSE, {Actor.HOLDER_ADMIN})
    assert may(Action.RESPOND, {Actor.HOLDER_STAFF})
    assert not may(Action.FORWARD, {Actor.HOLDER_STAFF})
    assert may(Action.REOPEN, {Actor.SUPERVISOR})
    assert not may("no-such-action", {Actor.NATIONAL_ADMIN})
    assert all(move.actors for move in MOVES.values())

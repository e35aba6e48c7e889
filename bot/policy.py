"""The status policy, in one place: which moves the status graph has, which statuses are closed or waiting,
and which decisions (and decision buttons) each status allows. Services, renderers and storage read it here.
"""

from __future__ import annotations

from bot.model import Status

# The status graph: every change of status goes along one of these edges, with one audit row.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.IN_REVIEW, Status.DUPLICATE}),
    Status.IN_REVIEW: frozenset({Status.APPROVED, Status.PILOTING, Status.DECLINED, Status.NEEDS_INFO, Status.DUPLICATE}),
    Status.NEEDS_INFO: frozenset({Status.IN_REVIEW, Status.APPROVED, Status.PILOTING, Status.DECLINED, Status.DUPLICATE}),
    Status.APPROVED: frozenset({Status.IMPLEMENTED, Status.PILOTING}),
    Status.PILOTING: frozenset({Status.IMPLEMENTED, Status.DECLINED}),
    Status.DECLINED: frozenset(),
    Status.IMPLEMENTED: frozenset(),
    Status.DUPLICATE: frozenset({Status.OPEN, Status.IN_REVIEW, Status.NEEDS_INFO}),  # undoing a merge
}

CLOSED = frozenset({Status.DECLINED, Status.IMPLEMENTED, Status.DUPLICATE})  # no votes, no decisions
WAITING = (Status.IN_REVIEW, Status.NEEDS_INFO)  # waiting for a manager: reminders and escalations
REMINDABLE = (*WAITING, Status.PILOTING)  # "Remind me tomorrow" still has something to remind of
DUPLICATE_FROM = frozenset({Status.OPEN, Status.IN_REVIEW, Status.NEEDS_INFO})  # may be marked a duplicate

# A manager's decision and the status it leads to; "outcome" (implemented, or a pilot closed) is recorded
# on an approved idea or a pilot.
TARGETS = {"approve": Status.APPROVED, "pilot": Status.PILOTING, "decline": Status.DECLINED,
           "needs_info": Status.NEEDS_INFO}
DECISIONS = (*TARGETS, "outcome")
_DECIDE = ("approve", "pilot", "decline", "needs_info")

# Which decisions each status allows (by button or by typing). An open idea is decided through review;
# asking again while waiting for an answer is allowed; an approved idea may still become a pilot (typed).
ALLOWED: dict[Status, tuple[str, ...]] = {
    Status.OPEN: _DECIDE,
    Status.IN_REVIEW: _DECIDE,
    Status.NEEDS_INFO: _DECIDE,
    Status.APPROVED: ("pilot", "outcome"),
    Status.PILOTING: ("decline", "outcome"),  # typed: a plain decline ends a pilot too
}

# The decision buttons a review card shows in each status (names of bot.replies.CHOICES).
BUTTONS: dict[Status, tuple[str, ...]] = {
    Status.OPEN: _DECIDE,
    Status.IN_REVIEW: _DECIDE,
    Status.NEEDS_INFO: _DECIDE,
    Status.APPROVED: ("implemented",),
    Status.PILOTING: ("implemented", "close_pilot"),
}


def can_move(from_status: Status, to_status: Status) -> bool:
    return to_status in TRANSITIONS[from_status]


def is_closed(status: Status) -> bool:
    return status in CLOSED


def allows(status: Status, decision: str) -> bool:
    """Whether a decision ("approve", "pilot", "decline", "needs_info" or "outcome") may be made in `status`."""
    return decision in ALLOWED.get(status, ())


def buttons_for(status: Status) -> tuple[str, ...]:
    """The names of the decision buttons that still make sense in `status` (none once an idea is closed)."""
    return BUTTONS.get(status, ())

"""Typed domain events: what a committed change did, for its follow-ups (bot.followups) to act on.

A use case commits, then emits one event; the follow-ups (refresh a card, request a review, tell the
author, post in the thread, announce the win, tell voters) are small handlers listed per event type in
bot.followups.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.model import Experiment, Idea


@dataclass(frozen=True)
class Decided:
    """A manager's decision on an idea (or a pilot's result), committed with its audit row."""

    idea_id: int
    by: str  # who decided (a manager, or the IT champion recording an outcome)


@dataclass(frozen=True)
class Approved(Decided):
    risk: str | None = None
    mitigation: str | None = None
    champion: str | None = None  # the IT champion, told directly


@dataclass(frozen=True)
class PilotStarted(Decided):
    experiment: Experiment | None = None
    risk: str | None = None
    mitigation: str | None = None


@dataclass(frozen=True)
class Declined(Decided):
    reason: str = ""


@dataclass(frozen=True)
class InfoRequested(Decided):
    question: str = ""


@dataclass(frozen=True)
class PilotClosed(Decided):
    """A pilot that missed its target, closed as declined, with what was learned."""

    learning: str = ""
    result: float | None = None


@dataclass(frozen=True)
class Implemented(Decided):
    """An approved idea (or a successful pilot) is live: the win is announced."""

    what_changed: str = ""
    result: float | None = None  # a pilot's measured result; None for an approved idea


@dataclass(frozen=True)
class VoteChanged:
    """A vote was added or taken back (a button or a reaction); `reached_review` when it took the idea to review."""

    idea: Idea  # as read in the vote's transaction: its card and platform
    by: str
    reached_review: bool = False


@dataclass(frozen=True)
class MarkedDuplicate:
    """An idea (or problem) was merged into its original; `kind` is "idea" or "problem"."""

    kind: str
    item_id: int
    original_id: int
    by: str


@dataclass(frozen=True)
class DuplicateUndone:
    """A merge was undone: the item and every original it counted in (`originals`, nearest first) changed."""

    kind: str
    item_id: int
    originals: tuple[int, ...]
    by: str


Event = (Approved | PilotStarted | Declined | InfoRequested | PilotClosed | Implemented | VoteChanged | MarkedDuplicate
         | DuplicateUndone)

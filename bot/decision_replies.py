"""Neutral replies for decisions, pilots and wins. Each adapter renders them for its platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.model import Decision, Experiment, Idea, Status
from bot.policy import DUPLICATE_FROM, buttons_for  # noqa: F401 (DUPLICATE_FROM: renderers read it here)
from bot.words import plural


@dataclass(frozen=True)
class ReviewRequest:
    """What a manager sees of an idea to decide on: the idea, its counts, a link, the buttons that fit."""

    idea: Idea
    link: str | None = None
    decision: Decision | None = None


REVIEW_HEADINGS = {
    Status.NEEDS_INFO: "❓ Waiting for the author's answer",
    Status.APPROVED: "✅ Approved: mark it implemented once it is live",
    Status.PILOTING: "🧪 Piloting: record the result when the pilot ends",
    Status.DECLINED: "⛔ Declined: no decision needed",
    Status.IMPLEMENTED: "🏆 Implemented: no decision needed",
    Status.DUPLICATE: "🔁 Marked a duplicate: no decision needed",
}
DECIDED_BY = {"approve": "Approved by", "pilot": "Pilot approved by", "decline": "Declined by",
              "needs_info": "Question asked by"}


def review_heading(status: Status) -> str:
    """A review request's first line: what the manager can still do about the idea."""
    return REVIEW_HEADINGS.get(status, "🔎 An idea is waiting for your decision")


@dataclass(frozen=True)
class DecisionForm:
    """A form a manager fills in for a decision. `kind` is approve, pilot, decline, needs_info or outcome."""

    kind: str
    idea: Idea
    champion: str | None = None  # the IT champion offered by default (approve)
    experiment: Experiment | None = None  # the pilot whose result is recorded (outcome)
    verdict: str | None = None  # outcome of a pilot: "implemented" or "declined", preselected
    champions: tuple[str, ...] = ()  # `[roles] it_champions`, for platforms that offer a list (approve)


@dataclass(frozen=True)
class Choice:
    """A decision button: its words (the contract), and the form it opens."""

    name: str
    label: str
    form: str  # the DecisionForm kind
    verdict: str | None = None


CHOICES = {c.name: c for c in (
    Choice("approve", "Approve", "approve"),
    Choice("pilot", "Pilot", "pilot"),
    Choice("decline", "Decline", "decline"),
    Choice("needs_info", "Needs info", "needs_info"),
    Choice("implemented", "Mark implemented", "outcome"),
    Choice("close_pilot", "Close as declined", "outcome", "declined"),  # a pilot that missed its target
)}
# Next to the decisions, a manager may mark an idea that is still undecided (bot.policy.DUPLICATE_FROM)
# a duplicate of another.
MARK_DUPLICATE = "Mark duplicate"


def choices_for(status: Status) -> tuple[Choice, ...]:
    """The decision buttons that still make sense in `status` (none once an idea is closed)."""
    return tuple(CHOICES[name] for name in buttons_for(status))


@dataclass(frozen=True)
class WinStory:
    """A win told in a few lines, crediting its people. `author` is None for an anonymous idea."""

    idea: Idea
    outcome: str
    supporters: int
    author: str | None = None
    decider: str | None = None
    champion: str | None = None
    experiment: Experiment | None = None
    challenge: str | None = None  # "C1 · How might we …" when the idea came from a challenge


@dataclass(frozen=True)
class WinList:
    heading: str
    wins: list[tuple[Idea, datetime]]
    empty: str = "No wins yet."


@dataclass(frozen=True)
class WaitingList:
    """Ideas waiting for a manager's decision, the longest waiting first, with how long."""

    heading: str
    items: list[tuple[Idea, timedelta]]
    empty: str = "Nothing is waiting for your decision."


@dataclass(frozen=True)
class HomeView:
    """A person's own page: their ideas, the ideas they voted for, and (managers) what waits for them."""

    mine: list[Idea] = field(default_factory=list)
    voted: list[Idea] = field(default_factory=list)
    waiting: WaitingList | None = None
    decisions: dict = field(default_factory=dict)  # idea id -> its latest decision, a Story


def age_text(age: timedelta) -> str:
    """`3 days`, `5 hours`, `12 minutes` (rounded down, at least a minute)."""
    seconds = max(int(age.total_seconds()), 60)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return plural(count, unit)
    return "1 minute"


@dataclass(frozen=True)
class Person:
    user_id: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Story:
    """A message built from parts: plain text (people's words, shown as typed), people (mentions), bold text."""

    parts: tuple[str | Person | Strong, ...]
    link: str | None = None


def story(*parts: str | Person | Strong | None, link: str | None = None) -> Story:
    return Story(tuple(p for p in parts if p), link)

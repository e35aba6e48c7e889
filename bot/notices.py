"""Neutral replies for scheduled messages: the weekly digest, manager queues, reminders, check-ins.

Lines are tuples of parts so that each adapter renders people and ideas its own way
(Slack: mentions and links; text: @id and #number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.model import Idea


@dataclass(frozen=True)
class Person:
    user_id: str


@dataclass(frozen=True)
class IdeaRef:
    idea_id: int
    title: str
    link: str | None = None


@dataclass(frozen=True)
class DigestChart:
    png: bytes
    alt: str  # what the picture shows, in words (its alt text, and its title on Slack)


Part = str | Person | IdeaRef
Line = tuple[Part, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[Line, ...] = ()
    more_hint: str = ""  # where to see what did not fit, e.g. "`/hero top week`"
    hidden: int = 0  # lines left out by the core already


@dataclass(frozen=True)
class WeeklyDigest:
    """The channel digest. `title` is its first line: "Weekly digest" and the week it covers."""

    title: str
    sections: tuple[Section, ...]
    chart: DigestChart | None = None  # the week's picture: uploaded into the thread on Slack, an Image on Teams


@dataclass(frozen=True)
class QueueItem:
    idea: Idea
    waiting_days: int  # working days since the last action
    escalated: bool = False


@dataclass(frozen=True)
class ManagerQueue:
    """A manager's personal digest: ideas waiting for them, oldest first, with decision buttons."""

    title: str
    items: tuple[QueueItem, ...]
    hidden: int = 0


@dataclass(frozen=True)
class Reminder:
    """A nudge to decide (or, for a pilot, to record its result), with a Remind me tomorrow button."""

    idea: Idea
    waiting_days: int
    pilot_ended: date | None = None


@dataclass(frozen=True)
class Escalation:
    idea: Idea
    waiting_days: int
    managers: tuple[str, ...]
    pilot_ended: date | None = None


@dataclass(frozen=True)
class PilotCheckIn:
    idea: Idea
    ends_on: date
    hypothesis: str
    metric: str
    baseline: float | None
    target: float
    for_author: bool = False

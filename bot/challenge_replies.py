"""Neutral replies for challenges, and the words both platforms show. Adapters render them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.challenge_model import DEFAULT_ADVANCE, Challenge
from bot.model import Idea, Problem
from bot.replies import STATUS_BADGES

ADD_IDEA = "Add an idea"  # the button on a challenge's message (contract)
START_CHALLENGE = "Start a challenge"  # the button on each hot spot (contract)
TOP_SHOWN = 3

# The challenge form: field name -> label (contract)
LABELS = {
    "question": "Question",
    "problem_id": "Customer problem",
    "goal": "Mission goal",
    "ends_on": "Ends on",
    "advance": "Ideas to advance",
}
CHALLENGE_LABEL = "Challenge"  # the idea form's field


@dataclass(frozen=True)
class ProblemContext:
    """The customer problem a challenge is about: who reported it and the trend over 30 days."""

    problem: Problem
    reporters: int
    previous: int


@dataclass(frozen=True)
class ChallengeForm:
    """The form a manager starts a challenge with; `values` are answers to show again, `errors` by field."""

    problems: tuple[Problem, ...] = ()
    goals: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name) or (str(DEFAULT_ADVANCE) if name == "advance" else "")


@dataclass(frozen=True)
class ChallengeCard:
    """A challenge's public message: question, problem, goal, time left, ideas, the most voted, the outcome."""

    challenge: Challenge
    time_left: str
    top: list[Idea] = field(default_factory=list)
    advanced: list[Idea] = field(default_factory=list)
    problem: ProblemContext | None = None


@dataclass(frozen=True)
class ChallengeList:
    """`/hero challenges`: open ones with time left and ideas, those closed lately with what came of them."""

    open: list[ChallengeCard]
    closed: list[ChallengeCard]
    days: int = 90


@dataclass(frozen=True)
class ChallengeHalfway:
    """The reminder in a challenge's thread halfway to its end."""

    challenge: Challenge
    time_left: str
    top: list[Idea] = field(default_factory=list)


@dataclass(frozen=True)
class ChallengeSummary:
    """Posted in the thread and the channel when a challenge closes."""

    challenge: Challenge
    people: int  # distinct authors
    named: list[str]  # authors who did not post anonymously
    advanced: list[Idea] = field(default_factory=list)


def time_left_text(now: datetime, closes_at: datetime) -> str:
    """`5 days left`, `3 hours left`, `closing now`."""
    left = closes_at - now
    if left <= timedelta(0):
        return "closing now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(left.total_seconds()) // size
        if count >= 1:
            return f"{count} {unit}{'s' if count != 1 else ''} left"
    return "less than a minute left"


def ideas_text(count: int) -> str:
    return "💡 1 idea" if count == 1 else f"💡 {count} ideas"


def idea_line(idea: Idea) -> str:
    """`#4 Title — 👍 5 · 🔎 in review` (text only: adapters escape it)."""
    votes = "1 vote" if idea.votes == 1 else f"{idea.votes} votes"
    return f"#{idea.id} {idea.display_title} — 👍 {votes} · {STATUS_BADGES[idea.status]}"


def status_line(card: ChallengeCard) -> str:
    challenge = card.challenge
    if challenge.is_open:
        return f"🟢 open · ⏳ {card.time_left} (ends {challenge.ends_on.isoformat()}) · {ideas_text(challenge.ideas)}"
    closed = f"{challenge.closed_at:%Y-%m-%d}" if challenge.closed_at else challenge.ends_on.isoformat()
    return f"🏁 closed {closed} · {ideas_text(challenge.ideas)} · {len(card.advanced)} advanced to review"

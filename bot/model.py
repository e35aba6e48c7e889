"""The domain: ideas, their statuses, votes and comments."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

MAX_TEXT = 4000
TITLE_DISPLAY = 80


class Status(enum.StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    PILOTING = "piloting"
    DECLINED = "declined"
    IMPLEMENTED = "implemented"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")



@dataclass(frozen=True)
class Origin:
    """Where a request came from, so a later answer can reach the same person.

    `handle` is the platform's own way back (Slack: the response_url), opaque to the core.
    """

    platform: str
    user_id: str
    channel_id: str | None = None
    handle: str | None = None


@dataclass(frozen=True)
class Actor:
    """Someone acting through a chat platform."""

    platform: str
    user_id: str


@dataclass(frozen=True)
class Draft:
    """What a person submits as an idea: free text, or the problem-solving frame."""

    text: str = ""
    problem: str = ""
    root_cause: str = ""
    solution: str = ""
    impact: str = ""
    mission_goal: str | None = None
    anonymous: bool = False
    problem_id: int | None = None  # the customer problem it addresses (the /idea form's select)
    challenge_id: int | None = None  # the challenge it answers (`/idea challenge C1 …`, the form's Challenge)

    @property
    def framed(self) -> bool:
        return bool(self.problem or self.solution)

    def full_text(self) -> str:
        """Everything submitted, as one text."""
        if not self.framed:
            return self.text.strip()
        parts = [
            ("Problem", self.problem),
            ("Root cause", self.root_cause),
            ("Proposed solution", self.solution),
            ("Expected impact", self.impact),
        ]
        return "\n".join(f"{label}: {value.strip()}" for label, value in parts if value.strip())

    def title(self) -> str:
        """The first line of the solution (or of the text): what the idea is, in a line."""
        source = self.solution if self.framed and self.solution.strip() else self.full_text()
        return first_line(source)


def first_line(text: str) -> str:
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Idea:
    id: int
    platform: str
    title: str
    text: str
    author_id: str | None
    anonymous: bool
    status: Status
    created_at: datetime
    mission_goal: str | None = None
    channel_id: str | None = None
    message_id: str | None = None
    votes: int = 0
    comments: int = 0
    fields: dict[str, str | None] = field(default_factory=dict)
    duplicate_of: int | None = None

    @property
    def display_title(self) -> str:
        return shorten(self.title, TITLE_DISPLAY)

    @property
    def body(self) -> str:
        """The text without the title line, when the title is the text's first line."""
        first, _, rest = self.text.partition("\n")
        return rest.strip() if first.strip() == self.title else self.text


@dataclass(frozen=True)
class Comment:
    idea_id: int
    user_id: str
    text: str
    created_at: datetime


# --- decisions ---------------------------------------------------------------------------

RISKS = ("low", "medium", "high")


@dataclass(frozen=True)
class Decision:
    """A manager's call on an idea: approve, pilot, decline or needs_info."""

    idea_id: int
    action: str
    by_user: str
    at: datetime
    risk: str | None = None
    note: str | None = None  # the mitigation (approve, pilot) or the question (needs_info)
    reason: str | None = None  # why it was declined


@dataclass(frozen=True)
class Experiment:
    """A pilot: what we expect, how we measure it, by when."""

    hypothesis: str
    metric: str
    target: float
    ends_on: str  # ISO date
    baseline: float | None = None
    result: float | None = None
    learning: str | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.baseline is not None and self.target < self.baseline

    def met(self, result: float | None = None) -> bool | None:
        """Whether the (given or recorded) result reaches the target; None when not measured."""
        value = self.result if result is None else result
        if value is None:
            return None
        return value <= self.target if self.lower_is_better else value >= self.target


# --- customer problems ---------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionFacts:
    """What was decided on an idea and what it needs next. `action` is approve, pilot, decline, needs_info,
    implemented or duplicate."""

    action: str
    by: str | None = None
    risk: str | None = None
    note: str | None = None  # mitigation (approve, pilot) or the question (needs_info)
    reason: str | None = None
    champion: str | None = None
    experiment: Experiment | None = None
    outcome: str | None = None  # what changed (implemented)
    duplicate_of: int | None = None



class ProblemStatus(enum.StrEnum):
    OPEN = "open"
    DUPLICATE = "duplicate"
    SOLVED = "solved"


CONTACT_CHANNELS = {"phone": "phone", "email": "email", "chat": "chat", "in_person": "in person", "other": "other"}
FREQUENCIES = {"daily": "every day", "weekly": "every week", "monthly": "every month", "rarely": "now and then"}


@dataclass(frozen=True)
class ProblemDraft:
    """What a person reports: free text, or the form (what was tried, what went wrong, how, how often)."""

    text: str = ""
    tried: str = ""
    went_wrong: str = ""
    contact_channel: str | None = None
    frequency: str | None = None

    def full_text(self) -> str:
        if not (self.tried.strip() or self.went_wrong.strip()):
            return self.text.strip()
        parts = [("Tried to", self.tried), ("What went wrong", self.went_wrong)]
        return "\n".join(f"{label}: {value.strip()}" for label, value in parts if value.strip())


@dataclass(frozen=True)
class Problem:
    id: int
    platform: str
    text: str
    reporter_id: str
    status: ProblemStatus
    created_at: datetime
    reporters: int = 0
    duplicate_of: int | None = None
    channel_id: str | None = None
    message_id: str | None = None

    @property
    def ref(self) -> str:
        return f"P{self.id}"

    @property
    def display_title(self) -> str:
        return shorten(first_line(self.text), TITLE_DISPLAY)

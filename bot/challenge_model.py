"""Challenges: a time-boxed drive for ideas on one question, closed on its end date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.model import shorten

DEFAULT_ADVANCE = 3
MAX_ADVANCE = 20
MAX_QUESTION = 300


@dataclass(frozen=True)
class ChallengeDraft:
    """What a manager fills in to start a challenge."""

    question: str
    ends_on: date
    advance: int = DEFAULT_ADVANCE
    problem_id: int | None = None
    goal: str | None = None


@dataclass(frozen=True)
class Challenge:
    id: int
    platform: str
    question: str
    problem_id: int | None
    goal: str | None
    ends_on: date
    advance: int
    status: str  # open, closed
    created_by: str
    created_at: datetime
    closed_at: datetime | None = None
    channel_id: str | None = None
    message_id: str | None = None
    ideas: int = 0

    @property
    def ref(self) -> str:
        return f"C{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def display_question(self) -> str:
        return shorten(" ".join(self.question.split()), 150)


"""Neutral replies: what the core wants shown. Each adapter renders them for its platform."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.challenge_model import Challenge
from bot.model import CONTACT_CHANNELS, Comment, Idea, Problem, ProblemStatus, Status
from bot.words import plural


@dataclass(frozen=True)
class Notice:
    """A short message for the person who acted, seen only by them."""

    text: str
    link: str | None = None


@dataclass(frozen=True)
class IdeaCard:
    """An idea's public message: number, title, body, author, counts, status and a Vote button."""

    idea: Idea


@dataclass(frozen=True)
class IdeaList:
    heading: str
    ideas: list[Idea]
    empty: str = "Nothing here yet."
    decisions: dict = field(default_factory=dict)  # idea id -> its latest decision, a Story


@dataclass(frozen=True)
class IdeaDetail:
    idea: Idea
    comments: list[Comment] = field(default_factory=list)
    link: str | None = None
    decision: object | None = None  # the latest decision, a Story (bot.decision_replies)


@dataclass(frozen=True)
class IdeaForm:
    """The problem-solving frame for a new idea."""

    goals: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()  # open problems an idea can say it solves
    challenges: tuple[Challenge, ...] = ()  # open challenges it can answer (the form's Challenge field)
    challenge_id: int | None = None  # chosen already (a challenge's Add an idea button)


@dataclass(frozen=True)
class FieldErrors:
    """Form fields that need fixing, by field name (see bot.forms)."""

    errors: dict[str, str]


@dataclass(frozen=True)
class ProblemCard:
    """A problem's public message: text, reporter, reporters count, status, linked ideas, a Me too button."""

    problem: Problem
    ideas: list[Idea] = field(default_factory=list)


@dataclass(frozen=True)
class ProblemForm:
    """The /problem form: what the customer tried, what went wrong, how they reached us, how often."""


@dataclass(frozen=True)
class SimilarFound:
    """Similar open items found before posting; `token` names the held draft for Post mine anyway."""

    kind: str  # what is being posted: "idea" or "problem"
    token: str
    ideas: list[Idea] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Hotspot:
    problem: Problem
    reporters: int  # distinct people in the window
    previous: int  # in the window before it, of the same length
    channel_mix: dict[str, int]
    self_service: bool


@dataclass(frozen=True)
class HotspotList:
    heading: str
    hotspots: list[Hotspot]
    threshold: int
    empty: str = "No problems were reported in that period."
    starts_challenges: bool = False  # the viewer is a manager: each hot spot offers Start a challenge


@dataclass(frozen=True)
class SearchResults:
    words: str
    items: list[Idea | Problem]


Reply = (Notice | IdeaCard | IdeaList | IdeaDetail | IdeaForm | FieldErrors | ProblemCard | ProblemForm
         | SimilarFound | HotspotList | SearchResults)


# --- the words both platforms show (each renders them in its own markup) --------------------
STATUS_BADGES = {
    Status.OPEN: "🟢 open",
    Status.IN_REVIEW: "🔎 in review",
    Status.NEEDS_INFO: "❓ needs info",
    Status.APPROVED: "✅ approved",
    Status.PILOTING: "🧪 piloting",
    Status.DECLINED: "⛔ declined",
    Status.IMPLEMENTED: "🏆 implemented",
    Status.DUPLICATE: "🔁 duplicate",
}
PROBLEM_BADGES = {ProblemStatus.OPEN: "🟠 open", ProblemStatus.DUPLICATE: "🔁 duplicate", ProblemStatus.SOLVED: "✅ solved"}


def counts(idea: Idea) -> str:
    return f"👍 {plural(idea.votes, 'vote')} · 💬 {plural(idea.comments, 'comment')}"


def reporters_text(count: int) -> str:
    return f"🙋 {plural(count, 'reporter')}"


def channel_mix_text(mix: dict[str, int]) -> str:
    return ", ".join(f"{CONTACT_CHANNELS.get(k, k)} {v}" for k, v in mix.items())


def trend_text(now: int, before: int) -> str:
    if now == before:
        return "= same as the period before"
    sign = "▲ +" if now > before else "▼ "
    return f"{sign}{now - before} vs the period before ({before})"

"""Neutral replies: what the core wants shown. Each adapter renders them for its platform."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.model import Comment, Idea


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


@dataclass(frozen=True)
class IdeaDetail:
    idea: Idea
    comments: list[Comment] = field(default_factory=list)
    link: str | None = None


@dataclass(frozen=True)
class IdeaForm:
    """The problem-solving frame for a new idea."""

    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldErrors:
    """Form fields that need fixing, by field name (see bot.forms)."""

    errors: dict[str, str]


Reply = Notice | IdeaCard | IdeaList | IdeaDetail | IdeaForm | FieldErrors

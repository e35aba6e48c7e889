"""Counting words, once for every renderer: `plural(1, "vote")` is "1 vote", `plural(3, "person", "people")`."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count word`, the word made plural unless the count is exactly one (0 votes, 1 vote, 2 votes)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"

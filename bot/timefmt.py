"""How instants are written down: one text form for every stored time, so they sort and compare as text."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()

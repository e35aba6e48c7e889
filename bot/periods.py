"""One period grammar for every command: `week`, `month`, `quarter`, `all`, or `Nd` (a number of days, e.g. 30d)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import Refused
from bot.words import plural

NAMED = {"week": 7, "month": 30, "quarter": 91, "all": None}
MAX_DAYS = 3660
WORDS = "`week`, `month`, `quarter`, `all` or a number of days such as `30d`"


@dataclass(frozen=True)
class Period:
    word: str
    days: int | None  # None: all time

    def since(self, now: datetime) -> datetime | None:
        return now - timedelta(days=self.days) if self.days else None

    @property
    def phrase(self) -> str:
        """`the last week`, `the last 30 days`, `all time`."""
        if self.days is None:
            return "all time"
        return f"the last {self.word}" if self.word in NAMED else f"the last {plural(self.days, 'day')}"


def parse_period(words: list[str], default: str, command: str) -> Period:
    """The period typed after `/hero <command>`, or `default`; anything else is refused with the grammar."""
    word = (words[0] if words else default).lower()
    if word in NAMED:
        return Period(word, NAMED[word])
    match = re.fullmatch(r"(\d{1,4})d(ays?)?", word)
    if match and 0 < int(match[1]) <= MAX_DAYS:
        return Period(f"{int(match[1])}d", int(match[1]))
    raise Refused(f"“{word[:40]}” is not a period. Use {WORDS}, e.g. `/hero {command} month`.")

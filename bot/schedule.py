"""Calendar arithmetic for scheduled sends: the weekly fire time, its period, working days.

Everything is computed from an instant given by the caller (the core's clock), in the
configured time zone, so a DST change moves the UTC instant and never the local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.config import Config

WORKING_DAYS = frozenset(range(5))  # Monday to Friday


@dataclass(frozen=True)
class Weekly:
    """A weekly local time: `[digest] day`, `time` and `timezone`."""

    day: int
    at: time
    zone: ZoneInfo

    @classmethod
    def of(cls, config: Config) -> Weekly:
        return cls(config.digest_day, config.digest_time, ZoneInfo(config.digest_timezone))

    def on(self, day: date) -> datetime:
        """The instant of this local time on a date (an aware datetime; a time in a DST gap runs late, once)."""
        return datetime.combine(day, self.at, tzinfo=self.zone)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def last_fire(self, now: datetime) -> datetime:
        """The most recent weekly fire time at or before `now`."""
        today = self.today(now)
        fire = self.on(today - timedelta(days=(today.weekday() - self.day) % 7))
        return fire if fire <= now else self.on(fire.date() - timedelta(days=7))

    def next_fire(self, now: datetime) -> datetime:
        return self.on(self.last_fire(now).date() + timedelta(days=7))

    def covered(self, fire: datetime) -> tuple[datetime, datetime]:
        """The week a digest fired at `fire` reports on: the seven whole local days before the day it is sent."""
        day = fire.astimezone(self.zone).date()
        return self.midnight(day - timedelta(days=7)), self.midnight(day)

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.zone)

    def so_far(self, now: datetime) -> tuple[datetime, datetime]:
        """The last seven local days up to `now`, today included (previews and `digest --send`)."""
        return self.midnight(self.today(now) - timedelta(days=6)), now


def week_key(start: datetime) -> str:
    """The ISO week a reporting window starts in, e.g. '2026-W48'."""
    year, week, _ = start.date().isocalendar()
    return f"{year}-W{week:02d}"


# Both are pure and the scheduler asks them for every waiting idea on every tick, mostly about the same
# few hundred dates: remembered, a tick over ten thousand waiting ideas stops costing a second of the loop.
@lru_cache(maxsize=4096)
def working_days_between(start: date, end: date) -> int:
    """Working days after `start`, up to and including `end`."""
    if end <= start:
        return 0
    full_weeks, extra = divmod((end - start).days, 7)
    count = full_weeks * len(WORKING_DAYS)
    for offset in range(1, extra + 1):
        count += (start + timedelta(days=offset)).weekday() in WORKING_DAYS
    return count


@lru_cache(maxsize=4096)
def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start`."""
    weeks = max(0, (days - 1) // 5)  # any seven days hold five working days: skip whole weeks, walk the rest
    day, days = start + timedelta(weeks=weeks), days - 5 * weeks
    while days > 0:
        day += timedelta(days=1)
        days -= day.weekday() in WORKING_DAYS
    return day


def next_working_day(day: date) -> date:
    return add_working_days(day, 1)



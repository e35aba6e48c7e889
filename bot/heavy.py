"""Heavy commands (hot spots, search, the digest preview, top all, dashboard pages): a per-person limit and a short
cache.

One person looping `/hero hotspots 90d` must not slow the bot for everyone else. Beyond
`[limits] heavy_per_minute` such commands in the last minute the person is asked to try again
in a moment; an answer is reused for `[limits] heavy_cache_seconds` while nothing has been
written to the database (by this process or another: `storage.db.generation`).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

from bot.errors import Refused
from storage.db import generation

TRY_AGAIN = "You have asked for a lot of reports in the last minute. Try again in a moment, please. ⏳"
WINDOW = 60.0


@dataclass
class _Cached:
    answer: object
    generation: Hashable
    until: float


@dataclass
class HeavyGate:
    per_minute: int
    cache_seconds: float
    clock: Callable[[], float] = time.monotonic
    _asked: dict[Hashable, deque[float]] = field(default_factory=dict)
    _cache: dict[Hashable, _Cached] = field(default_factory=dict)

    async def run(self, person: Hashable, db, key: Hashable, compute: Callable[[], Awaitable[object]],
                  version: Callable[[], Hashable] | None = None):
        """The cached answer for `key` while it is fresh and nothing was written since (or, given `version`, while
        `version()` stays the same); else `compute()`, unless `person` had `per_minute` answers computed in the
        last minute (then Refused, nothing done). Cached answers and refusals of bad input do not count."""
        now = self.clock()
        version = version or (lambda: generation(db))
        seen = version() if self.cache_seconds else None
        hit = self._cache.get(key)
        if hit and hit.until > now and hit.generation == seen:
            return hit.answer
        asked = self._recent(person, now)
        if self.per_minute and len(asked) >= self.per_minute:
            raise Refused(TRY_AGAIN)
        result = await compute()
        asked.append(now)
        if self.cache_seconds and version() == seen:  # nothing was written while it was computed
            if len(self._cache) > 1_000:
                self._cache = {k: c for k, c in self._cache.items() if c.until > now}
            self._cache[key] = _Cached(result, seen, now + self.cache_seconds)
        return result

    def retry_after(self, person: Hashable) -> int:
        """Whole seconds until `person` may have another answer computed (at least 1)."""
        asked = self._recent(person, self.clock())
        if not self.per_minute or len(asked) < self.per_minute:
            return 1
        return max(1, math.ceil(asked[0] + WINDOW - self.clock()))

    def _recent(self, person: Hashable, now: float) -> deque[float]:
        if len(self._asked) > 10_000:  # forget people who have not asked lately
            self._asked = {p: q for p, q in self._asked.items() if q and q[-1] > now - WINDOW}
        asked = self._asked.setdefault(person, deque())
        while asked and asked[0] <= now - WINDOW:
            asked.popleft()
        return asked

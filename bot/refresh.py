"""Coalesced message refreshes: keep a card's counts right without flooding the platform.

A burst of changes to one card yields at most one update per `per_message` seconds for
that card, and the last update always reads the state after the last change. Across all
cards, a token bucket keeps the sustained rate under the platform's method limit
(Slack's chat.update is Tier 3, about 50 a minute) while letting short bursts through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable

from bot.background import Background

log = logging.getLogger(__name__)

MAX_RETRIES = 5


class TokenBucket:
    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.clock = clock
        self.stamp = clock()

    async def take(self) -> None:
        while True:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await asyncio.sleep((1 - self.tokens) / self.rate)


class Refresher:
    def __init__(
        self,
        send: Callable[[Hashable], Awaitable[None]],
        background: Background,
        per_message: float = 1.0,
        bucket: TokenBucket | None = None,
    ):
        self._send = send
        self._background = background
        self._per_message = per_message
        self._bucket = bucket or TokenBucket(per_minute=50, burst=20)
        self._dirty: set[Hashable] = set()
        self._running: set[Hashable] = set()
        self._next_allowed: dict[Hashable, float] = {}

    def request(self, key: Hashable) -> None:
        """Ask for `key`'s message to be brought up to date soon."""
        self._dirty.add(key)
        if key not in self._running:
            self._running.add(key)
            self._background.spawn(self._flush(key), name=f"refresh {key}")

    async def _flush(self, key: Hashable) -> None:
        failures = 0
        try:
            while key in self._dirty:
                delay = self._next_allowed.get(key, 0.0) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await self._bucket.take()
                self._dirty.discard(key)  # changes after this point trigger another round
                self._next_allowed[key] = time.monotonic() + self._per_message
                try:
                    await self._send(key)
                    failures = 0
                except Exception:
                    failures += 1
                    if failures > MAX_RETRIES:
                        log.exception("refreshing %s failed %d times; giving up until the next change", key, failures)
                        continue
                    log.warning("refreshing %s failed; retrying", key, exc_info=True)
                    self._dirty.add(key)
                    self._next_allowed[key] = time.monotonic() + self._per_message * 2**failures
        finally:
            self._running.discard(key)
            if len(self._next_allowed) > 10_000:
                now = time.monotonic()
                self._next_allowed = {k: t for k, t in self._next_allowed.items() if t > now}

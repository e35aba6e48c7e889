"""The core's context: everything a service needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.background import Background
from bot.chat import Chat
from bot.config import Config
from bot.heavy import HeavyGate
from bot.refresh import Refresher, TokenBucket


T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Core:
    db: Database
    config: Config
    background: Background = field(default_factory=Background)
    clock: Callable[[], datetime] = utcnow
    chats: dict[str, Chat] = field(default_factory=dict)
    refreshers: dict[str, Refresher] = field(default_factory=dict)
    reads: Any = None  # a storage.reads.ReadPool; None (tests, `:memory:`) runs reads on `db`
    heavy: HeavyGate | None = None

    def __post_init__(self) -> None:
        if self.heavy is None:
            self.heavy = HeavyGate(self.config.heavy_per_minute, self.config.heavy_cache_seconds)

    def now(self) -> datetime:
        return self.clock()

    async def read(self, work: Callable[..., T], *args) -> T:
        """`work(db, *args)` on a read connection in a worker thread, so the loop keeps answering meanwhile."""
        if self.reads is None:
            return work(self.db, *args)
        return await self.reads.run(work, *args)

    def connect(self, chat: Chat, per_message: float = 1.0, bucket: TokenBucket | None = None) -> None:
        """Plug in a platform; its cards are refreshed at that platform's pace."""
        from bot.cards import update_card  # the one card updater; to be injected by the composition root

        async def refresh(key) -> None:  # ("idea" | "problem" | "challenge", number)
            await update_card(self, key)

        self.chats[chat.platform] = chat
        self.refreshers[chat.platform] = Refresher(refresh, self.background, per_message, bucket)

    def chat(self, platform: str) -> Chat | None:
        return self.chats.get(platform)

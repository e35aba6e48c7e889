"""The base of the test pyramid: use cases run against `Core` on a real (copied, already migrated) SQLite file,
with a `RecordingChat` as the platform. No HTTP, no fake servers, no app: a rule is checked in milliseconds.

    from tests.core_fixtures import Recorded  # only for type hints; the fixtures come from tests/conftest.py

    async def test_a_vote_refreshes_the_card(use_case_core, recording_chat):
        idea, _ = await submit_idea(use_case_core, Origin("slack", "U1", "C0GENERAL"), Draft(text="Callbacks"))
        await toggle_vote(use_case_core, Actor("slack", "U2"), idea.id)
        await use_case_core.background.drain()
        assert recording_chat.updates[-1].reply.idea.votes == 1

`use_case_core` uses the `config` fixture (tests/conftest.py's CONFIG) and `core_clock` (a `Clock`
at Monday 2 March 2026, 09:00 UTC; advance it with `core_clock.advance(days=1)`). Override either fixture in a test
module to change them. For many cores in one test (hypothesis), call `fresh_core(template, directory, ...)`.
HTTP-level tests (the `slack` / `teams` fixtures) stay for what each platform translates."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import new_core
from bot.config import Config
from bot.core import Core
from bot.model import Origin
from bot.refresh import TokenBucket
from storage.db import open_database

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """The time a test says it is."""

    def __init__(self, at: datetime):
        self.at = at.astimezone(UTC)  # steps are real time, not wall-clock time

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def advance(self, **delta) -> datetime:
        self.at += timedelta(**delta)
        return self.at


class MovingClock(Clock):
    """Every read of the time is a second later than the one before."""

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


@dataclass(frozen=True)
class Recorded:
    """One thing the core sent: where, what (the neutral reply, before any platform renders it) and the ids."""

    kind: str  # "post", "update", "direct" or "tell"
    to: str  # channel id, user id, or the origin's user id for "tell"
    reply: object
    message_id: str | None = None
    thread_id: str | None = None
    origin: Origin | None = None


class RecordingChat:
    """A `bot.chat.Chat` that records what the core sends and answers with made-up, increasing message ids.

    `reaches` says which user ids are on this platform (default: every id; `[roles]` lists can mix platforms).
    A direct conversation's id is `D<user id>`; `opaque_directs=True` makes it `D<n>`, naming no one like a real one
    (for tests that check an anonymous author's id is never sent)."""

    def __init__(self, platform: str = "slack", reaches: Callable[[str], bool] | None = None,
                 opaque_directs: bool = False):
        self.platform = platform
        self._reaches = reaches or (lambda user_id: True)
        self._opaque_directs = opaque_directs
        self._ids = itertools.count(1)
        self.sent: list[Recorded] = []

    async def post(self, channel_id, reply, thread_id=None) -> str:
        message_id = self._next_id()
        self.sent.append(Recorded("post", channel_id, reply, message_id, thread_id))
        return message_id

    async def update(self, channel_id, message_id, reply) -> None:
        self.sent.append(Recorded("update", channel_id, reply, message_id))

    async def send_direct(self, user_id, reply) -> tuple[str, str]:
        message_id = self._next_id()
        self.sent.append(Recorded("direct", user_id, reply, message_id))
        return f"D{next(self._ids) if self._opaque_directs else user_id}", message_id

    async def tell(self, origin, reply) -> None:
        self.sent.append(Recorded("tell", origin.user_id, reply, origin=origin))

    async def link(self, channel_id, message_id) -> str | None:
        return f"https://chat.example/{channel_id}/{message_id}"

    def reaches(self, user_id: str) -> bool:
        return self._reaches(user_id)

    # --- what tests read ------------------------------------------------------------------------
    def of(self, kind: str, to: str | None = None) -> list[Recorded]:
        return [r for r in self.sent if r.kind == kind and (to is None or r.to == to)]

    @property
    def posts(self) -> list[Recorded]:
        return self.of("post")

    @property
    def updates(self) -> list[Recorded]:
        return self.of("update")

    @property
    def directs(self) -> list[Recorded]:
        return self.of("direct")

    @property
    def tells(self) -> list[Recorded]:
        return self.of("tell")

    def replies(self, kind: str, to: str | None = None) -> list:
        return [r.reply for r in self.of(kind, to)]

    def clear(self) -> None:
        self.sent.clear()

    def _next_id(self) -> str:
        return f"1700000000.{next(self._ids):06d}"


def copy_database(template: Path, directory: Path, name: str = "herobot.db") -> Path:
    """A private copy of the migrated template (tests/conftest.py's `migrated_database`)."""
    path = Path(directory) / name
    shutil.copyfile(template, path)
    return path


def fresh_core(template: Path, directory: Path | None = None, config: Config | None = None,
               clock: Callable[[], datetime] | None = None, chats: tuple[RecordingChat, ...] = ()) -> Core:
    """A core on a new copy of the template, each chat connected without pacing (cards refresh at once).
    Close it with `core.db.close()` after `await core.background.drain()`."""
    directory = Path(directory or tempfile.mkdtemp(prefix="herobot-core-"))
    core = new_core(db=open_database(copy_database(template, directory)), config=config or Config.from_dict({}),
                clock=clock or Clock(START))
    for chat in chats:
        core.connect(chat, per_message=0, bucket=TokenBucket(per_minute=10**9, burst=10**6))
    return core


@pytest.fixture
def recording_chat() -> RecordingChat:
    return RecordingChat("slack")


@pytest.fixture
def core_clock() -> Clock:
    return Clock(START)


@pytest.fixture
async def use_case_core(migrated_database, tmp_path, config, core_clock, recording_chat):
    core = fresh_core(migrated_database, tmp_path, config, core_clock, (recording_chat,))
    yield core
    await core.background.drain()
    core.db.close()

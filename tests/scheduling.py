"""Helpers for scheduler tests: a controllable clock, a core on the fake Slack, and data set-up.

Ideas are put in review, decided or piloted through storage.audit.transition plus rows in
decisions/experiments, exactly what the decision flow writes.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config, Settings
from bot.core import Core
from bot.bootstrap import running_core
from bot.model import Actor, Draft, Status
from bot.scheduler import run_due
from handlers.slack.app import standalone_chat
from storage import ideas as store
from storage.audit import transition
from storage.db import write
from tests.conftest import CONFIG
from tests.core_fixtures import Clock


def local(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def config_with(**sections) -> Config:
    data = {key: dict(value) for key, value in CONFIG.items()}
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Config.from_dict(data)


@contextlib.asynccontextmanager
async def scheduled_core(settings: Settings, config: Config, clock: Clock):
    """A core with the Slack chat port on the fake Web API, on the clock given; no app, no wake-ups."""
    async with running_core(settings, config) as core, standalone_chat(settings) as chat:
        core.clock = clock
        core.connect(chat, per_message=settings.message_update_interval)  # tests/conftest.py's pace
        yield core


async def tick_through(core: Core, clock: Clock, until: datetime, step: timedelta) -> list[tuple[datetime, object]]:
    """Run the scheduler's job at every step up to `until`; returns (time, key) of each send."""
    sent = []
    while clock.at <= until:
        sent += [(clock.at, key) for key in await run_due(core)]
        clock.advance(seconds=step.total_seconds())
    return sent


def add_idea(core: Core, title: str, at: datetime, author: str = "U1", anonymous: bool = False,
             goal: str | None = None, ts: str | None = None) -> int:
    with write(core.db) as db:
        idea_id = store.insert_idea(db, Actor("slack", author), Draft(text=title, anonymous=anonymous, mission_goal=goal),
                                   at.astimezone(UTC))
        store.set_idea_message(db, idea_id, "C0IDEAS", ts or f"1{idea_id:09d}.000100")
    return idea_id


def to_review(core: Core, idea_id: int, at: datetime) -> None:
    with write(core.db) as db:
        assert transition(db, idea_id, "herobot", "threshold", Status.IN_REVIEW, at.astimezone(UTC)) is not None


def decide(core: Core, idea_id: int, action: str, to: Status, by: str, at: datetime, reason: str | None = None) -> None:
    with write(core.db) as db:
        assert transition(db, idea_id, by, action, to, at.astimezone(UTC)) is not None
        db.execute("INSERT INTO decisions (idea_id, action, by_user, risk, reason, at) VALUES (?, ?, ?, 'low', ?, ?)",
                   [idea_id, action, by, reason, at.astimezone(UTC).isoformat()])


def start_pilot(core: Core, idea_id: int, by: str, at: datetime, ends_on: date) -> None:
    decide(core, idea_id, "pilot", Status.PILOTING, by, at)
    with write(core.db) as db:
        db.execute("INSERT INTO experiments (idea_id, hypothesis, metric, baseline, target, ends_on) "
                   "VALUES (?, 'Callbacks cut repeat calls', 'repeat calls a day', 40, 30, ?)", [idea_id, ends_on.isoformat()])


def implement(core: Core, idea_id: int, by: str, at: datetime, outcome: str | None = None) -> None:
    with write(core.db) as db:
        assert transition(db, idea_id, by, "implemented", Status.IMPLEMENTED, at.astimezone(UTC)) is not None
        db.execute("UPDATE ideas SET outcome = ? WHERE id = ?", [outcome, idea_id])


def vote(core: Core, idea_id: int, user: str, at: datetime) -> None:
    with write(core.db) as db:
        store.add_vote_mark(db, idea_id, user, "button", at.astimezone(UTC))


def comment(core: Core, idea_id: int, user: str, text: str, at: datetime) -> None:
    with write(core.db) as db:
        store.add_comment(db, idea_id, user, text, f"{at.timestamp():.6f}", at.astimezone(UTC))


def posts_to(fake_slack, channel: str) -> list:
    return [c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("channel") == channel]

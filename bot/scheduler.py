"""The scheduler: APScheduler behind a small wrapper, and the job it runs.

APScheduler only wakes us up (every minute, and once right at start). What is due is
computed each time from the core's clock and the claims table, never from APScheduler's
own memory of missed runs, so a period missed while the bot was down goes out on the first
wake-up after start, and two processes on one database send it once between them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.box_followups import due_follow_ups
from bot.core import Core
from bot.challenges import due_challenges
from bot.digest import due_digests
from bot.news import due_news
from bot.nudges import due_nudges, waits
from bot.schedule import Weekly
from bot.outbox import deliver_due
from bot.sending import deliver_all
from storage import hotspots
from storage import outbox as outbox_store
from storage import sends as sends_store
from storage.db import write
from storage.sends import SendKey

log = logging.getLogger(__name__)


class Scheduler:
    """Runs one async job at every minute's start and once at `start()`; never two at a time."""

    def __init__(self, job: Callable[[], Awaitable[object]], name: str = "scheduled sends"):
        self._job = job
        self._name = name
        self._aps: AsyncIOScheduler | None = None
        self._running: asyncio.Task | None = None

    def start(self) -> None:
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._aps.add_job(self._wake, CronTrigger(second=0, timezone=UTC), id=self._name, coalesce=True,
                          max_instances=1, misfire_grace_time=None, next_run_time=datetime.now(UTC))
        self._aps.start()

    async def _wake(self) -> None:
        if self._running is None or self._running.done():
            self._running = asyncio.get_running_loop().create_task(self._run(), name=self._name)
        # shielded: stopping the scheduler must not cut a send between posting and recording it
        await asyncio.shield(self._running)

    async def _run(self) -> None:
        try:
            await self._job()
        except Exception:
            log.exception("%s failed; the next wake-up tries again", self._name)

    async def stop(self, timeout: float = 150.0) -> None:
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        if self._running is not None and not self._running.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._running), timeout)
            except TimeoutError:
                log.warning("%s still running at shutdown; cancelling it", self._name)
                self._running.cancel()


async def run_due(core: Core) -> list[SendKey]:
    """The scheduler's job: send every digest, reminder, escalation and check-in that is due now."""
    now = core.now()
    await deliver_due(core)  # ideas and problems not posted yet (bot.outbox)
    async with write(core.db) as db:  # hot-spot windows keep up with the clock when no report comes in
        hotspots.advance(db, now)
    nudges = []
    if _nudges_may_be_due(core, now):
        found = await core.read(waits)  # every waiting idea and pilot: on a read connection, off the loop
        nudges = due_nudges(core, now, found)
    return await deliver_all(core, [*due_digests(core, now), *nudges, *due_news(core),
                                    *due_challenges(core, now), *due_follow_ups(core, now)])


def _nudges_may_be_due(core: Core, now: datetime) -> bool:
    """Reminders, escalations and check-ins fall due only at `[digest] time` on some day, or when their
    inputs change (`sends_store.nudge_inputs`) or a send waits for its retry: between those, the scan of every waiting idea (a second of
    CPU a minute at 10,000 of them) is skipped. The first tick of a process always scans."""
    inputs = sends_store.nudge_inputs(core.db)
    last = getattr(core, "_nudges_scanned", None)  # (scanned at, inputs then)
    weekly = Weekly.of(core.config)
    fire = weekly.on(weekly.today(now))
    latest_fire = fire if fire <= now else weekly.on(weekly.today(now) - timedelta(days=1))
    retrying = inputs[-1] > 0  # a send that failed is tried again by the next scan
    if last is not None and last[1] == inputs and latest_fire <= last[0] and not retrying:
        return False
    core._nudges_scanned = (now, inputs)
    return True


def report_unfinished(core: Core) -> None:
    """At start: say which claimed sends never completed (they are retried when due)."""
    for key, attempts, claimed_at, error in sends_store.unfinished(core.db):
        log.warning("%s was claimed at %s and is not sent yet (%d attempt%s, %s); it will be retried",
                    key, claimed_at, attempts, "s" if attempts != 1 else "", error or "no error recorded")
    for kind, item_id, attempts, error in outbox_store.waiting(core.db):
        log.warning("%s %s is saved but not posted yet (%d attempt%s, %s); it will be retried",
                    kind, item_id, attempts, "s" if attempts != 1 else "", error or "no error recorded")


def start_scheduler(core: Core) -> Scheduler:
    report_unfinished(core)
    scheduler = Scheduler(lambda: run_due(core))
    scheduler.start()
    return scheduler

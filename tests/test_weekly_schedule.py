"""The weekly digest goes out at `[digest] day`/`time`/`timezone`, once, across DST, clock jumps and downtime."""

from datetime import timedelta

import pytest

from storage import sends
from storage.db import write
from storage.sends import SendKey
from tests.core_fixtures import Clock
from tests.scheduling import add_idea, config_with, local, posts_to, scheduled_core, tick_through, utc


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
async def test_one_digest_a_week_at_the_local_time_in_each_timezone(settings, fake_slack, zone):
    clock = Clock(local(zone, 2026, 11, 22, 0, 0))  # a Sunday
    config = config_with(digest={"day": "monday", "time": "09:00", "timezone": zone})
    async with scheduled_core(settings, config, clock) as core:
        add_idea(core, "Callback when the queue is long", local(zone, 2026, 11, 20, 12, 0))
        sent = await tick_through(core, clock, local(zone, 2026, 11, 29, 23, 59), timedelta(minutes=15))
    digests = [(at, key) for at, key in sent if key.kind == "digest"]
    assert [at for at, _ in digests] == [local(zone, 2026, 11, 23, 9, 0)]
    assert digests[0][1].period == "2026-W47"
    [post] = posts_to(fake_slack, "C0IDEAS")
    assert post.args["text"].startswith("Weekly digest: 16 Nov – 22 Nov 2026")
    assert "Callback when the queue is long" in post.text()


async def test_a_bot_started_at_monday_0859_posts_the_digest_at_0900(settings, fake_slack):
    clock = Clock(utc(2026, 11, 30, 8, 59))
    async with scheduled_core(settings, config_with(), clock) as core:
        sent = await tick_through(core, clock, utc(2026, 11, 30, 9, 3), timedelta(minutes=1))
    assert [(at, key.kind) for at, key in sent if key.kind == "digest"] == [(utc(2026, 11, 30, 9, 0), "digest")]


@pytest.mark.parametrize("zone, start, fires", [
    # spring forward: 09:00 New York is 14:00 UTC before 8 March 2026 and 13:00 UTC after
    ("America/New_York", (2026, 3, 1), [(2026, 3, 2, 14, 0), (2026, 3, 9, 13, 0), (2026, 3, 16, 13, 0)]),
    # fall back in Europe on 25 October 2026; a Sunday 02:30 digest falls in the repeated hour
    ("Europe/Berlin", (2026, 10, 17), [(2026, 10, 18, 0, 30), (2026, 10, 25, 0, 30), (2026, 11, 1, 1, 30)]),
])
async def test_dst_changes_move_the_utc_time_and_never_send_twice(settings, fake_slack, zone, start, fires):
    day = "monday" if zone == "America/New_York" else "sunday"
    at = "09:00" if zone == "America/New_York" else "02:30"
    clock = Clock(local(zone, *start, 0, 0))
    async with scheduled_core(settings, config_with(digest={"day": day, "time": at, "timezone": zone}), clock) as core:
        sent = await tick_through(core, clock, local(zone, *start, 0, 0) + timedelta(days=16), timedelta(minutes=10))
        clock.set(utc(*fires[1]) + timedelta(minutes=5))  # the clock jumps back over a fire time
        sent += await tick_through(core, clock, utc(*fires[1]) + timedelta(hours=3), timedelta(minutes=10))
    assert [at for at, key in sent if key.kind == "digest"] == [utc(*f) for f in fires]
    assert len(posts_to(fake_slack, "C0IDEAS")) == 3


async def test_a_digest_missed_while_down_is_sent_once_on_the_next_start(settings, fake_slack):
    config = config_with()
    clock = Clock(utc(2026, 11, 23, 10, 0))  # the bot ran on Monday 23 November, after that week's digest
    async with scheduled_core(settings, config, clock) as core:
        await tick_through(core, clock, utc(2026, 11, 23, 10, 0), timedelta(minutes=1))
    assert posts_to(fake_slack, "C0IDEAS") == []  # that week's digest predates this database's scheduler

    clock.set(utc(2026, 12, 2, 16, 20))  # down until Wednesday 2 December: Monday 30 November 09:00 was missed
    async with scheduled_core(settings, config, clock) as core:
        sent = await tick_through(core, clock, utc(2026, 12, 2, 17, 0), timedelta(minutes=1))
    assert [(at, key.period) for at, key in sent if key.kind == "digest"] == [(utc(2026, 12, 2, 16, 20), "2026-W48")]
    [post] = posts_to(fake_slack, "C0IDEAS")
    assert post.args["text"].startswith("Weekly digest: 23 Nov – 29 Nov 2026")


async def test_a_new_database_does_not_catch_up_weeks_before_it_existed(settings, fake_slack):
    clock = Clock(utc(2026, 12, 2, 16, 20))
    async with scheduled_core(settings, config_with(), clock) as core:
        await tick_through(core, clock, utc(2026, 12, 2, 16, 30), timedelta(minutes=1))
    assert posts_to(fake_slack, "C0IDEAS") == []


async def test_a_restart_between_claim_and_send_retries_once_and_logs_it(settings, fake_slack, caplog):
    clock = Clock(utc(2026, 11, 23, 8, 0))
    config = config_with()
    async with scheduled_core(settings, config, clock) as core:
        await tick_through(core, clock, utc(2026, 11, 23, 8, 0), timedelta(minutes=1))
        # the process claims Monday's digest at 09:00 and dies before posting it
        with write(core.db) as db:
            key = SendKey("digest", 0, "C0IDEAS", "2026-W48")
            assert sends.claim(db, key, utc(2026, 11, 30, 9, 0), utc(2026, 11, 30, 9, 3))

    clock.set(utc(2026, 11, 30, 9, 1))  # restarted a minute later
    async with scheduled_core(settings, config, clock) as core:
        sent = await tick_through(core, clock, utc(2026, 11, 30, 9, 20), timedelta(minutes=1))
    assert [(at, key.kind) for at, key in sent if key.kind == "digest"] == [(utc(2026, 11, 30, 9, 3), "digest")]
    assert len(posts_to(fake_slack, "C0IDEAS")) == 1
    assert "digest to C0IDEAS for 2026-W48 was claimed at 2026-11-30T09:00:00+00:00 but never completed" in caplog.text


async def test_a_failed_send_is_retried_with_backoff(settings, fake_slack, caplog):
    clock = Clock(utc(2026, 11, 30, 8, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        await tick_through(core, clock, utc(2026, 11, 30, 8, 0), timedelta(minutes=1))
        fake_slack.fail("chat.postMessage", times=2, error="internal_error")
        clock.set(utc(2026, 11, 30, 9, 0))
        sent = await tick_through(core, clock, utc(2026, 11, 30, 9, 10), timedelta(seconds=30))
    attempts = [c for c in posts_to(fake_slack, "C0IDEAS")]
    assert len(attempts) == 3  # failed at 09:00, again at 09:01 (1 min later), sent at 09:03 (2 min later)
    assert [(at, key.kind) for at, key in sent] == [(utc(2026, 11, 30, 9, 3), "digest")]
    assert "internal_error" in caplog.text


async def test_a_rate_limited_send_waits_for_retry_after(settings, fake_slack):
    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.scheduler import run_due
    from handlers.slack.chat import SlackChat

    clock = Clock(utc(2026, 11, 30, 8, 0))
    async with scheduled_core(settings, config_with(), clock) as core, aiohttp.ClientSession() as session:
        await run_due(core)
        # a client whose own 429 retries are used up: our backoff honours the Retry-After it saw
        client = AsyncWebClient(token="xoxb-test", base_url=settings.slack_api_url, session=session, retry_handlers=[])
        core.connect(SlackChat(client, session))
        fake_slack.fail("chat.postMessage", times=1, status=429, retry_after=600)
        clock.set(utc(2026, 11, 30, 9, 0))
        assert await run_due(core) == []
        clock.set(utc(2026, 11, 30, 9, 9))
        assert await run_due(core) == []  # a plain backoff would have retried after a minute
        clock.set(utc(2026, 11, 30, 9, 10))
        assert [key.kind for key in await run_due(core)] == ["digest"]
    assert len(posts_to(fake_slack, "C0IDEAS")) == 2


def test_working_days_far_ahead_are_counted_by_whole_weeks():
    """`[nudges] remind_after_days = 100000` (a bench's way to keep reminders quiet) must not stall each tick."""
    import time as clock
    from datetime import date, timedelta

    from bot.schedule import add_working_days
    saturday = date(2026, 11, 21)
    assert add_working_days(saturday, 5) == date(2026, 11, 27) and add_working_days(saturday, 10) == date(2026, 12, 4)
    assert add_working_days(saturday + timedelta(days=6), 5) == date(2026, 12, 4)  # from a Friday: the next Friday
    started = clock.perf_counter()
    assert add_working_days(saturday, 100_000).weekday() < 5
    assert clock.perf_counter() - started < 0.01

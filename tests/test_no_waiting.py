"""Nothing slow on the event loop: writes wait for another process's lock without blocking it, reads run
on worker threads, and one person's heavy commands are limited and cached (issue 14)."""

import asyncio
import sqlite3
import threading
import time

import pytest

from bot.errors import SaveFailed
from bot.heavy import TRY_AGAIN, HeavyGate
from storage.db import open_database, write
from tests.test_hotspots_search import hero
from tests.test_problems import log_problem


async def ticks_while(work, every: float = 0.01) -> tuple[int, object]:
    """How often the loop got to run a 10 ms ticker while `work` ran, and what `work` returned."""
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(every)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        result = await work
        return ticks, result
    finally:
        done.set()
        await task


async def test_a_write_waiting_for_another_process_lock_leaves_the_loop_running(tmp_path):
    db = open_database(tmp_path / "w.db")
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a backup, a second server, the CLI…
    threading.Timer(0.5, other.execute, ["COMMIT"]).start()

    async def vote() -> float:
        began = time.monotonic()
        async with write(db) as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('waited', 'yes')")
        return time.monotonic() - began

    ticks, waited = await ticks_while(vote())
    assert waited >= 0.4 and ticks >= 20  # the loop kept answering during the half second of waiting
    assert db.execute("SELECT value FROM meta WHERE key = 'waited'").fetchone() == ("yes",)
    other.close()
    db.close()


async def test_a_lock_held_past_patience_fails_the_write_cleanly(tmp_path):
    db = open_database(tmp_path / "w.db")
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(SaveFailed):
        async with write(db, patience=0.2) as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('lost', 'yes')")
    other.execute("COMMIT")
    assert not db.conn.in_transaction
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000  # the sync path still waits in SQLite
    async with write(db) as conn:  # and the next write goes through
        conn.execute("INSERT INTO meta (key, value) VALUES ('next', 'yes')")
    other.close()
    db.close()


async def test_reads_run_on_worker_threads_and_see_every_commit(core):
    async with write(core.db) as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('fresh', 'yes')")
    seen, thread = await core.read(lambda db: (db.execute("SELECT value FROM meta WHERE key = 'fresh'").fetchone(),
                                               threading.get_ident()))
    assert seen == ("yes",) and thread != threading.get_ident()

    def slow(db):
        time.sleep(0.3)  # as a heavy query would: sqlite3 lets go of the GIL while SQLite works
        return db.execute("SELECT count(*) FROM ideas").fetchone()[0]

    ticks, count = await ticks_while(core.read(slow))
    assert count == 0 and ticks >= 10


async def test_heavy_commands_are_limited_per_person_with_a_polite_note(slack, fake_slack):
    for n in range(10):
        assert "Give me some words" not in str(await hero(slack, f"search word{n}"))
    refused = await hero(slack, "search word10")
    assert refused["text"] == TRY_AGAIN
    assert "Try again in a moment" in TRY_AGAIN
    assert "Nothing found" in str(await hero(slack, "search word10", user="U2"))  # others are not held up
    assert "help" in str(await hero(slack, "help")).lower()  # nor are light commands


async def test_a_repeated_heavy_answer_comes_from_the_cache_until_a_write_changes_it(slack, fake_slack):
    await log_problem(slack, fake_slack, "Parcel lockers refuse the pickup code")
    first = await hero(slack, "hotspots")
    for _ in range(15):  # beyond the limit: cached answers do not count
        assert await hero(slack, "hotspots") == first
    assert "1 reporter" in str(first)
    await log_problem(slack, fake_slack, "Gift cards cannot be combined", user="U2")  # a write
    assert "P2" in str(await hero(slack, "hotspots"))


async def test_the_gate_lets_a_person_in_again_after_a_minute():
    now = [0.0]
    gate = HeavyGate(per_minute=2, cache_seconds=0, clock=lambda: now[0])

    async def compute():
        return "answer"

    db = open_database(":memory:")
    for key in ("a", "b"):
        assert await gate.run("U1", db, key, compute) == "answer"
    with pytest.raises(Exception, match="Try again in a moment"):
        await gate.run("U1", db, "c", compute)
    now[0] = 60.5
    assert await gate.run("U1", db, "c", compute) == "answer"


def test_limits_config_takes_whole_numbers_and_zero_turns_them_off():
    from bot.config import Config, ConfigError
    assert (Config().heavy_per_minute, Config().heavy_cache_seconds) == (10, 30)
    config = Config.from_dict({"limits": {"heavy_per_minute": 0, "heavy_cache_seconds": 0}})
    assert (config.heavy_per_minute, config.heavy_cache_seconds) == (0, 0)
    for bad in (-1, "5", True, 2.5):
        with pytest.raises(ConfigError, match=r"\[limits\] heavy_per_minute"):
            Config.from_dict({"limits": {"heavy_per_minute": bad}})

"""Suite 4: contention. Two `herobot serve` on one file, a scheduler-like writer, and the CLI
(export and backup, in a loop) for a minute → no "database is locked" reaches anyone, no write lost.

`python -m suites.contention --writer DB SECONDS` is the scheduler-like writer on its own.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from suites.common import (
    FakeSlackServer,
    Report,
    Server,
    event_body,
    parse_args,
    post,
    posted_ideas,
    query,
    reaction_event,
    reply_event,
    signed,
)

LOCKED = "database is locked"


def scheduler_writer(db_path: str, seconds: float) -> int:
    """Claims a "period" every few ms in its own transaction, like the digest and nudge jobs."""
    from bot.errors import SaveFailed
    from storage.db import open_database, write
    from storage.ideas import claim_event

    db = open_database(db_path)
    committed = failed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with write(db):
                db.execute("SELECT count(*) FROM votes").fetchone()
                claim_event(db, f"sched-{committed}", datetime.now(UTC))
            committed += 1
        except SaveFailed as error:
            failed += 1
            print(f"scheduler write failed: {error}", file=sys.stderr)
        time.sleep(0.005)
    print(f"{committed} {failed}")
    return 0


async def cli_loop(env: dict, workdir: Path, seconds: float, results: Counter, problems: list) -> None:
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        args = ("export",) if n % 2 else ("backup", str(workdir / f"backup-{n % 4}.db"))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", *args, env=env, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
        _, err = await process.communicate()
        results[f"{args[0]} exit {process.returncode}"] += 1
        if process.returncode != 0 or LOCKED in err.decode():
            problems.append(f"{args[0]}: {err.decode()[-300:]}")


async def run(quick: bool = False) -> Report:
    report = Report("contention")
    seconds = 4 if quick else 60
    rng = random.Random(4)
    with tempfile.TemporaryDirectory(prefix="herobot-contention-") as tmp:
        work = Path(tmp)
        db_path = work / "shared.db"
        async with FakeSlackServer() as fake:
            first = Server(work, db_path, fake.base_url, work / "serve-1.log")
            second = Server(work, db_path, fake.base_url, work / "serve-2.log")
            await first.start()
            await second.start()
            try:
                async with aiohttp.ClientSession() as session:
                    messages = await posted_ideas(session, first, 10)
                    idea_of = {ts: i for i, ts in query(db_path, "SELECT id, message_id FROM ideas")}
                    writer = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "suites.contention", "--writer", str(db_path), str(seconds),
                        env=first.env(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
                    cli_results: Counter = Counter()
                    cli_problems: list[str] = []
                    statuses: Counter = Counter()
                    acked_votes, acked_comments = set(), set()
                    made = 0
                    deadline = time.monotonic() + seconds

                    async def client() -> None:
                        nonlocal made
                        while time.monotonic() < deadline:
                            made += 1
                            n = made
                            server = first if n % 2 else second
                            ts = rng.choice(messages)
                            if n % 3:
                                body = event_body(reaction_event(f"UW{n}", ts))
                                key, target = (idea_of[ts], f"UW{n}"), acked_votes
                            else:
                                key, target = f"1950000000.{n:06d}", acked_comments
                                body = event_body(reply_event(f"UX{n % 31}", ts, f"contended {n}", key))
                            try:
                                status, text = await post(session, server.url, body, signed(body, "application/json"))
                            except aiohttp.ClientError as error:
                                status, _text = 0, str(error)
                            statuses[status] += 1
                            if status == 200:
                                target.add(key)

                    await asyncio.gather(cli_loop(first.env(), work, seconds, cli_results, cli_problems),
                                         *(client() for _ in range(8)))
                    out, err = await writer.communicate()
                    committed, failed = (int(x) for x in out.decode().split())
                    await asyncio.sleep(1.0)
            finally:
                first.stop()
                second.stop()
            logs = (work / "serve-1.log").read_text() + (work / "serve-2.log").read_text()
            votes = {(i, u) for i, u in query(db_path, "SELECT idea_id, user_id FROM votes")}
            comments = {m for (m,) in query(db_path, "SELECT message_id FROM comments")}
            scheduled = query(db_path, "SELECT count(*) FROM processed_events WHERE event_id LIKE 'sched-%'")[0][0]
            report.figure("seconds of contention", seconds)
            report.figure("requests to the two servers", dict(statuses))
            report.figure("scheduler commits / failures", f"{committed} / {failed}")
            report.figure("cli runs", dict(cli_results))
            report.figure("'try again' notes to users", fake.counts.get("try again", 0))
            report.promise(set(statuses) == {200}, f"requests not answered 200: {dict(statuses)}")
            report.promise(failed == 0 and LOCKED not in err.decode(), "the scheduler-like writer failed")
            report.promise(not cli_problems, f"CLI problems: {cli_problems[:3]}")
            report.promise(LOCKED not in logs, "'database is locked' in a server log")
            report.promise(fake.counts.get("try again", 0) == 0, "a user was told to try again")
            report.promise(acked_votes <= votes and acked_comments <= comments, "an acknowledged write is missing")
            report.promise(scheduled == committed, f"scheduler wrote {committed}, {scheduled} are stored")
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--writer":
        return scheduler_writer(argv[1], float(argv[2]))
    report = asyncio.run(run(parse_args(argv)))
    report.print()
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

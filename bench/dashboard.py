"""Benchmark: each dashboard page served by `herobot serve` at 100,000 ideas and 1,000,000 votes, against
`GET /healthz` in the same run; and /healthz while pages are being computed (the pages run off the event loop).

    nice -n 10 .venv/bin/python bench/dashboard.py [--dir /work/scratch-dashboard] [--runs 15] [--ideas 100000]
        [--votes 1000000]

The database is built once (bench.dashboard_seed, two years of activity) and reused on later runs.
Prints the median and 90th percentile per page and its ratio to /healthz's median.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402

from bench.dashboard_seed import seed  # noqa: E402
from bot.dashboard_figures import SECTIONS  # noqa: E402
from storage.db import open_database  # noqa: E402
from suites.common import SECRET, FakeSlackServer, Server  # noqa: E402
from tests.slack_requests import sign  # noqa: E402

# Reminders are pushed past the seeded waits: thousands of reminder DMs would otherwise load the server mid-run.
CONFIG = ('[slack]\nideas_channel = "C0IDEAS"\n[roles]\nmanagers = ["UMANAGER1"]\n'
          '[nudges]\nremind_after_days = 100000\nescalate_after_days = 100000\n')
PAGES = ["/dashboard", *(f"/dashboard/{s}" for s in SECTIONS)]


def build(path: Path, ideas: int, votes: int) -> None:
    if path.exists():
        return
    started = time.perf_counter()
    db = open_database(path)
    seed(db, datetime.now(UTC), ideas=ideas, votes=votes, people=3000, weeks=104, problems=300)
    db.execute("ANALYZE")
    db.close()
    print(f"built {path} in {time.perf_counter() - started:.0f} s")


async def sign_in(session: aiohttp.ClientSession, server: Server, fake, user: str = "UMANAGER1") -> None:
    body = urlencode({"command": "/hero", "text": "dashboard", "user_id": user, "channel_id": "C0GENERAL",
                      "team_id": "T1", "response_url": fake.base_url + "/response/bench", "trigger_id": "1.2.3"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret=SECRET)}
    async with session.post(server.url + "/slack/events", data=body, headers=headers) as response:
        text = await response.text()
    if "token=" not in text:
        await asyncio.sleep(1)
        text = " ".join(c.text() for c in fake.calls)
    path = re.search(r"/dashboard/login\?token=[A-Za-z0-9_\-.]+", text).group(0)
    async with session.get(server.url + path, allow_redirects=False) as response:
        assert response.status == 303, response.status


async def timed(session: aiohttp.ClientSession, url: str) -> float:
    started = time.perf_counter()
    async with session.get(url) as response:
        await response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/work/scratch-dashboard")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    args = parser.parse_args()
    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"dashboard-{args.ideas}-{args.votes}.db"
    build(db_path, args.ideas, args.votes)
    health, cold, warm, member = [], {p: [] for p in PAGES}, {p: [] for p in PAGES}, {p: [] for p in PAGES}
    async with FakeSlackServer() as fake:
        (workdir / "herobot.toml").write_text(CONFIG)
        for start in range(args.starts):  # cold: each page's first request after a fresh start (no figures kept)
            server = Server(workdir, db_path, fake.base_url)
            await server.start()
            try:
                async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # an IP host
                    await sign_in(session, server, fake)
                    for _ in range(5):
                        health.append(await timed(session, server.url + "/healthz"))
                    for page in PAGES:
                        cold[page].append(await timed(session, server.url + page))
                    if start == args.starts - 1:  # warm: within a page's minute, past weeks and months kept
                        for _ in range(args.runs):
                            health.append(await timed(session, server.url + "/healthz"))
                            for page in PAGES:
                                warm[page].append(await timed(session, server.url + page))
                        during = await healthz_during_pages(session, server)
                if start == args.starts - 1:  # member: another member's page (shared figures, their own items)
                    for n in range(args.runs):
                        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as member_session:
                            await sign_in(member_session, server, fake, f"U{n:06d}")
                            health.append(await timed(member_session, server.url + "/healthz"))
                            for page in PAGES:
                                member[page].append(await timed(member_session, server.url + page))
            finally:
                server.stop()
    reread = figures_read_again(db_path, args.runs)
    base = statistics.median(health)
    print(f"{args.ideas:,} ideas, {args.votes:,} votes; medians in milliseconds (x = ratio to /healthz)")
    print(f"cold = a page's first request after a start ({args.starts} starts); reread = the page's figures read again "
          f"once its minute is over, past weeks and months kept (in-process, no HTTP, {args.runs} runs); member = "
          f"another member's page within the minute ({args.runs} members); warm = the same page again ({args.runs} runs)")
    print(f"{'GET':26} {'cold':>7} {'x':>5} {'reread':>7} {'x':>5} {'member':>7} {'x':>5} {'warm':>7} {'x':>5}")
    print(f"{'/healthz':26} {base:7.2f} {1:5.0f}")
    for page in PAGES:
        c, r, m, w = (statistics.median(v[page]) for v in (cold, reread, member, warm))
        print(f"{page:26} {c:7.1f} {c / base:5.0f} {r:7.1f} {r / base:5.0f} {m:7.1f} {m / base:5.1f} {w:7.1f} {w / base:5.1f}")
    print(f"/healthz while a page is computed: median {statistics.median(during):.2f} ms, max {max(during):.2f} ms "
          f"over {len(during)} requests")


def figures_read_again(db_path: Path, runs: int) -> dict[str, list[float]]:
    """Each page's figures computed as the server does once a page's minute is over (a manager's view)."""
    from bot import dashboard
    from bot.config import Config
    from storage import dashboard as store

    config = Config.from_dict({"roles": {"managers": ["UMANAGER1"]}})
    viewer = dashboard.viewer_of(config, "slack", "UMANAGER1")
    conn = store.open_reader(db_path)
    found: dict[str, list[float]] = {p: [] for p in PAGES}
    try:
        for n in range(runs + 1):  # the first round fills the past weeks and months, as the first view does
            for page in PAGES:
                section = page.removeprefix("/dashboard").strip("/") or None
                started = time.perf_counter()
                dashboard.build(conn, config, viewer, section, datetime.now(UTC), str(db_path))
                if n:
                    found[page].append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return found


async def healthz_during_pages(session: aiohttp.ClientSession, server: Server) -> list[float]:
    """/healthz answered while the heaviest pages are being computed: the loop stays free."""
    loop_times: list[float] = []

    async def pages() -> None:
        for _ in range(3):
            await asyncio.gather(*(timed(session, server.url + p) for p in PAGES))

    task = asyncio.create_task(pages())
    while not task.done():
        loop_times.append(await timed(session, server.url + "/healthz"))
        await asyncio.sleep(0.005)
    await task
    return loop_times


if __name__ == "__main__":
    asyncio.run(main())

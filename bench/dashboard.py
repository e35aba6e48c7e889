"""Benchmark: each dashboard page served by `herobot serve` at 100,000 ideas and 1,000,000 votes, against
`GET /healthz` in the same run; and /healthz while pages are being computed (the pages run off the event loop).

    nice -n 10 .venv/bin/python bench/dashboard.py [--dir /work/scratch-dashboard] [--runs 15] [--starts 5]
        [--ideas 100000] [--votes 1000000]
    nice -n 10 .venv/bin/python bench/dashboard.py --problems-db <copy> [--problems-before-db <copy at m030>] [--runs 15]

The database is built once (bench.dashboard_seed, two years of activity) and reused on later runs.
Prints each page's median cold (first request after a start), reread, member and warm times with their ratio to
/healthz's median; the figures m030 keeps read from its rows against counted from scratch as before (same run); then
/healthz's p50 and p99 alone and while every page is being computed, with the pages computed in the server's threads
(`[web] dashboard_workers = 0`) and in its worker process (the default), side by side; and the worker's start
(process started to ready) at each start of the server.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
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
# The per-person limit is off: the bench asks for far more pages a minute than a person may.
CONFIG = ('[slack]\nideas_channel = "C0IDEAS"\n[roles]\nmanagers = ["UMANAGER1"]\n'
          '[nudges]\nremind_after_days = 100000\nescalate_after_days = 100000\n[limits]\nheavy_per_minute = 0\n')
PAGES = ["/dashboard", *(f"/dashboard/{s}" for s in SECTIONS)]
MODES = {"threads": "[web]\ndashboard_workers = 0\n", "worker": ""}  # where the server computes the pages
WORKER_READY = re.compile(r"dashboard worker \d+ ready in ([0-9.]+) s")


def build(path: Path, ideas: int, votes: int) -> None:
    if path.exists():
        started = time.perf_counter()
        open_database(path).close()  # new migrations' backfills, before a server's start is timed
        print(f"opened {path} in {time.perf_counter() - started:.1f} s")
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


async def timed(session: aiohttp.ClientSession, url: str) -> float | None:
    """Milliseconds to answer; None for a section this database does not show (Empowerment without a box)."""
    started = time.perf_counter()
    async with session.get(url) as response:
        await response.read()
        if response.status == 404 and url.endswith("/empowerment"):
            return None
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def add(times: list[float], value: float | None) -> None:
    if value is not None:
        times.append(value)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/work/scratch-dashboard")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--problems-db", type=Path, help="only the problems' figures and pages, on this copy")
    parser.add_argument("--problems-before-db", type=Path, help="a copy of the same file left at m030 (not opened "
                                                                "for writing), for the figures counted as before")
    args = parser.parse_args()
    if args.problems_db:
        problems_only(args.problems_db, args.problems_before_db, args.runs)
        return
    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"dashboard-{args.ideas}-{args.votes}.db"
    build(db_path, args.ideas, args.votes)
    cold, warm, member = {p: [] for p in PAGES}, {p: [] for p in PAGES}, {p: [] for p in PAGES}
    worker_starts: list[float] = []
    async with FakeSlackServer() as fake:
        for start in range(args.starts):  # cold: each page's first request after a fresh start
            server = Server(workdir, db_path, fake.base_url)
            (workdir / "herobot.toml").write_text(CONFIG)
            logged = server.log_path.stat().st_size if server.log_path.exists() else 0
            await server.start()
            try:
                async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # an IP host
                    await sign_in(session, server, fake)
                    for page in PAGES:
                        add(cold[page], await timed(session, server.url + page))
                    if start == args.starts - 1:  # warm: the same pages again, nothing written meanwhile
                        for _ in range(args.runs):
                            for page in PAGES:
                                add(warm[page], await timed(session, server.url + page))
                if start == args.starts - 1:  # member: another member's page (shared figures, their own items)
                    for n in range(args.runs):
                        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as member_session:
                            await sign_in(member_session, server, fake, f"U{n:06d}")
                            for page in PAGES:
                                add(member[page], await timed(member_session, server.url + page))
            finally:
                server.stop()
                worker_starts += worker_ready_after(server.log_path, logged)
        loop = {mode: await event_loop_while_computing(workdir, db_path, fake, extra) for mode, extra in MODES.items()}
    health = loop["worker"][0]
    reread = figures_read_again(db_path, args.runs)
    kept = kept_against_scratch(db_path, args.runs)
    base = statistics.median(health)
    print(f"{args.ideas:,} ideas, {args.votes:,} votes; medians in milliseconds (x = ratio to /healthz alone)")
    print(f"cold = a page's first request after a start ({args.starts} starts; the start's warm-up may still be "
          f"reading it); reread = the page's figures read from scratch after a write (in-process, no HTTP, past weeks "
          f"and months kept, {args.runs} runs); member = another member's page ({args.runs} members); warm = the same "
          f"page again while nothing was written ({args.runs} runs)")
    print(f"{'GET':26} {'cold':>7} {'x':>5} {'reread':>7} {'x':>5} {'member':>7} {'x':>5} {'warm':>7} {'x':>5}")
    for page in (p for p in PAGES if cold[p]):
        c, r, m, w = (statistics.median(v[page]) for v in (cold, reread, member, warm))
        print(f"{page:26} {c:7.1f} {c / base:5.0f} {r:7.1f} {r / base:5.0f} {m:7.1f} {m / base:5.1f} {w:7.1f} {w / base:5.1f}")
    print("figures m030 keeps, read from its rows against counted from scratch as before (in-process, medians)")
    for name, (scratch, rows) in kept.items():
        print(f"  {name:40} scratch {scratch:7.1f}  kept {rows:7.1f}  x{scratch / rows:6.1f}")
    print(f"{'/healthz':34} {'p50':>7} {'p99':>7} {'max':>7} requests   (pages computed meanwhile: median, max)")
    for mode, (alone, during, pages) in loop.items():
        for name, times in ((f"{mode}: alone", alone), (f"{mode}: while pages compute", during)):
            computed = f"   {statistics.median(pages):7.1f} {max(pages):7.1f}" if times is during else ""
            print(f"  {name:32} {statistics.median(times):7.2f} {percentile(times, 0.99):7.2f} {max(times):7.2f} "
                  f"{len(times):8}{computed}")
    if worker_starts:
        print(f"worker ready after (s): median {statistics.median(worker_starts):.2f}, max {max(worker_starts):.2f} "
              f"over {len(worker_starts)} starts")


async def event_loop_while_computing(workdir: Path, db_path: Path, fake, extra_config: str):
    """/healthz alone, and while every page is computed from scratch, on a server started with `extra_config`, once
    each page was shown (so that the start's read-ahead is over); and the pages' times meanwhile."""
    server = Server(workdir, db_path, fake.base_url)
    (workdir / "herobot.toml").write_text(CONFIG + extra_config)
    await server.start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            await sign_in(session, server, fake)
            for page in PAGES:
                await timed(session, server.url + page)
            alone = await healthz_alone(session, server)
            during, pages = await healthz_during_pages(session, server, db_path)
    finally:
        server.stop()
    return alone, during, pages


def worker_ready_after(log_path: Path, offset: int) -> list[float]:
    """The seconds each worker the server started took to be ready, from its log past `offset`."""
    with open(log_path) as log:
        log.seek(offset)
        return [float(m.group(1)) for m in WORKER_READY.finditer(log.read())]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def figures_read_again(db_path: Path, runs: int, pages: list[str] = PAGES) -> dict[str, list[float]]:
    """Each page's figures computed as the server does once a page's minute is over (a manager's view)."""
    from bot import dashboard
    from bot.config import Config
    from storage import dashboard as store

    config = Config.from_dict({"roles": {"managers": ["UMANAGER1"]}})
    viewer = dashboard.viewer_of(config, "slack", "UMANAGER1")
    conn = store.open_reader(db_path)
    found: dict[str, list[float]] = {p: [] for p in pages}
    try:
        for n in range(runs + 1):  # the first round fills the past weeks and months, as the first view does
            for page in pages:
                section = page.removeprefix("/dashboard").strip("/") or None
                started = time.perf_counter()
                dashboard.build(conn, config, viewer, section, datetime.now(UTC), str(db_path))
                if n:
                    found[page].append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return found


# What the pages counted before m030, over the same windows as the pages (6 months, 12 weeks).
FROM_SCRATCH = {
    "decision times (6 months)": (
        "SELECT a.actor, a.at, (SELECT max(b.at) FROM audit b WHERE b.idea_id = a.idea_id AND b.to_status = 'in_review' "
        "AND b.at <= a.at) AS review_at FROM audit a INDEXED BY audit_decided WHERE a.to_status IN ('approved', "
        "'piloting', 'declined') AND a.at >= :months AND a.from_status IN ('in_review', 'needs_info')"),
    "stages reached (12 weeks)": (
        "SELECT a.to_status, count(DISTINCT a.idea_id) FROM ideas i CROSS JOIN audit a ON a.idea_id = i.id "
        "WHERE i.created_at >= :weeks AND i.status != 'duplicate' GROUP BY a.to_status"),
    "voters and commenters (12 weeks)": (
        "SELECT substr(period, 2), count(DISTINCT CASE WHEN votes > 0 THEN person END), count(DISTINCT CASE WHEN "
        "comments > 0 THEN person END) FROM participation WHERE period >= 'W' || substr(:weeks, 1, 10) "
        "AND period < 'X' GROUP BY period"),
}
KEPT = {
    "decision times (6 months)": "SELECT manager, days FROM decision_durations WHERE decided_at >= :months "
                                 "AND days IS NOT NULL",
    "stages reached (12 weeks)": "SELECT status, sum(ideas) FROM stages_reached WHERE week >= substr(:weeks, 1, 10) "
                                 "GROUP BY status",
    "voters and commenters (12 weeks)": "SELECT week, total(votes > 0), total(comments > 0) FROM week_people "
                                        "WHERE week >= substr(:weeks, 1, 10) GROUP BY week",
}


def kept_against_scratch(db_path: Path, runs: int) -> dict[str, tuple[float, float]]:
    """(median ms counted from scratch, median ms read from m030's rows) per figure, alternating in one run."""
    from bot.dashboard import MONTHS, WEEKS
    from storage import dashboard as store

    today = datetime.now(UTC).date()
    first_month = date(today.year - (today.month <= MONTHS - 1), (today.month - MONTHS) % 12 + 1, 1)
    first_monday = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    windows = {"months": f"{first_month}T00:00:00+00:00", "weeks": f"{first_monday}T00:00:00+00:00"}
    conn = store.open_reader(db_path)
    found = {}
    try:
        for name, scratch in FROM_SCRATCH.items():
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(runs):
                for sql, into in ((scratch, times[0]), (KEPT[name], times[1])):
                    started = time.perf_counter()
                    conn.execute(sql, windows).fetchall()
                    into.append((time.perf_counter() - started) * 1000)
            found[name] = (statistics.median(times[0]), statistics.median(times[1]))
    finally:
        conn.close()
    return found


# What the Problems page counted before m032 (over every report of the 12 weeks), against what it reads now.
PROBLEMS_FROM_SCRATCH = {
    "top 20 problems (12 weeks, every report)": (
        "WITH counts AS (SELECT problem_id, count(DISTINCT user_id) AS n FROM problem_reports WHERE created_at >= :weeks "
        "GROUP BY problem_id) SELECT p.id, p.text, c.n FROM counts c JOIN problems p ON p.id = c.problem_id "
        "WHERE p.status != 'duplicate' ORDER BY c.n DESC, p.id DESC LIMIT 20"),
    "channel mix (12 weeks, every report)": (
        "SELECT coalesce(contact_channel, 'unknown'), count(DISTINCT user_id) FROM problem_reports "
        "WHERE created_at >= :weeks GROUP BY 1 ORDER BY 2 DESC"),
}


def problems_only(after: Path, before: Path | None, runs: int) -> None:
    """The Problems page and the overview read again in-process on `after` (migrated, its hot-spot windows caught
    up as the scheduler keeps them); each figure read as now against counted as before on `before` (left at m030)."""
    from bot.dashboard import HOT_DAYS, SELF_SERVICE_SHOWN, TOP_PROBLEMS, WEEKS
    from storage import dashboard as store
    from storage import hotspots
    from storage.db import write

    db = open_database(after)
    with write(db):
        hotspots.catch_up(db, datetime.now(UTC))
    reports = db.execute("SELECT count(*) FROM problem_reports").fetchone()[0]
    db.close()
    pages = ["/dashboard", "/dashboard/problems"]
    reread = figures_read_again(after, runs, pages)
    today = datetime.now(UTC).date()
    weeks = datetime.combine(today - timedelta(days=today.weekday(), weeks=WEEKS - 1), datetime.min.time(), UTC)
    now_conn = store.open_reader(after)
    top = [p for p, _, _ in store.top_problems(now_conn, datetime.now(UTC) - timedelta(days=HOT_DAYS),
                                                datetime.now(UTC), TOP_PROBLEMS)]
    kept = {
        "top 20 problems (12 weeks, every report)": lambda: store.top_problems(
            now_conn, datetime.now(UTC) - timedelta(days=HOT_DAYS), datetime.now(UTC), SELF_SERVICE_SHOWN),
        "channel mix (12 weeks, every report)": lambda: store.contact_channels(now_conn, weeks),
        "reporters per week of the top 5": lambda: store.reporters_per_week(now_conn, top, weeks),
    }
    old_conn = store.open_reader(before) if before else None
    print(f"{reports:,} problem reports; medians in ms of {runs} runs, in-process")
    for page in pages:
        print(f"  reread {page:30} {statistics.median(reread[page]):7.1f}")
    print(f"{'figure':46} {'before':>8} {'now':>8} {'x':>6}   (before: on the copy at m030; now: top problems "
          f"as /hero hotspots {HOT_DAYS}d, channels from m032's rows)")
    try:
        for name, read in kept.items():
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(runs):
                if old_conn and name in PROBLEMS_FROM_SCRATCH:
                    started = time.perf_counter()
                    old_conn.execute(PROBLEMS_FROM_SCRATCH[name], {"weeks": weeks.isoformat()}).fetchall()
                    times[0].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                read()
                times[1].append((time.perf_counter() - started) * 1000)
            now_ms = statistics.median(times[1])
            if times[0]:
                before_ms = statistics.median(times[0])
                print(f"  {name:44} {before_ms:8.1f} {now_ms:8.1f} {before_ms / now_ms:6.0f}")
            else:
                print(f"  {name:44} {'-':>8} {now_ms:8.1f}")
    finally:
        now_conn.close()
        if old_conn:
            old_conn.close()


async def healthz_alone(session: aiohttp.ClientSession, server: Server, count: int = 300) -> list[float]:
    times = []
    for _ in range(count):
        add(times, await timed(session, server.url + "/healthz"))
        await asyncio.sleep(0.005)
    return times


async def healthz_during_pages(session: aiohttp.ClientSession, server: Server, db_path: Path,
                               rounds: int = 5) -> tuple[list[float], list[float]]:
    """/healthz every 5 ms while every page is computed from scratch, `rounds` times: before each round the figures'
    version is moved (as any vote or post moves it), so no kept page is reused. Also the pages' own times."""
    import sqlite3

    loop_times: list[float] = []
    page_times: list[float] = []

    async def pages() -> None:
        for _ in range(rounds):
            conn = sqlite3.connect(db_path, isolation_level=None)
            conn.execute("UPDATE figures_version SET n = n + 1")
            conn.close()
            for took in await asyncio.gather(*(timed(session, server.url + p) for p in PAGES)):
                add(page_times, took)

    task = asyncio.create_task(pages())
    while not task.done():
        add(loop_times, await timed(session, server.url + "/healthz"))
        await asyncio.sleep(0.005)
    await task
    return loop_times, page_times


if __name__ == "__main__":
    asyncio.run(main())

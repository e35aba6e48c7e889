"""Benchmark: how the weekly digest's build time grows with the database, from 10,000 to 1,000,000 votes.

    .venv/bin/python bench/digest_growth.py [--dir /tmp/herobot-digest-bench] [--runs 5] [--sizes 10000,100000,1000000]

For each size, a database with that many votes over a year, and in proportion: an idea per 10 votes,
a comment per 5, a problem per 100 with a report per 10 votes, and the decisions of a real year
(a fifth of the ideas decided, each with its audit rows and decision row). Built once with bulk
executemany in one transaction, reused on later runs. Prints the median time of
bot.digest.build_digest for the week the scheduled digest covers (the default Monday schedule: a whole UTC week)
and for the seven days up to the bench's clock (09:00 to 09:00, as a preview's window is not whole days), and the
growth between sizes. Beside each, in the same run, the two look-ups m029 made cheap, counted from the rows as before
it and read from its kept rows (the oldest waits with their count, the week's most voted new ideas), and with
`--profile` where one build's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import platform
import pstats
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.bootstrap import new_core
from bot.config import Config  # noqa: E402
from bot.digest import build_digest  # noqa: E402
from bot.schedule import Weekly  # noqa: E402
from storage import digest as digest_store  # noqa: E402
from storage import hotspots  # noqa: E402
from storage.db import open_database, write  # noqa: E402
from storage.ideas import _IDEA_COLUMNS  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WORDS = ("refund invoice password reset delivery parcel tracking locker card payment queue callback chat email "
         "phone app login account address label return voucher fee subscription cancel contract bill").split()
MANAGERS = ["UMGR1", "UMGR2", "UMGR3"]
# the path of a decided idea through the audit trail, by its final status
PATHS = {
    "in_review": [("threshold", "open", "in_review")],
    "needs_info": [("threshold", "open", "in_review"), ("needs_info", "in_review", "needs_info")],
    "approved": [("threshold", "open", "in_review"), ("approve", "in_review", "approved")],
    "piloting": [("threshold", "open", "in_review"), ("pilot", "in_review", "piloting")],
    "declined": [("threshold", "open", "in_review"), ("decline", "in_review", "declined")],
    "implemented": [("threshold", "open", "in_review"), ("approve", "in_review", "approved"),
                    ("implemented", "approved", "implemented")],
}


def stamp(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def build(path: Path, votes_wanted: int) -> float:
    rng = random.Random(votes_wanted)
    n_ideas, n_comments = votes_wanted // 10, votes_wanted // 5
    n_problems, n_reports = max(10, votes_wanted // 100), votes_wanted // 10
    users = max(200, votes_wanted // 50)
    db = open_database(path)
    started = time.perf_counter()
    with write(db):
        key = "benchkey0000"  # a stand-in author key prefix (the real secret is outside the file)
        finals = ["open"] * 16 + list(PATHS)
        ideas, audit, decisions = [], [], []
        for i in range(1, n_ideas + 1):
            created = rng.uniform(0, 365)
            final = rng.choice(finals)
            words = rng.sample(WORDS, 6)
            ideas.append((i, "slack", " ".join(words[:4]).capitalize(), " ".join(words), f"U{rng.randrange(users)}",
                          f"k{key}{i}", final, stamp(created), stamp(0), "C0IDEAS", f"1700000000.{i:06d}"))
            at = created
            for action, before, after in PATHS.get(final, []):
                at = max(0.0, at - rng.uniform(0, 10))
                who = "herobot" if action == "threshold" else rng.choice(MANAGERS)
                audit.append((i, who, action, before, after, stamp(at)))
                if action in ("approve", "pilot", "decline", "needs_info"):
                    decisions.append((i, action, who, "low" if action in ("approve", "pilot") else None,
                                      "Why not." if action == "decline" else None, stamp(at)))
        db.conn.executemany("INSERT INTO ideas (id, platform, title, text, author_id, author_key, status, created_at, "
                            "updated_at, channel_id, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ideas)
        db.conn.executemany("INSERT INTO audit (idea_id, actor, action, from_status, to_status, at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", audit)
        db.conn.executemany("INSERT INTO decisions (idea_id, action, by_user, risk, reason, at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", decisions)
        votes = set()
        while len(votes) < votes_wanted:
            votes.add((rng.randrange(1, n_ideas + 1), f"U{rng.randrange(users)}"))
        db.conn.executemany("INSERT INTO votes (idea_id, user_id, created_at) VALUES (?, ?, ?)",
                            ((i, u, stamp(rng.uniform(0, 365))) for i, u in votes))
        db.conn.executemany("INSERT INTO vote_marks (idea_id, user_id, source) VALUES (?, ?, 'button')", votes)
        db.conn.executemany("INSERT INTO comments (idea_id, user_id, text, message_id, created_at) VALUES (?, ?, ?, ?, ?)",
                            ((rng.randrange(1, n_ideas + 1), f"U{rng.randrange(users)}", "Good one", f"c{c}",
                              stamp(rng.uniform(0, 365))) for c in range(n_comments)))
        db.conn.executemany("INSERT INTO problems (id, platform, text, reporter_id, status, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, 'open', ?, ?)",
                            ((p, "slack", " ".join(rng.sample(WORDS, 5)), f"U{rng.randrange(users)}",
                              stamp(rng.uniform(0, 365)), stamp(0)) for p in range(1, n_problems + 1)))
        reports = {(rng.randrange(1, n_problems + 1), f"U{rng.randrange(users)}") for _ in range(n_reports)}
        db.conn.executemany("INSERT INTO problem_reports (problem_id, user_id, origin_id, contact_channel, created_at) "
                            "VALUES (?, ?, ?, 'phone', ?)", ((p, u, p, stamp(rng.uniform(0, 365))) for p, u in reports))
    db.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("ideas", "votes", "comments", "audit", "decisions", "problems", "problem_reports")}
    db.close()
    print(f"built {path.name} in {elapsed:.0f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
    return elapsed


def window_of(core, window: str) -> tuple[datetime, datetime]:
    """The week the scheduled digest covers (`scheduled`: the default `[digest]` Monday 09:00 UTC, whole days) or
    the seven days up to the bench's clock (`rolling`, 09:00 to 09:00)."""
    weekly = Weekly.of(core.config)
    return weekly.covered(weekly.last_fire(NOW)) if window == "scheduled" else (NOW - timedelta(days=7), NOW)


def bench_core(path: Path):
    db = open_database(path)
    with write(db):  # as the scheduler's tick does every minute at the bench's clock (storage.hotspots)
        hotspots.catch_up(db, NOW)
    return new_core(db=db, config=Config.from_dict({"roles": {"managers": MANAGERS}}), clock=lambda: NOW)


def timed(work, runs: int) -> list[float]:
    work()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(path: Path, runs: int, window: str = "scheduled") -> list[float]:
    """build_digest's times for the `window` (see `window_of`)."""
    core = bench_core(path)
    start, end = window_of(core, window)
    times = timed(lambda: asyncio.run(build_digest(core, start, end)), runs)
    core.db.close()
    return times


# The two look-ups as they were before m029: each waiting idea's last action found from its audit and decision
# rows, and every new idea's votes counted.
COUNTED_WAITS = f"""
    WITH waiting AS (
        SELECT i.id, max(coalesce((SELECT max(at) FROM audit a WHERE a.idea_id = i.id), i.updated_at),
                         coalesce((SELECT max(at) FROM decisions d WHERE d.idea_id = i.id), '')) AS since
        FROM ideas i WHERE i.status IN ('in_review', 'needs_info') ORDER BY since, i.id LIMIT ?
    )
    SELECT {_IDEA_COLUMNS}, w.since FROM waiting w JOIN ideas i ON i.id = w.id ORDER BY w.since, i.id
"""
COUNTED_TOP_NEW = f"""
    WITH best AS (SELECT i.id, (SELECT count(*) FROM votes v WHERE v.idea_id = i.id) AS n FROM ideas i
                  WHERE i.created_at >= ? AND i.created_at < ? AND i.status != 'duplicate' ORDER BY n DESC, i.id LIMIT ?)
    SELECT {_IDEA_COLUMNS} FROM best b JOIN ideas i ON i.id = b.id ORDER BY b.n DESC, i.id
"""


def counted_and_kept(path: Path, runs: int) -> list[tuple[str, float, float]]:
    """(look-up, median ms counted from the rows, median ms from m029's kept rows), interleaved on one connection;
    each pair must give the same answer."""
    db = open_database(path)
    start, end = (NOW - timedelta(days=7)).isoformat(), NOW.isoformat()
    pairs = {
        "15 oldest waits and their count": (
            lambda: (db.execute(COUNTED_WAITS, [15]).fetchall(),
                     db.execute("SELECT count(*) FROM ideas WHERE status IN ('in_review', 'needs_info')").fetchone()),
            lambda: ([(*(getattr(w.idea, f) for f in ("id", "votes", "comments")), w.since.isoformat())
                      for w in digest_store.waiting_ideas(db, None, 15)], digest_store.waiting_count(db))),
        "the week's 5 most voted new ideas": (
            lambda: [r[0] for r in db.execute(COUNTED_TOP_NEW, [start, end, 5])],
            lambda: [i.id for i in digest_store.new_ideas(db, NOW - timedelta(days=7), NOW, 5)[1]]),
    }
    rows = []
    for name, (counted, kept) in pairs.items():
        old, new = counted(), kept()
        if name.startswith("15"):
            old = ([(r[0], r[15], r[16], r[-1]) for r in old[0]], old[1][0])
        assert old == new, f"{name}: counted {old} but kept {new}"
        rows.append((name, statistics.median(timed(counted, runs)), statistics.median(timed(kept, runs))))
    db.close()
    return rows


def profile(path: Path, window: str, lines: int = 14) -> str:
    """The storage calls of one build_digest, by cumulative time."""
    core = bench_core(path)
    start, end = window_of(core, window)
    asyncio.run(build_digest(core, start, end))  # warm
    profiler = cProfile.Profile()
    profiler.runcall(lambda: asyncio.run(build_digest(core, start, end)))
    core.db.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"storage/|problem_commands", lines)
    return out.getvalue()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "herobot-digest-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--profile", action="store_true", help="print where one build's time goes, per window")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{datetime.now(UTC):%Y-%m-%d} · nproc {os.cpu_count()} · {cpu_model()}", flush=True)
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        path = folder / f"digest-{size}.db"
        if not path.exists():
            build(path, size)
        for window in ("scheduled", "rolling"):
            times = measure(path, args.runs, window)
            median = statistics.median(times)
            if window == "scheduled":
                results.append((size, median))
            print(f"{size:>9,} votes, {window} week: build_digest median {median:8.1f} ms over {args.runs} runs "
                  f"(min {min(times):.1f}, max {max(times):.1f})", flush=True)
            if args.profile:
                print(profile(path, window), flush=True)
        for name, counted, kept in counted_and_kept(path, args.runs):
            print(f"{size:>9,} votes, {name}: counted from the rows {counted:7.1f} ms, kept (m029) {kept:6.1f} ms "
                  f"(×{counted / kept:.0f})", flush=True)
    for (small, t_small), (big, t_big) in zip(results, results[1:]):
        print(f"{small:,} → {big:,} votes (×{big / small:g}): build time ×{t_big / t_small:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

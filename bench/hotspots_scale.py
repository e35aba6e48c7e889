"""Benchmark: `/hero hotspots 30d|90d` at 1,000,000 and 10,000,000 problem reports, side by side.

    nice -n 10 .venv/bin/python bench/hotspots_scale.py [--dir /tmp/herobot-hot] [--sizes 1000000,10000000]

Each database holds a problem per 5 reports (short texts), reports spread over a year with 30% of
them on the hottest 0.5% of problems, 20,000 people. Reports are written as an older herobot
wrote them (before m014), then the database is opened, so the migration backfills the maintained
counts; the migration's time is printed. Timed: the whole use case (ranking, previous window,
channel mix, self-service check) at the bench's clock, after one report moved the kept windows
there as every report does. Built once per size and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.problems_scale import NOW  # noqa: E402
from bot.bootstrap import new_core
from bot.config import Config  # noqa: E402
from bot.problem_commands import hotspots  # noqa: E402
from storage import hotspots as hot_store  # noqa: E402
from storage.db import open_database, write  # noqa: E402

USERS = 20_000
CHANNELS = ["phone"] * 5 + ["email"] * 2 + ["chat"] * 2 + ["in_person", "other", None]


def _as_before_m014(db) -> None:
    for trigger in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER problem_reports_hot_{trigger}")
    db.execute("DROP TABLE hot_counts")
    db.execute("DROP TABLE hot_windows")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm014_hot_spot_counts'")


def build(path: Path, reports: int) -> float:
    rng = random.Random(14)
    problems = max(1, reports // 5)
    hot = max(1, problems // 200)
    started = time.perf_counter()
    db = open_database(path)
    with write(db):
        _as_before_m014(db)
        db.conn.executemany(
            "INSERT INTO problems (id, platform, text, reporter_id, status, created_at, updated_at) "
            "VALUES (?, 'slack', ?, ?, 'open', ?, ?)",
            ((p, f"Problem {p}", f"U{rng.randrange(USERS)}", (NOW - timedelta(days=366)).isoformat(),
              NOW.isoformat()) for p in range(1, problems + 1)))
    # Generated in memory, written in primary-key order with the time indexes dropped and built after:
    # random inserts into three indexes would take hours at 10,000,000 rows.
    rows = {}
    for n in range(reports):
        p = rng.randrange(1, hot + 1) if rng.random() < 0.3 else rng.randrange(1, problems + 1)
        rows[(p, f"U{rng.randrange(USERS)}")] = (rng.choice(CHANNELS), (NOW - timedelta(days=365 * (1 - n / reports))).isoformat())
    indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'problem_reports' "
                         "AND sql IS NOT NULL").fetchall()
    with write(db):
        for name, _ in indexes:
            db.execute(f"DROP INDEX {name}")
        db.conn.executemany("INSERT INTO problem_reports (problem_id, user_id, origin_id, contact_channel, created_at) "
                            "VALUES (?, ?, ?, ?, ?)", ((p, u, p, c, t) for (p, u), (c, t) in sorted(rows.items())))
        for _, sql in indexes:
            db.execute(sql)
    print(f"  {len(rows):,} reports", flush=True)
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def measure(path: Path, runs: int) -> dict[str, float]:
    started = time.perf_counter()
    db = open_database(path)  # applies m014 (the backfill) the first time
    migrated = time.perf_counter() - started
    with write(db):
        hot_store.catch_up(db, NOW)
    core = new_core(db=db, config=Config(), clock=lambda: NOW)
    figures = {"open (m014 backfill the first time) s": migrated}
    for days in (30, 90):
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            hotspots(core, days)
            times.append((time.perf_counter() - began) * 1000)
        figures[f"hot spots {days}d ms"] = statistics.median(times)
    figures["reports"] = db.execute("SELECT count(*) FROM problem_reports").fetchone()[0]
    db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "herobot-hot"))
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        path = folder / f"hot-{size}.db"
        if not path.exists():
            print(f"building {path.name} ...", flush=True)
            print(f"built in {build(path, size):.0f} s", flush=True)
        results[size] = measure(path, args.runs)
    print(f"\n{'figure':40}" + "".join(f"{size:>16,}" for size in results))
    for name in next(iter(results.values())):
        print(f"{name:40}" + "".join(f"{r[name]:16,.1f}" for r in results.values()))


if __name__ == "__main__":
    main()

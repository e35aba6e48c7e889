"""Benchmark: similarity look-up, hot spots and search at 100,000 ideas, 200,000 problems and
2,000,000 votes/reports (1M votes on ideas, 1M problem reports over a year), and at a tenth of that.

    .venv/bin/python bench/problems_scale.py [--dir /tmp/herobot-bench] [--runs 15]

Each database is built once (bulk executemany in one transaction) and reused on later runs.
Prints medians per query and size, the growth from the small to the full size, and the
EXPLAIN QUERY PLAN of every query, flagging a full scan of a table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.bootstrap import new_core
from bot.config import Config  # noqa: E402
from bot.problem_commands import hotspots  # noqa: E402
from storage import search  # noqa: E402
from storage.db import open_database, write  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FULL = {"ideas": 100_000, "problems": 200_000, "votes": 1_000_000, "reports": 1_000_000}
DOMAIN = ("refund invoice password reset delivery parcel tracking locker card payment declined queue callback "
          "chat email phone app login account address label return exchange voucher discount fee subscription "
          "cancel upgrade contract meter reading bill outage signal router roaming sim porting store counter "
          "appointment booking waiting agent transfer escalation complaint warranty repair pickup").split()


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    made = {"".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
            for _ in range(6000)}
    words = DOMAIN + sorted(made)
    weights = [1.0 / (rank + 10) for rank in range(len(words))]
    return words, weights


def text(rng: random.Random, vocab) -> str:
    words, weights = vocab
    return " ".join(rng.choices(words, weights, k=rng.randint(6, 20))).capitalize()


def build(path: Path, scale: float) -> None:
    rng = random.Random(42)
    vocab = vocabulary(rng)
    n = {k: int(v * scale) for k, v in FULL.items()}
    db = open_database(path)
    started = time.perf_counter()
    stamp = lambda days: (NOW - timedelta(days=days)).isoformat()  # noqa: E731
    with write(db):
        secret_key = "benchkey00000000"  # a stand-in author key prefix (the real secret is outside the file)
        statuses = ["open"] * 6 + ["in_review", "approved", "declined", "implemented"]
        ideas = []
        for i in range(1, n["ideas"] + 1):
            body = text(rng, vocab)
            title = body.split(" ", 8)[:8]
            ideas.append((i, "slack", " ".join(title), body, f"U{rng.randrange(5000)}", f"k{secret_key}{i}",
                          rng.choice(statuses), stamp(rng.uniform(0, 365)), stamp(0)))
        db.conn.executemany("INSERT INTO ideas (id, platform, title, text, author_id, author_key, status, created_at, "
                            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ideas)
        problems = [(p, "slack", text(rng, vocab), f"U{rng.randrange(5000)}", rng.choice(["open"] * 9 + ["solved"]),
                     stamp(rng.uniform(0, 365)), stamp(0)) for p in range(1, n["problems"] + 1)]
        db.conn.executemany("INSERT INTO problems (id, platform, text, reporter_id, status, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", problems)
        users = 20_000
        votes = {(rng.randrange(1, n["ideas"] + 1), f"U{rng.randrange(users)}") for _ in range(n["votes"])}
        db.conn.executemany("INSERT INTO votes (idea_id, user_id, created_at) VALUES (?, ?, ?)",
                            ((i, u, stamp(rng.uniform(0, 365))) for i, u in votes))
        db.conn.executemany("INSERT INTO vote_marks (idea_id, user_id, source) VALUES (?, ?, 'button')", votes)
        channels = ["phone"] * 5 + ["email"] * 2 + ["chat"] * 2 + ["in_person", "other", None]
        hot = max(1, n["problems"] // 200)  # a few problems get most reports: the hot spots
        reports = {}
        for _ in range(n["reports"]):
            p = rng.randrange(1, hot + 1) if rng.random() < 0.3 else rng.randrange(1, n["problems"] + 1)
            reports[(p, f"U{rng.randrange(users)}")] = (rng.choice(channels), stamp(rng.uniform(0, 365)))
        db.conn.executemany("INSERT INTO problem_reports (problem_id, user_id, origin_id, contact_channel, created_at) "
                            "VALUES (?, ?, ?, ?, ?)", ((p, u, p, c, t) for (p, u), (c, t) in reports.items()))
        db.conn.executemany("INSERT INTO idea_problems (idea_id, problem_id, linked_at) VALUES (?, ?, ?)",
                            {(rng.randrange(1, n["ideas"] + 1), rng.randrange(1, hot * 2 + 1), stamp(1))
                             for _ in range(n["ideas"] // 20)})
    db.execute("ANALYZE")
    print(f"built {path.name}: {n} ({len(votes):,} votes, {len(reports):,} reports) in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    db.close()


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(path: Path, runs: int) -> dict[str, float]:
    db = open_database(path)
    rng = random.Random(7)
    vocab = vocabulary(random.Random(42))
    core = new_core(db=db, config=Config(), clock=lambda: NOW)
    new_texts = [text(rng, vocab) for _ in range(runs)]
    queries = iter(new_texts * 4)
    two_words = iter([" ".join(rng.sample(DOMAIN, 2)) for _ in range(runs * 2)])
    results = {
        "similar ideas (new text)": median_ms(lambda: search.similar(db, "idea", next(queries)), runs),
        "similar problems (new text)": median_ms(lambda: search.similar(db, "problem", next(queries)), runs),
        "hot spots 30d": median_ms(lambda: hotspots(core, 30), max(3, runs // 3)),
        "hot spots 90d": median_ms(lambda: hotspots(core, 90), max(3, runs // 3)),
        "search (two words)": median_ms(lambda: search.search(db, next(two_words)), runs),
    }
    db.close()
    return results


PLANS = {
    "hot spots window": ("WITH counts AS (SELECT problem_id, count(DISTINCT user_id) AS n FROM problem_reports "
                         "WHERE created_at >= ? AND created_at < ? GROUP BY problem_id) SELECT c.problem_id, c.n "
                         "FROM counts c JOIN problems p ON p.id = c.problem_id WHERE p.status != 'duplicate' "
                         "ORDER BY c.n DESC LIMIT 15", ["2026-10-01", "2026-11-01"]),
    "reporters between": ("SELECT count(DISTINCT user_id) FROM problem_reports WHERE problem_id = ? AND created_at >= ? "
                          "AND created_at < ?", [1, "2026-10-01", "2026-11-01"]),
    "channel mix": ("SELECT coalesce(contact_channel, 'unknown'), count(DISTINCT user_id) FROM problem_reports "
                    "WHERE problem_id = ? AND created_at >= ? GROUP BY 1", [1, "2026-10-01"]),
    "approved idea linked": ("SELECT 1 FROM idea_problems l JOIN ideas i ON i.id = l.idea_id WHERE l.problem_id = ? "
                             "AND i.status IN ('approved', 'piloting', 'implemented') LIMIT 1", [1]),
    "similar/search match": ("SELECT f.rowid, f.rank FROM problems_fts f JOIN problems t ON t.id = f.rowid "
                             "WHERE problems_fts MATCH ? AND t.status = 'open' ORDER BY f.rank LIMIT 30",
                             ['"refund" OR "card"']),
    "problem with reporters": ("SELECT p.id, (SELECT count(DISTINCT r.user_id) FROM problem_reports r "
                               "WHERE r.problem_id = p.id) FROM problems p WHERE p.id = ?", [1]),
    "merge subtree": ("WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT t.id FROM ideas t JOIN tree "
                      "ON t.duplicate_of = tree.id) SELECT id FROM tree", [1]),
    "unmerge reports": ("SELECT count(*) FROM problem_reports WHERE problem_id IN (?) AND origin_id IN (?, ?)", [1, 2, 3]),
    "open problems for the form": ("SELECT p.id FROM problems p WHERE p.status = 'open' ORDER BY p.id DESC LIMIT 500", []),
}


def plans(path: Path) -> list[str]:
    db = open_database(path)
    lines = []
    for name, (sql, params) in PLANS.items():
        steps = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
        full_scan = [s for s in steps if s.startswith("SCAN") and "INDEX" not in s and "VIRTUAL" not in s
                     and s not in ("SCAN c", "SCAN tree", "SCAN CONSTANT ROW")]
        lines.append(f"{'FULL SCAN ' if full_scan else 'ok        '}{name}: {' | '.join(steps)}")
    db.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "herobot-bench"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {"small (1/10)": 0.1, "full": 1.0}
    measured = {}
    for label, scale in sizes.items():
        path = folder / f"problems-{scale:g}.db"
        if not path.exists():
            build(path, scale)
        measured[label] = measure(path, args.runs)
    print(f"\n{'query':32} {'small ms':>10} {'full ms':>10} {'growth':>8}")
    for query in measured["full"]:
        small, full = measured["small (1/10)"][query], measured["full"][query]
        print(f"{query:32} {small:10.1f} {full:10.1f} {full / small:7.1f}×")
    print("\nEXPLAIN QUERY PLAN (full size):")
    for line in plans(folder / "problems-1.db"):
        print("  " + line)


if __name__ == "__main__":
    main()

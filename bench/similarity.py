"""Benchmark: the similarity look-up before a post, today's (bm25 over every match) against the
sublinear one (only the rarest key words' matches), on the same databases: time and recall@3.

    nice -n 10 .venv/bin/python bench/similarity.py [--dir /tmp/herobot-bench] [--pairs 300] [--sizes 0.1,1,10]

Uses the databases of bench/problems_scale.py (built there if missing) for the small and full sizes;
the ten-fold size (1,000,000 ideas, 2,000,000 problems) holds only ideas and problems, the texts made
the same way (votes and reports play no part in the look-up), built once by `build_texts` and reused. Near-duplicate pairs are
generated: an open item's text with about a third of its words dropped, the rest shuffled, a
plural changed and two other words added, the way a colleague retells a problem. recall@3: the
share of pairs whose original is among the three items the look-up returns.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.problems_scale import DOMAIN, FULL, NOW, build, vocabulary  # noqa: E402
from storage import search  # noqa: E402
from storage.db import open_database, write  # noqa: E402

CHUNK = 100_000


def build_texts(path: Path, scale: float) -> None:
    """Ideas and problems only, as bench/problems_scale.py makes them: rows inserted in bulk with the
    FTS insert triggers set aside, then each FTS index rebuilt in one pass and the triggers put back
    (the same index the triggers would have built, in a fraction of the time)."""
    rng = random.Random(42)
    words, weights = vocabulary(rng)
    cumulative = list(itertools.accumulate(weights))  # `text` would sum 6,000 weights for every text

    def text(rng: random.Random, _) -> str:  # bench.problems_scale.text, the same draws, without the sums
        return " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(6, 20))).capitalize()

    vocab = None
    stamp = NOW.isoformat()
    started = time.perf_counter()
    db = open_database(path)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")
    triggers = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('ideas_ai', 'problems_ai')")}
    for name in triggers:
        db.execute(f"DROP TRIGGER {name}")
    statuses = ["open"] * 6 + ["in_review", "approved", "declined", "implemented"]
    ideas, problems = int(FULL["ideas"] * scale), int(FULL["problems"] * scale)
    for first in range(1, ideas + 1, CHUNK):
        rows = []
        for i in range(first, min(first + CHUNK, ideas + 1)):
            body = text(rng, vocab)
            rows.append((i, "slack", " ".join(body.split(" ", 8)[:8]), body, f"U{rng.randrange(5000)}",
                         f"kbench{i}", rng.choice(statuses), stamp, stamp))
        with write(db):
            db.conn.executemany("INSERT INTO ideas (id, platform, title, text, author_id, author_key, status, "
                                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for first in range(1, problems + 1, CHUNK):
        rows = [(p, "slack", text(rng, vocab), f"U{rng.randrange(5000)}", rng.choice(["open"] * 9 + ["solved"]),
                 stamp, stamp) for p in range(first, min(first + CHUNK, problems + 1))]
        with write(db):
            db.conn.executemany("INSERT INTO problems (id, platform, text, reporter_id, status, created_at, "
                                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    print(f"rows in {time.perf_counter() - started:.0f} s", flush=True)
    with write(db):
        for table in ("ideas", "problems"):
            db.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        for sql in triggers.values():
            db.execute(sql)
    db.execute("ANALYZE")
    print(f"built {path.name}: texts only, scale {scale:g}, in {time.perf_counter() - started:.0f} s", flush=True)
    db.close()


def similar_before(db, kind: str, text: str, limit: int = 3, candidates: int = 30, min_share: float = 0.5):
    """The look-up as it was before (commit e18ecd4): bm25 over an OR of every key word."""
    terms = search.key_terms(text)
    if not terms:
        return []
    table = {"idea": "ideas", "problem": "problems"}[kind]
    where = ("AND t.status NOT IN ('declined', 'implemented', 'duplicate')" if kind == "idea"
             else "AND t.status = 'open'")
    query = " OR ".join(search._quoted(t) for t in terms)
    found = search._match(db, table, query, where, candidates)
    needed = max(min(2, len(terms)), round(len(terms) * min_share))
    text_column = "title || ' ' || text" if kind == "idea" else "text"
    result = []
    for item_id, _ in found:
        row = db.execute(f"SELECT {text_column} FROM {table} WHERE id = ?", [item_id]).fetchone()
        stems = search._stems(row[0])
        shared = [t for t in terms if t in stems or t.rstrip("s") in stems]
        if len(shared) >= needed:
            result.append(item_id)
            if len(result) == limit:
                break
    return result


def paraphrase(rng: random.Random, text: str) -> str:
    words = text.lower().split()
    kept = [w for w in words if rng.random() > 0.33] or words[:1]
    rng.shuffle(kept)
    if kept and rng.random() < 0.5:
        i = rng.randrange(len(kept))
        kept[i] = kept[i] + "s" if not kept[i].endswith("s") else kept[i][:-1]
    kept += rng.sample(DOMAIN, 2)
    return " ".join(kept)


def pairs(db, kind: str, count: int, rng: random.Random) -> list[tuple[int, str]]:
    table, column, where = (("ideas", "title || ' ' || text", "status IN ('open', 'in_review', 'approved')")
                            if kind == "idea" else ("problems", "text", "status = 'open'"))
    top = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    found = []
    while len(found) < count:
        row = db.execute(f"SELECT id, {column} FROM {table} WHERE id >= ? AND {where} LIMIT 1",
                         [rng.randrange(1, top + 1)]).fetchone()
        if row:
            found.append((row[0], paraphrase(rng, row[1])))
    return found


def run(db, kind: str, look_up, cases) -> tuple[float, float, float]:
    """Median and 90th percentile ms, and recall@3; the look-up's word counts start cold."""
    search._frequencies.clear()
    search._averages.clear()
    times, hits = [], 0
    for original, text in cases:
        began = time.perf_counter()
        found = look_up(db, kind, text)
        times.append((time.perf_counter() - began) * 1000)
        hits += original in found
    return statistics.median(times), statistics.quantiles(times, n=10)[-1], hits / len(cases)


def database(directory: Path, scale: float) -> Path:
    path = directory / f"problems-{scale:g}.db"
    if not path.exists():
        (build_texts if scale > 1 else build)(path, scale)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "herobot-bench"))
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--sizes", default="0.1,1,10", help="scales: 1 = 100,000 ideas and 200,000 problems")
    parser.add_argument("--before-pairs", type=int, default=60,
                        help="pairs the exhaustive look-up gets at the ten-fold size (seconds each)")
    args = parser.parse_args()
    print(f"{'scale':>6} {'kind':8} {'pairs':>6} {'before ms':>10} {'now ms':>8} {'now p90':>8} "
          f"{'recall@3 before':>16} {'now':>6} {'now on before pairs':>20}")
    for scale in (float(s) for s in args.sizes.split(",")):
        db = open_database(database(Path(args.dir), scale))
        for kind in ("idea", "problem"):
            cases = pairs(db, kind, args.pairs, random.Random(3))
            some = cases if scale <= 1 else cases[:args.before_pairs]
            before_ms, _, before_recall = run(db, kind, similar_before, some)
            now_ms, now_p90, now_recall = run(db, kind, search.similar, cases)
            _, _, now_on_some = run(db, kind, search.similar, some)
            print(f"{scale:6g} {kind:8} {len(some):>3}/{len(cases):<3} {before_ms:10.1f} {now_ms:8.1f} {now_p90:8.1f} "
                  f"{before_recall:16.1%} {now_recall:6.1%} {now_on_some:20.1%}", flush=True)
        db.close()


if __name__ == "__main__":
    main()

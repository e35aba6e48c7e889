"""Benchmark: the similarity look-up before a post, today's (bm25 over every match) against the
sublinear one (only the rarest key words' matches), on the same databases: time and recall@3.

    nice -n 10 .venv/bin/python bench/similarity.py [--dir /tmp/herobot-bench] [--pairs 300]

Uses the databases of bench/problems_scale.py (built there if missing). Near-duplicate pairs are
generated: an open item's text with about a third of its words dropped, the rest shuffled, a
plural changed and two other words added, the way a colleague retells a problem. recall@3: the
share of pairs whose original is among the three items the look-up returns.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.problems_scale import DOMAIN, build  # noqa: E402
from storage import search  # noqa: E402
from storage.db import open_database  # noqa: E402


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


def run(db, kind: str, look_up, cases) -> tuple[float, float]:
    times, hits = [], 0
    for original, text in cases:
        began = time.perf_counter()
        found = look_up(db, kind, text)
        times.append((time.perf_counter() - began) * 1000)
        hits += original in found
    return statistics.median(times), hits / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "herobot-bench"))
    parser.add_argument("--pairs", type=int, default=300)
    args = parser.parse_args()
    print(f"{'size':14} {'kind':8} {'before ms':>10} {'now ms':>8} {'recall@3 before':>16} {'now':>6}")
    for label, scale in (("small (1/10)", 0.1), ("full", 1.0)):
        path = Path(args.dir) / f"problems-{scale:g}.db"
        if not path.exists():
            build(path, scale)
        db = open_database(path)
        for kind in ("idea", "problem"):
            cases = pairs(db, kind, args.pairs, random.Random(3))
            before_ms, before_recall = run(db, kind, similar_before, cases)
            now_ms, now_recall = run(db, kind, search.similar, cases)
            print(f"{label:14} {kind:8} {before_ms:10.1f} {now_ms:8.1f} {before_recall:16.1%} {now_recall:6.1%}",
                  flush=True)
        db.close()


if __name__ == "__main__":
    main()

"""Benchmark: the empowerment box at 1,000 actions and 1,000,000 uses.

    nice -n 10 .venv/bin/python bench/box.py [--dir /tmp/herobot-box-bench] [--runs 50]

Builds (once, reused later) a database of 1,000 actions and 1,000,000 uses spread over a year (a tenth
shared as stories, most with an outcome, a few exceptions). Then, in the same run, the median time of
`/hero can <words>` and of `/hero help` through the core (`bot.hero.run`, what every adapter calls), their
ratio and difference; and the median time of the weekly digest's Empowerment part (what it adds to the digest).
Promises: `/hero can` under 20 ms, the Empowerment part under 20 ms (judged on CPU time: the wall clock on a
shared machine also counts the wait for a core; both are printed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.bootstrap import new_core
from bot import hero  # noqa: E402
from bot.box_followups import empowerment_section  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.model import Origin  # noqa: E402
from bot.timefmt import utc_text  # noqa: E402
from storage.db import open_database, write  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
VERBS = ("Waive", "Refund", "Rebook", "Replace", "Extend", "Upgrade", "Credit", "Resend", "Cancel", "Discount")
THINGS = ("late fee", "delivery charge", "parcel", "subscription month", "return label", "voucher", "invoice",
          "installation visit", "SIM card", "router", "flight change", "seat upgrade", "data bundle", "contract")
SITUATIONS = ("after a billing error", "when the courier lost it", "for a customer waiting over 30 minutes",
              "for a second repeat contact", "when our app was down", "for a bereaved customer")
ACTIONS, USES = 1000, 1_000_000
QUERIES = ("I waive a late fee", "can I resend a lost parcel", "refund the delivery charge", "upgrade seat")


def build(path: Path) -> float:
    rng = random.Random(15)
    db = open_database(path)
    started = time.perf_counter()
    with write(db):
        actions = []
        for n in range(1, ACTIONS + 1):
            what = f"{rng.choice(VERBS)} a {rng.choice(THINGS)} {n}"
            limit = rng.choice((None, 25.0, 50.0, 1.0))
            unit = "" if limit is None else ("per customer per year" if limit == 1.0 else "GBP")
            actions.append((n, "slack", what, rng.choice(SITUATIONS), limit, unit, "Check, do it, note it in the CRM",
                            "No repeat contact within 7 days", "UMGR1", "active", utc_text(NOW - timedelta(days=400))))
        db.conn.executemany("INSERT INTO box_actions (id, platform, action, customers, limit_amount, unit, steps, "
                            "expected_outcome, owner, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            actions)

        def uses():
            for n in range(USES):
                at = utc_text(NOW - timedelta(seconds=rng.randrange(365 * 86400)))
                state = "used" if rng.random() > 0.01 else rng.choice(("allowed", "declined", "asked"))
                outcome = rng.choice((None, "worked", "worked", "did_not_work", "too_early"))
                counted = at if state in ("used", "allowed") else None
                yield (rng.randrange(1, ACTIONS + 1), "slack", f"U{rng.randrange(2000):05d}", 10.0, "waived it",
                       int(rng.random() < 0.1), state, outcome, at if outcome else None, at, counted)

        db.conn.executemany("INSERT INTO box_uses (action_id, platform, user_id, amount, note, story, state, outcome, "
                            "answered_at, created_at, counted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", uses())
    db.execute("ANALYZE")
    db.conn.close()
    return time.perf_counter() - started


def median_ms(work, runs: int) -> tuple[float, float]:
    """(median wall-clock ms, median CPU ms of this process): on a shared machine the wall clock also counts
    the time spent waiting for a core, the CPU time only the work."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "herobot-box-bench"))
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    path = Path(args.dir) / "box-1m.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        print(f"building {path} …", flush=True)
        print(f"  built in {build(path):.1f} s")
    core = new_core(open_database(path), Config(), clock=lambda: NOW)
    origin = Origin("slack", "U00001", "C1")
    loop = asyncio.new_event_loop()

    def command(text: str):
        return lambda: loop.run_until_complete(hero.run(core, origin, text))

    for text in ("help", *(f"can {q}" for q in QUERIES)):
        command(text)()  # warm the caches
    help_ms, help_cpu = median_ms(command("help"), args.runs)
    cans = [median_ms(command(f"can {q}"), args.runs) for q in QUERIES]
    can_ms, can_cpu = statistics.median(c[0] for c in cans), statistics.median(c[1] for c in cans)
    start, end = NOW - timedelta(days=7), NOW
    digest_ms, digest_cpu = median_ms(lambda: empowerment_section(core, start, end, None), args.runs)
    found = loop.run_until_complete(hero.run(core, origin, f"can {QUERIES[0]}"))
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; {ACTIONS:,} actions, {USES:,} uses; medians of {args.runs} runs (wall / CPU)")
    print(f"/hero help            {help_ms:8.3f} / {help_cpu:8.3f} ms")
    print(f"/hero can <words>     {can_ms:8.3f} / {can_cpu:8.3f} ms   ratio {can_ms / help_ms:6.1f}× /hero help, "
          f"+{can_ms - help_ms:.3f} ms ({len(found.entries)} matches for “{QUERIES[0]}”)")
    print(f"digest: Empowerment   {digest_ms:8.3f} / {digest_cpu:8.3f} ms   (what the part adds to the weekly digest)")
    ok = can_cpu < 20 and digest_cpu < 20
    print("promises kept (CPU time)" if ok else "PROMISE BROKEN: /hero can and the Empowerment part must stay under 20 ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Where the CPU goes: CPU milliseconds per request of the server, the fake Slack and the load generator,
for `/idea` alone and reactions alone, herobot serve against the bare Bolt app (process_before_response=True).

`python -m bench.cpu_per_request [--seconds S] [--runs R] [--db FILE] [--before DIR]`; medians over R rounds,
concurrency 16. With `--db`, herobot serves a copy of that database (e.g. bench/problems_scale.py's, 100,000
ideas); with `--before`, the herobot code in DIR (e.g. `git archive` of an earlier commit) is served too, on
the same file, for a before/after in one run. The last column is each server's CPU per request over the
bare app's, measured in the same run.
CPU time is read from /proc (user + system, all threads), so it counts work, not waiting: on a
shared machine it moves less than requests/s do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.load import fake_slack_process, measure, wait_up
from suites.common import ROOT, Server, free_port, query

CONCURRENCY = 16
WARM_UP = 6  # seconds of both kinds of requests, per server, before measuring


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def cell(url: str, mix: str, messages: list[str], seconds: float, pids: dict[str, int]) -> dict:
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    result = await measure(url, CONCURRENCY, seconds, messages, mix)
    await asyncio.sleep(1.5)  # let background work (posts, refreshes) finish and be counted
    return {"rps": result["rps"], "errors": result["errors"],
            **{name: 1000 * (cpu_seconds(pid) - before[name]) / result["n"] for name, pid in pids.items()}}


def settled(path: Path) -> None:
    """The bench databases' items were inserted in bulk, never posted, so they wait in the outbox: the
    server would post that backlog (up to 100 items a tick) while being measured. Take them as posted."""
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM outbox")


async def main_async(seconds: float, runs: int, db: Path | None = None, before: Path | None = None) -> int:
    fake, api = fake_slack_process()
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "bench.bare_bolt", str(port), api + "/api/"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    rows: dict = {}
    servers: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="herobot-cpu-") as tmp:
        try:
            await wait_up(api + "/api/auth.test")
            await wait_up(f"http://127.0.0.1:{port}/healthz")
            db_path = Path(tmp) / "cpu.db"
            if db is not None:
                shutil.copyfile(db, db_path)
                settled(db_path)
            servers["herobot serve"] = Server(Path(tmp), db_path, api)
            if before is not None:
                servers["herobot serve, before"] = Server(Path(tmp), db_path, api,
                                                          extra_env={"PYTHONPATH": str(before.resolve())})
            for server in servers.values():
                await server.start(timeout=600)
                await measure(server.url, CONCURRENCY, 2, [], "idea")  # ideas to react to
            messages = [r[0] for r in query(db_path, "SELECT message_id FROM ideas "
                                            "WHERE message_id IS NOT NULL LIMIT 200")]
            for server in servers.values():  # a warm-up: a server's first seconds on a large file warm its caches
                await measure(server.url, CONCURRENCY, WARM_UP, messages, "both")
            await asyncio.sleep(1)
            targets = {name: (server.url, server.process.pid) for name, server in servers.items()}
            targets["bare Bolt"] = (f"http://127.0.0.1:{port}", bare.pid)
            for round_ in range(runs):
                order = list(targets.items())[::-1 if round_ % 2 else 1]  # no target always measured first
                for mix in ("idea", "reaction"):
                    for name, (url, pid) in order:
                        pids = {"server": pid, "fake Slack": fake.pid, "load generator": os.getpid()}
                        rows.setdefault((name, mix), []).append(await cell(url, mix, messages, seconds, pids))
        finally:
            for server in servers.values():
                server.stop()
            bare.terminate()
            fake.terminate()
    print(f"CPU ms per request, concurrency {CONCURRENCY}, medians of {runs} rounds of {seconds:g} s")
    print("| target | requests | requests/s | server | fake Slack | load generator | errors | server / bare Bolt's "
          "| server, each round |")
    print("|---|---|---|---|---|---|---|---|---|")
    medians = {key: {k: statistics.median(c[k] for c in cells) for k in cells[0]} for key, cells in rows.items()}
    for (name, mix), median in sorted(medians.items(), key=lambda item: item[0][1]):
        ratio = median["server"] / medians[("bare Bolt", mix)]["server"]
        rounds = " ".join(f"{c['server']:.2f}" for c in rows[(name, mix)])
        print(f"| {name} | {mix} | {median['rps']:.0f} | {median['server']:.2f} | {median['fake Slack']:.2f} | "
              f"{median['load generator']:.2f} | {sum(c['errors'] for c in rows[(name, mix)])} | {ratio:.1f}× | "
              f"{rounds} |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="serve a copy of this database (e.g. 100,000 ideas)")
    parser.add_argument("--before", type=Path, help="also serve the herobot code in this folder, on the same file")
    args = parser.parse_args()
    return asyncio.run(main_async(args.seconds, args.runs, args.db, args.before))


if __name__ == "__main__":
    sys.exit(main())

"""The HTTP-path benchmark: signed /idea commands and reactions at concurrency 1, 16 and 64 against
`herobot serve` (fake Slack answering, in its own process), a bare Bolt app that only acks
(process_before_response=True) and Bolt's default setting. Then RSS after N ideas.

`python -m bench.load [--seconds S] [--ideas N] [--runs R]`; prints a Markdown table of medians over R rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from suites.common import (
    ROOT, Server, command_body, distinct_text, event_body, free_port, query, reaction_event, signed,
)

FORM = "application/x-www-form-urlencoded"
# One sequence for the whole run: every /idea text and reacting user is new, in every cell and round,
# so the duplicate check holds none of them and no reaction repeats an earlier one.
UNIQUE = itertools.count()


def fake_slack_process() -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = ("import sys; from aiohttp import web; from suites.common import LeanFakeSlack; "
            f"web.run_app(LeanFakeSlack().app, host='127.0.0.1', port={port}, print=None, access_log=None)")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return process, f"http://127.0.0.1:{port}"


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def measure(url: str, concurrency: int, seconds: float, messages: list[str], mix: str = "both") -> dict:
    """Requests/s, p50/p99 ms and errors of `concurrency` clients for `seconds`: alternately `/idea` and a
    reaction on one of `messages` (mix "both"), or only one kind ("idea", "reaction")."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    counter = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            nonlocal errors, counter
            while time.monotonic() < deadline:
                counter += 1
                n = next(UNIQUE)
                if mix == "idea" or not messages or (mix == "both" and counter % 2):
                    body, kind = command_body(distinct_text(n), user=f"UB{n % 500}"), FORM
                else:
                    body = event_body(reaction_event(f"UR{n}", messages[n % len(messages)]))
                    kind = "application/json"
                headers = signed(body, kind)
                started = time.perf_counter()
                try:
                    async with session.post(url + "/slack/events", data=body, headers=headers) as response:
                        await response.read()
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": 1000 * statistics.median(latencies),
            "p99": 1000 * latencies[int(len(latencies) * 0.99) - 1], "errors": errors, "n": len(latencies)}


async def main_async(seconds: float, ideas: int, runs: int = 1) -> int:
    fake, api = fake_slack_process()
    results: dict = {}
    rss = None
    with tempfile.TemporaryDirectory(prefix="herobot-bench-") as tmp:
        try:
            await wait_up(api + "/api/auth.test")
            server = Server(Path(tmp), Path(tmp) / "bench.db", api)
            await server.start()
            bare = {}
            for name, extra in (("bare Bolt (process_before_response=True)", []), ("bare Bolt (default)", ["--default"])):
                port = free_port()
                bare[name] = (subprocess.Popen([sys.executable, "-m", "bench.bare_bolt", str(port), api + "/api/", *extra],
                                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}),
                              f"http://127.0.0.1:{port}")
                await wait_up(bare[name][1] + "/healthz")
            targets = {"herobot serve (full path)": server.url, **{k: v[1] for k, v in bare.items()}}
            rounds: dict = {}
            for _ in range(runs):  # the targets take turns, so a busy moment on the machine hits all alike
                for concurrency in (1, 16, 64):
                    messages = [r[0] for r in query(server.db_path, "SELECT message_id FROM ideas "
                                                    "WHERE message_id IS NOT NULL LIMIT 200")]
                    for name, url in targets.items():
                        await measure(url, concurrency, min(1.0, seconds), messages)  # warm up
                        rounds.setdefault((name, concurrency), []).append(
                            await measure(url, concurrency, seconds, messages))
            for key, measured in rounds.items():
                results[key] = {k: statistics.median(m[k] for m in measured) for k in ("rps", "p50", "p99")}
                results[key]["errors"] = sum(m["errors"] for m in measured)
            for process, _ in bare.values():
                process.terminate()
            print_results(results, None)
            print(f"timing done; now posting up to {ideas:,} ideas for the memory figure", flush=True)
            posted = query(server.db_path, "SELECT count(*) FROM ideas")[0][0]
            if ideas > posted:
                async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=16)) as session:
                    queue = iter(range(posted, ideas))

                    async def poster() -> None:
                        for _ in queue:
                            n = next(UNIQUE)
                            body = command_body(distinct_text(n), user=f"UM{n % 1000}")
                            async with session.post(server.url + "/slack/events", data=body, headers=signed(body, FORM)) as r:
                                await r.read()

                    await asyncio.gather(*(poster() for _ in range(16)))
                await asyncio.sleep(5)
            posted = query(server.db_path, "SELECT count(*) FROM ideas")[0][0]
            rss = (posted, server.rss_mb())
            server.stop()
        finally:
            fake.terminate()
    print_results(results, rss)
    full = "herobot serve (full path)"
    yardstick = "bare Bolt (process_before_response=True)"
    broken = [f"c={c}: {results[(full, c)]['rps'] / results[(yardstick, c)]['rps']:.0%} of bare Bolt"
              for c in (1, 16, 64) if results[(full, c)]["rps"] < 0.5 * results[(yardstick, c)]["rps"]]
    broken += ["p99 at c=16 is not under 100 ms"] if results[(full, 16)]["p99"] >= 100 else []
    broken += [f"{k}: {v['errors']} errors" for k, v in results.items() if v["errors"]]
    broken += [f"RSS {rss[1]:.0f} MB after {rss[0]} ideas"] if rss and rss[1] >= 200 else []
    for text in broken:
        print(f"BROKEN: {text}")
    return 1 if broken else 0


def print_results(results: dict, rss) -> None:
    print(f"date {time.strftime('%Y-%m-%d %H:%M')}, nproc {os.cpu_count()}, "
          f"{next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')}")
    print("| concurrency | target | requests/s | p50 ms | p99 ms | errors | full path / this |")
    print("|---|---|---|---|---|---|---|")
    for (name, c), r in results.items():
        ratio = results[("herobot serve (full path)", c)]["rps"] / r["rps"]
        print(f"| {c} | {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | {ratio:.0%} |")
    if rss:
        print(f"RSS of herobot serve after {rss[0]:,} ideas: {rss[1]:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="rounds per cell; the median is reported")
    args = parser.parse_args()
    return asyncio.run(main_async(args.seconds, args.ideas, args.runs))


if __name__ == "__main__":
    sys.exit(main())

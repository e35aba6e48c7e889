"""Benchmark: does a heavy request hold up everyone else's answer?

    nice -n 10 .venv/bin/python -m bench.stall --db /path/to/full.db [--seconds 30] [--rate 20]

Runs `herobot serve` (fake Slack in its own process) on a copy of the database given (the full-size
one of bench/problems_scale.py), with the per-person limit and the cache of heavy commands turned
off (`[limits] heavy_per_minute = 0`, `heavy_cache_seconds = 0`), so every heavy request does its
full work. Light requests (`/hero help`, signed, through HTTP) are sent at a steady `--rate` per second,
each on its own schedule (open loop: a slow answer does not delay the next request), first alone,
then while another client loops `/hero hotspots 90d`, `/hero digest`, `/hero search <two words>` over
HTTP, one after another without pause, and beside them `herobot export` (a second process reading the same
file) again and again. Prints the light
requests' p50, p99 and max side by side, and what the heavy client got done.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.load import fake_slack_process, wait_up
from suites.common import ROOT, Server, command_body, signed

FORM = "application/x-www-form-urlencoded"
HEAVY = ("hotspots 90d", "digest", "search refund card")
NO_LIMITS = "[limits]\nheavy_per_minute = 0\nheavy_cache_seconds = 0\n"


async def post(session: aiohttp.ClientSession, url: str, text: str, user: str) -> tuple[float, bool]:
    body = command_body(text, user=user, command="/hero")
    started = time.perf_counter()
    async with session.post(url + "/slack/events", data=body, headers=signed(body, FORM)) as response:
        await response.read()
        return time.perf_counter() - started, response.status == 200


async def light_load(url: str, rate: float, seconds: float) -> list[float]:
    """`/hero help` at `rate` a second for `seconds`: each request's latency in ms (errors count as inf)."""
    latencies: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def one(n: int) -> None:
            took, ok = await post(session, url, "help", f"UL{n % 50}")
            latencies.append(took * 1000 if ok else float("inf"))

        began = time.perf_counter()
        tasks = []
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, began + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    return latencies


async def heavy_loop(server: Server, stop: asyncio.Event) -> dict[str, list[float]]:
    """One client doing the heavy things until `stop`: the heavy commands in turn over HTTP, and beside them
    `herobot export` again and again in a second process; the time each took, in ms."""
    done: dict[str, list[float]] = {}
    await asyncio.gather(_heavy_commands(server, stop, done), _exports(server, stop, done))
    return done


async def _heavy_commands(server: Server, stop: asyncio.Event, done: dict[str, list[float]]) -> None:
    async with aiohttp.ClientSession() as session:
        while not stop.is_set():
            for text in HEAVY:
                took, ok = await post(session, server.url, text, "UHEAVY")
                done.setdefault(f"/hero {text}", []).append(took * 1000 if ok else float("inf"))


async def _exports(server: Server, stop: asyncio.Event, done: dict[str, list[float]]) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "export", env=server.env(), cwd=server.workdir,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        waiting = asyncio.create_task(process.wait())
        await asyncio.wait([waiting, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():  # the light requests are measured: an export still running is stopped
            process.terminate()
            await waiting
            done.setdefault("herobot export (stopped at the end)", []).append((time.perf_counter() - began) * 1000)
            return
        done.setdefault("herobot export", []).append((time.perf_counter() - began) * 1000 if waiting.result() == 0
                                                     else float("inf"))


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p99": ordered[max(0, int(len(ordered) * 0.99) - 1)], "max": ordered[-1]}


async def main_async(db: Path, seconds: float, rate: float) -> int:
    fake, api = fake_slack_process()
    with tempfile.TemporaryDirectory(prefix="herobot-stall-") as tmp:
        copy = Path(tmp) / "stall.db"
        shutil.copyfile(db, copy)
        server = Server(Path(tmp), copy, api)
        (Path(tmp) / "herobot.toml").write_text((Path(tmp) / "herobot.toml").read_text() + NO_LIMITS)
        try:
            await wait_up(api + "/api/auth.test")
            await server.start(timeout=600)  # the first start applies migrations to the copy
            await light_load(server.url, rate, 2)  # warm up
            alone = summary(await light_load(server.url, rate, seconds))
            stop = asyncio.Event()
            heavy = asyncio.create_task(heavy_loop(server, stop))
            await asyncio.sleep(1)
            beside = summary(await light_load(server.url, rate, seconds))
            stop.set()
            done = await heavy
        finally:
            server.stop()
            fake.terminate()
    print(f"\nlight requests: /hero help at {rate:g}/s for {seconds:g} s (ms)")
    print(f"{'':36} {'n':>6} {'p50':>8} {'p99':>8} {'max':>8}")
    for name, figures in (("alone", alone), ("beside the heavy client", beside)):
        print(f"{name:36} {figures['n']:6} {figures['p50']:8.1f} {figures['p99']:8.1f} {figures['max']:8.1f}")
    print("\nthe heavy client meanwhile (ms each)")
    for name, took in done.items():
        print(f"{name:36} {len(took):6} median {statistics.median(took):8.1f}  max {max(took):8.1f}")
    return 0 if beside["p99"] < 25 else 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=20)
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args.db, args.seconds, args.rate)))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()

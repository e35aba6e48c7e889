"""Votes per second through the core's Vote use case: an idea inside a challenge (whose message follows
its votes) against a plain idea, measured in the same run, rounds alternating which goes first.

    .venv/bin/python -m bench.challenge_votes [--rounds 8] [--votes 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.bootstrap import new_core
from bot.challenge_model import ChallengeDraft
from bot.config import Config
from bot.ideas import toggle_vote
from bot.model import Actor, Draft
from storage import challenges as challenge_store
from storage import ideas as store
from storage.db import open_database, write


async def measure(rounds: int, votes: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        core = new_core(db=db, config=Config.from_dict({"voting": {"threshold": 10**9}}))
        now = datetime.now(UTC)
        with write(db):
            plain = store.insert_idea(db, Actor("slack", "U1"), Draft(text="plain"), now)
            inside = store.insert_idea(db, Actor("slack", "U1"), Draft(text="inside"), now)
            challenge = challenge_store.insert_challenge(
                db, Actor("slack", "M"), ChallengeDraft("How might we?", date.today() + timedelta(days=3)), now)
            challenge_store.add_idea(db, challenge, inside)
            challenge_store.set_challenge_message(db, challenge, "C0IDEAS", "1.0")
        results: dict[str, list[float]] = {"plain idea": [], "idea in a challenge": []}
        pairs = [("plain idea", plain), ("idea in a challenge", inside)]
        for number in range(rounds):
            for name, idea in pairs if number % 2 else pairs[::-1]:
                start = time.perf_counter()
                for n in range(votes):
                    await toggle_vote(core, Actor("slack", f"U{number}x{n}"), idea)
                results[name].append(votes / (time.perf_counter() - start))
        db.conn.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--votes", type=int, default=1000)
    args = parser.parse_args()
    results = asyncio.run(measure(args.rounds, args.votes))
    base = statistics.median(results["plain idea"])
    for name, figures in results.items():
        median = statistics.median(figures)
        print(f"{name}: median {median:.0f} votes/s over {args.rounds} rounds ({median / base:.2f} of the plain idea)")


if __name__ == "__main__":
    main()

"""How long one scheduler wake-up takes when nothing is due, on a busy database.

Run: .venv/bin/python bench/scheduler_tick.py [ideas] [waiting]
"""

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from bot.bootstrap import new_core
from bot.config import Config  # noqa: E402
from bot.digest import build_digest  # noqa: E402
from bot.model import Actor, Draft, Status  # noqa: E402
from bot.scheduler import run_due  # noqa: E402
from storage.audit import transition  # noqa: E402
from storage.db import open_database, write  # noqa: E402
from storage.ideas import insert_idea  # noqa: E402


class NullChat:
    platform = "slack"

    def reaches(self, user_id: str) -> bool:
        return True


async def main(ideas: int, waiting: int) -> None:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    db = open_database(path)
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with write(db):
        for n in range(ideas):
            insert_idea(db, Actor("slack", f"U{n % 500}"), Draft(text=f"idea {n}"), now - timedelta(minutes=n))
        for n in range(1, waiting + 1):
            transition(db, n, "herobot", "threshold", Status.IN_REVIEW, now - timedelta(hours=1))
    core = new_core(db=db, config=Config.from_dict({"slack": {"ideas_channel": "C1"}, "roles": {"managers": ["M1"]}}),
                clock=lambda: now)
    core.chats["slack"] = NullChat()
    await run_due(core)  # claims nothing sendable yet (the reminders are not due); warms up
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        await run_due(core)
    tick = (time.perf_counter() - start) / runs
    start = time.perf_counter()
    await build_digest(core, now - timedelta(days=7), now)
    digest = time.perf_counter() - start
    print(f"{ideas} ideas, {waiting} waiting: idle wake-up {tick * 1000:.1f} ms, digest build {digest * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(*(int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (10_000, 1_000)))

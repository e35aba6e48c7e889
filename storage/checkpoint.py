"""WAL checkpoints in a worker thread instead of inside a request's COMMIT.

SQLite's automatic checkpoint runs within the COMMIT that crosses its threshold, on the
connection that committed. For the server that is the event loop's thread: copying the
WAL back into the database file (and its fsync) stalls every request for that moment,
and it cost about a tenth of the server's time under load. The server's connection turns
the automatic checkpoint off and a second connection checkpoints from a worker thread
(sqlite3 releases the GIL while SQLite works), so requests never wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from sqlite_utils import Database

log = logging.getLogger(__name__)

SQLITE_DEFAULT_AUTOCHECKPOINT = 1000  # pages
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # bytes of WAL file kept after a checkpoint resets it


@contextlib.asynccontextmanager
async def checkpoints_in_background(db: Database, path: str | Path, every: float = 0.5) -> AsyncIterator[None]:
    """While inside, `db` does not checkpoint on commit; a worker thread checkpoints every `every` seconds."""
    if str(path) == ":memory:":
        yield
        return
    checkpointer = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    stopping = asyncio.Event()
    task = asyncio.create_task(_checkpoint_until(stopping, checkpointer, every), name="wal checkpoints")
    try:
        yield
    finally:
        stopping.set()
        await task
        checkpointer.close()
        db.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_DEFAULT_AUTOCHECKPOINT}")


async def _checkpoint_until(stopping: asyncio.Event, connection: sqlite3.Connection, every: float) -> None:
    while not stopping.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), every)
        try:
            # PASSIVE never waits for readers or writers: what it cannot copy now, the next round does
            await asyncio.to_thread(lambda: connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
        except sqlite3.Error as error:
            log.warning("WAL checkpoint failed (%s); trying again in %s s", error, every)

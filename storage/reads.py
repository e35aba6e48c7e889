"""Reads off the event loop: a few read connections, one per worker thread.

WAL lets readers run beside the writer, and sqlite3 releases the GIL while SQLite works, so a
heavy query (hot spots, the digest, search, the similarity look-up, top all) in a worker
thread does not hold up the requests the loop is answering. Each read runs in one read
transaction: its queries see one snapshot, the latest commit when it began.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from storage import keys

T = TypeVar("T")
READERS = 2


class ReadPool:
    def __init__(self, path: str | Path, workers: int = READERS, busy_timeout_ms: int = 10_000,
                 secret: bytes | None = None) -> None:
        self._path = str(path)
        self._secret = secret
        self._busy_timeout_ms = busy_timeout_ms
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="herobot-read")
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(db, *args)` on a read connection in a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._in_snapshot, work, args)

    def _in_snapshot(self, work: Callable[..., T], args: tuple) -> T:
        db = self._connection()
        db.conn.execute("BEGIN")
        try:
            return work(db, *args)
        finally:
            db.conn.execute("ROLLBACK")  # nothing to keep: the connection is query-only

    def _connection(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA query_only = 1")
            conn.execute("PRAGMA cache_size = -16384")  # KiB: heavy reads revisit the same index pages
            with self._lock:
                self._opened.append(conn)
            db = self._local.db = Database(conn)
            if self._secret is not None:
                keys.attach(db, self._secret)
        return db

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()

"""Opening the database and running write transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from pathlib import Path

from sqlite_utils import Database

from bot.errors import SaveFailed
from storage import keys
from storage.schema import migrations

log = logging.getLogger(__name__)


CACHE_KIB = 32 * 1024


def open_database(path: str | Path, busy_timeout_ms: int = 10_000, secret: bytes | None = None) -> Database:
    """Open (creating if needed, mode 0600) the SQLite file, tune it and bring its schema up to date.

    The connection runs in autocommit mode so that every write goes through
    `write()`, which starts with BEGIN IMMEDIATE. `secret` (see storage.keys) defaults to
    the one the environment names: HEROBOT_SECRET_KEY, else the key file beside the config.
    """
    if secret is None:
        secret = keys.secret_from_environment(path)
    if str(path) != ":memory:":
        make_private(path)
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # the default 2 MB re-reads hot pages at 100,000 ideas
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free pages
    db = Database(conn)
    keys.attach(db, secret)
    if "m008_secret_out_of_the_database" in migrate(db) and str(path) != ":memory:":
        truncate_wal(db)  # old page images (m008 removed a secret) leave the WAL too
    return db


def make_private(path: str | Path) -> None:
    """The database and its WAL and shared-memory files are the owner's alone (SQLite gives -wal
    and -shm the database file's mode, so creating it 0600 is what counts)."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.chmod(name, 0o600)


def truncate_wal(db: Database) -> None:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def migrate(db: Database) -> list[str]:
    """Apply pending migrations under a write lock, so two processes starting together agree.
    Returns the names of those applied."""
    with write(db):
        pending = [migration.name for migration in migrations.pending(db)]
        migrations.apply(db)
    return pending


LOCK_PATIENCE = 10.0  # seconds, as the busy timeout
_FIRST_WAIT, _LONGEST_WAIT = 0.001, 0.05


class write:  # noqa: N801 (used as `with write(db)`, like a function)
    """One write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error.

    `async with write(db)` is what code on the event loop uses: while another connection holds
    the write lock it waits with `asyncio.sleep` (backing off) instead of SQLite's busy handler,
    which would block the loop's thread for up to the busy timeout. `with write(db)` waits inside
    SQLite (the CLI, migrations, worker threads). The body must not await: it runs on the loop's
    one connection, between BEGIN and COMMIT.

    Database errors surface as `SaveFailed` so adapters can tell the user to retry.
    Use plain `db.execute` inside: sqlite-utils' table writers commit on their own.
    """

    def __init__(self, db: Database, patience: float = LOCK_PATIENCE) -> None:
        self.db = db
        self.patience = patience

    def __enter__(self) -> Database:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise SaveFailed(str(error)) from error
        return self.db

    async def __aenter__(self) -> Database:
        await _begin_without_blocking(self.db, self.patience)
        return self.db

    def __exit__(self, kind, error, trace) -> bool:
        if error is None:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as failed:
                _fail(self.db, failed)
            _written(self.db)
            return False
        if isinstance(error, sqlite3.Error):
            _fail(self.db, error)
        _rollback(self.db)
        return False

    async def __aexit__(self, kind, error, trace) -> bool:
        return self.__exit__(kind, error, trace)


async def _begin_without_blocking(db: Database, patience: float) -> None:
    """BEGIN IMMEDIATE with SQLite's busy handler off; while the lock is taken, sleep on the loop and retry."""
    deadline = time.monotonic() + patience
    wait = _FIRST_WAIT
    while True:
        busy_ms = db.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        db.conn.execute("PRAGMA busy_timeout = 0")
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() + wait > deadline:
                raise SaveFailed(str(error)) from error
        except sqlite3.Error as error:
            raise SaveFailed(str(error)) from error
        finally:
            db.conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        await asyncio.sleep(wait)
        wait = min(wait * 2, _LONGEST_WAIT)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
        or "locked" in str(error)


def _fail(db: Database, error: sqlite3.Error) -> None:
    _rollback(db)
    log.error("write failed and was rolled back: %s", error)
    raise SaveFailed(str(error)) from error


def _rollback(db: Database) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")


# Commits seen by this process, per connection: with `PRAGMA data_version` (which counts the
# commits of other connections) it tells a cache whether anything may have changed.
_commits: dict[int, int] = {}


def _written(db: Database) -> None:
    _commits[id(db.conn)] = _commits.get(id(db.conn), 0) + 1


def generation(db: Database) -> tuple[int, int]:
    """Changes whenever anyone commits to the file: this connection (counted here) or another (data_version)."""
    return _commits.get(id(db.conn), 0), db.conn.execute("PRAGMA data_version").fetchone()[0]

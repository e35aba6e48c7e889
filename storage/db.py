"""Opening the database and running write transactions."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from bot.errors import SaveFailed
from storage.schema import migrations

log = logging.getLogger(__name__)


def open_database(path: str | Path, busy_timeout_ms: int = 10_000) -> Database:
    """Open (creating if needed) the SQLite file, tune it and bring its schema up to date.

    The connection runs in autocommit mode so that every write goes through
    `write()`, which starts with BEGIN IMMEDIATE.
    """
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    migrate(db)
    return db


def migrate(db: Database) -> None:
    """Apply pending migrations under a write lock, so two processes starting together agree."""
    with write(db):
        migrations.apply(db)


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error.

    Database errors surface as `SaveFailed` so adapters can tell the user to retry.
    Use plain `db.execute` inside: sqlite-utils' table writers commit on their own.
    """
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise SaveFailed(str(error)) from error
    try:
        yield db
        db.execute("COMMIT")
    except sqlite3.Error as error:
        _rollback(db)
        log.error("write failed and was rolled back: %s", error)
        raise SaveFailed(str(error)) from error
    except BaseException:
        _rollback(db)
        raise


def _rollback(db: Database) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")

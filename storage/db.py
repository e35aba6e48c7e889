"""Opening the database and running write transactions."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from bot.errors import SaveFailed
from storage import keys
from storage.schema import migrations

log = logging.getLogger(__name__)


def open_database(path: str | Path, busy_timeout_ms: int = 10_000, secret: bytes | None = None) -> Database:
    """Open (creating if needed, mode 0600) the SQLite file, tune it and bring its schema up to date.

    The connection runs in autocommit mode so that every write goes through
    `write()`, which starts with BEGIN IMMEDIATE. `secret` (see storage.keys) defaults to
    the one the environment names: HEROBOT_SECRET_KEY, else the key file beside the config.
    """
    if secret is None:
        secret = secret_from_environment(path)
    if str(path) != ":memory:":
        make_private(path)
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free pages
    db = Database(conn)
    keys.attach(db, secret)
    if "m008_secret_out_of_the_database" in migrate(db) and str(path) != ":memory:":
        truncate_wal(db)  # old page images (m008 removed a secret) leave the WAL too
    return db


def secret_from_environment(db_path: str | Path) -> bytes:
    from bot.config import Config, Settings  # plain settings; imported late, bot.config imports nothing of ours

    settings = Settings.from_env()
    return keys.load_secret(settings.secret_key, settings.key_file(Config.load(settings.config_path)), db_path)


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

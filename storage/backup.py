"""Online backup and restore of the SQLite file, and the lock that tells a restore the file is in use.

`backup` copies through SQLite's online backup API in one step: the copy is the database as
it was when the step began (a WAL read snapshot), writers carry on meanwhile. `restore`
copies back the same way, but only while no server or shell holds the database open.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path


class InUse(Exception):
    """A server or shell has the database open; a restore now would pull it out from under them."""


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextlib.contextmanager
def in_use(db_path: str | Path) -> Iterator[None]:
    """Held (shared) by everything that keeps the database open for long: serve, shell."""
    if str(db_path) == ":memory:":
        yield
        return
    with _open_lock(db_path) as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open_lock(db_path: str | Path):
    return os.fdopen(os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+b")


def _create_private(path: Path) -> None:
    """An empty file only its owner can read: SQLite keeps the mode of a file that exists."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600))


def integrity(path: str | Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def backup(db_path: str | Path, target: str | Path) -> None:
    """Copy the live database to `target` (replaced atomically once the copy is checked)."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _create_private(partial)
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy, pages=-1)  # one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
        finally:
            copy.close()
    finally:
        source.close()
    verdict = integrity(partial)
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, target)


def restore(source: str | Path, db_path: str | Path) -> None:
    """Replace the database's contents with `source`. Refuses while a server or shell has it open."""
    verdict = integrity(source)
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"{source} failed its integrity check: {verdict}")
    with _open_lock(db_path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InUse(f"{db_path} is open in a running herobot (serve or shell); stop it first") from None
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            dst = sqlite3.connect(str(db_path), timeout=10)
            try:
                src.backup(dst, pages=-1)  # page by page under SQLite's own locks, WAL included
            finally:
                dst.close()
                src.close()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

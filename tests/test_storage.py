"""The schema's own guarantees, on a real SQLite file: migrations, the status graph, the audit trail."""

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest

from bot.config import Config, Settings
from bot.bootstrap import running_core
from bot.model import Actor, Draft, Status
from storage import ideas as store
from storage.audit import audit_trail, transition
from storage.db import open_database, write

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def new_idea(db) -> int:
    with write(db):
        return store.insert_idea(db, Actor("slack", "U1"), Draft(text="An idea"), NOW)


def test_opening_twice_applies_migrations_once(tmp_path):
    open_database(tmp_path / "m.db").close()
    db = open_database(tmp_path / "m.db")
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    assert names == sorted(set(names)) and len(names) >= 2
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_transition_follows_the_graph_and_writes_one_audit_row(db):
    idea_id = new_idea(db)
    with write(db):
        assert transition(db, idea_id, "U0MGR1", "review", Status.IN_REVIEW, NOW) == Status.OPEN
        assert transition(db, idea_id, "U0MGR1", "implement", Status.IMPLEMENTED, NOW) is None  # not an edge
    assert store.get_idea(db, idea_id).status == Status.IN_REVIEW
    assert [(r["from_status"], r["to_status"]) for r in audit_trail(db)] == [("open", "in_review")]


def test_audit_rows_cannot_be_changed_or_removed(db):
    idea_id = new_idea(db)
    with write(db):
        transition(db, idea_id, "U0MGR1", "review", Status.IN_REVIEW, NOW)
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            db.execute(statement)
    assert len(audit_trail(db)) == 1


def test_status_outside_the_list_is_refused(db):
    idea_id = new_idea(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE ideas SET status = 'maybe' WHERE id = ?", [idea_id])


def test_anonymous_idea_stores_no_author_id(db):
    with write(db):
        idea_id = store.insert_idea(db, Actor("slack", "USECRET"), Draft(text="psst", anonymous=True), NOW)
    row = db.execute("SELECT * FROM ideas WHERE id = ?", [idea_id]).fetchone()
    assert "USECRET" not in str(row)
    assert [i.id for i in store.ideas_of_author(db, Actor("slack", "USECRET"))] == [idea_id]


async def test_the_server_checkpoints_the_wal_off_its_own_connection(tmp_path):
    """Commits on the core's connection never checkpoint; a worker thread copies the WAL into the file."""
    db_path = tmp_path / "checkpoint.db"
    async with running_core(Settings(db_path=str(db_path)), Config()) as core:
        assert core.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        size_before = db_path.stat().st_size
        with write(core.db) as db:
            db.execute("CREATE TABLE filler (text TEXT)")
        for _ in range(20):  # far fewer pages than SQLite's own threshold of 1,000
            with write(core.db) as db:
                db.execute("INSERT INTO filler VALUES (?)", ("x" * 8000,))
        for _ in range(50):
            if db_path.stat().st_size > size_before + 100_000:
                break
            await asyncio.sleep(0.1)
        assert db_path.stat().st_size > size_before + 100_000

"""Marking an idea or problem a duplicate of another, and undoing it, without counting anyone twice.

Every vote or report keeps its origin: the item the person acted on. A merge copies the
duplicate's rows (its own and those it holds from its own duplicates) into the original
and, if the original is itself merged later, further up; each copy names its origin
(vote marks `merged:<origin>`, report rows `origin_id`). Counts are distinct people, so a
person present on both sides counts once. Undoing deletes from the ancestors exactly the
copies whose origin is the undone item or one of its own duplicates, so nobody who acted on
the original (or on anything else) is lost. The duplicate's own rows are never touched, and
a duplicate takes no new votes or reports while it is one.

Writes run inside the caller's `storage.db.write` transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.model import ProblemStatus, Status
from storage import problems as problem_store
from storage.audit import transition

TABLES = {"idea": "ideas", "problem": "problems"}


def subtree(db: Database, kind: str, item_id: int) -> list[int]:
    """The item and everything marked (directly or through others) a duplicate of it."""
    table = TABLES[kind]
    rows = db.execute(
        f"""
        WITH RECURSIVE tree(id) AS (
            SELECT ? UNION SELECT t.id FROM {table} t JOIN tree ON t.duplicate_of = tree.id
        ) SELECT id FROM tree
        """,
        [item_id],
    )
    return [r[0] for r in rows]


def ancestors(db: Database, kind: str, item_id: int) -> list[int]:
    """What the item is a duplicate of, and what that is a duplicate of, and so on."""
    table = TABLES[kind]
    found: list[int] = []
    current = item_id
    while True:
        row = db.execute(f"SELECT duplicate_of FROM {table} WHERE id = ?", [current]).fetchone()
        if row is None or row[0] is None or row[0] in found:
            return found
        found.append(row[0])
        current = row[0]


def root_of(db: Database, kind: str, item_id: int) -> int:
    chain = ancestors(db, kind, item_id)
    return chain[-1] if chain else item_id


def _placeholders(values: list) -> str:
    return ", ".join("?" for _ in values)


# --- ideas ------------------------------------------------------------------------------------

def merge_idea(db: Database, duplicate_id: int, original_id: int, actor: str, at: datetime) -> bool:
    """Mark the idea a duplicate and move its votes to the original. False if its status does not allow it."""
    if transition(db, duplicate_id, actor, "duplicate", Status.DUPLICATE, at) is None:
        return False
    db.execute("UPDATE ideas SET duplicate_of = ? WHERE id = ?", [original_id, duplicate_id])
    for target in ancestors(db, "idea", duplicate_id):
        db.execute(
            "INSERT OR IGNORE INTO vote_marks (idea_id, user_id, source) "
            "SELECT ?, user_id, CASE WHEN source LIKE 'merged:%' THEN source ELSE 'merged:' || ? END "
            "FROM vote_marks WHERE idea_id = ?",
            [target, duplicate_id, duplicate_id],
        )
        db.execute("INSERT OR IGNORE INTO votes (idea_id, user_id, created_at) "
                   "SELECT ?, user_id, created_at FROM votes WHERE idea_id = ?", [target, duplicate_id])
    return True


def unmerge_idea(db: Database, duplicate_id: int, actor: str, at: datetime) -> bool:
    """Undo a merge: the idea gets back the status it had, the original loses only what came from it."""
    chain = ancestors(db, "idea", duplicate_id)
    if not chain:
        return False
    before = db.execute("SELECT from_status FROM audit WHERE idea_id = ? AND to_status = 'duplicate' "
                        "ORDER BY id DESC LIMIT 1", [duplicate_id]).fetchone()
    restore = Status(before[0]) if before else Status.OPEN
    if transition(db, duplicate_id, actor, "unduplicate", restore, at) is None:
        return False
    sources = [f"merged:{origin}" for origin in subtree(db, "idea", duplicate_id)]
    db.execute("UPDATE ideas SET duplicate_of = NULL WHERE id = ?", [duplicate_id])
    for target in chain:
        db.execute(f"DELETE FROM vote_marks WHERE idea_id = ? AND source IN ({_placeholders(sources)})",
                   [target, *sources])
        db.execute("DELETE FROM votes WHERE idea_id = ? AND NOT EXISTS "
                   "(SELECT 1 FROM vote_marks m WHERE m.idea_id = votes.idea_id AND m.user_id = votes.user_id)",
                   [target])
    return True


# --- problems ---------------------------------------------------------------------------------

def merge_problem(db: Database, duplicate_id: int, original_id: int, actor: str, at: datetime) -> bool:
    if problem_store.change_status(db, duplicate_id, actor, "duplicate", ProblemStatus.DUPLICATE, at,
                                   duplicate_of=original_id) is None:
        return False
    for target in ancestors(db, "problem", duplicate_id):
        db.execute(
            "INSERT OR IGNORE INTO problem_reports (problem_id, user_id, origin_id, contact_channel, frequency, created_at) "
            "SELECT ?, user_id, origin_id, contact_channel, frequency, created_at FROM problem_reports WHERE problem_id = ?",
            [target, duplicate_id],
        )
    return True


def unmerge_problem(db: Database, duplicate_id: int, actor: str, at: datetime) -> bool:
    chain = ancestors(db, "problem", duplicate_id)
    if not chain:
        return False
    restore = problem_store.status_before_duplicate(db, duplicate_id)
    problem_store.change_status(db, duplicate_id, actor, "unduplicate", restore, at)
    origins = subtree(db, "problem", duplicate_id)
    db.execute(f"DELETE FROM problem_reports WHERE problem_id IN ({_placeholders(chain)}) "
               f"AND origin_id IN ({_placeholders(origins)})", [*chain, *origins])
    return True

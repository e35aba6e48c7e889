"""Status changes and their audit trail. Audit rows are insert-only (triggers refuse the rest)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.model import Status
from bot.policy import can_move


def transition(db: Database, idea_id: int, actor: str, action: str, to_status: Status, at: datetime) -> Status | None:
    """Move an idea along an allowed edge and write its audit row, in the caller's transaction.

    Returns the status it came from, or None when the idea is missing or the edge is not
    allowed from where it is now (a second click, a race lost to another manager).
    """
    row = db.execute("SELECT status FROM ideas WHERE id = ?", [idea_id]).fetchone()
    if row is None or not can_move(Status(row[0]), to_status):
        return None
    from_status = Status(row[0])
    stamp = at.isoformat()
    db.execute("UPDATE ideas SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
               [to_status.value, stamp, idea_id, from_status.value])
    db.execute(
        "INSERT INTO audit (idea_id, actor, action, from_status, to_status, at) VALUES (?, ?, ?, ?, ?, ?)",
        [idea_id, actor, action, from_status.value, to_status.value, stamp],
    )
    return from_status


def audit_trail(db: Database) -> list[dict]:
    rows = db.execute("SELECT idea_id, actor, action, from_status, to_status, at FROM audit ORDER BY id")
    keys = ("idea_id", "actor", "action", "from_status", "to_status", "at")
    return [dict(zip(keys, row)) for row in rows]


"""The tables people use, row by row, for `herobot export --csv`: anonymous authors stay unnamed."""

from __future__ import annotations

from collections.abc import Iterator

from sqlite_utils import Database

QUERIES = {
    "ideas": """SELECT id, platform, title, text, CASE WHEN anonymous THEN NULL ELSE author_id END AS author,
                       anonymous, status, mission_goal, created_at, duplicate_of, champion, outcome,
                       (SELECT count(*) FROM votes v WHERE v.idea_id = ideas.id) AS votes,
                       (SELECT count(*) FROM comments c WHERE c.idea_id = ideas.id) AS comments
                FROM ideas ORDER BY id""",
    "votes": "SELECT idea_id, user_id, created_at FROM votes ORDER BY idea_id, created_at, user_id",
    "comments": "SELECT id, idea_id, user_id, text, created_at FROM comments ORDER BY id",
    "problems": "SELECT id, platform, text, reporter_id AS reporter, status, duplicate_of, created_at "
                "FROM problems ORDER BY id",
    "decisions": "SELECT id, idea_id, action, by_user, risk, note, reason, at FROM decisions ORDER BY id",
}


def rows_of(db: Database, table: str) -> tuple[list[str], Iterator[tuple]]:
    """(column names, rows) of one of QUERIES' tables."""
    cursor = db.execute(QUERIES[table])
    return [d[0] for d in cursor.description], iter(cursor)

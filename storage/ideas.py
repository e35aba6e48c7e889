"""Queries about ideas, votes and comments. Writes expect to run inside `storage.db.write`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlite_utils import Database

from bot.model import Actor, Comment, Draft, Idea, Status
from storage import keys

_IDEA_COLUMNS = """
    i.id, i.platform, i.title, i.text, i.author_id, i.anonymous, i.status, i.created_at,
    i.mission_goal, i.channel_id, i.message_id, i.problem, i.root_cause, i.solution, i.impact,
    (SELECT count(*) FROM votes v WHERE v.idea_id = i.id) AS votes,
    (SELECT count(*) FROM comments c WHERE c.idea_id = i.id) AS comments,
    i.duplicate_of
"""


def _idea(row: tuple) -> Idea:
    (id_, platform, title, text, author_id, anonymous, status, created_at, goal, channel_id,
     message_id, problem, root_cause, solution, impact, votes, comments, duplicate_of) = row
    return Idea(
        id=id_, platform=platform, title=title, text=text, author_id=author_id,
        anonymous=bool(anonymous), status=Status(status), created_at=datetime.fromisoformat(created_at),
        mission_goal=goal, channel_id=channel_id, message_id=message_id, votes=votes, comments=comments,
        fields={"problem": problem, "root_cause": root_cause, "solution": solution, "impact": impact},
        duplicate_of=duplicate_of,
    )


def author_key(db: Database, actor: Actor) -> str:
    """A keyed hash that recognises an author without storing who they are (the key is outside the file)."""
    return keys.author_key(db, actor.platform, actor.user_id)


def is_author(db: Database, idea_id: int, actor: Actor) -> bool:
    row = db.execute("SELECT author_key FROM ideas WHERE id = ?", [idea_id]).fetchone()
    return bool(row) and row[0] == author_key(db, actor)


def insert_idea(db: Database, actor: Actor, draft: Draft, at: datetime) -> int:
    stamp = at.isoformat()
    cursor = db.execute(
        """
        INSERT INTO ideas (platform, title, text, problem, root_cause, solution, impact, mission_goal,
                           author_id, author_key, anonymous, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
        """,
        [
            actor.platform, draft.title(), draft.full_text(), draft.problem or None, draft.root_cause or None,
            draft.solution or None, draft.impact or None, draft.mission_goal, None if draft.anonymous else actor.user_id,
            author_key(db, actor), int(draft.anonymous), stamp, stamp,
        ],
    )
    return cursor.lastrowid


def get_idea(db: Database, idea_id: int) -> Idea | None:
    row = db.execute(f"SELECT {_IDEA_COLUMNS} FROM ideas i WHERE i.id = ?", [idea_id]).fetchone()
    return _idea(row) if row else None


def idea_at_message(db: Database, platform: str, channel_id: str, message_id: str) -> Idea | None:
    row = db.execute(
        f"SELECT {_IDEA_COLUMNS} FROM ideas i WHERE i.platform = ? AND i.channel_id = ? AND i.message_id = ?",
        [platform, channel_id, message_id],
    ).fetchone()
    return _idea(row) if row else None


def set_idea_message(db: Database, idea_id: int, channel_id: str, message_id: str) -> None:
    db.execute("UPDATE ideas SET channel_id = ?, message_id = ? WHERE id = ?", [channel_id, message_id, idea_id])


def has_vote(db: Database, idea_id: int, user_id: str) -> bool:
    return db.execute("SELECT 1 FROM votes WHERE idea_id = ? AND user_id = ?", [idea_id, user_id]).fetchone() is not None


def add_vote_mark(db: Database, idea_id: int, user_id: str, source: str, at: datetime) -> bool:
    """Record what holds the vote up; returns True when this created the vote."""
    db.execute("INSERT OR IGNORE INTO vote_marks (idea_id, user_id, source) VALUES (?, ?, ?)", [idea_id, user_id, source])
    cursor = db.execute(
        "INSERT OR IGNORE INTO votes (idea_id, user_id, created_at) VALUES (?, ?, ?)", [idea_id, user_id, at.isoformat()]
    )
    return cursor.rowcount == 1


def remove_vote_mark(db: Database, idea_id: int, user_id: str, source: str) -> bool:
    """Drop one mark; the vote goes with its last mark. Returns True when the vote went."""
    db.execute("DELETE FROM vote_marks WHERE idea_id = ? AND user_id = ? AND source = ?", [idea_id, user_id, source])
    left = db.execute("SELECT 1 FROM vote_marks WHERE idea_id = ? AND user_id = ? LIMIT 1", [idea_id, user_id]).fetchone()
    if left:
        return False
    return db.execute("DELETE FROM votes WHERE idea_id = ? AND user_id = ?", [idea_id, user_id]).rowcount == 1


# Marks with this prefix were moved in from a duplicate (storage.merges); only undoing the merge removes them.
MERGED = "merged:"


def has_own_vote(db: Database, idea_id: int, user_id: str) -> bool:
    """A vote the person cast here themselves (button or reaction), not one moved in by a merge."""
    row = db.execute("SELECT 1 FROM vote_marks WHERE idea_id = ? AND user_id = ? AND source NOT LIKE 'merged:%' LIMIT 1",
                     [idea_id, user_id]).fetchone()
    return row is not None


def remove_vote(db: Database, idea_id: int, user_id: str) -> bool:
    """Take back the person's own marks; a vote still held up by a merged duplicate stays."""
    db.execute("DELETE FROM vote_marks WHERE idea_id = ? AND user_id = ? AND source NOT LIKE 'merged:%'",
               [idea_id, user_id])
    left = db.execute("SELECT 1 FROM vote_marks WHERE idea_id = ? AND user_id = ? LIMIT 1", [idea_id, user_id]).fetchone()
    if left:
        return False
    return db.execute("DELETE FROM votes WHERE idea_id = ? AND user_id = ?", [idea_id, user_id]).rowcount == 1


def voters(db: Database, idea_id: int) -> list[str]:
    return [r[0] for r in db.execute("SELECT user_id FROM votes WHERE idea_id = ? ORDER BY created_at, user_id", [idea_id])]


def add_comment(db: Database, idea_id: int, user_id: str, text: str, message_id: str, at: datetime) -> bool:
    cursor = db.execute(
        "INSERT OR IGNORE INTO comments (idea_id, user_id, text, message_id, created_at) VALUES (?, ?, ?, ?, ?)",
        [idea_id, user_id, text, message_id, at.isoformat()],
    )
    return cursor.rowcount == 1


def edit_comment(db: Database, idea_id: int, message_id: str, user_id: str, text: str) -> bool:
    """The author's edit of their comment; an edit by anyone else (or of a message that is no comment) changes nothing."""
    cursor = db.execute("UPDATE comments SET text = ? WHERE idea_id = ? AND message_id = ? AND user_id = ? AND text != ?",
                        [text, idea_id, message_id, user_id, text])
    return cursor.rowcount == 1


def idea_of_comment(db: Database, platform: str, channel_id: str, message_id: str) -> Idea | None:
    """The idea a comment (by its message id, in a channel) belongs to."""
    row = db.execute(
        # CROSS JOIN keeps this order: the few comments with that message id first (an index), then their idea
        f"SELECT {_IDEA_COLUMNS} FROM comments c CROSS JOIN ideas i ON c.idea_id = i.id "
        "WHERE c.message_id = ? AND i.platform = ? AND i.channel_id = ? LIMIT 1",
        [message_id, platform, channel_id],
    ).fetchone()
    return _idea(row) if row else None


def delete_comment(db: Database, idea_id: int, message_id: str) -> bool:
    return db.execute("DELETE FROM comments WHERE idea_id = ? AND message_id = ?", [idea_id, message_id]).rowcount == 1


def comments_of(db: Database, idea_id: int, limit: int = 50) -> list[Comment]:
    rows = db.execute(
        "SELECT idea_id, user_id, text, created_at FROM comments WHERE idea_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        [idea_id, limit],
    ).fetchall()
    return [Comment(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in reversed(rows)]


def top_ideas(db: Database, since: datetime | None, limit: int = 10) -> list[Idea]:
    """Ideas posted since `since` (or ever), most votes first; duplicates left out."""
    where = "i.status != 'duplicate'" + (" AND i.created_at >= ?" if since else "")
    params: list = [since.isoformat()] if since else []
    rows = db.execute(
        f"SELECT {_IDEA_COLUMNS} FROM ideas i WHERE {where} ORDER BY votes DESC, i.id DESC LIMIT ?", [*params, limit]
    ).fetchall()
    return [_idea(r) for r in rows]


def ideas_of_author(db: Database, actor: Actor, limit: int = 25) -> list[Idea]:
    return ideas_by_author_key(db, author_key(db, actor), limit)


def ideas_by_author_key(db: Database, key: str, limit: int = 25) -> list[Idea]:
    """For a connection that does not hold the secret: the key computed where it is held."""
    rows = db.execute(
        f"SELECT {_IDEA_COLUMNS} FROM ideas i WHERE i.author_key = ? ORDER BY i.id DESC LIMIT ?", [key, limit],
    ).fetchall()
    return [_idea(r) for r in rows]


def all_ideas(db: Database) -> Iterable[Idea]:
    for row in db.execute(f"SELECT {_IDEA_COLUMNS} FROM ideas i ORDER BY i.id"):
        yield _idea(row)


def claim_event(db: Database, event_id: str, at: datetime) -> bool:
    """True the first time an event id is seen; False for a redelivery."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO processed_events (event_id, received_at) VALUES (?, ?)", [event_id, at.isoformat()]
    )
    return cursor.rowcount == 1

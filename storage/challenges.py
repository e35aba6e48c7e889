"""Challenges and the ideas that belong to them. Writes expect to run inside `storage.db.write`."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database

from bot.challenge_model import Challenge, ChallengeDraft
from bot.model import Actor, Idea
from storage import ideas as idea_store

_COLUMNS = ("c.id, c.platform, c.question, c.problem_id, c.goal, c.ends_on, c.advance, c.status, c.created_by, "
            "c.created_at, c.closed_at, c.channel_id, c.message_id, "
            "(SELECT count(*) FROM challenge_ideas ci WHERE ci.challenge_id = c.id) AS ideas")


def _challenge(row: tuple) -> Challenge:
    (id_, platform, question, problem_id, goal, ends_on, advance, status, created_by, created_at, closed_at,
     channel_id, message_id, ideas) = row
    return Challenge(id=id_, platform=platform, question=question, problem_id=problem_id, goal=goal,
                     ends_on=date.fromisoformat(ends_on), advance=advance, status=status, created_by=created_by,
                     created_at=datetime.fromisoformat(created_at),
                     closed_at=datetime.fromisoformat(closed_at) if closed_at else None,
                     channel_id=channel_id, message_id=message_id, ideas=ideas)


def insert_challenge(db: Database, actor: Actor, draft: ChallengeDraft, at: datetime) -> int:
    cursor = db.execute(
        "INSERT INTO challenges (platform, question, problem_id, goal, ends_on, advance, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [actor.platform, draft.question.strip(), draft.problem_id, draft.goal or None, draft.ends_on.isoformat(),
         draft.advance, actor.user_id, at.isoformat()])
    return cursor.lastrowid


def get_challenge(db: Database, challenge_id: int) -> Challenge | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM challenges c WHERE c.id = ?", [challenge_id]).fetchone()
    return _challenge(row) if row else None


def set_challenge_message(db: Database, challenge_id: int, channel_id: str, message_id: str) -> None:
    db.execute("UPDATE challenges SET channel_id = ?, message_id = ? WHERE id = ?", [channel_id, message_id, challenge_id])


def open_challenges(db: Database, platform: str | None = None) -> list[Challenge]:
    where = "c.status = 'open'" + (" AND c.platform = ?" if platform else "")
    rows = db.execute(f"SELECT {_COLUMNS} FROM challenges c WHERE {where} ORDER BY c.ends_on, c.id",
                      [platform] if platform else []).fetchall()
    return [_challenge(r) for r in rows]


def closed_between(db: Database, since: datetime, until: datetime, platform: str | None = None) -> list[Challenge]:
    where = "c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?" + (" AND c.platform = ?" if platform else "")
    params = [since.isoformat(), until.isoformat()] + ([platform] if platform else [])
    rows = db.execute(f"SELECT {_COLUMNS} FROM challenges c WHERE {where} ORDER BY c.closed_at DESC, c.id DESC",
                      params).fetchall()
    return [_challenge(r) for r in rows]


def all_challenges(db: Database) -> list[Challenge]:
    return [_challenge(r) for r in db.execute(f"SELECT {_COLUMNS} FROM challenges c ORDER BY c.id").fetchall()]


def add_idea(db: Database, challenge_id: int, idea_id: int) -> None:
    db.execute("INSERT INTO challenge_ideas (idea_id, challenge_id) VALUES (?, ?)", [idea_id, challenge_id])


def challenge_of_idea(db: Database, idea_id: int) -> int | None:
    row = db.execute("SELECT challenge_id FROM challenge_ideas WHERE idea_id = ?", [idea_id]).fetchone()
    return row[0] if row else None


def posted_challenge_of_idea(db: Database, idea_id: int) -> tuple[int, str] | None:
    """(challenge id, platform) of the idea's challenge when its message is posted: one look-up on the vote path."""
    row = db.execute("SELECT c.id, c.platform FROM challenge_ideas ci JOIN challenges c ON c.id = ci.challenge_id "
                     "WHERE ci.idea_id = ? AND c.message_id IS NOT NULL", [idea_id]).fetchone()
    return (row[0], row[1]) if row else None


def idea_ids(db: Database, challenge_id: int) -> list[int]:
    rows = db.execute("SELECT idea_id FROM challenge_ideas WHERE challenge_id = ? ORDER BY idea_id", [challenge_id])
    return [r[0] for r in rows]


def advanced_ids(db: Database, challenge_id: int) -> list[int]:
    rows = db.execute("SELECT idea_id FROM challenge_ideas WHERE challenge_id = ? AND advanced = 1 ORDER BY idea_id",
                      [challenge_id])
    return [r[0] for r in rows]


def most_voted(db: Database, challenge_id: int, limit: int, open_only: bool = False) -> list[Idea]:
    """The challenge's ideas by votes (then the earliest first); duplicates left out."""
    status = "= 'open'" if open_only else "!= 'duplicate'"
    rows = db.execute(
        "SELECT ci.idea_id, (SELECT count(*) FROM votes v WHERE v.idea_id = ci.idea_id) AS n FROM challenge_ideas ci "
        f"JOIN ideas i ON i.id = ci.idea_id WHERE ci.challenge_id = ? AND i.status {status} "
        "ORDER BY n DESC, ci.idea_id LIMIT ?", [challenge_id, limit]).fetchall()
    return [idea_store.get_idea(db, r[0]) for r in rows]


def close(db: Database, challenge_id: int, advanced: list[int], at: datetime) -> bool:
    """Close an open challenge and mark the ideas it advanced; False when it was closed already."""
    cursor = db.execute("UPDATE challenges SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
                        [at.isoformat(), challenge_id])
    if cursor.rowcount != 1:
        return False
    for idea_id in advanced:
        db.execute("UPDATE challenge_ideas SET advanced = 1 WHERE idea_id = ?", [idea_id])
    return True


def authors(db: Database, challenge_id: int) -> tuple[int, list[str]]:
    """(how many distinct people posted its ideas, the named ones among them: anonymous authors never)."""
    people = db.execute("SELECT count(DISTINCT i.author_key) FROM challenge_ideas ci JOIN ideas i ON i.id = ci.idea_id "
                        "WHERE ci.challenge_id = ?", [challenge_id]).fetchone()[0]
    named = db.execute(
        "SELECT i.author_id FROM challenge_ideas ci JOIN ideas i ON i.id = ci.idea_id WHERE ci.challenge_id = ? "
        "AND i.anonymous = 0 AND i.author_id IS NOT NULL GROUP BY i.author_id ORDER BY min(i.id)", [challenge_id])
    return people, [r[0] for r in named]

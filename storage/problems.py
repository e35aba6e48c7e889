"""Queries about customer problems, their reporters and the ideas linked to them.

Writes expect to run inside `storage.db.write`. A problem's reporters are the distinct
people in its `problem_reports` rows (its own reports and those moved in by merges).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlite_utils import Database

from bot.model import Actor, Problem, ProblemDraft, ProblemStatus
from storage import hotspots

_PROBLEM_COLUMNS = """
    p.id, p.platform, p.text, p.reporter_id, p.status, p.created_at, p.duplicate_of, p.channel_id, p.message_id,
    (SELECT count(DISTINCT r.user_id) FROM problem_reports r WHERE r.problem_id = p.id) AS reporters
"""


def _problem(row: tuple) -> Problem:
    id_, platform, text, reporter_id, status, created_at, duplicate_of, channel_id, message_id, reporters = row
    return Problem(id=id_, platform=platform, text=text, reporter_id=reporter_id, status=ProblemStatus(status),
                   created_at=datetime.fromisoformat(created_at), reporters=reporters, duplicate_of=duplicate_of,
                   channel_id=channel_id, message_id=message_id)


def insert_problem(db: Database, actor: Actor, draft: ProblemDraft, at: datetime) -> int:
    stamp = at.isoformat()
    problem_id = db.execute(
        """
        INSERT INTO problems (platform, text, tried, went_wrong, reporter_id, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, 'open', ?, ?)
        """,
        [actor.platform, draft.full_text(), draft.tried.strip() or None, draft.went_wrong.strip() or None,
         actor.user_id, stamp, stamp],
    ).lastrowid
    add_report(db, problem_id, actor.user_id, draft.contact_channel, draft.frequency, at)
    return problem_id


def add_report(db: Database, problem_id: int, user_id: str, channel: str | None, frequency: str | None,
               at: datetime) -> bool:
    """The person's own report of this problem; True when they were not counted here before."""
    counted = has_reporter(db, problem_id, user_id)
    db.execute(
        "INSERT OR IGNORE INTO problem_reports (problem_id, user_id, origin_id, contact_channel, frequency, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [problem_id, user_id, problem_id, channel, frequency, at.isoformat()],
    )
    hotspots.advance(db, at)
    return not counted


def has_reporter(db: Database, problem_id: int, user_id: str) -> bool:
    row = db.execute("SELECT 1 FROM problem_reports WHERE problem_id = ? AND user_id = ? LIMIT 1",
                     [problem_id, user_id]).fetchone()
    return row is not None


def reporters(db: Database, problem_id: int) -> list[str]:
    rows = db.execute("SELECT user_id, min(created_at) AS first FROM problem_reports WHERE problem_id = ? "
                      "GROUP BY user_id ORDER BY first, user_id", [problem_id])
    return [r[0] for r in rows]


def channel_mix(db: Database, problem_id: int, since: datetime | None = None, until: datetime | None = None) -> dict[str, int]:
    """Distinct reporters by how the customer reached us (`unknown` when not said), in a window or ever."""
    where, params = "problem_id = ?", [problem_id]
    if since:
        where += " AND created_at >= ?"
        params.append(since.isoformat())
    if until:
        where += " AND created_at < ?"
        params.append(until.isoformat())
    rows = db.execute(f"SELECT coalesce(contact_channel, 'unknown'), count(DISTINCT user_id) FROM problem_reports "
                      f"WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1", params)
    return {channel: count for channel, count in rows}


def get_problem(db: Database, problem_id: int) -> Problem | None:
    row = db.execute(f"SELECT {_PROBLEM_COLUMNS} FROM problems p WHERE p.id = ?", [problem_id]).fetchone()
    return _problem(row) if row else None


def set_problem_message(db: Database, problem_id: int, channel_id: str, message_id: str) -> None:
    db.execute("UPDATE problems SET channel_id = ?, message_id = ? WHERE id = ?", [channel_id, message_id, problem_id])


def open_problems(db: Database, limit: int = 100) -> list[Problem]:
    """Open problems for the /idea form's select: the most reported first, then the newest."""
    rows = db.execute(f"SELECT {_PROBLEM_COLUMNS} FROM problems p WHERE p.status = 'open' ORDER BY p.id DESC LIMIT 500")
    return sorted((_problem(r) for r in rows), key=lambda p: (-p.reporters, -p.id))[:limit]


def all_problems(db: Database) -> Iterable[Problem]:
    for row in db.execute(f"SELECT {_PROBLEM_COLUMNS} FROM problems p ORDER BY p.id"):
        yield _problem(row)


# --- links between ideas and problems -----------------------------------------------------------

def link(db: Database, idea_id: int, problem_id: int, at: datetime) -> bool:
    cursor = db.execute("INSERT OR IGNORE INTO idea_problems (idea_id, problem_id, linked_at) VALUES (?, ?, ?)",
                        [idea_id, problem_id, at.isoformat()])
    return cursor.rowcount == 1


def ideas_for_problem(db: Database, problem_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT idea_id FROM idea_problems WHERE problem_id = ? ORDER BY idea_id",
                                     [problem_id])]


def problems_for_idea(db: Database, idea_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT problem_id FROM idea_problems WHERE idea_id = ? ORDER BY problem_id",
                                     [idea_id])]


# --- status changes -------------------------------------------------------------------------------

def change_status(db: Database, problem_id: int, actor: str, action: str, to_status: ProblemStatus, at: datetime,
                  duplicate_of: int | None = None) -> ProblemStatus | None:
    """Move a problem to `to_status` with its audit row; None when it is missing or already there."""
    row = db.execute("SELECT status FROM problems WHERE id = ?", [problem_id]).fetchone()
    if row is None or row[0] == to_status.value:
        return None
    stamp = at.isoformat()
    db.execute("UPDATE problems SET status = ?, duplicate_of = ?, updated_at = ? WHERE id = ? AND status = ?",
               [to_status.value, duplicate_of, stamp, problem_id, row[0]])
    db.execute("INSERT INTO problem_audit (problem_id, actor, action, from_status, to_status, at) VALUES (?, ?, ?, ?, ?, ?)",
               [problem_id, actor, action, row[0], to_status.value, stamp])
    return ProblemStatus(row[0])


def status_before_duplicate(db: Database, problem_id: int) -> ProblemStatus:
    row = db.execute("SELECT from_status FROM problem_audit WHERE problem_id = ? AND to_status = 'duplicate' "
                     "ORDER BY id DESC LIMIT 1", [problem_id]).fetchone()
    return ProblemStatus(row[0]) if row else ProblemStatus.OPEN


# --- hot spots ---------------------------------------------------------------------------------------

def reporters_in_window(db: Database, since: datetime, until: datetime, limit: int,
                        platform: str | None = None) -> list[tuple[int, int]]:
    """(problem id, people first reporting it in [since, until)) for problems that are not duplicates, most
    first; only `platform`'s problems when it is given. From maintained counts (storage.hotspots)."""
    return hotspots.ranked(db, since, until, limit, platform)


def reporters_between(db: Database, problem_id: int, since: datetime, until: datetime) -> int:
    return hotspots.reporters_between(db, problem_id, since, until)


def has_approved_idea(db: Database, problem_id: int) -> bool:
    row = db.execute("SELECT 1 FROM idea_problems l JOIN ideas i ON i.id = l.idea_id WHERE l.problem_id = ? "
                     "AND i.status IN ('approved', 'piloting', 'implemented') LIMIT 1", [problem_id]).fetchone()
    return row is not None

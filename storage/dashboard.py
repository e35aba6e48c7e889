"""The dashboard's queries: read-only figures over a window, on a read connection of its own, plus the
single-use claim of a sign-in link (the only write).

Weeks start on Monday (UTC); `week` columns are the Monday's date, 'YYYY-MM-DD'.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlite_utils import Database

from bot.timefmt import utc_text
from storage import hotspots

WEEK = "date(substr({col}, 1, 10), '-6 days', 'weekday 1')"


def ideas_ever(conn: sqlite3.Connection) -> int:
    """How many ideas were ever posted (the highest number given out)."""
    return conn.execute("SELECT max(id) FROM ideas").fetchone()[0] or 0


def database_file(conn: sqlite3.Connection) -> str | None:
    """The file behind a connection; None for an in-memory database."""
    for _, name, path in conn.execute("PRAGMA database_list"):
        if name == "main":
            return path or None
    return None


def open_reader(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the live file (WAL lets it read beside the writer)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def figures_version(conn: sqlite3.Connection) -> int:
    """Moves with every write to a table the figures come from (m025's triggers), and with no other."""
    return conn.execute("SELECT n FROM figures_version WHERE id = 1").fetchone()[0]


def claim_login(conn: sqlite3.Connection, nonce: str, at: datetime) -> bool:
    """Mark a sign-in link used, in the caller's write transaction; False when it was used before."""
    cursor = conn.execute("INSERT OR IGNORE INTO dashboard_logins (nonce, used_at) VALUES (?, ?)",
                          [nonce, utc_text(at)])
    return cursor.rowcount == 1


def forget_logins_before(conn: sqlite3.Connection, before: datetime) -> None:
    """Claims older than any link's life are no longer needed to refuse a reuse."""
    conn.execute("DELETE FROM dashboard_logins WHERE used_at < ?", [utc_text(before)])


# --- flow -----------------------------------------------------------------------------------------

def ideas_per_week(conn: sqlite3.Connection, mondays: list[date]) -> list[tuple[str, str, int]]:
    """(monday, current status, ideas posted that week), duplicates left out: one range read per week on the
    (created_at, status) index."""
    found = []
    for monday in mondays:
        start = datetime.combine(monday, time(), UTC)
        rows = conn.execute("SELECT status, count(*) FROM ideas WHERE created_at >= ? AND created_at < ? "
                            "AND status != 'duplicate' GROUP BY status",
                            [utc_text(start), utc_text(start + timedelta(days=7))]).fetchall()
        found += [(monday.isoformat(), status, n) for status, n in rows]
    return found


def stages_reached(conn: sqlite3.Connection, first: date) -> dict[str, int]:
    """How many of the ideas posted from the Monday `first` on ever reached each status: from the weekly rows m030's
    triggers keep."""
    rows = conn.execute("SELECT status, sum(ideas) FROM stages_reached WHERE week >= ? GROUP BY status",
                        [first.isoformat()])
    return dict(rows.fetchall())


def ideas_posted(conn: sqlite3.Connection, since: datetime) -> int:
    return conn.execute("SELECT count(*) FROM ideas WHERE created_at >= ? AND status != 'duplicate'",
                        [utc_text(since)]).fetchone()[0]


# --- decisions ------------------------------------------------------------------------------------

def decision_times(conn: sqlite3.Connection, since: datetime, until: datetime) -> list[tuple[str, float]]:
    """(deciding manager, days from review to decision) for decisions in [since, until) taken on an idea in review,
    from the rows m030's triggers write with each decision's audit row."""
    return conn.execute("SELECT manager, days FROM decision_durations "
                        "WHERE decided_at >= ? AND decided_at < ? AND days IS NOT NULL",
                        [utc_text(since), utc_text(until)]).fetchall()


def waiting_since(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(id, waiting since) of every idea waiting for a decision: since its last status change or decision, as the
    digest and the managers' queues count it (m029's rows)."""
    return conn.execute("SELECT idea_id, since FROM waiting").fetchall()


def longest_waiting(conn: sqlite3.Connection, limit: int) -> list[tuple[int, str, str, str]]:
    """(id, title, status, waiting since) of the ideas waiting longest for a decision."""
    return conn.execute("SELECT i.id, i.title, i.status, w.since FROM waiting w CROSS JOIN ideas i ON i.id = w.idea_id "
                        "ORDER BY w.since, w.idea_id LIMIT ?", [limit]).fetchall()


# --- customer problems ----------------------------------------------------------------------------

def top_problems(conn: sqlite3.Connection, since: datetime, until: datetime, limit: int) -> list[tuple[int, str, int]]:
    """(problem id, text, people first reporting it in [since, until)) for the most reported problems that are not
    duplicates: `/hero hotspots`' ranking, from the counts m014 keeps."""
    ranked = hotspots.ranked(Database(conn), since, until, limit)
    marks = ", ".join("?" for _ in ranked) or "NULL"
    texts = dict(conn.execute(f"SELECT id, text FROM problems WHERE id IN ({marks})", [p for p, _ in ranked]).fetchall())
    return [(problem, texts[problem], n) for problem, n in ranked]


def reporters_per_week(conn: sqlite3.Connection, problem_ids: list[int], since: datetime) -> list[tuple[int, str, int]]:
    """(problem id, week, distinct reporters) for the given problems."""
    if not problem_ids:
        return []
    marks = ", ".join("?" for _ in problem_ids)
    return conn.execute(
        f"SELECT problem_id, {WEEK.format(col='created_at')} AS week, count(DISTINCT user_id) FROM problem_reports "
        f"WHERE problem_id IN ({marks}) AND created_at >= ? GROUP BY problem_id, week",
        [*problem_ids, utc_text(since)]).fetchall()


def contact_channels(conn: sqlite3.Connection, since: datetime) -> list[tuple[str, int]]:
    """(how customers reached us, people who reported through it since `since`), most first; 'unknown' when not
    given. One range count per channel on the latest report of each person there (m032's rows)."""
    return conn.execute(
        """
        WITH RECURSIVE channels (channel) AS (
            SELECT min(channel) FROM channel_reporters
            UNION ALL SELECT (SELECT min(channel) FROM channel_reporters WHERE channel > c.channel) FROM channels c
            WHERE c.channel IS NOT NULL)
        SELECT channel, (SELECT count(*) FROM channel_reporters r WHERE r.channel = c.channel AND r.latest >= ?) AS n
        FROM channels c WHERE channel IS NOT NULL AND n > 0 ORDER BY n DESC, channel
        """, [utc_text(since)]).fetchall()


def has_approved_idea(conn: sqlite3.Connection, problem_id: int) -> bool:
    row = conn.execute("SELECT 1 FROM idea_problems l JOIN ideas i ON i.id = l.idea_id WHERE l.problem_id = ? "
                       "AND i.status IN ('approved', 'piloting', 'implemented') LIMIT 1", [problem_id]).fetchone()
    return row is not None


# --- mission goals, pilots and wins -----------------------------------------------------------------

def per_goal(conn: sqlite3.Connection) -> list[tuple[str | None, int, int, int]]:
    """(mission goal or None, ideas, pilots, wins), most ideas first, duplicates left out: from the counts m024's
    triggers keep."""
    rows = conn.execute("SELECT nullif(goal, ''), ideas, pilots, wins FROM goal_counts WHERE ideas > 0").fetchall()
    return sorted(rows, key=lambda r: (-r[1], r[0] or ""))


def pilots(conn: sqlite3.Connection, limit: int) -> list[tuple]:
    """(id, title, status, author id or None, metric, baseline, target, result, ends on), latest end first."""
    return conn.execute(
        """
        SELECT i.id, i.title, i.status, CASE WHEN i.anonymous THEN NULL ELSE i.author_id END,
               e.metric, e.baseline, e.target, e.result, e.ends_on
        FROM experiments e JOIN ideas i ON i.id = e.idea_id ORDER BY e.ends_on DESC, i.id DESC LIMIT ?
        """, [limit]).fetchall()


def pilots_of(conn: sqlite3.Connection, idea_ids: list[int]) -> list[tuple]:
    """The same columns as `pilots`, for the given ideas only."""
    marks = ", ".join("?" for _ in idea_ids) or "NULL"
    return conn.execute(
        f"""
        SELECT i.id, i.title, i.status, CASE WHEN i.anonymous THEN NULL ELSE i.author_id END,
               e.metric, e.baseline, e.target, e.result, e.ends_on
        FROM experiments e JOIN ideas i ON i.id = e.idea_id WHERE i.id IN ({marks}) ORDER BY e.ends_on DESC, i.id DESC
        """, idea_ids).fetchall()


def waits_of(conn: sqlite3.Connection, idea_ids: list[int]) -> dict[int, str]:
    """Since when each of the given ideas waits for a decision (m029's rows, as `waiting_since` counts it)."""
    marks = ", ".join("?" for _ in idea_ids) or "NULL"
    return dict(conn.execute(f"SELECT idea_id, since FROM waiting WHERE idea_id IN ({marks})", idea_ids).fetchall())


def pilot_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM experiments").fetchone()[0]


def wins_per_month(conn: sqlite3.Connection, since: datetime) -> list[tuple[str, int]]:
    return conn.execute(
        "SELECT substr(at, 1, 7) AS month, count(DISTINCT idea_id) FROM audit "
        "WHERE to_status = 'implemented' AND at >= ? GROUP BY month ORDER BY month", [utc_text(since)]).fetchall()


# --- participation and one's own ideas -------------------------------------------------------------

def people_per_week(conn: sqlite3.Connection, mondays: list[date]) -> dict[str, dict[str, int]]:
    """{'posted'|'voted'|'commented': {monday: distinct people that week}} (anonymous posters counted, never
    named). Voters and commenters from m030's rows per week and person (m023's weekly rows summed over
    platforms); posters by author key from the week's ideas (a person who posted both under their name and
    anonymously is one poster)."""
    found: dict[str, dict[str, int]] = {kind: {m.isoformat(): 0 for m in mondays} for kind in ("posted", "voted", "commented")}
    for monday in mondays:
        start = datetime.combine(monday, time(), UTC)
        found["posted"][monday.isoformat()] = conn.execute(
            "SELECT count(DISTINCT author_key) FROM ideas WHERE created_at >= ? AND created_at < ?",
            [utc_text(start), utc_text(start + timedelta(days=7))]).fetchone()[0]
    marks = ", ".join("?" for _ in mondays) or "NULL"
    rows = conn.execute(f"SELECT week, total(votes > 0), total(comments > 0) FROM week_people WHERE week IN ({marks}) "
                        f"GROUP BY week", [m.isoformat() for m in mondays])
    for monday, voted, commented in rows:
        found["voted"][monday], found["commented"][monday] = int(voted), int(commented)
    return found


# --- the digest's chart -----------------------------------------------------------------------------

def week_flow(conn: sqlite3.Connection, start: datetime, end: datetime, platform: str | None) -> dict[str, int]:
    """{'posted': new ideas, status: ideas moved into it} in [start, end); `platform`'s ideas only unless None."""
    only, params = (" AND i.platform = ?", [platform]) if platform else ("", [])
    window = [utc_text(start), utc_text(end)]
    posted = conn.execute(f"SELECT count(*) FROM ideas i WHERE i.created_at >= ? AND i.created_at < ?"
                          f" AND i.status != 'duplicate'{only}", window + params).fetchone()[0]
    moved = conn.execute(f"SELECT a.to_status, count(DISTINCT a.idea_id) FROM audit a JOIN ideas i ON i.id = a.idea_id "
                         f"WHERE a.at >= ? AND a.at < ?{only} GROUP BY a.to_status", window + params).fetchall()
    return {"posted": posted, **dict(moved)}


def hot_between(conn: sqlite3.Connection, start: datetime, end: datetime, limit: int,
                platform: str | None) -> list[tuple[int, str, int]]:
    """(problem id, text, distinct reporters in [start, end)) of the most reported problems that are not duplicates."""
    only, params = (" AND p.platform = ?", [platform]) if platform else ("", [])
    return conn.execute(
        f"""
        WITH counts AS (SELECT problem_id, count(DISTINCT user_id) AS n FROM problem_reports
                        WHERE created_at >= ? AND created_at < ? GROUP BY problem_id)
        SELECT p.id, p.text, c.n FROM counts c JOIN problems p ON p.id = c.problem_id
        WHERE p.status != 'duplicate'{only} ORDER BY c.n DESC, p.id DESC LIMIT ?
        """, [utc_text(start), utc_text(end), *params, limit]).fetchall()


# --- empowerment box ------------------------------------------------------------------------------

def box_has_actions(conn: sqlite3.Connection) -> bool:
    """Whether the box has ever had an action (a retired one's uses still count)."""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM box_actions)").fetchone()[0] == 1


def box_uses_per_action(conn: sqlite3.Connection, first: date, limit: int) -> list[tuple[int, int, int, int]]:
    """(action id, counted uses, worked, answered other than too early) from the first UTC day on, most used first:
    read from the daily figures the triggers keep (box_use_days)."""
    return conn.execute(
        "SELECT action_id, sum(uses), sum(worked), sum(answered) FROM box_use_days "
        "WHERE action_id IN (SELECT id FROM box_actions) AND day >= ? "
        "GROUP BY action_id HAVING sum(uses) > 0 ORDER BY 2 DESC, 1 LIMIT ?", [first.isoformat(), limit]).fetchall()


def box_too_early(conn: sqlite3.Connection, action_ids: list[int], since: datetime) -> dict[int, int]:
    """Counted uses whose last answer was "too early to say", per action (the daily figures do not keep these)."""
    marks = ", ".join("?" for _ in action_ids)
    rows = conn.execute(f"SELECT action_id, count(*) FROM box_uses WHERE counted_at >= ? AND outcome = 'too_early' "
                        f"AND action_id IN ({marks}) GROUP BY action_id", [utc_text(since), *action_ids])
    return dict(rows.fetchall())


def box_people_per_action(conn: sqlite3.Connection, action_ids: list[int], since: datetime) -> dict[int, int]:
    """How many people the counted uses of each action come from (to know which counts are too small to show)."""
    marks = ", ".join("?" for _ in action_ids)
    rows = conn.execute(f"SELECT action_id, count(DISTINCT user_id) FROM box_uses WHERE action_id IN ({marks}) "
                        f"AND counted_at >= ? GROUP BY action_id", [*action_ids, utc_text(since)])
    return dict(rows.fetchall())


def box_action_texts(conn: sqlite3.Connection, action_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(what the action is, its expected outcome) per action."""
    marks = ", ".join("?" for _ in action_ids)
    rows = conn.execute(f"SELECT id, action, expected_outcome FROM box_actions WHERE id IN ({marks})", action_ids)
    return {r[0]: (r[1], r[2]) for r in rows}


def box_exceptions(conn: sqlite3.Connection, since: datetime) -> tuple[int, int, int, int]:
    """(exceptions asked, allowed, declined, people who asked) among requests made since `since`."""
    row = conn.execute(
        "SELECT count(*), total(state = 'allowed'), total(state = 'declined'), count(DISTINCT user_id) FROM box_uses "
        "WHERE state IN ('asked', 'allowed', 'declined') AND created_at >= ?", [utc_text(since)]).fetchone()
    return row[0], int(row[1]), int(row[2]), row[3]

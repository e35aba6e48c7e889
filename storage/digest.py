"""Queries behind the weekly digest, the manager queues, reminders and pilot check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlite_utils import Database

from bot.model import DecisionFacts, Idea
from bot.timefmt import utc_text
from storage import keys
from storage.decisions import facts_of_change
from storage.ideas import _IDEA_COLUMNS, _idea

DECIDED = ("approved", "piloting", "declined", "needs_info", "implemented")


@dataclass(frozen=True)
class Waiting:
    """An idea waiting for a manager: in review or needing info, since its last action."""

    idea: Idea
    since: datetime


@dataclass(frozen=True)
class Decided:
    idea: Idea
    status: str
    at: datetime
    by: str | None = None  # who changed the status (the audit row's actor)


@dataclass(frozen=True)
class Pilot:
    idea: Idea
    ends_on: date
    hypothesis: str
    metric: str
    baseline: float | None
    target: float
    result: float | None
    learning: str | None
    decided_by: str | None
    author_channel: str | None


@dataclass(frozen=True)
class Participation:
    posters: int
    voters: int
    commenters: int
    people: int


def _on(platform: str | None, alias: str = "i") -> tuple[str, list]:
    """An extra condition keeping one platform's ideas (none when `platform` is None: every platform)."""
    return (f" AND {alias}.platform = ?", [platform]) if platform else ("", [])


def waiting_ideas(db: Database, platform: str | None = None, limit: int | None = None) -> list[Waiting]:
    """Ideas waiting for a decision, oldest wait first (the first `limit` of them), from the rows m029 keeps: the
    wait starts at the idea's last action (its last status change or decision)."""
    only, params = (" WHERE w.platform = ?", [platform]) if platform else ("", [])
    first = " LIMIT ?" if limit is not None else ""
    rows = db.execute(
        f"SELECT {_IDEA_COLUMNS}, w.since FROM waiting w CROSS JOIN ideas i ON i.id = w.idea_id{only} "
        f"ORDER BY w.since, w.idea_id{first}", [*params, *([limit] if limit is not None else [])]).fetchall()
    return [Waiting(_idea(r[:-1]), datetime.fromisoformat(r[-1])) for r in rows]


def waiting_count(db: Database, platform: str | None = None) -> int:
    only, params = (" WHERE platform = ?", [platform]) if platform else ("", [])
    return db.execute(f"SELECT count(*) FROM waiting{only}", params).fetchone()[0]


def pilots(db: Database) -> list[Pilot]:
    rows = db.execute(
        f"""
        SELECT {_IDEA_COLUMNS}, e.ends_on, e.hypothesis, e.metric, e.baseline, e.target, e.result, e.learning,
               (SELECT d.by_user FROM decisions d WHERE d.idea_id = i.id AND d.action = 'pilot'
                ORDER BY d.at DESC, d.id DESC LIMIT 1),
               i.author_channel
        FROM ideas i JOIN experiments e ON e.idea_id = i.id
        WHERE i.status = 'piloting' ORDER BY e.ends_on, i.id
        """
    ).fetchall()
    width = len(rows[0]) - 9 if rows else 0
    return [Pilot(_idea(r[:width]), date.fromisoformat(r[width][:10]), *r[width + 1:-1],
                  keys.unseal(db, r[0], r[-1])) for r in rows]


def new_ideas(db: Database, start: datetime, end: datetime, top: int = 5,
              platform: str | None = None) -> tuple[int, list[Idea]]:
    """How many ideas were posted in the window, and the most voted of them."""
    only, params = _on(platform)
    window = [utc_text(start), utc_text(end), *params]
    count = db.execute("SELECT count(*) FROM ideas i WHERE i.created_at >= ? AND i.created_at < ? "
                       f"AND i.status != 'duplicate'{only}", window).fetchone()[0]
    # The week's most voted first (by the vote counts m029 keeps), then those few ideas' whole rows.
    rows = db.execute(
        f"WITH best AS (SELECT i.id, coalesce(c.n, 0) AS n FROM ideas i LEFT JOIN vote_counts c ON c.idea_id = i.id "
        f"WHERE i.created_at >= ? AND i.created_at < ? AND i.status != 'duplicate'{only} ORDER BY n DESC, i.id LIMIT ?) "
        f"SELECT {_IDEA_COLUMNS} FROM best b JOIN ideas i ON i.id = b.id ORDER BY b.n DESC, i.id", [*window, top]).fetchall()
    return count, [_idea(r) for r in rows]


def decided(db: Database, start: datetime, end: datetime, platform: str | None = None, limit: int | None = None,
            statuses: tuple[str, ...] = DECIDED) -> list[Decided]:
    """The first `limit` status changes to `statuses` (approved, piloting, declined, needs info or implemented) in the
    window, in order, with who made each change (`facts_of` finds the decision behind one)."""
    marks = ", ".join("?" for _ in statuses)
    only, params = _on(platform)
    first = " LIMIT ?" if limit is not None else ""
    rows = db.execute(
        f"""
        SELECT {_IDEA_COLUMNS}, a.to_status, a.at, a.actor
        FROM audit a JOIN ideas i ON i.id = a.idea_id
        WHERE a.at >= ? AND a.at < ? AND a.to_status IN ({marks}){only} ORDER BY a.at, a.id{first}
        """, [utc_text(start), utc_text(end), *statuses, *params, *([limit] if limit is not None else [])]).fetchall()
    return [Decided(_idea(r[:-3]), r[-3], datetime.fromisoformat(r[-2]), r[-1]) for r in rows]


def decided_counts(db: Database, start: datetime, end: datetime, platform: str | None = None) -> dict[str, int]:
    """How many status changes to each of DECIDED the window holds."""
    marks = ", ".join("?" for _ in DECIDED)
    only, params = _on(platform)
    join = " JOIN ideas i ON i.id = a.idea_id" if platform else ""
    return dict(db.execute(f"SELECT a.to_status, count(*) FROM audit a{join} WHERE a.at >= ? AND a.at < ? "
                           f"AND a.to_status IN ({marks}){only} GROUP BY a.to_status",
                           [utc_text(start), utc_text(end), *DECIDED, *params]).fetchall())


def facts_of(db: Database, decided: Decided) -> DecisionFacts | None:
    """The decision behind one status change: its decider, and its reason or next step."""
    return facts_of_change(db, decided.idea, decided.status, utc_text(decided.at), decided.by)


def outcome_of(db: Database, idea_id: int) -> tuple[str | None, str | None, dict | None]:
    """An implemented idea's recorded outcome, champion and pilot figures (when it was piloted)."""
    outcome, champion = db.execute("SELECT outcome, champion FROM ideas WHERE id = ?", [idea_id]).fetchone()
    row = db.execute("SELECT metric, baseline, target, result, learning FROM experiments WHERE idea_id = ?",
                     [idea_id]).fetchone()
    pilot = dict(zip(("metric", "baseline", "target", "result", "learning"), row)) if row else None
    return outcome, champion, pilot


def participation(db: Database, start: datetime, end: datetime, platform: str | None = None) -> Participation:
    """Distinct people who posted, voted or commented in the window (anonymous posters counted, not named), from the
    rows m023's triggers keep: a window that is a whole UTC week from Monday (the default schedule's) reads that
    week's row per person; any other window the hours it covers, and the minutes before its first and after its last
    whole hour from the posts, votes and comments themselves."""
    if _is_week(start, end):
        params = [f"W{start.astimezone(UTC).date().isoformat()}", *([platform] if platform else [])]
        acts = ("SELECT platform, person, posts > 0 AS posted, votes > 0 AS voted, comments > 0 AS commented "
                "FROM participation WHERE period = ?" + (" AND platform = ?" if platform else ""))
    else:
        parts = _hour_parts(start, end, platform)
        params = [p for _, values in parts for p in values]
        union = " UNION ALL ".join(sql for sql, _ in parts)
        # grouped person first: most rows share one platform, which the sort would otherwise compare first for nothing
        acts = (f"SELECT platform, person, sum(posts) > 0 AS posted, sum(votes) > 0 AS voted, sum(comments) > 0 "
                f"AS commented FROM ({union}) GROUP BY person, platform")
    people, posters, voters, commenters, hidden = db.execute(
        f"SELECT count(*), total(posted), total(voted), total(commented), total(person LIKE 'k:%') FROM ({acts})",
        params).fetchone()
    if not hidden:
        return Participation(int(posters), int(voters), int(commenters), people)
    return _counted(db, db.execute(acts, params).fetchall())


def _is_week(start: datetime, end: datetime) -> bool:
    start = start.astimezone(UTC)
    return start.weekday() == 0 and start.time() == time(0) and end - start == timedelta(days=7)


def _hour_parts(start: datetime, end: datetime, platform: str | None) -> list[tuple[str, list]]:
    """(SQL, parameters) of the window's acts: its whole hours' rows, and its edges' acts."""
    first, last = _whole_hours(start, end)
    only = " AND platform = ?" if platform else ""
    parts = [(f"SELECT platform, person, posts, votes, comments FROM participation WHERE period >= ? AND period < ?"
              f"{only}", [f"H{first:%Y-%m-%dT%H}", f"H{last:%Y-%m-%dT%H}", *([platform] if platform else [])])]
    for edge in ((start, first), (last, end)) if first < last else ((start, end),):
        if edge[0] < edge[1]:
            parts += _acts_between(*edge, platform)
    return parts


def _whole_hours(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The first and the last whole UTC hour boundary inside [start, end] (first > last for a window inside an hour)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    first = start.replace(minute=0, second=0, microsecond=0)
    if first < start:
        first += timedelta(hours=1)
    return first, end.replace(minute=0, second=0, microsecond=0)


def _acts_between(start: datetime, end: datetime, platform: str | None) -> list[tuple[str, list]]:
    """(platform, person, posts, votes, comments) of each act in [start, end), as `participation` keeps them."""
    only, extra = _on(platform)
    window = [utc_text(start), utc_text(end), *extra]
    return [
        (f"SELECT i.platform, CASE WHEN i.author_id IS NULL THEN 'k:' || i.author_key ELSE i.author_id END, 1, 0, 0 "
         f"FROM ideas i INDEXED BY ideas_posters_by_time WHERE i.created_at >= ? AND i.created_at < ?{only}", window),
        ("SELECT i.platform, v.user_id, 0, 1, 0 FROM votes v CROSS JOIN ideas i INDEXED BY ideas_platform_by_id "
         f"ON i.id = v.idea_id WHERE v.created_at >= ? AND v.created_at < ?{only}", window),
        ("SELECT i.platform, c.user_id, 0, 0, 1 FROM comments c CROSS JOIN ideas i INDEXED BY ideas_platform_by_id "
         f"ON i.id = c.idea_id WHERE c.created_at >= ? AND c.created_at < ?{only}", window),
    ]


def _counted(db: Database, rows: list[tuple[str, str, int, int, int]]) -> Participation:
    """Posters are told apart by their author key, so an anonymous poster ('k:' and their key) who also posted
    under their name, voted or commented is one person: only then are the others' keys computed."""
    hidden = {(p, person[2:]) for p, person, *_ in rows if person.startswith("k:")}
    named = [(p, person, posted) for p, person, posted, _, _ in rows if not person.startswith("k:")]
    voters = sum(1 for *_, voted, _ in rows if voted)
    commenters = sum(1 for *_, commented in rows if commented)
    if not hidden:
        posters = sum(1 for *_, posted in named if posted)
        return Participation(posters, voters, commenters, len(rows))
    key_of = {(p, person): keys.author_key(db, p, person) for p, person, _ in named}
    poster_keys = {(p, key_of[(p, person)]) for p, person, posted in named if posted}
    acting_keys = {(p, k) for (p, _), k in key_of.items()}
    return Participation(len(poster_keys | hidden), voters, commenters, len(named) + len(hidden - acting_keys))

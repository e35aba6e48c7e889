"""Hot spots from maintained counts (m014): the cost follows the window's edges, not its reports.

A problem's reporters in a window are the people whose first report of it falls in the window
(a person counts once per problem, also when a merge brought in a second report of theirs).
`hot_counts` holds, per kept window length, each problem's people first reported at or after
that window's `since`; the triggers keep it exact as reports, merges and undos are written.
A window asked for is answered from the kept window whose `since` is nearest, corrected by the
first reports between the two `since`s and those at or after `until`: a few rows when `since`
is kept close to now, which `advance` does in the transaction of each report.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlite_utils import Database

ADVANCE_AFTER = timedelta(minutes=10)  # how far a kept `since` may lag before a report moves it
ADVANCE_STEP = timedelta(hours=2)  # how far one write moves it at most

_FIRSTS = """
    SELECT r.problem_id, count(DISTINCT r.user_id) FROM problem_reports r
    WHERE r.created_at >= ? AND r.created_at < ? {only}
      AND r.created_at = (SELECT min(x.created_at) FROM problem_reports x
                          WHERE x.problem_id = r.problem_id AND x.user_id = r.user_id)
    GROUP BY r.problem_id
"""


def firsts_between(db: Database, start: str, end: str, problem_id: int | None = None) -> Counter:
    """Per problem, the people whose first report of it is in [start, end) (ISO texts)."""
    only, params = ("AND r.problem_id = ?", [problem_id]) if problem_id is not None else ("", [])
    return Counter(dict(db.execute(_FIRSTS.format(only=only), [start, end, *params]).fetchall()))


def _kept(db: Database) -> list[tuple[int, str]]:
    return db.execute("SELECT days, since FROM hot_windows ORDER BY days").fetchall()


def advance(db: Database, now: datetime) -> bool:
    """Slide each kept window towards ending at `now` once it lags by more than ADVANCE_AFTER (inside a
    write); True when one moved."""
    moved_any = False
    for days, since in _kept(db):
        wanted, kept = now - timedelta(days=days), datetime.fromisoformat(since)
        if abs(wanted - kept) < ADVANCE_AFTER:
            continue
        # a long way (after days without reports, or a clock set back) is gone in steps, one per call,
        # so the write stays short; until then `ranked` corrects for the rest
        target = max(min(wanted, kept + ADVANCE_STEP), kept - ADVANCE_STEP).isoformat()
        forward = target > since
        moved = firsts_between(db, since, target) if forward else firsts_between(db, target, since)
        sign = -1 if forward else 1
        db.conn.executemany("UPDATE hot_counts SET n = n + ? WHERE problem_id = ? AND days = ?",
                            [(sign * count, problem, days) for problem, count in moved.items()])
        if not forward:  # problems with no kept row yet
            db.conn.executemany("INSERT OR IGNORE INTO hot_counts (problem_id, days, n) VALUES (?, ?, ?)",
                                [(problem, days, count) for problem, count in moved.items()])
        db.execute("DELETE FROM hot_counts WHERE days = ? AND n = 0", [days])
        db.execute("UPDATE hot_windows SET since = ? WHERE days = ?", [target, days])
        moved_any = True
    return moved_any


def catch_up(db: Database, now: datetime) -> None:
    """Every step of `advance` at once, for a tool or a bench (not for the serving loop: one long write)."""
    while advance(db, now):
        pass


def ranked(db: Database, since: datetime, until: datetime, limit: int,
           platform: str | None = None) -> list[tuple[int, int]]:
    """(problem id, people first reporting it in [since, until)) for problems that are not duplicates,
    most first (then the newest problem); only `platform`'s problems when it is given."""
    start, end = since.isoformat(), until.isoformat()
    kept = _kept(db)
    days, kept_since = min(kept, key=lambda k: abs(datetime.fromisoformat(k[1]) - since))
    delta = Counter()  # Counter's + and unary - drop what is not positive: subtract() keeps it
    if kept_since <= start:
        delta.subtract(firsts_between(db, kept_since, start))
    else:
        delta.update(firsts_between(db, start, kept_since))
    delta.subtract(firsts_between(db, end, "9999"))
    lowered = {p for p, d in delta.items() if d < 0}
    only, params = (" AND p.platform = ?", [platform]) if platform else ("", [])
    rows = db.execute(
        f"""
        SELECT h.problem_id, h.n FROM hot_counts h JOIN problems p ON p.id = h.problem_id
        WHERE h.days = ? AND h.n > 0 AND p.status != 'duplicate'{only}
        ORDER BY h.n DESC, h.problem_id DESC LIMIT ?
        """, [days, *params, limit + len(lowered)]).fetchall()
    counts = dict(rows)
    raised = [p for p, d in delta.items() if d > 0 and p not in counts]
    for at in range(0, len(raised), 500):
        chunk = raised[at:at + 500]
        counts.update(db.execute(
            f"SELECT p.id, coalesce((SELECT n FROM hot_counts WHERE problem_id = p.id AND days = ?), 0) "
            f"FROM problems p WHERE p.id IN ({', '.join('?' for _ in chunk)}) AND p.status != 'duplicate'{only}",
            [days, *chunk, *params]).fetchall())
    exact = [(p, n + delta.get(p, 0)) for p, n in counts.items()]
    return sorted([(p, n) for p, n in exact if n > 0], key=lambda c: (-c[1], -c[0]))[:limit]


def reporters_between(db: Database, problem_id: int, since: datetime, until: datetime) -> int:
    """People whose first report of the problem is in [since, until)."""
    return firsts_between(db, since.isoformat(), until.isoformat(), problem_id)[problem_id]

"""The empowerment box's queries: actions, their earlier versions, uses. Writes run inside `storage.db.write`."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime

from sqlite_utils import Database

from bot.box_model import ActionStats, BoxAction, BoxDraft, BoxUse
from bot.timefmt import utc_text
from storage import keys
from storage.search import key_terms

_ACTION_COLUMNS = ("id, platform, action, customers, limit_amount, unit, steps, expected_outcome, owner, status, "
                   "created_at, idea_id")
_USE_COLUMNS = "id, action_id, platform, user_id, amount, note, story, state, outcome, created_at, counted_at"
COUNTED = "('used', 'allowed')"


def _action(row) -> BoxAction:
    return BoxAction(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                     datetime.fromisoformat(row[10]), row[11])


def _use(row) -> BoxUse:
    return BoxUse(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7], row[8],
                  datetime.fromisoformat(row[9]), datetime.fromisoformat(row[10]) if row[10] else None)


# --- actions -------------------------------------------------------------------------------

def insert_action(db: Database, platform: str, owner: str, draft: BoxDraft, limit: float | None, unit: str,
                  now: datetime, idea_id: int | None = None) -> int:
    cursor = db.execute(
        "INSERT INTO box_actions (platform, action, customers, limit_amount, unit, steps, expected_outcome, owner, "
        "idea_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [platform, draft.action.strip(), draft.customers.strip(), limit, unit, draft.steps.strip(),
         draft.expected_outcome.strip(), owner, idea_id, utc_text(now)])
    return cursor.lastrowid


def keep_version(db: Database, action: BoxAction, change: str, by: str, now: datetime) -> None:
    """The text as it was before a change; never updated or deleted (triggers)."""
    db.execute(
        "INSERT INTO box_versions (action_id, change, action, customers, limit_amount, unit, steps, expected_outcome, "
        "changed_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [action.id, change, action.action, action.customers, action.limit, action.unit, action.steps,
         action.expected_outcome, by, utc_text(now)])


def update_action(db: Database, action_id: int, draft: BoxDraft, limit: float | None, unit: str) -> None:
    db.execute("UPDATE box_actions SET action = ?, customers = ?, limit_amount = ?, unit = ?, steps = ?, "
               "expected_outcome = ? WHERE id = ?",
               [draft.action.strip(), draft.customers.strip(), limit, unit, draft.steps.strip(),
                draft.expected_outcome.strip(), action_id])


def retire_action(db: Database, action_id: int) -> None:
    db.execute("UPDATE box_actions SET status = 'retired' WHERE id = ?", [action_id])


def get_action(db: Database, action_id: int) -> BoxAction | None:
    row = db.execute(f"SELECT {_ACTION_COLUMNS} FROM box_actions WHERE id = ?", [action_id]).fetchone()
    return _action(row) if row else None


def actions(db: Database, status: str | None = "active", limit: int = 1000) -> list[BoxAction]:
    where = "WHERE status = ?" if status else "WHERE ? IS NULL"
    return [_action(r) for r in db.execute(f"SELECT {_ACTION_COLUMNS} FROM box_actions {where} ORDER BY id LIMIT ?",
                                           [status, limit])]


def count_actions(db: Database) -> int:
    return db.execute("SELECT count(*) FROM box_actions WHERE status = 'active'").fetchone()[0]


def versions(db: Database, action_id: int) -> list[dict]:
    rows = db.execute("SELECT change, action, customers, limit_amount, unit, steps, expected_outcome, changed_by, at "
                      "FROM box_versions WHERE action_id = ? ORDER BY id", [action_id])
    keys = ("change", "action", "customers", "limit", "unit", "steps", "expected_outcome", "changed_by", "at")
    return [dict(zip(keys, r)) for r in rows]


def matching(db: Database, words: str, limit: int = 5) -> list[BoxAction]:
    """Active actions matching any of the words that say what the text is about (stemmed), best first."""
    terms = key_terms(words)
    if not terms:
        return []
    query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    rows = db.execute(
        f"SELECT {', '.join('a.' + c.strip() for c in _ACTION_COLUMNS.split(','))} FROM box_actions_fts f "
        "JOIN box_actions a ON a.id = f.rowid WHERE box_actions_fts MATCH ? AND a.status = 'active' "
        "ORDER BY f.rank LIMIT ?", [query, limit])
    return [_action(r) for r in rows]


# --- uses ----------------------------------------------------------------------------------

def customer_key(db: Database, action_id: int, reference: str) -> str:
    """A keyed hash of the customer's reference: the database alone cannot say who the customer was (the key
    is derived from the server's secret, which is not in the file: storage.keys)."""
    text = f"{action_id}:{reference.strip().lower()}".encode()
    return hmac.new(keys.derived_key(db, b"herobot box customers"), text, hashlib.sha256).hexdigest()


def insert_use(db: Database, action_id: int, platform: str, user_id: str, amount: float | None, note: str,
               customer: str | None, story: bool, state: str, now: datetime) -> int:
    counted = utc_text(now) if state in ("used", "allowed") else None
    cursor = db.execute(
        "INSERT INTO box_uses (action_id, platform, user_id, amount, note, customer_key, story, state, created_at, "
        "counted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [action_id, platform, user_id, amount, note, customer, int(story), state, utc_text(now), counted])
    return cursor.lastrowid


def get_use(db: Database, use_id: int) -> BoxUse | None:
    row = db.execute(f"SELECT {_USE_COLUMNS} FROM box_uses WHERE id = ?", [use_id]).fetchone()
    return _use(row) if row else None


def customer_uses_since(db: Database, action_id: int, customer: str, since: datetime) -> int:
    return db.execute(f"SELECT count(*) FROM box_uses WHERE action_id = ? AND customer_key = ? AND counted_at >= ? "
                      f"AND state IN {COUNTED}", [action_id, customer, utc_text(since)]).fetchone()[0]


def set_state(db: Database, use_id: int, from_state: str, to_state: str, now: datetime) -> bool:
    counted = utc_text(now) if to_state in ("used", "allowed") else None
    return db.execute("UPDATE box_uses SET state = ?, counted_at = ? WHERE id = ? AND state = ?",
                      [to_state, counted, use_id, from_state]).rowcount == 1


def set_outcome(db: Database, use_id: int, outcome: str, now: datetime) -> None:
    db.execute("UPDATE box_uses SET outcome = ?, answered_at = ? WHERE id = ?", [outcome, utc_text(now), use_id])


def set_story(db: Database, use_id: int) -> None:
    db.execute("UPDATE box_uses SET story = 1 WHERE id = ?", [use_id])


def claim_story_post(db: Database, use_id: int, now: datetime) -> bool:
    """Whether this caller posts the story: once, for a shared use that worked."""
    return db.execute("UPDATE box_uses SET story_posted_at = ? WHERE id = ? AND story = 1 AND outcome = 'worked' "
                      "AND story_posted_at IS NULL", [utc_text(now), use_id]).rowcount == 1


def stats(db: Database, action_id: int, since: datetime) -> ActionStats:
    row = db.execute(
        "SELECT count(*), coalesce(sum(outcome = 'worked'), 0), coalesce(sum(outcome IN ('worked', 'did_not_work')), 0) "
        "FROM box_uses WHERE action_id = ? AND counted_at >= ?", [action_id, utc_text(since)]).fetchone()
    return ActionStats(*row)


def stats_of_days(db: Database, first: date, end: date, platform: str | None = None) -> dict[int, ActionStats]:
    """Counted uses by action on the UTC days [first, end), most used first: from the daily figures the triggers
    keep (box_use_days), one index range per action and no sort of rows."""
    rows = db.execute(
        "SELECT action_id, sum(uses), sum(worked), sum(answered) FROM box_use_days "
        "WHERE action_id IN (SELECT id FROM box_actions) AND day >= ? AND day < ? "
        + ("AND platform = ? " if platform else "") + "GROUP BY action_id HAVING sum(uses) > 0 ORDER BY 2 DESC, 1",
        [first.isoformat(), end.isoformat(), *([platform] if platform else [])])
    return {r[0]: ActionStats(r[1], r[2], r[3]) for r in rows}


def exceptions_between(db: Database, since: datetime, until: datetime, platform: str | None = None) -> tuple[int, int]:
    """(exceptions asked, allowed) among requests made between two instants."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(state = 'allowed'), 0) FROM box_uses WHERE state IN ('asked', 'allowed', 'declined') "
        "AND created_at >= ? AND created_at < ?" + (" AND platform = ?" if platform else ""),
        [utc_text(since), utc_text(until), *([platform] if platform else [])]).fetchone()
    return row[0], row[1]


def stories_between(db: Database, since: datetime, until: datetime, limit: int,
                    platform: str | None = None) -> list[BoxUse]:
    """Shared uses that worked, answered between two instants."""
    rows = db.execute(
        f"SELECT {_USE_COLUMNS} FROM box_uses WHERE story = 1 AND outcome = 'worked' AND answered_at >= ? "
        f"AND answered_at < ?" + (" AND platform = ?" if platform else "") + " ORDER BY answered_at LIMIT ?",
        [utc_text(since), utc_text(until), *([platform] if platform else []), limit])
    return [_use(r) for r in rows]


def champions(db: Database, since: datetime, limit: int) -> list[tuple[str, int]]:
    """People by uses that worked, counted since `since`, most first."""
    rows = db.execute("SELECT user_id, count(*) FROM box_uses WHERE counted_at >= ? AND outcome = 'worked' "
                      "GROUP BY user_id ORDER BY count(*) DESC, min(counted_at) LIMIT ?", [utc_text(since), limit])
    return [(r[0], r[1]) for r in rows]


def stories_of(db: Database, user_id: str, since: datetime, limit: int) -> list[BoxUse]:
    rows = db.execute(f"SELECT {_USE_COLUMNS} FROM box_uses WHERE user_id = ? AND story = 1 AND outcome = 'worked' "
                      f"AND counted_at >= ? ORDER BY counted_at DESC LIMIT ?", [user_id, utc_text(since), limit])
    return [_use(r) for r in rows]


def to_follow_up(db: Database, counted_before: datetime, counted_since: datetime) -> list[BoxUse]:
    """Counted uses with no final outcome yet, counted in [since, before)."""
    rows = db.execute(f"SELECT {_USE_COLUMNS} FROM box_uses INDEXED BY box_uses_to_follow_up WHERE counted_at IS NOT NULL "
                      f"AND (outcome IS NULL OR outcome = 'too_early') AND counted_at >= ? AND counted_at < ? "
                      f"ORDER BY counted_at", [utc_text(counted_since), utc_text(counted_before)])
    return [_use(r) for r in rows]


def uses_of_action(db: Database, action_id: int) -> list[BoxUse]:
    """What the export lists: counted uses and decided exceptions (refused attempts and open requests are not uses)."""
    rows = db.execute(f"SELECT {_USE_COLUMNS} FROM box_uses WHERE action_id = ? AND state IN ('used', 'allowed', "
                      f"'declined') ORDER BY id", [action_id])
    return [_use(r) for r in rows]


def uses_of_user(db: Database, user_id: str) -> list[BoxUse]:
    return [_use(r) for r in db.execute(f"SELECT {_USE_COLUMNS} FROM box_uses WHERE user_id = ? ORDER BY id", [user_id])]


def forget_uses(db: Database, user_id: str) -> int:
    """A forgotten person's uses go (their words and what they did); the box's counts lose them."""
    return db.execute("DELETE FROM box_uses WHERE user_id = ?", [user_id]).rowcount


def follow_ups_sent(db: Database, kind: str, use_ids: list[int]) -> set[tuple[int, str]]:
    """(use id, ask number) of follow-ups already sent, from the claims table."""
    found: set[tuple[int, str]] = set()
    for start in range(0, len(use_ids), 500):
        chunk = use_ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = db.execute(f"SELECT idea_id, period FROM sends WHERE kind = ? AND sent_at IS NOT NULL "
                          f"AND idea_id IN ({marks})", [kind, *chunk])
        found.update((r[0], r[1]) for r in rows)
    return found

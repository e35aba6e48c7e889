"""The claims table for scheduled sends, and snoozed reminders. Writes run inside `storage.db.write`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from bot.timefmt import utc_text


@dataclass(frozen=True)
class SendKey:
    kind: str
    idea_id: int
    recipient: str
    period: str
    platform: str = "slack"  # a send is claimed per platform: Slack's and Teams' digests of a week never collide

    def __str__(self) -> str:
        idea = f" #{self.idea_id}" if self.idea_id else ""
        return f"{self.platform} {self.kind}{idea} to {self.recipient or '-'} for {self.period}"


@dataclass(frozen=True)
class Claim:
    """This process may send now. `attempt` > 1 means an earlier attempt never completed."""

    attempt: int
    claimed_at: datetime
    error: str | None = None


_WHERE = "kind = ? AND idea_id = ? AND recipient = ? AND period = ? AND platform = ?"


def _params(key: SendKey) -> list:
    return [key.kind, key.idea_id, key.recipient, key.period, key.platform]


def claim(db: Database, key: SendKey, now: datetime, hold_until: datetime) -> Claim | None:
    """Claim a send; None when it was sent, or another attempt holds it until its retry time."""
    row = db.execute(f"SELECT sent_at, retry_at, attempts, claimed_at, error FROM sends WHERE {_WHERE}",
                     _params(key)).fetchone()
    if row is None:
        db.execute("INSERT INTO sends (kind, idea_id, recipient, period, platform, claimed_at, retry_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [*_params(key), utc_text(now), utc_text(hold_until)])
        return Claim(1, now)
    sent_at, retry_at, attempts, claimed_at, error = row
    if sent_at is not None or datetime.fromisoformat(retry_at) > now:
        return None
    db.execute(f"UPDATE sends SET attempts = attempts + 1, retry_at = ? WHERE {_WHERE}",
               [utc_text(hold_until), *_params(key)])
    return Claim(attempts + 1, datetime.fromisoformat(claimed_at), error)


def complete(db: Database, key: SendKey, channel_id: str, message_id: str, now: datetime) -> None:
    db.execute(f"UPDATE sends SET sent_at = ?, channel_id = ?, message_id = ?, error = NULL WHERE {_WHERE}",
               [utc_text(now), channel_id, message_id, *_params(key)])


def failed(db: Database, key: SendKey, error: str, retry_at: datetime) -> None:
    db.execute(f"UPDATE sends SET error = ?, retry_at = ? WHERE {_WHERE}", [error[:500], utc_text(retry_at), *_params(key)])


def unfinished(db: Database) -> list[tuple[SendKey, int, str, str | None]]:
    """Claimed sends that never completed: (key, attempts, claimed_at, last error)."""
    rows = db.execute("SELECT kind, idea_id, recipient, period, platform, attempts, claimed_at, error FROM sends "
                      "WHERE sent_at IS NULL ORDER BY claimed_at").fetchall()
    return [(SendKey(*r[:5]), r[5], r[6], r[7]) for r in rows]


def sent(db: Database, kind: str | None = None) -> list[dict]:
    where, params = ("WHERE sent_at IS NOT NULL AND kind = ?", [kind]) if kind else ("WHERE sent_at IS NOT NULL", [])
    rows = db.execute(f"SELECT kind, idea_id, recipient, period, sent_at, channel_id, message_id, attempts, platform "
                      f"FROM sends {where} ORDER BY sent_at", params).fetchall()
    keys = ("kind", "idea_id", "recipient", "period", "sent_at", "channel_id", "message_id", "attempts", "platform")
    return [dict(zip(keys, r)) for r in rows]


def schedule_since(db: Database, now: datetime) -> datetime:
    """When this database first ran a scheduler: weekly periods before it are not caught up."""
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schedule_since', ?)", [utc_text(now)])
    return datetime.fromisoformat(db.execute("SELECT value FROM meta WHERE key = 'schedule_since'").fetchone()[0])


def snooze(db: Database, idea_id: int, user_id: str, until: date, now: datetime) -> None:
    db.execute("INSERT INTO snoozes (idea_id, user_id, until, at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (idea_id, user_id) DO UPDATE SET until = excluded.until, at = excluded.at",
               [idea_id, user_id, until.isoformat(), utc_text(now)])


def all_snoozes(db: Database) -> dict[int, dict[str, tuple[date, datetime]]]:
    """idea id -> user id -> (remind again on, snoozed at): one query for a whole scheduler tick."""
    found: dict[int, dict[str, tuple[date, datetime]]] = {}
    for idea_id, user_id, until, at in db.execute("SELECT idea_id, user_id, until, at FROM snoozes"):
        found.setdefault(idea_id, {})[user_id] = (date.fromisoformat(until), datetime.fromisoformat(at))
    return found



def nudge_inputs(db: Database) -> tuple:
    """Changes whenever a reminder, escalation or check-in could become due other than by the clock: a
    status change or decision (audit, decisions), a pilot, a snooze, or a send waiting for its retry."""
    return db.execute("SELECT (SELECT max(rowid) FROM audit), (SELECT max(rowid) FROM decisions), "
                      "(SELECT max(rowid) FROM experiments), (SELECT count(*) || max(at) FROM snoozes), "
                      "(SELECT count(*) FROM sends WHERE sent_at IS NULL)").fetchone()

"""The outbox of ideas and problems saved but not yet posted. Writes run inside `storage.db.write`."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from bot.model import Origin
from storage import keys


@dataclass(frozen=True)
class Pending:
    kind: str
    item_id: int
    platform: str
    channel_id: str | None
    claim: str
    poster: Origin | None
    attempts: int
    maybe_posted: bool = True  # an earlier attempt may have posted it: look for that post before posting
    error: str | None = None  # what the earlier attempt ran into
    created_at: datetime | None = None  # when the claim was taken: no post carrying it is older


def _context(kind: str, item_id: int) -> str:
    return f"outbox:{kind}:{item_id}"


def add(db: Database, kind: str, item_id: int, platform: str, channel_id: str | None, poster: Origin | None,
        at: datetime, hold_until: datetime) -> Pending:
    """A new item's entry, its first attempt taken in the same transaction (held until `hold_until`) by the
    request that saved it; if that request never posts it, the retries take over once the hold runs out."""
    sealed = None
    if poster is not None:
        sealed = keys.seal_text(db, _context(kind, item_id), json.dumps(
            [poster.platform, poster.user_id, poster.channel_id, poster.handle]))
    claim = secrets.token_hex(16)
    db.execute("INSERT INTO outbox (kind, item_id, platform, channel_id, claim, poster, attempts, retry_at, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
               [kind, item_id, platform, channel_id, claim, sealed, hold_until.isoformat(), at.isoformat()])
    return Pending(kind, item_id, platform, channel_id, claim, poster, 1, created_at=at)


def take(db: Database, kind: str, item_id: int, now: datetime, hold_until: datetime) -> Pending | None:
    """Take the next attempt if it is due (no other attempt holds it): one more attempt, held until `hold_until`."""
    row = db.execute("SELECT platform, channel_id, claim, poster, attempts, maybe_posted, error, created_at "
                     "FROM outbox WHERE kind = ? AND item_id = ? AND retry_at <= ?",
                     [kind, item_id, now.isoformat()]).fetchone()
    if row is None:
        return None
    platform, channel_id, claim, sealed, attempts, maybe_posted, error, created_at = row
    # until this attempt says otherwise it may post: a crash leaves the next attempt looking first
    db.execute("UPDATE outbox SET attempts = attempts + 1, retry_at = ?, maybe_posted = 1 "
               "WHERE kind = ? AND item_id = ?", [hold_until.isoformat(), kind, item_id])
    poster = None
    if sealed and (opened := keys.unseal_text(db, _context(kind, item_id), sealed)):
        poster = Origin(*json.loads(opened))
    return Pending(kind, item_id, platform, channel_id, claim, poster, attempts + 1, bool(maybe_posted), error,
                   datetime.fromisoformat(created_at))


def failed(db: Database, kind: str, item_id: int, error: str, retry_at: datetime, maybe_posted: bool = True) -> None:
    """The attempt failed; `maybe_posted` False when the platform surely posted nothing (a refusal)."""
    db.execute("UPDATE outbox SET error = ?, retry_at = ?, maybe_posted = ? WHERE kind = ? AND item_id = ?",
               [error, retry_at.isoformat(), int(maybe_posted), kind, item_id])


def done(db: Database, kind: str, item_id: int) -> None:
    db.execute("DELETE FROM outbox WHERE kind = ? AND item_id = ?", [kind, item_id])


def due(db: Database, now: datetime, limit: int = 100) -> list[tuple[str, int]]:
    return [(k, i) for k, i in db.execute("SELECT kind, item_id FROM outbox WHERE retry_at <= ? ORDER BY retry_at "
                                          "LIMIT ?", [now.isoformat(), limit])]


def waiting(db: Database) -> list[tuple[str, int, int, str | None]]:
    return [tuple(r) for r in db.execute("SELECT kind, item_id, attempts, error FROM outbox ORDER BY created_at")]

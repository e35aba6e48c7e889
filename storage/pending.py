"""Posts held back while their poster looks at similar items. Keyed by a random token; the
poster is stored only as a keyed hash and where they typed it is sealed (storage.keys), so an
anonymous draft stays anonymous while it waits."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.model import Actor
from storage import keys
from storage.ideas import author_key

KEEP = timedelta(days=1)


def hold(db: Database, kind: str, actor: Actor, draft, channel_id: str | None, at: datetime) -> str:
    db.execute("DELETE FROM pending_posts WHERE created_at < ?", [(at - KEEP).isoformat()])
    token = secrets.token_urlsafe(12)
    db.execute("INSERT INTO pending_posts (token, kind, poster_key, draft, channel_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
               [token, kind, author_key(db, actor), json.dumps(asdict(draft)), _sealed(db, token, channel_id),
                at.isoformat()])
    return token


def _sealed(db: Database, token: str, channel_id: str | None) -> str | None:
    """A DM or personal chat id would say whose draft it is: kept sealed."""
    return keys.seal_text(db, f"pending:{token}", channel_id) if channel_id else None


def _opened(db: Database, token: str, value: str | None) -> str | None:
    if value and not value.startswith(keys.SEALED):
        return value  # held before the channel was sealed
    return keys.unseal_text(db, f"pending:{token}", value)


def take(db: Database, token: str, actor: Actor) -> tuple[str, dict, str | None] | None:
    """The held draft (kind, fields, channel) if it is this poster's, removing it; None otherwise."""
    row = db.execute("SELECT kind, draft, channel_id, poster_key FROM pending_posts WHERE token = ?", [token]).fetchone()
    if row is None or row[3] != author_key(db, actor):
        return None
    db.execute("DELETE FROM pending_posts WHERE token = ?", [token])
    return row[0], json.loads(row[1]), _opened(db, token, row[2])


def hold_again(db: Database, token: str, kind: str, actor: Actor, fields: dict, channel_id: str | None,
               at: datetime) -> None:
    """Put a taken draft back (its posting failed), under the same token."""
    db.execute("INSERT OR REPLACE INTO pending_posts (token, kind, poster_key, draft, channel_id, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?)", [token, kind, author_key(db, actor), json.dumps(fields),
                                              _sealed(db, token, channel_id), at.isoformat()])

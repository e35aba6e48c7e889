"""Who hears of a decision: the voters of an idea, less those who muted that news (`/hero mute`)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.timefmt import utc_text


def mute(db: Database, platform: str, user_id: str, now: datetime) -> bool:
    """True when this turned the news off (False: it was off already)."""
    return db.execute("INSERT OR IGNORE INTO muted (platform, user_id, at) VALUES (?, ?, ?)",
                      [platform, user_id, utc_text(now)]).rowcount == 1


def unmute(db: Database, platform: str, user_id: str) -> bool:
    return db.execute("DELETE FROM muted WHERE platform = ? AND user_id = ?", [platform, user_id]).rowcount == 1


def listening_voters(db: Database, idea_id: int, platform: str) -> list[str]:
    """The idea's voters who did not mute voter news, in the order they voted."""
    return [r[0] for r in db.execute(
        "SELECT v.user_id FROM votes v WHERE v.idea_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM muted m WHERE m.platform = ? AND m.user_id = v.user_id) ORDER BY v.created_at, v.user_id",
        [idea_id, platform])]

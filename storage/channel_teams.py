"""Which Teams team a channel belongs to (for reading the channel back through Microsoft Graph).

Writes expect to run inside `storage.db.write`. Nothing here names a person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database

from storage.db import write


def team_of(db: Database, channel_id: str) -> tuple[str, str | None] | None:
    """(the team's thread id, its group id or None while unknown) of a channel seen before."""
    row = db.execute("SELECT team_id, group_id FROM teams_channel_teams WHERE channel_id = ?", [channel_id]).fetchone()
    return (row[0], row[1]) if row else None


def remember(db: Database, channel_id: str, team_id: str, group_id: str | None, at: datetime) -> None:
    db.execute(
        """
        INSERT INTO teams_channel_teams (channel_id, team_id, group_id, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (channel_id) DO UPDATE SET team_id = excluded.team_id,
            group_id = coalesce(excluded.group_id, CASE WHEN team_id = excluded.team_id THEN group_id END),
            updated_at = excluded.updated_at
        """,
        [channel_id, team_id, group_id, at.isoformat()],
    )
    if group_id:
        set_group(db, team_id, group_id)


def set_group(db: Database, team_id: str, group_id: str) -> None:
    """Every channel of the team: its group id is the team's."""
    db.execute("UPDATE teams_channel_teams SET group_id = ? WHERE team_id = ?", [group_id, team_id])


class SqliteChannelTeams:
    """The `bot.conversations.ChannelTeamsStore` port over the database."""

    def __init__(self, db: Database, clock: Callable[[], datetime]):
        self.db = db
        self.clock = clock

    def team_of(self, channel_id: str) -> tuple[str, str | None] | None:
        return team_of(self.db, channel_id)

    def remember(self, channel_id: str, team_id: str, group_id: str | None) -> None:
        known = team_of(self.db, channel_id)
        if known and known[0] == team_id and (group_id is None or known[1] == group_id):
            return
        with write(self.db) as db:
            remember(db, channel_id, team_id, group_id, self.clock())

    async def set_group(self, team_id: str, group_id: str) -> None:
        async with write(self.db) as db:
            set_group(db, team_id, group_id)

"""Which Teams team a channel belongs to (for reading the channel back through Microsoft Graph).

Writes expect to run inside `storage.db.write`. Nothing here names a person.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database


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

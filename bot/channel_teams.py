"""Which Teams team each channel belongs to, learnt from the activities Teams sends, so the adapter can read
a channel back (Microsoft Graph) when an interrupted post must be looked for. Holds no one's identity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database

from storage import channel_teams as store
from storage.db import write


class ChannelTeams:
    def __init__(self, db: Database, clock: Callable[[], datetime]):
        self.db = db
        self.clock = clock

    def team_of(self, channel_id: str) -> tuple[str, str | None] | None:
        """(the team's thread id, its Microsoft 365 group id or None while unknown)."""
        return store.team_of(self.db, channel_id)

    def remember(self, channel_id: str, team_id: str, group_id: str | None) -> None:
        """Written only when it is news: every channel activity carries its team."""
        known = store.team_of(self.db, channel_id)
        if known and known[0] == team_id and (group_id is None or known[1] == group_id):
            return
        with write(self.db) as db:
            store.remember(db, channel_id, team_id, group_id, self.clock())

    async def set_group(self, team_id: str, group_id: str) -> None:
        async with write(self.db) as db:
            store.set_group(db, team_id, group_id)

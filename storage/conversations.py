"""The `ConversationStore` port (bot.conversations) over SQLite: Teams conversation references and people."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.conversations import Person, Reference
from storage import teams as refs
from storage.db import write


class SqliteConversations:
    def __init__(self, db: Database):
        self.db = db

    def conversation(self, conversation_id: str) -> Reference | None:
        return refs.conversation(self.db, conversation_id)

    def latest_conversation(self) -> Reference | None:
        return refs.latest_conversation(self.db)

    def person(self, aad_object_id: str) -> Person | None:
        return refs.person(self.db, aad_object_id)

    def names(self, aad_object_ids: set[str]) -> dict[str, str]:
        return refs.names(self.db, aad_object_ids)

    def remember(self, ref: Reference, person: Person | None, at: datetime, keep_known: bool = False) -> None:
        with write(self.db) as db:
            if not (keep_known and refs.conversation(db, ref.conversation_id)):
                refs.remember_conversation(db, ref, at)
            if person is not None:
                refs.remember_person(db, person, at)

    async def remember_personal_conversation(self, aad_object_id: str, ref: Reference, at: datetime) -> None:
        async with write(self.db) as db:
            refs.remember_conversation(db, ref, at)
            refs.set_personal_conversation(db, aad_object_id, ref.conversation_id)

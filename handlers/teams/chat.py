"""The core's `Chat` port on the Bot Connector, with conversation references kept in SQLite."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from sqlite_utils import Database

from bot.chat import Origin
from bot.replies import Reply
from handlers.teams.render import people_in, render
from handlers.teams.connector import Connector
from handlers.teams.parse import PLATFORM, THREAD_MARK
from storage import teams as refs
from storage.db import write

log = logging.getLogger(__name__)

AAD_OBJECT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class NoConversation(Exception):
    """Teams was never heard from, so there is no serviceUrl to send to yet."""


class TeamsChat:
    platform = PLATFORM

    def __init__(self, connector: Connector, db: Database, clock: Callable[[], datetime]):
        self.connector = connector
        self.db = db
        self.clock = clock

    # --- the Chat port ---------------------------------------------------------------
    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> str:
        conversation = f"{channel_id}{THREAD_MARK}{thread_id}" if thread_id else channel_id
        return await self.send(channel_id, conversation, self.render(reply))

    async def update(self, channel_id: str, message_id: str, reply: Reply) -> None:
        ref = self._reference(channel_id)
        await self.connector.update(ref.service_url, channel_id, message_id, self.render(reply))

    async def send_direct(self, user_id: str, reply: Reply) -> tuple[str, str]:
        return await self.send_direct_activity(user_id, self.render(reply))

    async def tell(self, origin: Origin, reply: Reply) -> None:
        """Teams has no private messages in channels: in a personal chat answer there, else in one."""
        await self.tell_activity(origin, self.render(reply))

    async def link(self, channel_id: str, message_id: str) -> str | None:
        if not channel_id.startswith("19:"):
            return None
        return (f"https://teams.microsoft.com/l/message/{quote(channel_id, safe='')}/{quote(message_id, safe='')}"
                f"?parentMessageId={quote(message_id, safe='')}")

    def reaches(self, user_id: str) -> bool:
        """Someone the bot has seen on Teams, or an AAD object id (a personal chat can be opened with it)."""
        return bool(AAD_OBJECT_ID.match(user_id)) or refs.person(self.db, user_id) is not None

    # --- activities ----------------------------------------------------------------------
    async def send(self, channel_id: str, conversation_id: str, activity: dict) -> str:
        ref = self._reference(channel_id)
        return await self.connector.send(ref.service_url, conversation_id, activity)

    async def tell_activity(self, origin: Origin, activity: dict) -> None:
        here = refs.conversation(self.db, origin.handle) if origin.handle else None
        if here and here.kind == "personal":
            await self.connector.send(here.service_url, here.conversation_id, activity)
        elif origin.user_id:
            await self.send_direct_activity(origin.user_id, activity)

    async def send_direct_activity(self, user_id: str, activity: dict) -> tuple[str, str]:
        conversation = await self.personal_conversation(user_id)
        return conversation.conversation_id, await self.connector.send(
            conversation.service_url, conversation.conversation_id, activity)

    async def personal_conversation(self, user_id: str) -> refs.Reference:
        """The bot's chat with a person (AAD object id), opened with POST /v3/conversations if need be."""
        person = refs.person(self.db, user_id)
        if person and person.personal_conversation_id:
            found = refs.conversation(self.db, person.personal_conversation_id)
            if found:
                return found
        base = self._reference(None)
        service_url = person.service_url if person else base.service_url
        tenant = (person.tenant_id if person else None) or base.tenant_id
        member = person.teams_id if person else user_id
        conversation_id = await self.connector.create_conversation(service_url, tenant, base.bot_id, member)
        ref = refs.Reference(conversation_id, service_url, tenant, base.bot_id, "personal")
        if person:  # someone the bot never wrote down (an anonymous author) stays unwritten: no reference to them
            async with write(self.db) as db:
                refs.remember_conversation(db, ref, self.clock())
                refs.set_personal_conversation(db, user_id, conversation_id)
        return ref

    def _reference(self, conversation_id: str | None) -> refs.Reference:
        """The stored reference of a conversation; for one never seen, the latest one's serviceUrl and bot id."""
        found = refs.conversation(self.db, conversation_id) if conversation_id else None
        latest = found or refs.latest_conversation(self.db)
        if latest is None:
            raise NoConversation("no Teams conversation is known yet: install the app in a team or chat first")
        if found is None and conversation_id:
            return refs.Reference(conversation_id, latest.service_url, latest.tenant_id, latest.bot_id, "channel")
        return latest

    def render(self, reply: Reply) -> dict:
        return render(reply, refs.names(self.db, people_in(reply)))

"""The core's `Chat` port on the Bot Connector; conversation references and names come from an injected store."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from bot.conversations import ConversationStore, Reference
from bot.model import Origin
from bot.replies import Reply
from handlers.teams.render import people_in, render
from handlers.teams.connector import Connector
from handlers.teams.graph import Graph, GraphUnavailable, message_id_of, with_claim
from handlers.teams.parse import PLATFORM, THREAD_MARK

log = logging.getLogger(__name__)

AAD_OBJECT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class NoConversation(Exception):
    """Teams was never heard from, so there is no serviceUrl to send to yet."""

    nothing_sent = True  # bot.outbox: a retry need not look for a post this attempt made


class TeamsChat:
    platform = PLATFORM

    def __init__(self, connector: Connector, store: ConversationStore, clock: Callable[[], datetime],
                 graph: Graph | None = None):
        self.connector = connector
        self.store = store
        self.clock = clock
        self.graph = graph  # reads channels back (find_claimed)

    # --- the Chat port ---------------------------------------------------------------
    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> str:
        conversation = f"{channel_id}{THREAD_MARK}{thread_id}" if thread_id else channel_id
        return await self.send(channel_id, conversation, self.render(reply))

    async def post_claimed(self, channel_id: str, reply: Reply, claim: str) -> str:
        """A post whose card carries its claim key (hidden), sent once: after an answer that may hide a delivered
        post (5xx, a lost connection) the outbox looks for it (find_claimed) instead of sending it again."""
        ref = self._reference(channel_id)
        activity = with_claim(self.render(reply), claim)
        return message_id_of(await self.connector.send(ref.service_url, channel_id, activity, once=True))

    async def find_claimed(self, channel_id: str, claim: str, since: datetime | None = None) -> str | None:
        """The post an earlier attempt made with this claim, read back through Microsoft Graph; raises
        GraphUnavailable when Graph cannot tell."""
        if self.graph is None:
            raise GraphUnavailable("Microsoft Graph is not set up for this Teams chat")
        return await self.graph.find_claimed(channel_id, claim, since, self._reference(channel_id).service_url)

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
        return bool(AAD_OBJECT_ID.match(user_id)) or self.store.person(user_id) is not None

    # --- activities ----------------------------------------------------------------------
    async def send(self, channel_id: str, conversation_id: str, activity: dict) -> str:
        ref = self._reference(channel_id)
        return await self.connector.send(ref.service_url, conversation_id, activity)

    async def tell_activity(self, origin: Origin, activity: dict) -> None:
        here = self.store.conversation(origin.handle) if origin.handle else None
        if here and here.kind == "personal":
            await self.connector.send(here.service_url, here.conversation_id, activity)
        elif origin.user_id:
            await self.send_direct_activity(origin.user_id, activity)

    async def send_direct_activity(self, user_id: str, activity: dict) -> tuple[str, str]:
        conversation = await self.personal_conversation(user_id)
        return conversation.conversation_id, await self.connector.send(
            conversation.service_url, conversation.conversation_id, activity)

    async def personal_conversation(self, user_id: str) -> Reference:
        """The bot's chat with a person (AAD object id), opened with POST /v3/conversations if need be."""
        person = self.store.person(user_id)
        if person and person.personal_conversation_id:
            found = self.store.conversation(person.personal_conversation_id)
            if found:
                return found
        base = self._reference(None)
        service_url = person.service_url if person else base.service_url
        tenant = (person.tenant_id if person else None) or base.tenant_id
        member = person.teams_id if person else user_id
        conversation_id = await self.connector.create_conversation(service_url, tenant, base.bot_id, member)
        ref = Reference(conversation_id, service_url, tenant, base.bot_id, "personal")
        if person:  # someone the bot never wrote down (an anonymous author) stays unwritten: no reference to them
            await self.store.remember_personal_conversation(user_id, ref, self.clock())
        return ref

    def _reference(self, conversation_id: str | None) -> Reference:
        """The stored reference of a conversation; for one never seen, the latest one's serviceUrl and bot id."""
        found = self.store.conversation(conversation_id) if conversation_id else None
        latest = found or self.store.latest_conversation()
        if latest is None:
            raise NoConversation("no Teams conversation is known yet: install the app in a team or chat first")
        if found is None and conversation_id:
            return Reference(conversation_id, latest.service_url, latest.tenant_id, latest.bot_id, "channel")
        return latest

    def render(self, reply: Reply) -> dict:
        return render(reply, self.names_in(reply))

    def names_in(self, reply: Reply) -> dict[str, str]:
        """The names the rendering of `reply` shows, for cards built outside `render` (forms with errors)."""
        return self.store.names(people_in(reply))

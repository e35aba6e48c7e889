"""The plumbing every Teams activity goes through, and the router that features plug into.

Features add parse + render only (command words, card verbs, reaction and thread-reply
listeners); conversation references, answering, refusals and sending live here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from microsoft_agents.activity import Activity

from bot.conversations import Person, Reference
from bot.core import Core
from bot.errors import SAVE_FAILED, SaveFailed
from bot.interactions import outcome
from bot.model import Actor, Origin
from bot.overview import welcome_home
from bot.replies import Notice, Reply
from handlers.teams import parse
from handlers.teams.cards import CARD, teams_words
from handlers.teams.chat import TeamsChat
from handlers.teams.graph import remember_team

log = logging.getLogger(__name__)

MESSAGE = "application/vnd.microsoft.activity.message"
PEOPLES_ACTIVITIES = ("message", "invoke", "messageReaction")

@dataclass(frozen=True)
class Turn:
    """One activity, as the core sees its sender."""

    activity: Activity
    origin: Origin
    actor: Actor

    @property
    def kind(self) -> str:
        """personal, channel or groupChat: derived from the conversation when Teams does not say."""
        return parse.kind_of(self.activity)

    @property
    def event_id(self) -> str:
        """Teams may deliver an activity again; its conversation and id name it."""
        return f"teams:{self.activity.conversation.id}:{self.activity.id}"


CommandHandler = Callable[[Turn, str], Awaitable[Reply | None]]
VerbHandler = Callable[[Turn, dict], Awaitable[dict | Notice]]
ReactionHandler = Callable[[Turn, str, str, str, bool], Awaitable[Reply | None]]
ReplyHandler = Callable[[Turn, str, str], Awaitable[None]]
ChangeHandler = Callable[[Turn, str, str, bool], Awaitable[None]]


class TeamsBot:
    def __init__(self, core: Core, chat: TeamsChat):
        self.core = core
        self.chat = chat
        self.commands: dict[str, CommandHandler] = {}
        self.verbs: dict[str, VerbHandler] = {}
        self.reaction_listeners: list[ReactionHandler] = []
        self.reply_listeners: list[ReplyHandler] = []
        self.change_listeners: list[ChangeHandler] = []

    # --- what features register -----------------------------------------------------------
    def command(self, word: str):
        def add(handler: CommandHandler) -> CommandHandler:
            self.commands[word] = handler
            return handler
        return add

    def verb(self, name: str):
        def add(handler: VerbHandler) -> VerbHandler:
            self.verbs[name] = handler
            return handler
        return add

    def on_reaction(self, handler: ReactionHandler) -> ReactionHandler:
        self.reaction_listeners.append(handler)
        return handler

    def on_thread_reply(self, handler: ReplyHandler) -> ReplyHandler:
        self.reply_listeners.append(handler)
        return handler

    def on_thread_change(self, handler: ChangeHandler) -> ChangeHandler:
        """A reply in a thread edited (deleted=False) or deleted (True)."""
        self.change_listeners.append(handler)
        return handler

    # --- the plumbing -------------------------------------------------------------------------
    async def handle(self, activity: Activity) -> tuple[int, dict | None]:
        """Answer one authenticated activity: (HTTP status, body)."""
        if not parse.user_of(activity) and activity.type in PEOPLES_ACTIVITIES:
            return 200, None  # not a person (another bot, a webhook): nothing to act on
        self.remember(activity)
        if self.chat.graph is not None:
            remember_team(self.chat.graph.channels, activity)  # to read the channel back (graph.py)
        turn = Turn(activity, parse.origin_of(activity), parse.actor(activity))
        if activity.type == "message":
            await self.on_message(turn)
        elif activity.type == "invoke" and activity.name == "adaptiveCard/action":
            return 200, await self.on_action(turn)
        elif activity.type == "messageReaction":
            await self.on_reactions(turn)
        elif activity.type == "conversationUpdate":
            self.on_conversation_update(turn)
        elif activity.type in ("messageUpdate", "messageDelete"):
            await self.on_change(turn, deleted=activity.type == "messageDelete" or parse.soft_deleted(activity))
        else:
            log.info("ignored a Teams %s activity", str(activity.type)[:40])
        return 200, None

    def remember(self, activity: Activity) -> None:
        """Keep the conversation reference and the sender, for proactive messages after a restart."""
        conversation = activity.conversation
        if not (conversation and conversation.id and activity.service_url and activity.recipient):
            return
        channel, _ = parse.split_thread(conversation.id)
        kind = parse.kind_of(activity)
        tenant = parse.tenant_of(activity)
        now = self.core.now()
        # An anonymous post writes down nobody and no time that could be set beside the idea's own
        # (a new conversation is kept: the bot needs a way to answer there).
        anonymous = parse.posts_anonymously(activity)
        ref = Reference(channel, activity.service_url, tenant, activity.recipient.id, kind)
        user = parse.user_of(activity)
        person = None
        if user and activity.from_property.id and not anonymous:
            person = Person(user, activity.from_property.id, activity.from_property.name, tenant,
                            activity.service_url, channel if kind == "personal" else None)
        self.chat.store.remember(ref, person, now, keep_known=anonymous)

    async def on_message(self, turn: Turn) -> None:
        if turn.activity.value is not None and not parse.plain_text(turn.activity.text):
            log.info("ignored a Teams message carrying a value (a legacy Action.Submit)")
            return
        word, rest, mentioned = parse.command_of(turn.activity)
        in_thread = parse.is_thread_reply(turn.activity)
        handler = self.commands.get(word)
        if in_thread and not mentioned:
            handler = None  # in a thread, only "@herobot <command>" is a command; the rest is discussion
        if handler is None and in_thread:
            channel, root = parse.split_thread(turn.activity.conversation.id)
            for listener in self.reply_listeners:
                await listener(turn, channel, root)  # SaveFailed → 500: Teams sends it again
            return
        if handler is None:
            if turn.kind == parse.PERSONAL or mentioned:
                handler = self.commands.get("hero")
                rest = "help"
            if handler is None:
                return
        self.tell_later(turn.origin, await outcome(handler(turn, rest)))

    async def on_action(self, turn: Turn) -> dict:
        verb, data = parse.action_of(turn.activity)
        handler = self.verbs.get(verb)
        if handler is None:
            return invoke_message("This button is no longer in use.")
        answer = await outcome(handler(turn, data))
        if isinstance(answer, Notice):
            return invoke_message(answer.text)
        return {"statusCode": 200, "type": CARD, "value": answer}

    async def on_reactions(self, turn: Turn) -> None:
        channel, _ = parse.split_thread(turn.activity.conversation.id)
        message_id = turn.activity.reply_to_id or ""
        changes = [(r.type, True) for r in turn.activity.reactions_added or []]
        changes += [(r.type, False) for r in turn.activity.reactions_removed or []]
        for number, (kind, added) in enumerate(changes):
            for listener in self.reaction_listeners:
                turn_n = turn if number == 0 else Turn(turn.activity.model_copy(
                    update={"id": f"{turn.activity.id}#{number}"}), turn.origin, turn.actor)
                try:
                    note = await listener(turn_n, channel, message_id, kind or "", added)
                except SaveFailed:
                    self.tell_later(turn.origin, Notice(SAVE_FAILED))
                    raise
                self.tell_later(turn.origin, note)

    async def on_change(self, turn: Turn, deleted: bool) -> None:
        """Edits and deletions of thread replies; the bot's own posts and top-level messages are no comments."""
        if not parse.is_thread_reply(turn.activity):
            return
        channel, root = parse.split_thread(turn.activity.conversation.id)
        for listener in self.change_listeners:
            await listener(turn, channel, root, deleted)

    def on_conversation_update(self, turn: Turn) -> None:
        """Installed in a personal chat: say hello with the person's home page."""
        bot_id = turn.activity.recipient.id if turn.activity.recipient else None
        added = {m.id for m in turn.activity.members_added or []}
        if bot_id in added and turn.kind == parse.PERSONAL:
            self.tell_later(turn.origin, welcome_home(self.core, turn.actor))

    def tell_later(self, origin: Origin, reply: Reply | None) -> None:
        if reply is not None:
            self.core.background.spawn(self.chat.tell(origin, reply), name=f"tell {origin.user_id}")


def invoke_message(text: str) -> dict:
    return {"statusCode": 200, "type": MESSAGE, "value": teams_words(text)}

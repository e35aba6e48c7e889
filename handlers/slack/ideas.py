"""Bolt listeners for ideas: post, vote, discuss. Each translates a Slack request into a core call.

The app runs with `process_before_response=True`: a listener commits, then acks, inside
the request; Web API calls (posting, modals, ephemeral notes) go to background tasks.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot import clicks, hero
from bot.commands import idea_command as typed_idea
from bot.core import Core
from bot.errors import SAVE_FAILED, SaveFailed
from bot.ideas import comment_in_thread, delete_in_thread, edit_in_thread, react
from bot.interactions import Request
from bot.model import Origin
from bot.replies import Notice, Reply
from bot.submissions import submit_idea_form
from handlers.slack import parse
from handlers.slack.answers import POST_WITHIN, answer_action, answer_form, answer_typed, tell_later
from handlers.slack.blocks import IDEA_FORM, VOTE_ACTION, idea_modal
from handlers.slack.chat import SlackChat

log = logging.getLogger(__name__)

COMMANDS = ("/idea",)
EVENTS = ("reaction_added", "reaction_removed", "message")


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    """Attach the listeners for ideas, the most frequent requests first (Bolt tries them in this order)."""

    async def reaction(event: dict, body: dict, added: bool) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message" or not event.get("user"):
            return
        origin = Origin(parse.PLATFORM, event["user"], item.get("channel"))
        try:
            note = await react(core, parse.actor(event["user"]), item.get("channel", ""), item.get("ts", ""),
                               parse.reaction_name(event.get("reaction", "")), added, body.get("event_id"))
        except SaveFailed:
            tell_later(core, chat, origin, Notice(SAVE_FAILED))
            raise  # a non-2xx answer makes Slack deliver the event again
        if note:
            tell_later(core, chat, origin, note)

    @app.event("reaction_added")
    async def reaction_added(event, body):
        await reaction(event, body, added=True)

    @app.event("reaction_removed")
    async def reaction_removed(event, body):
        await reaction(event, body, added=False)

    @app.command("/idea")
    async def idea_command(ack, command):
        origin = parse.origin_of_command(command)  # a slash command is seen only by the person: private
        await answer_typed(ack, core, chat, typed_idea(core, Request(origin, private=True), parse.command_text(command),
                                                       answer_within=POST_WITHIN),
                           command["trigger_id"], lambda f, metadata: idea_modal(f.form, metadata, f.anonymous), origin)

    @app.view(IDEA_FORM)
    async def idea_form_submitted(ack, body, view):
        origin = parse.origin_of_view(body)  # a modal is seen only by the person: private
        result = await submit_idea_form(core, Request(origin, private=True), parse.draft_from_view(view))
        await answer_form(ack, core, chat, origin, result)

    @app.action(VOTE_ACTION)
    async def vote_clicked(ack, body, action):
        origin = parse.origin_of_action(body)

        async def vote() -> Reply | None:
            idea_id = hero.parse_idea_number(action.get("value", ""))
            return (await clicks.vote(core, Request(origin), idea_id)).note  # the card follows via the refresher

        await answer_action(ack, core, chat, origin, vote())

    @app.event("message")
    async def message_posted(event, body):
        if change := parse.thread_change(event):
            channel, thread_ts, ts, editor, text = change
            if editor is None:
                await delete_in_thread(core, parse.PLATFORM, channel, thread_ts, ts, body.get("event_id"))
            else:
                await edit_in_thread(core, parse.actor(editor), channel, thread_ts, ts, text, body.get("event_id"))
            return
        if not parse.is_thread_reply(event):
            return
        await comment_in_thread(core, parse.actor(event["user"]), event.get("channel", ""), event["thread_ts"],
                                event["ts"], parse.unescape(event.get("text") or ""), body.get("event_id"))

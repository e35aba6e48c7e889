"""Bolt listeners for ideas: post, vote, discuss, /hero. Each translates a Slack request into a core call.

The app runs with `process_before_response=True`: a listener commits, then acks, inside
the request; Web API calls (posting, modals, ephemeral notes) go to background tasks.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot import hero
from bot.chat import Origin
from bot.core import Core
from bot.errors import Refused, SaveFailed
from bot.duplicates import propose_idea
from bot.challenges import idea_form_for
from bot.ideas import comment_in_thread, delete_in_thread, draft_errors, edit_in_thread, react, toggle_vote
from bot.replies import FieldErrors, Notice, Reply
from handlers.slack import parse
from handlers.slack.answers import POST_WITHIN, SAVE_FAILED, answer_action, answer_command, tell_later
from handlers.slack.blocks import IDEA_FORM, VOTE_ACTION, field_errors, idea_modal
from handlers.slack.chat import SlackChat

log = logging.getLogger(__name__)

COMMANDS = ("/idea", "/hero")
EVENTS = ("reaction_added", "reaction_removed", "message")


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    """Attach every listener herobot answers to."""

    @app.command("/idea")
    async def idea_command(ack, command):
        origin = parse.origin_of_command(command)
        draft = parse.draft_from_command(parse.command_text(command))
        if not draft.text:
            await ack()
            metadata = {"channel": origin.channel_id, "response_url": origin.handle}
            form = idea_form_for(core, origin.platform)
            view = idea_modal(form, metadata, anonymous=draft.anonymous)
            core.background.spawn(chat.client.views_open(trigger_id=command["trigger_id"], view=view), name="open form")
            return

        await answer_command(ack, propose_idea(core, origin, draft, answer_within=POST_WITHIN))

    @app.command("/hero")
    async def hero_command(ack, command):
        await answer_command(ack, hero.run(core, parse.origin_of_command(command), parse.command_text(command)))

    @app.view(IDEA_FORM)
    async def idea_form_submitted(ack, body, view):
        draft = parse.draft_from_view(view)
        errors = draft_errors(draft, core.config.mission_goals)
        if "text" in errors:  # the whole text is too long: show it under the solution
            errors["solution"] = errors.pop("text")
        if errors:
            return await ack(**field_errors(FieldErrors(errors)))
        origin = parse.origin_of_view(body)
        try:
            similar = await propose_idea(core, origin, draft)
        except (Refused, SaveFailed) as error:
            message = str(error) if isinstance(error, Refused) else SAVE_FAILED
            field = "challenge_id" if isinstance(error, Refused) and draft.challenge_id else "problem"
            return await ack(**field_errors(FieldErrors({field: message})))
        await ack()
        if similar is not None:
            tell_later(core, chat, origin, similar)

    @app.action(VOTE_ACTION)
    async def vote_clicked(ack, body, action):
        origin = parse.origin_of_action(body)

        async def vote() -> Reply:
            idea_id = hero.parse_idea_number(action.get("value", ""))
            return await toggle_vote(core, parse.actor(origin.user_id), idea_id)

        await answer_action(ack, core, chat, origin, vote())

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

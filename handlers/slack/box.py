"""Bolt listeners for the empowerment box: `/hero box add|edit` (modals), I used this and its modal, Share as a
story, Ask for an exception, Allow once / Decline, the follow-up answers, Add to the box, Post it as an idea.
Other `/hero box|can|used|champions` words go through the general `/hero` listener (handlers.slack.hero)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import box, box_actions, hero
from bot.replies import BoxForm, FieldErrors
from bot.duplicates import propose_idea
from bot.errors import Refused
from bot.interactions import outcome
from bot.model import Draft
from bot.replies import Notice
from bot.submissions import checked
from handlers.slack import parse
from handlers.slack.answers import answer_action, open_form_or_refuse, tell_later
from handlers.slack.blocks import field_errors
from handlers.slack.render import render
from handlers.slack.box_blocks import (
    ADD_FROM_PILOT_ACTION, ALLOW_ACTION, ANSWER_ACTIONS, ASK_EXCEPTION_ACTION, BOX_FORM, DECLINE_ACTION,
    POST_IDEA_ACTION, STORY_ACTION, USE_FORM, USED_ACTION, box_modal, use_modal,
)
from handlers.slack.chat import SlackChat
from handlers.slack.decisions import form_values

COMMANDS: tuple[str, ...] = ()  # `/hero` is listed by handlers.slack.hero
EVENTS: tuple[str, ...] = ()


async def _is_box_form_command(body: dict) -> bool:
    words = (body.get("text") or "").lower().split()
    return len(words) >= 2 and words[0] == "box" and words[1] in ("add", "edit")


def _number(value: str) -> int:
    if not (value or "").isdigit() or len(value) > 12:
        raise Refused("That button is out of date.")
    return int(value)


def register(app: AsyncApp, core, chat: SlackChat) -> None:
    def open_modal(trigger_id: str, view: dict, name: str) -> None:
        core.background.spawn(chat.client.views_open(trigger_id=trigger_id, view=view), name=name)

    def where(origin) -> dict:
        return {"channel": origin.channel_id, "response_url": origin.handle}

    # Registered before handlers.slack.hero (see FEATURES): Bolt runs the first listener that matches.
    @app.command("/hero", matchers=[_is_box_form_command])
    async def box_form_command(ack, command):
        origin = parse.origin_of_command(command)
        reply = await outcome(hero.run(core, origin, command.get("text", "")))
        if isinstance(reply, BoxForm):
            await ack()
            open_modal(command["trigger_id"], box_modal(reply, where(origin)), "open box form")
        else:
            await ack(response_type="ephemeral", **render(reply))

    @app.view(BOX_FORM)
    async def box_form_submitted(ack, body, view):
        origin = parse.origin_of_view(body)
        meta = parse.view_metadata(body)
        action_id, idea_id = meta.get("action"), meta.get("idea")
        card = await checked(box_actions.submit_form(core, origin, form_values(view),
                                                     action_id if isinstance(action_id, int) else None,
                                                     idea_id if isinstance(idea_id, int) else None), "action")
        if isinstance(card, FieldErrors):
            return await ack(**field_errors(card))
        await ack()
        tell_later(core, chat, origin, Notice(f"{card.action.ref} is in the box and announced in the ideas channel."))

    @app.action(USED_ACTION)
    async def used_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        await open_form_or_refuse(ack, core, chat, origin, lambda: box.use_form(core, _number(action.get("value", ""))),
                                  use_modal, body["trigger_id"], "open use form")

    @app.view(USE_FORM)
    async def use_form_submitted(ack, body, view):
        origin = parse.origin_of_view(body)
        action_id = parse.view_metadata(body).get("action")
        values = form_values(view)
        values["story"] = "story" if "story" in (values.get("story") or []) else ""
        async def use():
            if not isinstance(action_id, int):
                raise Refused("This form has lost its action; click I used this again.")
            return await box.submit_use(core, origin, action_id, values)

        reply = await checked(use(), "did")
        if isinstance(reply, FieldErrors):
            return await ack(**field_errors(reply))
        await ack()
        tell_later(core, chat, origin, reply)

    def clicked(action_id: str, work):
        @app.action(action_id)
        async def listener(ack, body, action):
            origin = parse.origin_of_action(body)

            async def run():
                return await work(origin, _number(action.get("value", "")))

            await answer_action(ack, core, chat, origin, run())

    clicked(STORY_ACTION, lambda origin, use: box.share_story(core, parse.actor(origin.user_id), use))
    clicked(ASK_EXCEPTION_ACTION, lambda origin, use: box.ask_exception(core, parse.actor(origin.user_id), use))
    clicked(ALLOW_ACTION, lambda origin, use: box.decide_exception(core, parse.actor(origin.user_id), use, True))
    clicked(DECLINE_ACTION, lambda origin, use: box.decide_exception(core, parse.actor(origin.user_id), use, False))
    for action_id, answer in ANSWER_ACTIONS.items():
        clicked(action_id, lambda origin, use, answer=answer: box.answer_follow_up(
            core, parse.actor(origin.user_id), use, answer))

    @app.action(ADD_FROM_PILOT_ACTION)
    async def add_from_pilot_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        await open_form_or_refuse(
            ack, core, chat, origin,
            lambda: box_actions.open_from_pilot(core, parse.actor(origin.user_id), _number(action.get("value", ""))),
            box_modal, body["trigger_id"], "open box form from a pilot")

    @app.action(POST_IDEA_ACTION)
    async def post_idea_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        words = (action.get("value") or "").strip()
        await answer_action(ack, core, chat, origin, propose_idea(core, origin, Draft(text=words)))


"""Bolt listeners for challenges: `/hero challenge` (the form), Add an idea,
Start a challenge (on hot spots) and the form's submission. Registered before handlers.slack.hero,
whose general `/hero` listener answers everything else (`/idea challenge C1` is handlers.slack.ideas')."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.challenges import idea_form_for, open_form, submit_challenge
from bot.core import Core
from bot.errors import Refused
from bot.submissions import checked
from bot.replies import FieldErrors, Notice
from handlers.slack import parse
from handlers.slack.answers import open_form_or_refuse
from handlers.slack.blocks import field_errors, idea_modal
from handlers.slack.render import render
from handlers.slack.challenge_blocks import ADD_IDEA_ACTION, CHALLENGE_FORM, challenge_modal
from handlers.slack.problem_blocks import START_CHALLENGE_ACTION
from handlers.slack.chat import SlackChat
from handlers.slack.decisions import form_values

COMMANDS: tuple[str, ...] = ()  # `/idea` and `/hero` are listed by handlers.slack.ideas and .hero
EVENTS: tuple[str, ...] = ()


async def _is_challenge_form_command(body: dict) -> bool:
    words = (body.get("text") or "").split()
    return bool(words) and words[0].lower() == "challenge"


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    def open_view(trigger_id: str, view: dict, name: str) -> None:
        core.background.spawn(chat.client.views_open(trigger_id=trigger_id, view=view), name=name)

    @app.command("/hero", matchers=[_is_challenge_form_command])
    async def challenge_command(ack, command):
        origin = parse.origin_of_command(command)
        args = command.get("text", "").split()[1:]
        try:
            form = open_form(core, parse.actor(origin.user_id), args[0] if args else None)
        except Refused as refusal:
            return await ack(response_type="ephemeral", **render(Notice(str(refusal))))
        await ack()
        open_view(command["trigger_id"], challenge_modal(form, {"channel": origin.channel_id,
                                                                "response_url": origin.handle}), "open challenge form")

    @app.action(START_CHALLENGE_ACTION)
    async def start_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        await open_form_or_refuse(ack, core, chat, origin,
                                  lambda: open_form(core, parse.actor(origin.user_id), action.get("value", "")),
                                  challenge_modal, body["trigger_id"], "open challenge form")

    @app.action(ADD_IDEA_ACTION)
    async def add_idea_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        value = action.get("value", "")
        challenge_id = int(value) if value.isdigit() and len(value) <= 12 else 0
        await open_form_or_refuse(ack, core, chat, origin, lambda: idea_form_for(core, origin.platform, challenge_id),
                                  idea_modal, body["trigger_id"], "open idea form")

    @app.view(CHALLENGE_FORM)
    async def challenge_form_submitted(ack, body, view):
        origin = parse.origin_of_view(body)
        values = {k: v for k, v in form_values(view).items() if isinstance(v, str)}
        result = await checked(submit_challenge(core, origin, values), "question")
        errors = result if isinstance(result, FieldErrors) else FieldErrors(result[1])
        if errors.errors:
            return await ack(**field_errors(errors))
        await ack()



"""Bolt listeners for an anonymous author's private answer: the **Answer** button and its one-field modal."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import hero
from bot.author_answers import answer, open_answer_form
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.replies import Notice
from handlers.slack import parse
from handlers.slack.answers import tell_later
from handlers.slack.decision_blocks import ANSWER_ACTION, ANSWER_FORM, answer_modal
from handlers.slack.chat import SlackChat

COMMANDS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    @app.action(ANSWER_ACTION)
    async def answer_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        try:
            form = open_answer_form(core, parse.actor(origin.user_id), hero.parse_idea_number(action.get("value", "")))
        except Refused as refusal:
            await ack()
            tell_later(core, chat, origin, Notice(str(refusal)))
            return
        await ack()
        core.background.spawn(chat.client.views_open(trigger_id=body["trigger_id"], view=answer_modal(form)),
                              name="open answer form")

    @app.view(ANSWER_FORM)
    async def answer_submitted(ack, body, view):
        origin = parse.origin_of_view(body)
        idea_id = parse.view_metadata(body).get("idea")
        text = parse.typed(view.get("state", {}).get("values", {}), "answer")
        try:
            if not isinstance(idea_id, int):
                raise Refused("This form has lost its idea number; open it again from the message.")
            note = await answer(core, parse.actor(origin.user_id), idea_id, text)
        except FormInvalid as invalid:
            return await ack(response_action="errors", errors=invalid.errors)
        except SaveFailed:
            return await ack(response_action="errors", errors={"answer": SAVE_FAILED})
        except Refused as refusal:
            return await ack(response_action="errors", errors={"answer": str(refusal)})
        await ack()
        tell_later(core, chat, origin, note)

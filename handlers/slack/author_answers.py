"""Bolt listeners for an anonymous author's private answer: the **Answer** button and its one-field modal."""

from __future__ import annotations

import json

from slack_bolt.async_app import AsyncApp

from bot import hero
from bot.author_answers import AnswerForm, AuthorQuestion, answer, open_answer_form
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.model import shorten
from bot.replies import Notice
from handlers.slack import parse
from handlers.slack.answers import tell_later
from handlers.slack.blocks import escape, render
from handlers.slack.chat import SlackChat

COMMANDS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()

ANSWER_ACTION = "answer_author_question"
ANSWER_FORM = "author_answer_form"
ANSWER_LABEL = "Your answer"


def answer_button(idea_id: int) -> dict:
    return {"type": "button", "action_id": ANSWER_ACTION, "value": str(idea_id), "style": "primary",
            "text": {"type": "plain_text", "text": "Answer"}}


@render.register
def _(reply: AuthorQuestion) -> dict:
    rendered = render(reply.message)
    actions = {"type": "actions", "block_id": f"answer_{reply.idea.id}", "elements": [answer_button(reply.idea.id)]}
    return {**rendered, "blocks": [*rendered["blocks"], actions]}


def answer_modal(form: AnswerForm) -> dict:
    return {
        "type": "modal",
        "callback_id": ANSWER_FORM,
        "private_metadata": json.dumps({"idea": form.idea.id}),
        "title": {"type": "plain_text", "text": "Answer privately"},
        "submit": {"type": "plain_text", "text": "Send answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": shorten(
                f"*#{form.idea.id} · {escape(form.idea.display_title)}*\nYour answer is posted in the idea's "
                "thread as \u201cThe author answered: \u2026\u201d, without your name.", 3000)}},
            {"type": "input", "block_id": "answer", "label": {"type": "plain_text", "text": ANSWER_LABEL},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000}},
        ],
    }


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

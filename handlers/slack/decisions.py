"""Bolt listeners for decisions: the decision buttons, their modals, and the typed `/hero approve|pilot|decline|ask|done`.

A click is checked first (only the idea's managers, only a status that allows it); the
modal opens with the click's trigger_id right after the ack. The modal's submission is
checked again in its write transaction, so a race of two managers has one winner.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot import hero
from bot.core import Core
from bot.decision_actions import DecisionRequest, open_decision, submit_decision
from bot.interactions import outcome
from bot.replies import CHOICES, DecisionForm, Notice
from handlers.slack import parse
from handlers.slack.answers import tell_later
from handlers.slack.render import render
from handlers.slack.chat import SlackChat
from handlers.slack.decision_blocks import FORM_CALLBACKS, decision_modal

log = logging.getLogger(__name__)

COMMANDS: tuple[str, ...] = ()  # `/hero` is listed by handlers.slack.hero; typed decisions are answered here
EVENTS: tuple[str, ...] = ()

CLICKS = {f"decide_{name}": name for name in CHOICES}  # action_id -> the button's choice


def form_values(view: dict) -> dict:
    """{block_id: value} of a submitted view: text, a chosen value, a user, a date, or a list of checked values."""
    values = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        element = (elements or {}).get("value") or {}
        kind = element.get("type")
        if kind == "checkboxes":
            values[block_id] = [o.get("value") for o in element.get("selected_options") or []]
        elif kind in ("static_select", "radio_buttons"):
            values[block_id] = (element.get("selected_option") or {}).get("value")
        elif kind == "users_select":
            values[block_id] = element.get("selected_user")
        elif kind == "datepicker":
            values[block_id] = element.get("selected_date")
        else:
            values[block_id] = element.get("value")
    return values


FORM_WORDS = ("approve", "pilot", "decline", "ask", "done")  # `/hero` words whose answer may be a form


async def _may_open_a_form(body: dict) -> bool:
    words = (body.get("text") or "").split()
    return bool(words) and words[0].lower() in FORM_WORDS


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    def open_modal(trigger_id: str, form: DecisionForm, metadata: dict) -> None:
        view = decision_modal(form, metadata)
        core.background.spawn(chat.client.views_open(trigger_id=trigger_id, view=view),
                              name=f"open {form.kind} form {form.idea.id}")

    def clicked(choice: str):
        async def listener(ack, body, action):
            origin = parse.origin_of_action(body)
            result = open_decision(core, DecisionRequest(parse.actor(origin.user_id), action.get("value", ""), choice))
            await ack()
            if isinstance(result.view, DecisionForm):
                open_modal(body["trigger_id"], result.view, {"channel": origin.channel_id,
                                                             "response_url": origin.handle})
            else:
                tell_later(core, chat, origin, result.note)

        return listener

    def submitted(kind: str):
        async def listener(ack, body, view):
            origin = parse.origin_of_view(body)
            idea_id = parse.view_metadata(body).get("idea")
            if not isinstance(idea_id, int):
                await ack()
                tell_later(core, chat, origin, Notice("This form has lost its idea number; open it again from the idea."))
                return
            request = DecisionRequest(parse.actor(origin.user_id), str(idea_id), kind, form_values(view))
            result = await submit_decision(core, request)
            if result.errors:
                return await ack(response_action="errors", errors=result.errors)
            await ack()
            tell_later(core, chat, origin, result.note)  # the review messages follow through the core

        return listener

    for action_id, choice in CLICKS.items():
        app.action(action_id)(clicked(choice))
    for kind, callback_id in FORM_CALLBACKS.items():
        app.view(callback_id)(submitted(kind))

    # Registered before handlers.slack.hero (see FEATURES): Bolt runs the first listener that matches.
    @app.command("/hero", matchers=[_may_open_a_form])
    async def decision_command(ack, command):
        origin = parse.origin_of_command(command)
        reply = await outcome(hero.run(core, origin, parse.command_text(command)))
        if isinstance(reply, DecisionForm):
            await ack()
            open_modal(command["trigger_id"], reply, {"channel": origin.channel_id, "response_url": origin.handle})
        else:
            await ack(response_type="ephemeral", **render(reply))

"""Bolt listener for the **Remind me tomorrow** button on reminders (the decision buttons are the decision flow's)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.decision_actions import DecisionRequest, remind_me_tomorrow
from handlers.slack import digest_blocks, parse
from handlers.slack.answers import tell_later
from handlers.slack.chat import SlackChat

COMMANDS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    @app.action(digest_blocks.REMIND_TOMORROW)
    async def remind_tomorrow_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        request = DecisionRequest(parse.actor(origin.user_id), action.get("value", ""))
        result = await remind_me_tomorrow(core, request)  # committed before the ack
        await ack()
        tell_later(core, chat, origin, result.note)

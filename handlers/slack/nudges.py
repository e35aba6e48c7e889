"""Bolt listener for the **Remind me tomorrow** button on reminders (the decision buttons are the decision flow's)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import hero
from bot.core import Core
from bot.nudges import remind_tomorrow
from handlers.slack import digest_blocks, parse
from handlers.slack.answers import answer_action
from handlers.slack.chat import SlackChat

COMMANDS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    @app.action(digest_blocks.REMIND_TOMORROW)
    async def remind_tomorrow_clicked(ack, body, action):
        origin = parse.origin_of_action(body)

        async def snooze():
            idea_id = hero.parse_idea_number(action.get("value", ""))
            return await remind_tomorrow(core, parse.actor(origin.user_id), idea_id)

        await answer_action(ack, core, chat, origin, snooze())

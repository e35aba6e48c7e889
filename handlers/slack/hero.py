"""The general `/hero` listener: every `/hero` command that no feature's own `/hero` listener took.
Registered last (handlers.slack.app FEATURES): Bolt runs the first listener that matches."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import hero
from bot.core import Core
from handlers.slack import parse
from handlers.slack.answers import answer_command
from handlers.slack.chat import SlackChat

COMMANDS = ("/hero",)
EVENTS: tuple[str, ...] = ()


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    @app.command("/hero")
    async def hero_command(ack, command):
        await answer_command(ack, hero.run(core, parse.origin_of_command(command), parse.command_text(command)))

"""The App Home tab: published when a person opens it."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.overview import home_of
from handlers.slack import parse
from handlers.slack.chat import SlackChat
from handlers.slack.decision_blocks import home_view

COMMANDS: tuple[str, ...] = ()
EVENTS = ("app_home_opened",)


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:
    @app.event("app_home_opened")
    async def home_opened(event):
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        view = home_view(home_of(core, parse.actor(event["user"])))
        core.background.spawn(chat.client.views_publish(user_id=event["user"], view=view),
                              name="publish home")

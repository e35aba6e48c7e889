"""Build the Teams bot for one core. Each feature is a module with `register(bot, core, chat)` and
`COMMANDS` ((word, description) pairs, which teams/manifest.json lists)."""

from __future__ import annotations

from bot.core import Core
from bot.refresh import TokenBucket
from handlers.teams import decisions, ideas, nudges, problems
from handlers.teams.bot import TeamsBot
from handlers.teams.chat import TeamsChat

FEATURES = (ideas, decisions, problems, nudges)
COMMANDS = tuple(command for feature in FEATURES for command in feature.COMMANDS)


def build_teams(core: Core, chat: TeamsChat, per_message: float) -> TeamsBot:
    """Plug Teams into the core: cards refresh at most once per `per_message` seconds each, and
    about 5 sends a second overall, under Teams' ~7 per conversation (ideas share one channel)."""
    core.connect(chat, per_message=per_message, bucket=TokenBucket(per_minute=300, burst=5))
    bot = TeamsBot(core, chat)
    for feature in FEATURES:
        feature.register(bot, core, chat)
    return bot

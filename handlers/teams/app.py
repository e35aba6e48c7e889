"""Build the Teams bot for one core. Each feature is a module with `register(bot, core, chat)` and
`COMMANDS` ((word, description) pairs, which teams/manifest.json lists)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import aiohttp
from sqlite_utils import Database

from bot.channel_teams import ChannelTeams
from bot.config import Settings
from bot.core import Core
from bot.refresh import TokenBucket
from handlers.teams import author_answers, box, challenges, decisions, ideas, nudges, problems
from handlers.teams.bot import TeamsBot
from handlers.teams.chat import TeamsChat
from handlers.teams.connector import Connector
from handlers.teams.graph import graph_for
from handlers.teams.tokens import TokenProvider, Tokens, token_provider

FEATURES = (ideas, decisions, problems, nudges, author_answers, challenges, box)  # challenges wraps the `idea` word of ideas
COMMANDS = tuple(command for feature in FEATURES for command in feature.COMMANDS)


def build_teams(core: Core, chat: TeamsChat, per_message: float) -> TeamsBot:
    """Plug Teams into the core: cards refresh at most once per `per_message` seconds each, and
    about 5 sends a second overall, under Teams' ~7 per conversation (ideas share one channel)."""
    core.connect(chat, per_message=per_message, bucket=TokenBucket(per_minute=300, burst=5))
    bot = TeamsBot(core, chat)
    for feature in FEATURES:
        feature.register(bot, core, chat)
    return bot


@contextlib.asynccontextmanager
async def standalone_chat(settings: Settings, db: Database, clock: Callable[[], datetime],
                          tokens: TokenProvider | None = None) -> AsyncIterator[TeamsChat]:
    """A Teams chat port without the bot, for one-off sends from the command line. It sends to the
    serviceUrl of the conversation references stored in `db`, with MSAL tokens (`tokens` in tests)."""
    async with aiohttp.ClientSession() as session:
        provider = token_provider(settings, tokens)
        connector = Connector(session, Tokens(provider), settings.teams_retry_delay)
        graph = graph_for(settings, session, provider, connector, ChannelTeams(db, clock))
        yield TeamsChat(connector, db, clock, graph)

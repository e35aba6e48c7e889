"""Build the Teams bot for one core, and serve it for as long as the web app runs. Each feature is a module
with `register(bot, core, chat)` and `COMMANDS` ((word, description) pairs, which teams/manifest.json lists)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import aiohttp

from bot.config import Settings
from bot.conversations import ChannelTeamsStore, ConversationStore
from bot.core import Core
from bot.refresh import TokenBucket
from handlers.teams import author_answers, box, challenges, decisions, ideas, nudges, problems
from handlers.teams.auth import BotFrameworkAuth
from handlers.teams.bot import TeamsBot
from handlers.teams.chat import TeamsChat
from handlers.teams.connector import Connector
from handlers.teams.graph import graph_for
from handlers.teams.http import Gate, teams_endpoint
from handlers.teams.tokens import TokenProvider, Tokens, token_provider

log = logging.getLogger(__name__)

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
async def standalone_chat(settings: Settings, conversations: ConversationStore, channels: ChannelTeamsStore,
                          clock: Callable[[], datetime], tokens: TokenProvider | None = None) -> AsyncIterator[TeamsChat]:
    """A Teams chat port without the bot, for one-off sends from the command line. It sends to the
    serviceUrl of the stored conversation references, with MSAL tokens (`tokens` in tests)."""
    async with aiohttp.ClientSession() as session:
        provider = token_provider(settings, tokens)
        connector = Connector(session, Tokens(provider), settings.teams_retry_delay)
        yield TeamsChat(connector, conversations, clock, graph_for(settings, session, provider, connector, channels))


@contextlib.asynccontextmanager
async def serving(core: Core, settings: Settings, session: aiohttp.ClientSession, conversations: ConversationStore,
                  channels: ChannelTeamsStore, tokens: TokenProvider | None = None) -> AsyncIterator:
    """Teams plugged into the core for as long as the web app runs: yields the POST /api/messages handler.
    `tokens` replaces MSAL as the source of Bot Connector tokens (tests)."""
    if settings.teams_anonymous:
        log.warning("!!! Teams is on WITHOUT AUTHENTICATION (HEROBOT_TEAMS_ANONYMOUS=1): anyone who reaches "
                    "POST /api/messages acts as anyone, and nothing sent to Teams carries a token. "
                    "For local testing only. !!!")
        auth = None
    else:
        auth = BotFrameworkAuth(session, settings.microsoft_app_id, settings.teams_openid_url)
        log.info("Teams is on at POST /api/messages")
    provider = token_provider(settings, tokens)
    connector = Connector(session, Tokens(provider), settings.teams_retry_delay)
    graph = graph_for(settings, session, provider, connector, channels)
    bot = build_teams(core, TeamsChat(connector, conversations, core.now, graph), settings.message_update_interval)
    gate = Gate.of(core.config.teams_channels, core.config.teams_tenants, settings.microsoft_app_tenant_id)
    if not gate.tenants:
        log.warning("Teams accepts no tenant: set [teams] tenants or MICROSOFT_APP_TENANT_ID")
    yield teams_endpoint(bot, auth, gate)

"""The aiohttp application: the composition root for `herobot serve` and for the tests.

Everything is built from the arguments (settings, config) inside `cleanup_ctx`, so the
database, the shared HTTP session and the Bolt app live exactly as long as the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.config import Config, Settings
from bot.core import Core
from bot.lifecycle import running_core
from bot.scheduler import start_scheduler
from handlers.dashboard.routes import add_dashboard_routes
from handlers.slack.app import build_slack
from handlers.slack.http import slack_endpoint

log = logging.getLogger(__name__)

CORE = web.AppKey("core", Core)
SESSION = web.AppKey("session", aiohttp.ClientSession)
SLACK_ENDPOINT = web.AppKey("slack_endpoint", Handler)
TEAMS_ENDPOINT = web.AppKey("teams_endpoint", Handler)
MAX_BODY = 1024 * 1024


def create_app(settings: Settings, config: Config | None = None, teams_tokens=None,
               clock: Callable[[], datetime] | None = None) -> web.Application:
    """`teams_tokens` replaces MSAL as the source of Bot Connector tokens, `clock` the system clock (tests)."""
    app = web.Application(client_max_size=MAX_BODY)

    async def core_ctx(app: web.Application):
        async with running_core(settings, config) as core:
            if clock is not None:
                core.clock = clock
            app[CORE] = core
            yield

    async def session_ctx(app: web.Application):
        async with aiohttp.ClientSession() as session:  # one pool of connections for every platform
            app[SESSION] = session
            yield
            await app[CORE].background.drain()  # finish sending while the session is still open

    async def slack_ctx(app: web.Application):
        if not settings.slack_enabled:
            log.warning("Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to turn it on")
            yield
            return
        core = app[CORE]
        bolt = build_slack(core, settings, app[SESSION])
        app[SLACK_ENDPOINT] = slack_endpoint(bolt, settings.slack_signing_secret)
        socket = await _start_socket_mode(bolt, settings)
        yield
        if socket:
            await socket.close_async()
        await core.background.drain()  # finish posting while the session is still open

    async def teams_ctx(app: web.Application):
        if settings.teams_enabled:
            app[TEAMS_ENDPOINT] = build_teams_endpoint(app[CORE], settings, app[SESSION], teams_tokens)
        else:
            log.warning("Teams is off: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID "
                        "to turn it on")
        yield


    async def scheduler_ctx(app: web.Application):
        # started once the chats are connected, stopped before their HTTP session closes
        scheduler = start_scheduler(app[CORE])
        yield
        await scheduler.stop()

    app.cleanup_ctx.extend([core_ctx, session_ctx, slack_ctx, teams_ctx, scheduler_ctx])
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/slack/events", slack_events)
    app.router.add_post("/api/messages", teams_messages)
    add_dashboard_routes(app, lambda request: request.app[CORE])
    return app


def build_teams_endpoint(core: Core, settings: Settings, session: aiohttp.ClientSession, tokens) -> Handler:
    from bot.channel_teams import ChannelTeams
    from handlers.teams.app import build_teams
    from handlers.teams.auth import BotFrameworkAuth
    from handlers.teams.chat import TeamsChat
    from handlers.teams.connector import Connector
    from handlers.teams.graph import graph_for
    from handlers.teams.http import Gate, teams_endpoint
    from handlers.teams.tokens import Tokens, token_provider

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
    graph = graph_for(settings, session, provider, connector, ChannelTeams(core.db, core.now))
    bot = build_teams(core, TeamsChat(connector, core.db, core.now, graph), settings.message_update_interval)
    gate = Gate.of(core.config.teams_channels, core.config.teams_tenants, settings.microsoft_app_tenant_id)
    if not gate.tenants:
        log.warning("Teams accepts no tenant: set [teams] tenants or MICROSOFT_APP_TENANT_ID")
    return teams_endpoint(bot, auth, gate)


async def _start_socket_mode(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler | None:
    if not settings.slack_app_token:
        log.info("Slack is on over HTTP at POST /slack/events")
        return None
    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token)
    await handler.connect_async()
    log.info("Slack is on over Socket Mode")
    return handler


async def healthz(request: web.Request) -> web.Response:
    request.app[CORE].db.execute("SELECT 1").fetchone()
    return web.json_response({"ok": True})


async def slack_events(request: web.Request) -> web.Response:
    endpoint = request.app.get(SLACK_ENDPOINT)
    if endpoint is None:
        return web.json_response({"error": "Slack is not configured on this server"}, status=404)
    return await endpoint(request)


async def teams_messages(request: web.Request) -> web.StreamResponse:
    endpoint = request.app.get(TEAMS_ENDPOINT)
    if endpoint is None:
        return web.json_response({"error": "Teams is not configured on this server"}, status=404)
    return await endpoint(request)


def serve(settings: Settings, host: str, port: int) -> None:
    # No per-request access log: formatting and writing a line per request cost a noticeable share of
    # the request path (bench/RESULTS.md); failures are still logged by aiohttp and by herobot.
    web.run_app(create_app(settings), host=host, port=port, print=lambda message: log.info(message), access_log=None)

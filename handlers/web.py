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
from handlers.slack.app import build_slack
from handlers.slack.http import slack_endpoint

log = logging.getLogger(__name__)

CORE = web.AppKey("core", Core)
SLACK_ENDPOINT = web.AppKey("slack_endpoint", Handler)
MAX_BODY = 1024 * 1024


def create_app(settings: Settings, config: Config | None = None,
               clock: Callable[[], datetime] | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)

    async def core_ctx(app: web.Application):
        async with running_core(settings, config) as core:
            if clock is not None:
                core.clock = clock
            app[CORE] = core
            yield

    async def slack_ctx(app: web.Application):
        if not settings.slack_enabled:
            log.warning("Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to turn it on")
            yield
            return
        core = app[CORE]
        async with aiohttp.ClientSession() as session:
            bolt = build_slack(core, settings, session)
            app[SLACK_ENDPOINT] = slack_endpoint(bolt, settings.slack_signing_secret)
            socket = await _start_socket_mode(bolt, settings)
            yield
            if socket:
                await socket.close_async()
            await core.background.drain()  # finish posting while the session is still open

    async def scheduler_ctx(app: web.Application):
        # started once the chats are connected, stopped before their HTTP session closes
        scheduler = start_scheduler(app[CORE])
        yield
        await scheduler.stop()

    app.cleanup_ctx.extend([core_ctx, slack_ctx, scheduler_ctx])
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/slack/events", slack_events)
    return app


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


def serve(settings: Settings, host: str, port: int) -> None:
    web.run_app(create_app(settings), host=host, port=port, print=lambda message: log.info(message))

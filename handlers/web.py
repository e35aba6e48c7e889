"""The aiohttp application for `herobot serve` and for the tests.

Everything is built from the arguments (settings, config) inside `cleanup_ctx`, so the database,
the shared HTTP session and each platform's app live exactly as long as the web app. The core
and each platform's wiring come from the composition root, bot.bootstrap; the platforms, their
routes and their endpoints from its registry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler

from bot import bootstrap, platforms
from bot.config import Config, Settings
from bot.core import Core
from bot.dashboard import Compute
from bot.dashboard_worker import PageWorkers, running_workers
from bot.platforms import Overrides, Platform
from bot.scheduler import start_scheduler
from handlers.dashboard.routes import add_dashboard_routes

log = logging.getLogger(__name__)

CORE = web.AppKey("core", Core)
SESSION = web.AppKey("session", aiohttp.ClientSession)
ENDPOINTS = web.AppKey("endpoints", dict[str, Handler])  # platform name -> its endpoint, when it is on
COMPUTE = web.AppKey("compute", Compute)  # where the dashboard's pages are computed
WORKERS = web.AppKey("workers", PageWorkers)  # the processes that compute them, when they do
MAX_BODY = 1024 * 1024


def create_app(settings: Settings, config: Config | None = None, teams_tokens=None,
               clock: Callable[[], datetime] | None = None, page_workers: bool = False) -> web.Application:
    """`teams_tokens` replaces MSAL as the source of Bot Connector tokens, `clock` the system clock (tests).
    `page_workers` (`herobot serve`) computes the dashboard's pages in `[web] dashboard_workers` worker processes;
    without it (the tests' apps, which must not pay their start), in threads of this process."""
    app = web.Application(client_max_size=MAX_BODY)
    overrides = {"teams_tokens": teams_tokens} if teams_tokens is not None else {}

    async def core_ctx(app: web.Application):
        async with bootstrap.running_core(settings, config, clock) as core:
            app[CORE] = core
            app[ENDPOINTS] = {}
            yield

    async def compute_ctx(app: web.Application):
        count = app[CORE].config.web_dashboard_workers if page_workers else 0
        if not count:
            app[COMPUTE] = asyncio.to_thread
            yield
            return
        async with running_workers(count) as workers:  # started in the background: /healthz answers meanwhile
            app[COMPUTE], app[WORKERS] = workers.run, workers
            yield

    async def session_ctx(app: web.Application):
        async with aiohttp.ClientSession() as session:  # one pool of connections for every platform
            app[SESSION] = session
            yield
            await app[CORE].background.drain()  # finish sending while the session is still open

    async def scheduler_ctx(app: web.Application):
        # started once the chats are connected, stopped before their HTTP session closes
        scheduler = start_scheduler(app[CORE])
        yield
        await scheduler.stop()

    served = [p for p in platforms.registered() if p.serve is not None]
    app.cleanup_ctx.extend([core_ctx, compute_ctx, session_ctx,
                            *(_platform_ctx(p, settings, overrides) for p in served),
                            scheduler_ctx])
    app.router.add_get("/healthz", healthz)
    for platform in served:
        if platform.route:
            app.router.add_post(platform.route, _endpoint_of(platform))
    add_dashboard_routes(app, lambda request: request.app[CORE], lambda app: app[COMPUTE])
    return app


def _platform_ctx(platform: Platform, settings: Settings, overrides: Overrides):
    async def ctx(app: web.Application):
        if not platform.enabled(settings):
            log.warning("%s is off: set %s to turn it on", platform.title, platform.turn_on)
            yield
            return
        wiring = bootstrap.wiring(app[CORE], settings, overrides, app[SESSION])
        async with platform.serve(wiring) as endpoint:
            app[ENDPOINTS][platform.name] = endpoint
            yield

    return ctx


def _endpoint_of(platform: Platform) -> Handler:
    async def endpoint(request: web.Request) -> web.StreamResponse:
        handler = request.app[ENDPOINTS].get(platform.name)
        if handler is None:
            return web.json_response({"error": f"{platform.title} is not configured on this server"}, status=404)
        return await handler(request)

    return endpoint


async def healthz(request: web.Request) -> web.Response:
    request.app[CORE].db.execute("SELECT 1").fetchone()
    return web.json_response({"ok": True})


def serve(settings: Settings, host: str, port: int) -> None:
    # No per-request access log: formatting and writing a line per request cost a noticeable share of
    # the request path (bench/RESULTS.md); failures are still logged by aiohttp and by herobot.
    web.run_app(create_app(settings, page_workers=True), host=host, port=port, print=lambda message: log.info(message),
                access_log=None)

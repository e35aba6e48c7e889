"""The dashboard's aiohttp routes: sign-in from a chat link, the overview and one page per section.

Nothing about a request reaches the log beyond its path (no query, no cookie, no token)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import SimpleNamespace

from aiohttp import web

from bot import dashboard, dashboard_auth
from bot.core import Core
from bot.dashboard import Compute
from bot.dashboard_figures import SECTIONS
from bot.dashboard_worker import WorkerLost
from bot.errors import Refused
from handlers.dashboard.html import message_html, page_html

log = logging.getLogger(__name__)

HINT = "Type /hero dashboard in Slack (hero dashboard in Teams) to get a sign-in link."
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # the sign-in link carries its token in the query
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def add_dashboard_routes(app: web.Application, core_of: Callable[[web.Request], Core],
                         compute_of: Callable[[web.Application], Compute]) -> None:
    """`compute_of(app)` runs the pages' readers off the event loop: in threads, or in worker processes."""

    async def login(request: web.Request) -> web.Response:
        core = core_of(request)
        try:
            identity, cookie = dashboard_auth.sign_in(core, request.query.get("token", ""))
        except dashboard_auth.SignInRefused as refused:
            return _page(401, "Sign-in refused", str(refused), HINT)
        response = web.Response(status=303, headers={**HEADERS, "Location": "/dashboard"})
        response.set_cookie(dashboard_auth.COOKIE, cookie, max_age=int(dashboard_auth.SESSION_LIFE.total_seconds()),
                            path="/dashboard", httponly=True, samesite="Lax", secure=dashboard_auth.secure_cookie(core))
        log.info("dashboard: a sign-in link was used")
        return response

    async def logout(request: web.Request) -> web.Response:
        response = web.Response(status=303, headers={**HEADERS, "Location": "/dashboard/signed-out"})
        response.del_cookie(dashboard_auth.COOKIE, path="/dashboard")
        return response

    async def show(request: web.Request) -> web.Response:
        section = request.match_info.get("section")
        if section == "signed-out":
            return _page(401, "Signed out", "You are signed out of the dashboard.", HINT)
        if section is not None and section not in SECTIONS:
            return _not_found()
        core = core_of(request)
        identity = dashboard_auth.session_of(core, request.cookies.get(dashboard_auth.COOKIE))
        if identity is None:
            return _page(401, "Please sign in", "You need to sign in to see the dashboard.", HINT)
        viewer = dashboard.viewer_of(core.config, identity.platform, identity.user_id)
        try:
            built = await dashboard.page(core, viewer, section, compute_of(request.app))
        except Refused as refused:
            wait = core.heavy.retry_after((identity.platform, identity.user_id))
            return _page(429, "Try again in a moment", str(refused),
                         f"This page will be ready for you again in about {wait} seconds.", {"Retry-After": str(wait)})
        except WorkerLost:
            log.warning("dashboard: a page could not be computed: its worker stopped")
            return _page(503, "Try again in a moment", "The dashboard was interrupted while computing this page.",
                         "It is starting again: reload the page in a few seconds.", {"Retry-After": "5"})
        if built is None:
            return _not_found()
        who = f"{identity.user_id} ({'manager' if viewer.manager else 'member'})"
        return web.Response(text=page_html(built, who), content_type="text/html", headers=HEADERS)

    async def warm(app: web.Application) -> None:  # after cleanup_ctx's start (aiohttp runs it first): the core exists
        core = core_of(SimpleNamespace(app=app))
        core.background.spawn(dashboard.warm(core, compute_of(app)), "dashboard warm-up")

    app.on_startup.append(warm)
    app.router.add_get("/dashboard", show)
    app.router.add_get("/dashboard/login", login)
    app.router.add_get("/dashboard/logout", logout)
    app.router.add_get("/dashboard/{section}", show)


def _not_found() -> web.Response:
    return _page(404, "Not found", "There is no such section of the dashboard.",
                 "The sections: " + ", ".join(SECTIONS) + ".")


def _page(status: int, title: str, text: str, hint: str, headers: dict | None = None) -> web.Response:
    return web.Response(status=status, text=message_html(title, text, hint), content_type="text/html",
                        headers={**HEADERS, **(headers or {})})

"""Build the Bolt app and the Slack chat port for one core; serve it for as long as the web app runs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from handlers.slack import author_answers, box, challenges, decisions, hero, home, ideas, nudges, problems
from handlers.slack.chat import SlackChat
from handlers.slack.http import slack_endpoint
from handlers.slack.matching import match_on_body

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
# At DEBUG these log whole request bodies (an anonymous author's DM channel next to "Your anonymous idea"):
# they never log below INFO, whatever the root level.
QUIET_LOGGERS = ("slack_sdk", "slack_bolt")


def quiet_sdk_logs() -> None:
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO or logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)

# Each feature's listeners live in their own module with `register`, `COMMANDS` and `EVENTS`.
# Bolt tries listeners in this order, one after another, for every request: `ideas` comes first because
# reactions and `/idea` are most of the traffic and no other listener takes them. The general `/hero`
# listener comes last: the `/hero done`, `/hero challenge` and `/hero box add|edit` listeners of
# `decisions`, `challenges` and `box` must match before it.
FEATURES = (ideas, decisions, challenges, box, home, nudges, problems, author_answers, hero)
COMMANDS = tuple(command for feature in FEATURES for command in feature.COMMANDS)
EVENTS = tuple(dict.fromkeys(event for feature in FEATURES for event in feature.EVENTS))


def web_client(settings: Settings, session: aiohttp.ClientSession) -> AsyncWebClient:
    """One client over the app's shared session; 429s wait for Retry-After and dropped
    connections are retried, several times each (slack_sdk's default is one retry)."""
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        ],
    )


def build_slack(core: Core, settings: Settings, session: aiohttp.ClientSession) -> AsyncApp:
    """A Bolt app wired to the core; the core can then post to Slack through `SlackChat`."""
    quiet_sdk_logs()
    client = web_client(settings, session)
    bolt = AsyncApp(
        name="herobot",  # without a name Bolt calls inspect.stack(), which reads the source of every frame
        client=client,
        signing_secret=settings.slack_signing_secret or "socket-mode",
        process_before_response=True,
        # signatures are checked before Bolt sees the request (handlers.slack.http)
        request_verification_enabled=False,
    )
    chat = SlackChat(client, session)
    core.connect(chat, per_message=settings.message_update_interval)
    for feature in FEATURES:
        feature.register(bolt, core, chat)
    match_on_body(bolt)
    return bolt


@contextlib.asynccontextmanager
async def standalone_chat(settings: Settings) -> AsyncIterator[SlackChat]:
    """A Slack chat port without the Bolt app, for one-off sends from the command line."""
    async with aiohttp.ClientSession() as session:
        yield SlackChat(web_client(settings, session), session)


@contextlib.asynccontextmanager
async def serving(core: Core, settings: Settings, session: aiohttp.ClientSession) -> AsyncIterator:
    """Slack plugged into the core for as long as the web app runs: yields the POST /slack/events handler,
    and listens over Socket Mode too when SLACK_APP_TOKEN is set."""
    bolt = build_slack(core, settings, session)
    socket = await _start_socket_mode(bolt, settings)
    yield slack_endpoint(bolt, settings.slack_signing_secret)
    if socket:
        await socket.close_async()
    await core.background.drain()  # finish posting while the session is still open


async def _start_socket_mode(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler | None:
    if not settings.slack_app_token:
        log.info("Slack is on over HTTP at POST /slack/events")
        return None
    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token)
    await handler.connect_async()
    log.info("Slack is on over Socket Mode")
    return handler

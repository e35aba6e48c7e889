"""The core's `Chat` port on Slack's Web API."""

from __future__ import annotations

import asyncio
import logging
import re

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.chat import Origin
from bot.replies import Reply
from handlers.slack.blocks import render
from handlers.slack.parse import PLATFORM

log = logging.getLogger(__name__)

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")  # Slack user ids (W… on Enterprise Grid)


class SlackChat:
    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession):
        self.client = client
        self.session = session

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> str:
        response = await self.client.chat_postMessage(channel=channel_id, thread_ts=thread_id, **render(reply))
        return response["ts"]

    async def update(self, channel_id: str, message_id: str, reply: Reply) -> None:
        await self.client.chat_update(channel=channel_id, ts=message_id, **render(reply))

    async def send_direct(self, user_id: str, reply: Reply) -> tuple[str, str]:
        """Posting to a user id lands in the bot's direct-message conversation with them."""
        response = await self.client.chat_postMessage(channel=user_id, **render(reply))
        return response["channel"], response["ts"]

    async def tell(self, origin: Origin, reply: Reply) -> None:
        """Ephemeral answer: through the response_url when there is one, else in the channel, else by DM."""
        message = render(reply)
        if origin.handle and await self._respond(origin.handle, message):
            return
        if origin.channel_id:
            try:
                await self.client.chat_postEphemeral(channel=origin.channel_id, user=origin.user_id, **message)
                return
            except SlackApiError as error:
                log.info("ephemeral message failed (%s); sending a direct message", error_code(error))
        await self.send_direct(origin.user_id, reply)

    async def _respond(self, response_url: str, message: dict) -> bool:
        webhook = AsyncWebhookClient(response_url, session=self.session)
        try:
            response = await webhook.send(response_type="ephemeral", replace_original=False, **message)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            log.info("response_url unreachable (%s); trying another way", type(error).__name__)
            return False
        if response.status_code != 200:
            log.info("response_url answered %s; trying another way", response.status_code)
        return response.status_code == 200

    def reaches(self, user_id: str) -> bool:
        return bool(USER_ID.match(user_id))

    async def link(self, channel_id: str, message_id: str) -> str | None:
        try:
            response = await self.client.chat_getPermalink(channel=channel_id, message_ts=message_id)
        except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            log.info("no permalink for %s/%s: %s", channel_id, message_id, error_code(error))
            return None
        return response.get("permalink")


def error_code(error: Exception) -> str:
    """Slack's error code (`not_in_channel`, …), or what went wrong on the way there."""
    data = getattr(getattr(error, "response", None), "data", None)
    if isinstance(data, dict) and data.get("error"):
        return data["error"]
    return type(error).__name__

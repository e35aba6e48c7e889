"""The core's `Chat` port on Slack's Web API."""

from __future__ import annotations

import asyncio
import logging
import re

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.model import Origin
from bot.replies import DigestChart
from bot.replies import Reply
from handlers.slack.render import render
from handlers.slack.parse import PLATFORM

log = logging.getLogger(__name__)

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")  # Slack user ids (W… on Enterprise Grid)
CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,}$")
MESSAGE_TS = re.compile(r"^[0-9]{9,12}\.[0-9]{6}$")
WORKSPACE_URL = re.compile(r"^https://[a-z0-9-]+(\.[a-z0-9-]+)*\.slack\.com/$")


CLAIM_EVENT = "herobot_post"
CLAIM_PAGES = 5  # of 200 messages: how far back a retry looks for an earlier attempt's post


class SlackChat:
    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession):
        self.client = client
        self.session = session
        self._workspace_url: str | None = None
        self._workspace_known = False
        self._workspace_lock = asyncio.Lock()

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> str:
        response = await self.client.chat_postMessage(channel=channel_id, thread_ts=thread_id, **render(reply))
        chart = getattr(reply, "chart", None)
        if chart is not None:
            await self._upload_chart(channel_id, response["ts"], chart)
        return response["ts"]

    async def post_claimed(self, channel_id: str, reply: Reply, claim: str) -> str:
        """A post carrying its claim key in the message's metadata, so a retry can find it (find_claimed)."""
        response = await self.client.chat_postMessage(channel=channel_id, **render(reply), metadata={
            "event_type": CLAIM_EVENT, "event_payload": {"claim": claim}})
        return response["ts"]

    async def find_claimed(self, channel_id: str, claim: str, since=None) -> str | None:
        """The message an earlier attempt posted with this claim, among the channel's latest (`since` unused)."""
        cursor = None
        for _ in range(CLAIM_PAGES):
            response = await self.client.conversations_history(channel=channel_id, limit=200, cursor=cursor,
                                                               include_all_metadata=True)
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                if (metadata.get("event_type") == CLAIM_EVENT
                        and (metadata.get("event_payload") or {}).get("claim") == claim):
                    return message.get("ts")
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    async def _upload_chart(self, channel_id: str, thread_ts: str, chart: DigestChart) -> None:
        """The digest's picture, into its thread (files.getUploadURLExternal, the upload, files.completeUploadExternal).
        A failed upload is logged; the digest itself is already out."""
        try:
            await self.client.files_upload_v2(channel=channel_id, thread_ts=thread_ts, content=chart.png,
                                              filename="weekly-digest.png", title="This week in a chart",
                                              alt_txt=chart.alt[:1000])
        except Exception as error:  # noqa: BLE001 - any failure leaves the digest without its picture
            log.warning("digest chart upload failed (%s); the digest went out without it", error_code(error))

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
        """A message's permalink. Built from the workspace URL (auth.test, asked once) in Slack's documented
        form https://WORKSPACE.slack.com/archives/CHANNEL/pTSWITHOUTDOT, which saves a chat.getPermalink call
        per link; chat.getPermalink remains the way when the URL or the ids do not have the expected shape."""
        workspace = await self._workspace()
        if workspace and CHANNEL_ID.match(channel_id or "") and MESSAGE_TS.match(message_id or ""):
            return f"{workspace}archives/{channel_id}/p{message_id.replace('.', '')}"
        try:
            response = await self.client.chat_getPermalink(channel=channel_id, message_ts=message_id)
        except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            log.info("no permalink for %s/%s: %s", channel_id, message_id, error_code(error))
            return None
        return response.get("permalink")

    async def _workspace(self) -> str | None:
        """The workspace URL from auth.test, asked once; None (use chat.getPermalink) when unknown.
        A failed auth.test is asked again next time, so a passing outage does not stick."""
        if self._workspace_known:
            return self._workspace_url
        async with self._workspace_lock:
            if not self._workspace_known:
                try:
                    response = await self.client.auth_test()
                except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
                    log.info("auth.test failed (%s); permalinks come from chat.getPermalink", error_code(error))
                    return None
                url = response.get("url")
                url = url if isinstance(url, str) and url.endswith("/") else f"{url}/" if isinstance(url, str) else None
                self._workspace_url = url if url and WORKSPACE_URL.match(url) else None
                self._workspace_known = True
        return self._workspace_url


def error_code(error: Exception) -> str:
    """Slack's error code (`not_in_channel`, …), or what went wrong on the way there."""
    data = getattr(getattr(error, "response", None), "data", None)
    if isinstance(data, dict) and data.get("error"):
        return data["error"]
    return type(error).__name__

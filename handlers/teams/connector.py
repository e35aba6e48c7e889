"""The Bot Connector REST API at a conversation's serviceUrl, over the app's shared aiohttp session.

Teams answers 429 when a bot sends too fast (about 7 sends a second per conversation)
and 412/502/504 when it is briefly unavailable: those are retried with exponential
backoff and full jitter, waiting at least `Retry-After` when Teams gives one.
A 401 gets one retry with a fresh token.
"""

from __future__ import annotations

import asyncio
import logging
import random
from urllib.parse import quote

import aiohttp

from handlers.teams.tokens import Tokens

log = logging.getLogger(__name__)

RETRYABLE = frozenset({412, 429, 502, 504})
MAX_TRIES = 6
MAX_DELAY = 30.0


class ConnectorError(Exception):
    def __init__(self, status: int, method: str, path: str):
        super().__init__(f"Bot Connector answered {status} to {method} {path}")
        self.status = status


class Connector:
    def __init__(self, session: aiohttp.ClientSession, tokens: Tokens, retry_delay: float = 0.5):
        self.session = session
        self.tokens = tokens
        self.retry_delay = retry_delay

    async def send(self, service_url: str, conversation_id: str, activity: dict, once: bool = False) -> str:
        """POST /v3/conversations/{id}/activities; returns the new activity's id. `once`: not sent again after an
        answer that may hide a delivered message (5xx, a lost connection); the caller looks for it instead."""
        answer = await self._call("POST", service_url, f"/v3/conversations/{quote(conversation_id, safe='')}/activities",
                                  activity, once)
        return answer.get("id", "")

    async def team_details(self, service_url: str, team_id: str) -> dict:
        """GET /v3/teams/{id}: the team's name and `aadGroupId` (the id Microsoft Graph knows it by)."""
        return await self._call("GET", service_url, f"/v3/teams/{quote(team_id, safe='')}", None)

    async def update(self, service_url: str, conversation_id: str, activity_id: str, activity: dict) -> None:
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        await self._call("PUT", service_url, path, {**activity, "id": activity_id})

    async def create_conversation(self, service_url: str, tenant_id: str | None, bot_id: str, user_id: str) -> str:
        """POST /v3/conversations: the bot's personal chat with one person; returns its id."""
        body = {"bot": {"id": bot_id}, "members": [{"id": user_id}], "isGroup": False,
                "tenantId": tenant_id, "channelData": {"tenant": {"id": tenant_id}}}
        answer = await self._call("POST", service_url, "/v3/conversations", body)
        return answer["id"]

    async def _call(self, method: str, service_url: str, path: str, body: dict | None, once: bool = False) -> dict:
        url = service_url.rstrip("/") + path
        fresh_token = False
        for attempt in range(1, MAX_TRIES + 1):
            retry_after = None
            try:
                headers = await self.tokens.header(force_refresh=fresh_token)
                async with self.session.request(method, url, json=body, headers=headers) as response:
                    if response.status < 300:
                        return await response.json(content_type=None) if response.content_length != 0 else {}
                    status, retry_after = response.status, response.headers.get("Retry-After")
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
                status = None
                log.info("%s %s: %s (try %d)", method, path, type(error).__name__, attempt)
            if status == 401 and not fresh_token and self.tokens.provider is not None:
                fresh_token = True
                continue
            if status is not None and status not in RETRYABLE or once and status not in (412, 429):
                raise ConnectorError(status or 0, method, path)
            if attempt == MAX_TRIES:
                break
            delay = self._backoff(attempt, retry_after)
            log.info("%s %s answered %s; retrying in %.2fs", method, path, status, delay)
            await asyncio.sleep(delay)
        raise ConnectorError(status or 0, method, path)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        delay = random.uniform(0, min(MAX_DELAY, self.retry_delay * 2 ** (attempt - 1)))  # full jitter
        try:
            return max(delay, min(MAX_DELAY, float(retry_after))) if retry_after else delay
        except ValueError:  # an HTTP date: wait the longest backoff instead of parsing it
            return max(delay, self.retry_delay * 2 ** (attempt - 1))

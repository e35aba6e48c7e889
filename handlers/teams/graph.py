"""Reading a Teams channel or group chat back through Microsoft Graph, to find the card an interrupted
attempt posted (bot.outbox): the Bot Connector cannot read a conversation's history.

The card carries its claim key as the id of a hidden element, and Graph returns a card message's
`attachments[].content` as the card's JSON, so the claim is found there. A channel needs its team's
Microsoft 365 group id (`/teams/{group-id}/channels/{channel-id}/messages`, learnt from the activities
Teams sends) and the resource-specific permission `ChannelMessage.Read.Group`; a group chat
(`/chats/{chat-id}/messages`) needs `ChatMessage.Read.Chat`. Both are in teams/manifest.json and are
granted when the app is installed. When Graph cannot answer, `GraphUnavailable` says why: the caller
keeps the item and asks again later rather than risk posting it twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote

import aiohttp

from bot.conversations import ChannelTeamsStore
from bot.config import Settings
from handlers.teams import parse
from handlers.teams.connector import Connector, ConnectorError
from handlers.teams.tokens import TokenProvider, Tokens

log = logging.getLogger(__name__)

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
CLAIM_PREFIX = "herobot-claim-"
PAGE_SIZE = 50  # Graph's most per page for channel and chat messages
PAGES = 20  # how far back a check looks before it gives up (and keeps the item rather than repost)
SKEW = timedelta(minutes=5)  # clocks of this server and Teams may disagree this much
TIMEOUT = aiohttp.ClientTimeout(total=30)
PERMISSION = {"channel": "ChannelMessage.Read.Group", "chat": "ChatMessage.Read.Chat"}


class GraphUnavailable(Exception):
    """Graph could not say whether the card is there; `response.headers` carries a Retry-After (bot.sending)."""

    def __init__(self, reason: str, retry_after: str | None = None):
        super().__init__(reason)
        self.response = SimpleNamespace(headers={"Retry-After": retry_after} if retry_after else {})


# --- the claim in the card ---------------------------------------------------------------------
def claim_id(claim: str) -> str:
    return CLAIM_PREFIX + claim


def with_claim(activity: dict, claim: str) -> dict:
    """The activity whose card carries `claim` as a hidden element's id (nobody sees it; Graph returns it)."""
    for attachment in activity.get("attachments") or []:
        if attachment.get("contentType") == ADAPTIVE and isinstance(attachment.get("content"), dict):
            card = attachment["content"]
            card["body"] = [*(card.get("body") or []),
                            {"type": "TextBlock", "text": " ", "id": claim_id(claim), "isVisible": False}]
            break
    return activity


def carries(message: dict, claim: str) -> bool:
    """Whether a Graph chatMessage is a card carrying `claim`."""
    wanted = claim_id(claim)
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict) or attachment.get("contentType") != ADAPTIVE:
            continue
        content = attachment.get("content")
        if isinstance(content, str):
            if wanted not in content:
                continue
            try:
                content = json.loads(content)
            except ValueError:
                continue
        if wanted in _ids(content):
            return True
    return False


def _ids(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["id"]} if isinstance(node.get("id"), str) else set()
        for value in node.values():
            found |= _ids(value)
        return found
    if isinstance(node, list):
        return set().union(*(_ids(item) for item in node)) if node else set()
    return set()


def message_id_of(activity_id: str) -> str:
    """The message id of a post. For a channel's root post the Bot Connector's activity id is Graph's message
    id (epoch milliseconds); should it come back as a whole conversation id, its `;messageid=` part."""
    return parse.split_thread(activity_id)[1] or activity_id


# --- which team a channel is in ------------------------------------------------------------------
def team_of_activity(activity) -> tuple[str, str | None] | None:
    """(channelData.team.id, channelData.team.aadGroupId) of an activity in a team's channel."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team") if isinstance(data.get("team"), dict) else {}
    team_id, group_id = team.get("id"), team.get("aadGroupId")
    if not isinstance(team_id, str) or not team_id:
        return None
    return team_id, group_id if isinstance(group_id, str) and group_id else None


def remember_team(channels: ChannelTeamsStore, activity) -> None:
    team = team_of_activity(activity)
    if team is None or not activity.conversation or parse.kind_of(activity) != parse.CHANNEL:
        return
    channel, _ = parse.split_thread(activity.conversation.id or "")
    if channel:
        channels.remember(channel, *team)


# --- Graph -----------------------------------------------------------------------------------------
class Graph:
    def __init__(self, session: aiohttp.ClientSession, tokens: Tokens, base_url: str, channels: ChannelTeamsStore,
                 connector: Connector):
        self.session = session
        self.tokens = tokens
        self.base_url = base_url.rstrip("/")
        self.channels = channels
        self.connector = connector
        self.warned: set[str] = set()

    async def find_claimed(self, conversation_id: str, claim: str, since: datetime | None,
                           service_url: str) -> str | None:
        """The id of the message carrying `claim`, posted since `since`; None when Graph shows it is not there."""
        kind = "chat" if conversation_id.endswith("@thread.v2") else "channel"
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        url = await self._messages_url(conversation_id, kind, since, service_url)
        for _ in range(PAGES):
            page = await self._get(url, kind)
            messages = [m for m in page.get("value") or [] if isinstance(m, dict)]
            for message in messages:
                if carries(message, claim) and isinstance(message.get("id"), str):
                    return message["id"]
            url = page.get("@odata.nextLink")
            if not url or not messages or (since and all(_older(m, since - SKEW) for m in messages)):
                return None  # newest first: past `since`, the card cannot be further back
        raise self._unavailable("too-many", f"more than {PAGES * PAGE_SIZE} messages were posted in {conversation_id} "
                                            "since the claim: herobot keeps the item rather than risk a second post")

    async def _messages_url(self, conversation_id: str, kind: str, since: datetime | None, service_url: str) -> str:
        if kind == "chat":
            url = (f"{self.base_url}/chats/{quote(conversation_id, safe='')}/messages?$top={PAGE_SIZE}"
                   "&$orderby=lastModifiedDateTime desc")
            if since:
                url += f"&$filter=lastModifiedDateTime gt {_odata_time(since - SKEW)}"
            return url
        if not conversation_id.startswith("19:"):
            raise self._unavailable("personal", "a personal chat cannot be read back through Graph")
        group_id = await self._group_of(conversation_id, service_url)
        return (f"{self.base_url}/teams/{quote(group_id, safe='')}/channels/{quote(conversation_id, safe='')}"
                f"/messages?$top={PAGE_SIZE}")

    async def _group_of(self, channel_id: str, service_url: str) -> str:
        team = self.channels.team_of(channel_id)
        if team is None:
            raise self._unavailable("no-team", f"herobot does not know which team channel {channel_id} is in yet; it "
                                               "learns it from any activity in that channel (a message to the bot, or "
                                               "installing the app in the team)")
        team_id, group_id = team
        if group_id:
            return group_id
        try:
            details = await self.connector.team_details(service_url, team_id)
        except ConnectorError as error:
            raise self._unavailable("team-details", f"the Bot Connector did not give team {team_id}'s group id "
                                                    f"({error.status})") from error
        group_id = details.get("aadGroupId") if isinstance(details, dict) else None
        if not isinstance(group_id, str) or not group_id:
            raise self._unavailable("team-details", f"the Bot Connector gave no group id for team {team_id}")
        await self.channels.set_group(team_id, group_id)
        return group_id

    async def _get(self, url: str, kind: str) -> dict:
        """One page. Without a token provider (HEROBOT_TEAMS_ANONYMOUS: nothing authenticated in or out, for local
        testing) the request goes without a token, which real Graph refuses."""
        fresh = False
        while True:
            try:
                headers = await self.tokens.header(force_refresh=fresh)
                async with self.session.get(url, headers=headers, timeout=TIMEOUT) as response:
                    if response.status == 200:
                        return await response.json(content_type=None)
                    status, retry_after = response.status, response.headers.get("Retry-After")
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                raise self._unavailable("network", f"Microsoft Graph could not be reached ({type(error).__name__})")
            if status == 401 and not fresh and self.tokens.provider is not None:
                fresh = True
                continue
            if status == 401 and self.tokens.provider is None:
                raise self._unavailable("anonymous", "Graph wants a token, and Teams runs without authentication "
                                                     "(HEROBOT_TEAMS_ANONYMOUS)")
            if status in (401, 403):
                raise self._unavailable(f"denied-{kind}", (
                    f"Microsoft Graph refused to read the {kind} ({status}): the Teams app needs the resource-specific "
                    f"permission {PERMISSION[kind]} (teams/manifest.json), granted by installing or updating the app "
                    "in that team or chat with the current manifest"))
            raise self._unavailable(f"status-{status}", f"Microsoft Graph answered {status}", retry_after)

    def _unavailable(self, key: str, reason: str, retry_after: str | None = None) -> GraphUnavailable:
        """The error, logged as a warning the first time this kind of trouble is met."""
        if key not in self.warned:
            self.warned.add(key)
            log.warning("cannot check Teams for an interrupted post: %s. Items that may already be posted wait in "
                        "the outbox and are checked again later; nothing is posted twice.", reason)
        return GraphUnavailable(reason, retry_after)


def _older(message: dict, than: datetime) -> bool:
    """Created and last changed before `than`: whether Graph lists newest-created or last-changed first, no message
    after this one can be the card (a card posted since the claim was taken)."""
    times = []
    for key in ("createdDateTime", "lastModifiedDateTime"):
        value = message.get(key)
        try:
            times.append(datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None)
        except ValueError:
            times.append(None)
    known = [t for t in times if t is not None and t.tzinfo is not None]
    return bool(known) and max(known) < than


def _odata_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def graph_for(settings: Settings, session: aiohttp.ClientSession, provider: TokenProvider | None,
              connector: Connector, channels: ChannelTeamsStore) -> Graph:
    return Graph(session, Tokens(provider, for_graph=True), settings.graph_url, channels, connector)

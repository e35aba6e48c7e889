"""POST /api/messages: authenticate, parse the activity, let the bot answer.

Nothing is read or stored before the token is checked; a bad token gets a bare 401.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from aiohttp import web
from microsoft_agents.activity import Activity
from pydantic import ValidationError

from bot.errors import SaveFailed
from handlers.teams.auth import BotFrameworkAuth, Unauthorized
from handlers.teams.bot import TeamsBot

log = logging.getLogger(__name__)


def read_activity(data: dict) -> Activity | None:
    """The activity in a request's JSON, or None when it is not one. Besides pydantic's errors the SDK's own
    checks raise a bare Exception (a channelId sub-channel conflicting with a productInfo entity)."""
    try:
        return Activity.model_validate(data)
    except (ValidationError, RecursionError):
        return None
    except Exception as error:  # noqa: BLE001 — see above; found by the fuzz suite
        log.warning("refused an activity: %s", str(error).splitlines()[0])
        return None


def incomplete(activity: Activity) -> bool:
    """The Bot Connector always names the conversation and the bot it speaks to; without them nothing can be answered."""
    return not (activity.conversation and activity.conversation.id and activity.recipient and activity.recipient.id)


def valid_unicode(data: dict) -> bool:
    """JSON escapes can spell lone surrogates, which no real client sends and SQLite cannot store."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


@dataclass(frozen=True)
class Gate:
    """Which Bot Framework channels and tenants may speak to the bot. On any channel but Teams the client
    chooses `from`, so only `msteams` (and channels an admin adds for local testing) is accepted."""

    channels: frozenset[str]
    tenants: frozenset[str]

    @classmethod
    def of(cls, extra_channels: tuple[str, ...], tenants: tuple[str, ...], default_tenant: str | None) -> Gate:
        return cls(frozenset(("msteams", *extra_channels)),
                   frozenset(tenants or ((default_tenant,) if default_tenant else ())))

    def refusal(self, data: dict) -> str | None:
        """Why the activity is refused, or None. Every tenant id it names must be one of ours."""
        if data.get("channelId") not in self.channels:
            return "the activity comes from a channel other than Teams"
        named = tenants_named(data)
        if not named or any(not isinstance(t, str) or t not in self.tenants for t in named):
            return "the activity comes from a tenant that is not configured"
        return None


def tenants_named(data: dict) -> list:
    channel_data = data.get("channelData") if isinstance(data.get("channelData"), dict) else {}
    tenant = channel_data.get("tenant") if isinstance(channel_data.get("tenant"), dict) else {}
    conversation = data.get("conversation") if isinstance(data.get("conversation"), dict) else {}
    return [t for t in (tenant.get("id"), conversation.get("tenantId")) if t is not None]


def read_json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def teams_endpoint(bot: TeamsBot, auth: BotFrameworkAuth | None, gate: Gate):
    """`auth` None is the anonymous local-testing mode (HEROBOT_TEAMS_ANONYMOUS=1); the gate applies in every mode."""

    async def endpoint(request: web.Request) -> web.Response:
        data = read_json(await request.read())
        if not isinstance(data, dict):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        if auth is not None:
            try:
                await auth.check(request.headers.get("Authorization"), data.get("serviceUrl"), data.get("channelId"))
            except Unauthorized as error:
                log.warning("rejected a request to /api/messages: %s", error)
                return web.json_response({"error": "unauthorized"}, status=401)
        if refusal := gate.refusal(data):
            log.warning("refused an activity: %s", refusal)
            return web.json_response({"error": "forbidden"}, status=403)
        activity = read_activity(data)
        if activity is None or incomplete(activity) or not valid_unicode(data):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        try:
            status, body = await bot.handle(activity)
        except SaveFailed:
            return web.json_response({"error": "could not be saved; send it again"}, status=503)
        return web.json_response(body, status=status) if body is not None else web.Response(status=status)

    return endpoint

"""POST /api/messages: authenticate, parse the activity, let the bot answer.

Nothing is read or stored before the token is checked; a bad token gets a bare 401.
"""

from __future__ import annotations

import json
import logging

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
    except ValidationError:
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
    except UnicodeEncodeError:
        return False
    return True


def teams_endpoint(bot: TeamsBot, auth: BotFrameworkAuth | None):
    """`auth` None is the anonymous local-testing mode (HEROBOT_TEAMS_ANONYMOUS=1)."""

    async def endpoint(request: web.Request) -> web.Response:
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "the body is not JSON"}, status=400)
        if not isinstance(data, dict):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        if auth is not None:
            try:
                await auth.check(request.headers.get("Authorization"), data.get("serviceUrl"), data.get("channelId"))
            except Unauthorized as error:
                log.warning("rejected a request to /api/messages: %s", error)
                return web.json_response({"error": "unauthorized"}, status=401)
        activity = read_activity(data)
        if activity is None or incomplete(activity) or not valid_unicode(data):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        try:
            status, body = await bot.handle(activity)
        except SaveFailed:
            return web.json_response({"error": "could not be saved; send it again"}, status=503)
        return web.json_response(body, status=status) if body is not None else web.Response(status=status)

    return endpoint

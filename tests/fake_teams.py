"""A local stand-in for the Bot Connector service, the Bot Framework's OpenID/JWKS endpoints and the part of
Microsoft Graph that reads a channel's or group chat's messages back.

It records every call the bot makes, can be told to fail, and checks the shape of
every Adaptive Card it receives (CI also validates them against the official schema).
A post that lands (even one answered with a failure, `landed=True`) shows in Graph's
messages of its channel, newest first, its card as a JSON string as Graph gives it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from aiohttp import web

from tests.teams_cards import CardLog

ISSUER = "https://api.botframework.com"
ADAPTIVE = "application/vnd.microsoft.card.adaptive"


@dataclass
class Call:
    kind: str  # send, update, create_conversation, team, graph
    conversation: str | None
    body: dict
    headers: dict
    activity_id: str | None = None
    at: float = field(default_factory=time.monotonic)

    def text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)

    def card(self) -> dict | None:
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment["content"]
        return None


class FakeTeams:
    def __init__(self, jwks: dict, cards: CardLog) -> None:
        self.jwks = jwks
        self.cards = cards
        self.calls: list[Call] = []
        self.failures: dict[str, list[tuple[int, str | None, bool, str | None]]] = {}
        self.messages: dict[str, list[dict]] = {}  # Graph's view: a conversation's root posts, newest first
        self.team_groups: dict[str, str] = {}  # a team's thread id → its group id (GET /v3/teams/{id})
        self.graph_needs_token = True  # False: a suite's server runs with HEROBOT_TEAMS_ANONYMOUS
        self.key_fetches = 0
        self._ids = itertools.count(1)
        self.base_url = ""
        self.app = web.Application()
        self.app.router.add_get("/openid/.well-known/openidconfiguration", self._metadata)
        self.app.router.add_get("/openid/keys", self._keys)
        self.app.router.add_post("/v3/conversations", self._create)
        self.app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        self.app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        self.app.router.add_get("/v3/teams/{team}", self._team)
        self.app.router.add_get("/graph/v1.0/teams/{group}/channels/{conversation}/messages", self._graph_messages)
        self.app.router.add_get("/graph/v1.0/chats/{conversation}/messages", self._graph_messages)

    @property
    def service_url(self) -> str:
        return self.base_url + "/"

    @property
    def openid_url(self) -> str:
        return self.base_url + "/openid/.well-known/openidconfiguration"

    @property
    def graph_url(self) -> str:
        return self.base_url + "/graph/v1.0"

    # --- what tests use -------------------------------------------------------------
    def fail(self, kind: str, times: int = 1, status: int = 429, retry_after: str | None = None,
             landed: bool = False, conversation: str | None = None) -> None:
        """The next `times` calls of `kind` (to `conversation` only, if given) answer `status`; `landed`: a send
        is delivered all the same (its answer is what fails)."""
        self.failures.setdefault(kind, []).extend([(status, retry_after, landed, conversation)] * times)

    def posts_to(self, conversation: str) -> list[Call]:
        """Sends to a conversation that were delivered (answered 201, or failed after landing)."""
        return [c for c in self.calls_to("send", conversation) if c.activity_id]

    def calls_to(self, kind: str, conversation: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.kind == kind and (conversation is None or c.conversation == conversation)]

    async def wait_for(self, kind: str, count: int = 1, timeout: float = 5.0, where=None) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(kind) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} {kind} call(s), saw {len(found)}; all: "
                                     f"{[(c.kind, c.conversation) for c in self.calls]}")
            await asyncio.sleep(0.01)

    # --- the fake service -------------------------------------------------------------
    async def _metadata(self, request: web.Request) -> web.Response:
        return web.json_response({"issuer": ISSUER, "jwks_uri": self.base_url + "/openid/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def _keys(self, request: web.Request) -> web.Response:
        self.key_fetches += 1
        return web.json_response(self.jwks)

    async def _record(self, request: web.Request, kind: str) -> tuple[Call, web.Response | None]:
        conversation = request.match_info.get("conversation")
        call = Call(kind, unquote(conversation) if conversation else None, await request.json(),
                    dict(request.headers), request.match_info.get("activity"))
        self.calls.append(call)
        if call.card() is not None:
            self.cards.add(call.card())
        pending = self.failures.get(kind) or []
        for n, (status, retry_after, landed, only) in enumerate(pending):
            if only is None or only == call.conversation:
                del pending[n]
                if landed:
                    self._deliver(call)
                headers = {"Retry-After": retry_after} if retry_after else {}
                return call, web.json_response({"error": {"code": "Throttled"}}, status=status, headers=headers)
        return call, None

    def _deliver(self, call: Call) -> None:
        call.activity_id = f"1700000000{next(self._ids):03d}"
        if call.conversation and ";messageid=" not in call.conversation:
            card, text = call.card(), call.body.get("text")
            self.messages.setdefault(call.conversation, []).insert(0, {
                "id": call.activity_id, "messageType": "message", "replyToId": None,
                "createdDateTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "from": {"application": {"id": call.body.get("from", {}).get("id"), "displayName": "herobot"}},
                "body": {"contentType": "html", "content": "<attachment></attachment>" if card else text},
                "attachments": [{"id": f"att-{call.activity_id}", "contentType": ADAPTIVE, "content": json.dumps(card),
                                 "name": None}] if card else []})

    async def _send(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "send")
        if failure:
            return failure
        self._deliver(call)
        return web.json_response({"id": call.activity_id}, status=201)

    async def _team(self, request: web.Request) -> web.Response:
        call = Call("team", request.match_info["team"], {}, dict(request.headers))
        self.calls.append(call)
        group = self.team_groups.get(unquote(request.match_info["team"]))
        if group is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response({"id": call.conversation, "name": "Support", "aadGroupId": group})

    async def _graph_messages(self, request: web.Request) -> web.Response:
        """Graph's list of channel (or chat) messages: a bearer token, $top at most 50, pages via nextLink."""
        conversation = unquote(request.match_info["conversation"])
        call = Call("graph", conversation, {"query": dict(request.query), "group": request.match_info.get("group")},
                    dict(request.headers))
        self.calls.append(call)
        pending = self.failures.get("graph")
        if pending:
            status, retry_after, _, _ = pending.pop(0)
            headers = {"Retry-After": retry_after} if retry_after else {}
            return web.json_response({"error": {"code": "Forbidden"}}, status=status, headers=headers)
        if self.graph_needs_token and not request.headers.get("Authorization", "").startswith("Bearer "):
            return web.json_response({"error": {"code": "InvalidAuthenticationToken"}}, status=401)
        group = request.match_info.get("group")
        if group is not None and group not in self.team_groups.values():
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        top = int(request.query.get("$top", "20"))
        if top > 50:
            return web.json_response({"error": {"code": "BadRequest"}}, status=400)
        start = int(request.query.get("$skiptoken", "0"))
        messages = self.messages.get(conversation, [])
        page = {"value": messages[start:start + top]}
        if start + top < len(messages):
            page["@odata.nextLink"] = str(request.url.update_query({"$skiptoken": str(start + top)}))
        return web.json_response(page)

    async def _update(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "update")
        return failure or web.json_response({"id": call.activity_id})

    async def _create(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "create_conversation")
        if failure:
            return failure
        member = call.body["members"][0]["id"]
        return web.json_response({"id": f"a:personal-{member}"}, status=201)

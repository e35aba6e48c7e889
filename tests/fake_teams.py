"""A local stand-in for the Bot Connector service and the Bot Framework's OpenID/JWKS endpoints.

It records every call the bot makes, can be told to fail, and checks the shape of
every Adaptive Card it receives (CI also validates them against the official schema).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from urllib.parse import unquote

from aiohttp import web

from tests.teams_cards import CardLog

ISSUER = "https://api.botframework.com"


@dataclass
class Call:
    kind: str  # send, update, create_conversation
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
        self.failures: dict[str, list[tuple[int, str | None]]] = {}
        self.key_fetches = 0
        self._ids = itertools.count(1)
        self.base_url = ""
        self.app = web.Application()
        self.app.router.add_get("/openid/.well-known/openidconfiguration", self._metadata)
        self.app.router.add_get("/openid/keys", self._keys)
        self.app.router.add_post("/v3/conversations", self._create)
        self.app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        self.app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)

    @property
    def service_url(self) -> str:
        return self.base_url + "/"

    @property
    def openid_url(self) -> str:
        return self.base_url + "/openid/.well-known/openidconfiguration"

    # --- what tests use -------------------------------------------------------------
    def fail(self, kind: str, times: int = 1, status: int = 429, retry_after: str | None = None) -> None:
        self.failures.setdefault(kind, []).extend([(status, retry_after)] * times)

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
        pending = self.failures.get(kind)
        if pending:
            status, retry_after = pending.pop(0)
            headers = {"Retry-After": retry_after} if retry_after else {}
            return call, web.json_response({"error": {"code": "Throttled"}}, status=status, headers=headers)
        return call, None

    async def _send(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "send")
        if failure:
            return failure
        call.activity_id = f"1700000000{next(self._ids):03d}"
        return web.json_response({"id": call.activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "update")
        return failure or web.json_response({"id": call.activity_id})

    async def _create(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "create_conversation")
        if failure:
            return failure
        member = call.body["members"][0]["id"]
        return web.json_response({"id": f"a:personal-{member}"}, status=201)

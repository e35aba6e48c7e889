"""A local stand-in for Slack's Web API and response_url endpoint that records every call."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Call:
    method: str
    args: dict
    answer: dict = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    def text(self) -> str:
        """Everything visible in the message, as one string, for assertions."""
        return json.dumps({k: self.args.get(k) for k in ("text", "blocks", "view")}, ensure_ascii=False)


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    landed: bool = False  # the call took effect but its answer was lost (a timeout, a crash before recording)
    channel: str | None = None  # only calls to this channel fail


# An ephemeral note reaches a person either in the answer to their slash command (recorded by
# tests.slack_requests) or later through the command's or click's response_url.
NOTE_WAYS = ("answer", "response_url")


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._ts = itertools.count(1)
        self.history: dict[str, list[dict]] = {}  # channel -> messages posted there, newest first
        self._failures: dict[str, list[Failure]] = {}
        self._delays: dict[str, float] = {}
        self.app = web.Application()
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/response/{token}", self._response_url)
        self.app.router.add_post("/upload/{file_id}", self._upload)
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes sent to its upload URL
        self.app.router.add_get("/socket", self._socket)
        self.socket_acks: list[dict] = []
        self._socket_outbox: asyncio.Queue[dict] = asyncio.Queue()
        self.base_url = ""  # set once the server is listening
        self.outside_channels: set[str] = set()  # conversations.info: the bot is not a member
        self.missing_channels: set[str] = set()  # conversations.info: channel_not_found

    # --- what tests use -------------------------------------------------------------
    def fail(self, method: str, times: int = 1, **failure) -> None:
        """Make the next `times` calls of `method` fail (a Slack error, or an HTTP status such as 429)."""
        self._failures.setdefault(method, []).extend(Failure(**failure) for _ in range(times))

    def slow(self, method: str, seconds: float) -> None:
        """Make every later call of `method` take `seconds` before it is answered."""
        self._delays[method] = seconds

    def calls_to(self, method: str) -> list[Call]:
        """The calls to `method`; "note" means every ephemeral note, whichever way it came (NOTE_WAYS)."""
        methods = NOTE_WAYS if method == "note" else (method,)
        return [c for c in self.calls if c.method in methods]

    def response_url(self, token: str = "r1") -> str:
        return f"{self.base_url}/response/{token}"

    def push_envelope(self, envelope: dict) -> None:
        """Send a Socket Mode envelope to the connected app."""
        self._socket_outbox.put_nowait(envelope)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, where=None) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"expected {count} call(s) to {method}, saw {len(found)}; all calls: {seen}")
            await asyncio.sleep(0.01)

    # --- the fake API ---------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict:
        if request.method == "GET":
            return dict(request.query)
        query = dict(request.query)  # slack_sdk sends some methods' arguments as query parameters
        if request.content_type == "application/json":
            return {**query, **await request.json()}
        return {**query, **dict(await request.post())}

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        call = Call(method, args)
        self.calls.append(call)
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        pending = [f for f in self._failures.get(method, []) if f.channel in (None, args.get("channel"))]
        if pending:
            failure = pending[0]
            self._failures[method].remove(failure)
            if failure.landed:
                call.answer = self._answer(method, args)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return web.json_response({"ok": False, "error": failure.error or "ratelimited"},
                                     status=failure.status, headers=headers)
        call.answer = self._answer(method, args)
        return web.json_response(call.answer)

    def _answer(self, method: str, args: dict) -> dict:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base_url.replace("http://", "ws://") + "/socket"}
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "herobot",
                    "url": "https://example.slack.com/"}
        if method == "chat.postMessage":
            ts = f"{1700000000 + next(self._ts)}.000100"
            message = {"ts": ts, **({"metadata": args["metadata"]} if args.get("metadata") else {})}
            self.history.setdefault(str(args.get("channel")), []).insert(0, message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "conversations.history":
            everything = str(args.get("include_all_metadata")).lower() in ("1", "true")
            start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
            messages = self.history.get(str(args.get("channel")), [])
            page = [m if everything else {"ts": m["ts"]} for m in messages[start:start + limit]]
            more = start + limit < len(messages)
            return {"ok": True, "messages": page, "has_more": more,
                    "response_metadata": {"next_cursor": str(start + limit) if more else ""}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", "")).replace(".", "")
            return {"ok": True, "channel": args.get("channel"),
                    "permalink": f"https://example.slack.com/archives/{args.get('channel')}/p{ts}"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1", **(args.get("view") or {})}}
        if method == "conversations.info":
            channel = str(args.get("channel", ""))
            if channel in self.missing_channels:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": channel, "name": channel.lower(),
                                            "is_member": channel not in self.outside_channels}}
        return {"ok": True}

    async def _upload(self, request: web.Request) -> web.Response:
        """A file's upload URL: Slack answers 200 with "OK - <length>"."""
        data = await request.read()
        file_id = request.match_info["file_id"]
        self.calls.append(Call("upload", {"file_id": file_id, "length": len(data)}))
        pending = self._failures.get("upload")
        if pending:
            return web.Response(status=pending.pop(0).status or 500, text="failed")
        self.uploads[file_id] = data
        return web.Response(text=f"OK - {len(data)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.calls.append(Call("response_url", await request.json()))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """A Socket Mode connection: hello, then queued envelopes out and acks in."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})

        async def send_queued() -> None:
            while True:
                await ws.send_json(await self._socket_outbox.get())

        sender = asyncio.create_task(send_queued())
        try:
            async for message in ws:
                self.socket_acks.append(json.loads(message.data))
        finally:
            sender.cancel()
        return ws

"""The `POST /slack/events` endpoint: reject bad signatures cheaply, then hand over to Bolt.

Slack's SignatureVerifier raises on a non-numeric or absurdly long timestamp, which Bolt
would turn into a 500; every signature fault must be a 401, so the headers and the HMAC
are checked here first, over the raw bytes. The body is then parsed and its shape checked
(handlers.slack.parse.read_body): a malformed payload is a 400, never a listener's crash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from handlers.slack.parse import Malformed, ignored_kind, read_body

log = logging.getLogger(__name__)

MAX_SKEW = 300
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signature_ok(secret: str, headers, body: bytes, now: float | None = None) -> bool:
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs((now or time.time()) - int(timestamp)) > MAX_SKEW:
        return False
    if not (signature.isascii() and _SIGNATURE.fullmatch(signature)):
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class SeenSignatures:
    """Signatures accepted in the last MAX_SKEW seconds: the same signed request sent again (a replay within
    the window) is refused. Slack signs each delivery afresh, its retries included. Per process."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._next_prune = 0.0

    def first_time(self, signature: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        if now >= self._next_prune:
            self._seen = {s: until for s, until in self._seen.items() if until > now}
            self._next_prune = now + 10
        if self._seen.get(signature, 0.0) > now:
            return False
        self._seen[signature] = now + 2 * MAX_SKEW + 1  # a timestamp may be up to MAX_SKEW ahead of us
        return True


def kind_of(payload: dict) -> str:
    """What a payload is, for the log: its type and, for events, the event's type and subtype; never its content."""
    if "command" in payload:
        return f"command {str(payload.get('command'))[:40]}"
    event = payload.get("event") if isinstance(payload.get("event"), dict) else {}
    parts = (payload.get("type"), event.get("type"), event.get("subtype"))
    return " ".join(str(p)[:40] for p in parts if isinstance(p, str) and p)


def ignored(kind: str) -> web.Response:
    log.info("acknowledged and ignored a Slack %s", kind)
    return web.Response(status=200)


def slack_endpoint(bolt: AsyncApp, signing_secret: str | None):
    """An aiohttp handler for Bolt. Without a signing secret (Socket Mode) it refuses everything."""

    seen = SeenSignatures()

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        if not signing_secret or not signature_ok(signing_secret, request.headers, body):
            return web.json_response({"error": "invalid signature"}, status=401)
        if not seen.first_time(request.headers["X-Slack-Signature"]):
            log.warning("refused a replayed Slack request")
            return web.json_response({"error": "replayed request"}, status=401)
        try:
            text = body.decode("utf-8")
            payload = read_body(text, request.headers.get("Content-Type"))
        except (UnicodeDecodeError, Malformed):
            return web.json_response({"error": "malformed payload"}, status=400)
        if kind := ignored_kind(payload):
            return ignored(kind)
        bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))
        bolt_request.raw_body, bolt_request.body = text, payload  # parsed once, by our rules
        bolt_request.context = build_async_context(AsyncBoltContext({}), payload)
        response = await bolt.async_dispatch(bolt_request)
        if response.status == 404 and "command" not in payload:
            # an event or interaction no listener takes: anything but a 2xx makes Slack retry (and count failures);
            # a slash command that is not ours stays a 404, a configuration error Slack shows to the person
            return ignored(kind_of(payload))
        return await to_aiohttp_response(response)

    return handle

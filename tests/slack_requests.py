"""Build and sign requests exactly as Slack sends them to `POST /slack/events`."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import urlencode

from tests.fake_slack import Call

SIGNING_SECRET = "test-signing-secret"
_event_ids = itertools.count(1)


def sign(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class Slack:
    """Sends signed Slack requests to the app under test (an aiohttp test client)."""

    def __init__(self, client, fake):
        self.client = client
        self.fake = fake

    async def post(self, body: bytes, content_type: str, headers: dict | None = None, **sign_args):
        all_headers = {"Content-Type": content_type, **sign(body, **sign_args), **(headers or {})}
        return await self.client.post("/slack/events", data=body, headers=all_headers)

    async def command(self, command: str, text: str = "", user: str = "U1", channel: str = "C0GENERAL", **extra):
        form = {
            "token": "legacy", "team_id": "T1", "team_domain": "example", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command,
            "text": text, "api_app_id": "A1", "is_enterprise_install": "false",
            "response_url": self.fake.response_url(f"cmd-{next(_event_ids)}"), "trigger_id": "1337.42.abcd",
            **extra,
        }
        response = await self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")
        await self._record_answer(response)
        return response

    async def _record_answer(self, response) -> None:
        """A command answered with a message: the person sees it as an ephemeral note (fake.calls_to("note"))."""
        if response.status == 200 and response.content_type == "application/json":
            answer = await response.json()  # the body stays readable for the test
            if answer.get("text") or answer.get("blocks"):
                self.fake.calls.append(Call("answer", answer))

    async def event(self, event: dict, event_id: str | None = None, retry: int | None = None):
        body = {
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_ids):08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
            "event": {"event_ts": f"{time.time():.6f}", **event},
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return await self.post(json.dumps(body).encode(), "application/json", headers=headers)

    async def reaction(self, added: bool, user: str, channel: str, ts: str, name: str = "+1", **kwargs):
        event = {"type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": name,
                 "item_user": "U1", "item": {"type": "message", "channel": channel, "ts": ts}}
        return await self.event(event, **kwargs)

    async def reply(self, user: str, channel: str, thread_ts: str, text: str, ts: str | None = None, **kwargs):
        event = {"type": "message", "channel": channel, "user": user, "text": text,
                 "ts": ts or f"{time.time():.6f}", "thread_ts": thread_ts, "channel_type": "channel"}
        return await self.event(event, **kwargs)

    async def interaction(self, payload: dict):
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(self, action_id: str, value: str, user: str = "U1", channel: str = "C0IDEAS",
                    message_ts: str = "1.0"):
        return await self.interaction({
            "type": "block_actions", "team": {"id": "T1", "domain": "example"},
            "user": {"id": user, "username": user.lower(), "team_id": "T1"}, "api_app_id": "A1",
            "token": "legacy", "trigger_id": "1337.42.abcd",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "ideas"}, "message": {"ts": message_ts, "type": "message"},
            "response_url": self.fake.response_url(f"click-{next(_event_ids)}"),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                         "action_ts": f"{time.time():.6f}"}],
        })

    async def submit_view(self, view: dict, values: dict, user: str = "U1"):
        """Submit a modal the app opened, with `values` as {block_id: value}."""
        state = {}
        for block_id, value in values.items():
            if isinstance(value, dict):  # a raw element state, e.g. a static select's
                state[block_id] = {"value": value}
            elif isinstance(value, bool):
                state[block_id] = {"value": {"type": "checkboxes", "selected_options": [
                    {"value": "anonymous", "text": {"type": "plain_text", "text": "Post anonymously"}}] if value else []}}
            elif block_id == "mission_goal":
                state[block_id] = {"value": {"type": "static_select", "selected_option": {
                    "value": value, "text": {"type": "plain_text", "text": value}}}}
            else:
                state[block_id] = {"value": {"type": "plain_text_input", "value": value}}
        return await self.interaction({
            "type": "view_submission", "team": {"id": "T1", "domain": "example"},
            "user": {"id": user, "username": user.lower(), "team_id": "T1"}, "api_app_id": "A1", "token": "legacy",
            "trigger_id": f"1337.42.efgh{next(_event_ids)}",  # unique, as Slack's: the same signed body is a replay
            "view": {**view, "id": "V1", "team_id": "T1", "state": {"values": state}, "hash": "h"},
        })

"""A bare Bolt app that only acks /idea and reactions: the yardstick for herobot's HTTP path.

`python -m bench.bare_bolt PORT API_URL [--default]`; --default keeps Bolt's
process_before_response=False, otherwise it runs in its fastest setting (True).
"""

from __future__ import annotations

import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from suites.common import SECRET, TOKEN


def build(api_url: str, process_before_response: bool) -> web.Application:
    bolt = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET,
                    process_before_response=process_before_response)

    @bolt.command("/idea")
    async def idea(ack):
        await ack()

    @bolt.event("reaction_added")
    async def reaction(ack):
        await ack()

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    app.router.add_get("/healthz", lambda request: web.json_response({"ok": True}))
    return app


if __name__ == "__main__":
    port, api_url = int(sys.argv[1]), sys.argv[2]
    web.run_app(build(api_url, "--default" not in sys.argv), host="127.0.0.1", port=port, print=None,
                access_log=None)

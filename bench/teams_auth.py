"""How long the Bot Framework JWT check takes per request once the keys are cached.

Run: PYTHONPATH=. .venv/bin/python bench/teams_auth.py
"""

import asyncio
import time

import aiohttp
from aiohttp import web

from tests.fake_teams import FakeTeams
from tests.teams_cards import CardLog
from tests.teams_requests import APP_ID, JWKS, KEY, Teams
from handlers.teams.auth import BotFrameworkAuth


async def main(n: int = 2000) -> None:
    fake = FakeTeams(JWKS, CardLog("bench"))
    runner = web.AppRunner(fake.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    async with aiohttp.ClientSession() as session:
        auth = BotFrameworkAuth(session, APP_ID, fake.openid_url)
        token = Teams(None, fake, None).token(key=KEY)
        await auth.check(f"Bearer {token}", fake.service_url, "msteams")
        started = time.perf_counter()
        for _ in range(n):
            await auth.check(f"Bearer {token}", fake.service_url, "msteams")
        per = (time.perf_counter() - started) / n
    await runner.cleanup()
    print(f"{n} checks: {per * 1e6:.0f} µs per token (RS256 verify, cached keys); key set fetched {fake.key_fetches}x")


asyncio.run(main())

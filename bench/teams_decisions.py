"""How long a manager waits for a decision card on Teams: a click that opens a form, and a form
submission the core sends back with field errors (nothing changes, so it can be repeated), each
through POST /api/messages with a signed activity, on a real SQLite file.

Run: PYTHONPATH=. .venv/bin/python bench/teams_decisions.py
"""

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Config, Settings
from handlers.web import CORE, create_app
from tests.conftest import CONFIG, TestTokens
from tests.fake_teams import FakeTeams
from tests.teams_cards import CardLog
from tests.teams_decision_steps import in_review, review_card_of
from tests.teams_requests import APP_ID, JWKS, TENANT, Teams, aad


async def timed(n: int, call) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(name: str, times: list[float]) -> str:
    times = sorted(times)
    return (f"{name}: n={len(times)} p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.1f} ms")


async def main(n: int = 300) -> None:
    fake = FakeTeams(JWKS, CardLog("bench"))
    runner = web.AppRunner(fake.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db_path=str(Path(folder) / "bench.db"), microsoft_app_id=APP_ID,
                            microsoft_app_password="x", microsoft_app_tenant_id=TENANT,
                            teams_openid_url=fake.openid_url, teams_retry_delay=0.05)
        config = Config.from_dict({**CONFIG, "roles": {"managers": [aad("U0MGR1"), aad("U0MGR2")]}})
        client = TestClient(TestServer(create_app(settings, config, teams_tokens=TestTokens())))
        await client.start_server()
        teams = Teams(client, fake, CardLog("bench"))
        await in_review(teams, fake)
        conversation, activity_id, _ = await review_card_of(fake, "U0MGR1")

        async def click():
            response, _ = await teams.click("decide", {"idea": 1, "choice": "approve"}, user="U0MGR1",
                                            conversation=conversation, message_id=activity_id)
            assert response.status == 200

        async def submit_with_errors():
            response, answer = await teams.click("decision_form", {"idea": 1, "kind": "approve", "risk": "medium"},
                                                 user="U0MGR1", conversation=conversation, message_id=activity_id)
            assert response.status == 200 and "mitigation" in str(answer)

        print(summary("click Approve -> form card", await timed(n, click)))
        print(summary("submit -> form card with field errors", await timed(n, submit_with_errors)))
        await client.app[CORE].background.drain(timeout=10)
        await client.close()
    await runner.cleanup()


asyncio.run(main())

"""The dashboard's pages computed in a worker process (`herobot serve`, `[web] dashboard_workers`): the same pages as
the threads compute, a page asked for while the worker starts waits for it, a worker killed while computing is
answered with a 503 and started again, no worker outlives its server (stopped, or killed outright), and its start
imports no platform, web or core module."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from bench.dashboard_seed import seed
from bot.dashboard_figures import SECTIONS
from handlers.web import WORKERS, create_app
from storage.db import open_database
from suites.common import Server
from tests.core_fixtures import Clock
from tests.slack_requests import Slack
from tests.test_dashboard import NOW, SHY, Served, config
from tests.test_dashboard_browser import _sign_in_link

PAGES = ["/dashboard", *(f"/dashboard/{s}" for s in SECTIONS)]


class ServedWithWorker(Served):
    """The test app as `herobot serve` runs it: pages computed in a worker process."""

    def __init__(self, settings, config, clock):
        self.app = create_app(settings, config, clock=clock, page_workers=True)
        self.clock = clock

    @property
    def worker(self):
        [worker] = self.app[WORKERS].workers
        return worker


async def until(condition, timeout: float = 30, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(step)


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (a reparented child may wait for a reaper that never comes)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def pages_seen(served: Served, slack: Slack, user: str) -> dict[str, tuple[int, str]]:
    await served.sign_in(slack, user)
    seen = {}
    for path in PAGES:
        response = await served.client.get(path)
        seen[path] = (response.status, await response.text())
    return seen


async def test_the_worker_shows_what_the_threads_show(settings, fake_slack):
    """Same pages for a manager and a member (their own anonymous idea, no one else's), whoever computes them."""
    shown, configs = {}, []
    for served_by in (Served, ServedWithWorker):
        configs.append(config())  # kept alive: shared pages are kept per config
        async with served_by(settings, configs[-1], Clock(NOW)) as served:
            if served_by is Served:
                served.seed()
            slack = Slack(served.client, fake_slack)
            shown[served_by] = {user: await pages_seen(served, slack, user) for user in ("U0MGR1", SHY)}
            if served_by is ServedWithWorker:
                assert served.worker.starts == 1 and served.worker.ready
    assert all(status == 200 for seen in shown[Served].values() for status, _ in seen.values())
    assert "only you see this" in shown[Served][SHY]["/dashboard"][1]
    assert "only you see this" not in shown[Served]["U0MGR1"]["/dashboard"][1]
    assert shown[ServedWithWorker] == shown[Served]


async def test_a_page_asked_for_while_the_worker_starts_waits_for_it_and_the_worker_stops_with_the_app(
        settings, fake_slack):
    async with ServedWithWorker(settings, config(), Clock(NOW)) as served:
        assert (await served.client.get("/healthz")).status == 200  # whether or not the worker is ready yet
        await served.sign_in(Slack(served.client, fake_slack), "U0MGR1")
        worker = served.worker
        await until(lambda: worker.ready)
        os.kill(worker.pid, signal.SIGKILL)
        await until(lambda: worker.starts == 2, step=0.002)
        starting = worker.pid
        os.kill(starting, signal.SIGSTOP)  # held while it starts (its imports take far longer than this wait)
        asking = asyncio.create_task(served.client.get("/dashboard/flow"))
        await asyncio.sleep(0.5)
        assert not asking.done() and not worker.ready
        os.kill(starting, signal.SIGCONT)
        page = await asking
        assert page.status == 200 and "<svg" in await page.text()
        assert worker.ready and worker.pid == starting and worker.started_in > 0.5
    assert not running(starting)


async def test_a_page_whose_worker_dies_is_a_503_and_the_worker_starts_again(settings, fake_slack):
    async with ServedWithWorker(settings, config(), Clock(NOW)) as served:
        served.seed(ideas=60, votes=200, weeks=2, problems=4)
        await served.sign_in(Slack(served.client, fake_slack), "U0MGR1")
        worker = served.worker
        await until(lambda: worker.ready)
        first = worker.pid
        os.kill(first, signal.SIGSTOP)  # it cannot answer before it is killed
        asking = asyncio.create_task(served.client.get("/dashboard/flow"))
        await until(lambda: worker.busy)
        os.kill(first, signal.SIGKILL)
        lost = await asking
        assert lost.status == 503 and lost.headers["Retry-After"] == "5"
        assert "interrupted" in await lost.text()
        await until(lambda: worker.ready and worker.pid != first)
        assert worker.starts == 2 and not running(first)
        again = await served.client.get("/dashboard/flow")
        assert again.status == 200 and "<svg" in await again.text()


async def test_herobot_serve_computes_pages_in_a_worker_that_never_outlives_it(fake_slack, tmp_path):
    db_path = tmp_path / "herobot.db"
    db = open_database(db_path)
    seed(db, NOW, ideas=60, votes=200, people=20, weeks=2, problems=4)
    db.close()
    server = Server(tmp_path, db_path, fake_slack.base_url)
    (tmp_path / "herobot.toml").write_text('[slack]\nideas_channel = "C0IDEAS"\n[roles]\nmanagers = ["U0MGR1"]\n')
    try:
        await server.start()
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            link = await _sign_in_link(server, fake_slack, session)
            async with session.get(server.url + link) as signed_in:
                assert signed_in.status == 200  # followed to the overview
            async with session.get(server.url + "/dashboard/decisions") as page:
                assert page.status == 200 and "<svg" in await page.text()
        [worker] = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
        assert "dashboard worker" in server.log_path.read_text()
        server.kill()  # no clean shutdown: the worker sees its stdin end
        await until(lambda: not running(int(worker)), timeout=10)
    finally:
        server.stop()


async def test_no_worker_is_started_when_dashboard_workers_is_0(settings, fake_slack):
    async with ServedWithWorker(settings, config(dashboard_workers=0), Clock(NOW)) as served:
        assert WORKERS not in served.app
        await served.sign_in(Slack(served.client, fake_slack), "U0MGR1")
        assert (await served.client.get("/dashboard/goals")).status == 200


def test_the_worker_imports_no_platform_web_or_core_module():
    """Its start stays cheap: no Bolt, no Agents SDK, no aiohttp, not the core and its use cases."""
    imports = "import sys, bot.dashboard_worker, bot.dashboard; print(*sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", imports], capture_output=True, text=True, check=True).stdout.split()
    heavy = [m for m in loaded if m.split(".")[0] in ("slack_bolt", "slack_sdk", "microsoft_agents", "aiohttp",
                                                      "apscheduler", "handlers") or m == "bot.core"]
    assert heavy == [] and "storage.dashboard" in loaded

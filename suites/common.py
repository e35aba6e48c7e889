"""What the suites share: a report, the fake Slack on loopback, `herobot serve` as a subprocess,
signed Slack requests, and read-only looks at the database."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from tests.fake_slack import Call, FakeSlack
from tests.slack_requests import sign

ROOT = Path(__file__).resolve().parent.parent
SECRET = "suite-signing-secret-5e2f9a"
TOKEN = "xoxb-suite"  # a stand-in: the fake Slack takes any token
CHANNEL = "C0IDEAS"
CONFIG = f'[slack]\nideas_channel = "{CHANNEL}"\n[voting]\nreactions = ["+1", "thumbsup"]\nthreshold = 1000\n'
_ids = itertools.count(1)


# --- the report ---------------------------------------------------------------------
@dataclass
class Report:
    name: str
    figures: dict = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def figure(self, key: str, value) -> None:
        self.figures[key] = value

    def promise(self, held: bool, text: str) -> bool:
        if not held:
            self.broken.append(text)
        return held

    def print(self) -> None:
        self.figures.setdefault("seconds", round(time.monotonic() - self.started, 1))
        print(f"== {self.name}")
        for key, value in self.figures.items():
            print(f"  {key}: {value}")
        for text in self.broken:
            print(f"  BROKEN: {text}")
        print(f"  {'FAIL' if self.broken else 'ok'}")
        sys.stdout.flush()

    @property
    def ok(self) -> bool:
        return not self.broken


# --- the fake Slack Web API ----------------------------------------------------------
class LeanFakeSlack(FakeSlack):
    """The tests' fake Slack, keeping only the last update of each message (suites make many calls)."""

    def __init__(self) -> None:
        super().__init__()
        self.last_text: dict[str, str] = {}  # message ts -> text of its last post or update
        self.counts: dict[str, int] = {}

    async def _api(self, request: web.Request) -> web.Response:
        response = await super()._api(request)
        call = self.calls.pop()
        self._keep(call)
        return response

    async def _response_url(self, request: web.Request) -> web.Response:
        response = await super()._response_url(request)
        self._keep(self.calls.pop())
        return response

    def _keep(self, call: Call) -> None:
        self.counts[call.method] = self.counts.get(call.method, 0) + 1
        if call.method == "chat.postMessage" and call.answer.get("ts"):
            self.last_text[call.answer["ts"]] = call.text()
        elif call.method == "chat.update":
            self.last_text[call.args.get("ts")] = call.text()
        if call.method in ("response_url", "chat.postEphemeral") and "try again" in call.text():
            self.counts["try again"] = self.counts.get("try again", 0) + 1


class FakeSlackServer:
    """The fake on a loopback port, in this process's event loop."""

    def __init__(self, fake: FakeSlack | None = None):
        self.fake = fake or LeanFakeSlack()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeSlack:
        self._runner = web.AppRunner(self.fake.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.fake.base_url = f"http://127.0.0.1:{port}"
        return self.fake

    async def __aexit__(self, *exc) -> None:
        await self._runner.cleanup()


# --- herobot serve --------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`herobot serve` on loopback, its output appended to `log_path`."""

    def __init__(self, workdir: Path, db_path: Path, api_url: str, log_path: Path | None = None,
                 extra_env: dict | None = None):
        self.extra_env = extra_env or {}
        self.workdir = Path(workdir)
        self.db_path = Path(db_path)
        self.api_url = api_url
        self.log_path = log_path or self.workdir / "serve.log"
        self.process: subprocess.Popen | None = None
        self.port = 0
        (self.workdir / "herobot.toml").write_text(CONFIG)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        return {**os.environ, "HEROBOT_DB": str(self.db_path), "HEROBOT_CONFIG": str(self.workdir / "herobot.toml"),
                "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": self.api_url + "/api/",
                "SLACK_APP_TOKEN": "", "PYTHONPATH": str(ROOT), **self.extra_env}

    async def start(self, timeout: float = 30) -> None:
        self.port = free_port()
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        log.close()
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"herobot serve exited with {self.process.returncode}; see {self.log_path}")
                try:
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("herobot serve did not become healthy")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 30) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


@contextlib.asynccontextmanager
async def served(name: str, **extra_env: str) -> AsyncIterator[tuple[Server, FakeSlackServer, aiohttp.ClientSession]]:
    """A temporary folder, the fake Slack, `herobot serve` on a new database `NAME.db` there, and a client
    session; the server is stopped on the way out. `extra_env` adds to the server's environment."""
    with tempfile.TemporaryDirectory(prefix=f"herobot-{name}-") as tmp:
        async with FakeSlackServer() as fake:
            server = Server(Path(tmp), Path(tmp) / f"{name}.db", fake.base_url, extra_env=extra_env)
            await server.start()
            try:
                async with aiohttp.ClientSession() as session:
                    yield server, fake, session
            finally:
                server.stop()


def run_cli(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


# --- signed Slack requests -----------------------------------------------------------
def signed(body: bytes, content_type: str, secret: str = SECRET, **extra) -> dict:
    return {"Content-Type": content_type, **sign(body, secret=secret), **extra}


def distinct_text(n: int) -> str:
    """An idea text that shares no word with any other number's: the duplicate check would hold look-alikes."""
    return f"n{n}x f{n}a w{n}b"


_triggers = itertools.count(1)


def command_body(text: str, user: str = "U1", command: str = "/idea", channel: str = "C0GENERAL",
                 response_url: str | None = None) -> bytes:
    form = {"token": "legacy", "team_id": "T1", "team_domain": "example", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command,
            "text": text, "api_app_id": "A1", "trigger_id": f"1337.42.{next(_triggers)}"}  # unique, as Slack's
    if response_url:
        form["response_url"] = response_url
    return urlencode(form).encode()


def event_body(event: dict, event_id: str | None = None) -> bytes:
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):09d}", "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        "event": {"event_ts": f"{time.time():.6f}", **event},
    }).encode()


def reaction_event(user: str, ts: str, name: str = "+1", added: bool = True, channel: str = CHANNEL) -> dict:
    return {"type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": name,
            "item_user": "U1", "item": {"type": "message", "channel": channel, "ts": ts}}


def reply_event(user: str, thread_ts: str, text: str, ts: str, channel: str = CHANNEL) -> dict:
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "thread_ts": thread_ts,
            "channel_type": "channel"}


async def post(session: aiohttp.ClientSession, url: str, body: bytes, headers: dict) -> tuple[int, str]:
    async with session.post(url + "/slack/events", data=body, headers=headers) as response:
        return response.status, await response.text()


# --- the database, read from outside -------------------------------------------------
def query(db_path: Path | str, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(str(db_path), timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump_digest(db_path: Path | str) -> str:
    conn = sqlite3.connect(str(db_path), timeout=30)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()
    finally:
        conn.close()


def integrity(db_path: Path | str) -> str:
    return "; ".join(r[0] for r in query(db_path, "PRAGMA integrity_check"))


async def posted_ideas(session: aiohttp.ClientSession, server: Server, count: int, timeout: float = 60) -> list[str]:
    """Post `count` ideas through /idea and return their message ts, once all are posted."""
    for n in range(count):
        body = command_body(distinct_text(n), user=f"UAUTHOR{n % 7}")
        status, _ = await post(session, server.url, body, signed(body, "application/x-www-form-urlencoded"))
        assert status == 200, status
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = query(server.db_path, "SELECT message_id FROM ideas WHERE message_id IS NOT NULL ORDER BY id")
        if len(rows) >= count:
            return [r[0] for r in rows]
        await asyncio.sleep(0.1)
    raise RuntimeError("ideas were not posted in time")


def parse_args(argv: list[str] | None) -> bool:
    """True for the quick (development) size."""
    return "--quick" in (argv if argv is not None else sys.argv[1:])


def suite_main(run):
    """`python -m suites.NAME [--quick]`: run the suite, print its report, exit 1 on a broken promise."""
    def main(argv: list[str] | None = None) -> int:
        report = asyncio.run(run(parse_args(argv)))
        report.print()
        return 0 if report.ok else 1
    return main

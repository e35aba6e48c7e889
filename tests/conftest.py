"""Fixtures: the real app over a temp SQLite file, talking to a local fake Slack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.config import Config, Settings
from handlers.web import CORE, create_app
from tests.fake_slack import FakeSlack
from tests.slack_requests import SIGNING_SECRET, Slack

CONFIG = {
    "slack": {"ideas_channel": "C0IDEAS", "wins_channel": "C0WINS"},
    "roles": {"managers": ["U0MGR1"], "it_champions": ["U0IT1"]},
    "voting": {"reactions": ["+1", "thumbsup"], "threshold": 3},
    "mission": {"goals": ["Resolve on first contact", "Shorter waits"]},
}


@pytest.fixture
async def fake_slack(aiohttp_server):
    fake = FakeSlack()
    server = await aiohttp_server(fake.app)
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "herobot.db")


@pytest.fixture
def settings(fake_slack, db_path):
    return Settings(
        slack_bot_token="xoxb-test-token", slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url + "/api/", db_path=db_path, message_update_interval=1.0,
    )


@pytest.fixture
def config():
    return Config.from_dict(CONFIG)


@pytest.fixture
async def app_client(aiohttp_client, settings, config, fake_slack):
    client = await aiohttp_client(create_app(settings, config))
    yield client
    await client.close()  # drain the app's background work while the fake Slack still answers


@pytest.fixture
def core(app_client):
    return app_client.app[CORE]


@pytest.fixture
def slack(app_client, fake_slack):
    return Slack(app_client, fake_slack)


def run_cli(*args: str, env: dict, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=60)


def export_of(db_path: str, env: dict | None = None) -> dict:
    import os

    result = run_cli("export", env={**os.environ, **(env or {}), "HEROBOT_DB": db_path})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)

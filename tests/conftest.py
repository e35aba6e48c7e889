"""Fixtures: the real app over a temp SQLite file, talking to a local fake Slack and a fake Bot Connector;
the use-case fixtures of tests/core_fixtures.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.config import Config, Settings
from bot.export import export
from handlers.web import CORE, create_app
from storage.db import open_database, truncate_wal
from tests.core_fixtures import core_clock, recording_chat, use_case_core  # noqa: F401 (fixtures for every test)
from tests.fake_slack import FakeSlack
from tests.fake_teams import FakeTeams
from tests.slack_requests import SIGNING_SECRET, Slack
from tests.teams_cards import CardLog
from tests.teams_requests import APP_ID, IDEAS_CHANNEL, JWKS, TENANT, Teams

# Test files live in memory where there is a tmpfs (unless TMPDIR says otherwise): every test writes and closes
# SQLite files, and on a busy disk the fsyncs of their checkpoints cost more than the tests' work.
SHM = "/dev/shm"
if "TMPDIR" not in os.environ and os.path.isdir(SHM) and os.access(SHM, os.W_OK):
    tempfile.tempdir = SHM

# The secret that recognises and reaches anonymous authors (storage.keys): the app under test and every
# `herobot` it runs share it through the environment, as a deployment would.
TEST_SECRET = "5" * 64
os.environ.setdefault("HEROBOT_SECRET_KEY", TEST_SECRET)

CONFIG = {
    "slack": {"ideas_channel": "C0IDEAS", "wins_channel": "C0WINS"},
    "teams": {"ideas_channel": IDEAS_CHANNEL, "wins_channel": "19:wins@thread.tacv2"},
    "roles": {"managers": ["U0MGR1"], "it_champions": ["U0IT1"]},
    "voting": {"reactions": ["+1", "thumbsup"], "threshold": 3},
    "mission": {"goals": ["Resolve on first contact", "Shorter waits"]},
}


def pytest_xdist_auto_num_workers(config) -> int | None:
    """`-n auto` (pyproject's addopts): every core for the whole suite; a run that names files or tests (`pytest
    tests/test_x.py -k ...`) stays in this process, where starting workers would cost more than it saves."""
    here = Path(__file__).parent
    whole_suite = all(Path(arg).resolve() in (here, here.parent) for arg in config.args)
    return None if whole_suite else 0  # None: xdist's own answer, the number of CPUs


@pytest.fixture
async def fake_slack(aiohttp_server):
    fake = FakeSlack()
    server = await aiohttp_server(fake.app)
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def fake_teams(aiohttp_server, request):
    cards = CardLog(re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid.removeprefix("tests/")).strip("-"))
    fake = FakeTeams(JWKS, cards)
    server = await aiohttp_server(fake.app)
    fake.base_url = str(server.make_url("")).rstrip("/")
    yield fake
    problems = cards.check_and_save()
    assert problems == [], problems


class TestTokens:
    """Stands in for MSAL: the token the bot puts on its calls to the Bot Connector."""

    TOKEN = "outbound-test-token"

    def __init__(self):
        self.asked: list[tuple[str, list[str]]] = []

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        self.asked.append((resource_url, scopes))
        return self.TOKEN


@pytest.fixture
def teams_tokens():
    return TestTokens()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty database at the current schema, made once per test process: migrating a fresh file costs
    ~0.1 s of CPU, copying one ~1 ms. Tests of migrations and of a file's first open use their own paths."""
    path = tmp_path_factory.mktemp("template") / "herobot.db"
    db = open_database(path)
    truncate_wal(db)  # everything in the main file, so copying it alone copies the database
    db.close()
    return path


@pytest.fixture
def db_path(tmp_path, migrated_database):
    path = tmp_path / "herobot.db"
    shutil.copyfile(migrated_database, path)  # with the umask's mode: opening it must make it private
    return str(path)


@pytest.fixture
def db(db_path):
    """An open connection to the test's own migrated database (storage-level tests)."""
    database = open_database(db_path)
    yield database
    database.close()


# Seconds between two refreshes of one card. Production's 1 s made every test that changes a card twice wait for
# it; tests of the pacing itself are marked `@pytest.mark.paced` and get the real second.
TEST_PACE, REAL_PACE = 0.1, 1.0


@pytest.fixture
def settings(fake_slack, fake_teams, db_path, request):
    pace = REAL_PACE if request.node.get_closest_marker("paced") else TEST_PACE
    return Settings(
        slack_bot_token="xoxb-test-token", slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url + "/api/", db_path=db_path, message_update_interval=pace,
        microsoft_app_id=APP_ID, microsoft_app_password="test-secret", microsoft_app_tenant_id=TENANT,
        teams_openid_url=fake_teams.openid_url, teams_retry_delay=0.05,
    )


@pytest.fixture
def config():
    return Config.from_dict(CONFIG)


@pytest.fixture
async def app_client(aiohttp_client, settings, config, fake_slack, fake_teams, teams_tokens):
    client = await aiohttp_client(create_app(settings, config, teams_tokens=teams_tokens))
    yield client
    await client.close()  # drain the app's background work while the fake Slack still answers


@pytest.fixture
def core(app_client):
    return app_client.app[CORE]


@pytest.fixture
def slack(app_client, fake_slack):
    return Slack(app_client, fake_slack)


@pytest.fixture
def teams(app_client, fake_teams):
    return Teams(app_client, fake_teams, fake_teams.cards)


def run_cli(*args: str, env: dict, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=60)


def export_of(db_path: str, env: dict | None = None) -> dict:
    """What `herobot export` prints for the file. Without `env` it runs in this process, through its own connection
    (as the command does) and a JSON round trip: starting Python for each of ~180 exports cost a second apiece.
    tests/test_cli.py runs the real command in a process of its own."""
    if env is not None:
        result = run_cli("export", env={**os.environ, **env, "HEROBOT_DB": db_path})
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    db = open_database(db_path)
    try:
        return json.loads(json.dumps(export(db), ensure_ascii=False))
    finally:
        db.close()

"""One deployment serving Slack and Teams: `[digest] combined`, the previews per platform, sends claimed per platform."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config, ConfigError
from bot.model import Actor, Draft
from storage import sends
from storage.db import open_database, write
from storage.ideas import insert_idea
from storage.sends import SendKey
from tests.conftest import run_cli
from tests.teams_requests import aad
from tests.test_digest import _cli_env


def test_combined_is_a_boolean_and_off_by_default():
    assert Config.from_dict({}).digest_combined is False
    assert Config.from_dict({"digest": {"combined": True}}).digest_combined is True
    with pytest.raises(ConfigError, match=r"\[digest\] combined must be true or false"):
        Config.from_dict({"digest": {"combined": "yes"}})


def test_the_same_send_on_two_platforms_is_two_claims(db_path):
    db = open_database(db_path)
    now = datetime.now(UTC)
    with write(db):
        assert sends.claim(db, SendKey("digest", 0, "shared-id", "2026-W48", "slack"), now, now + timedelta(minutes=3))
        assert sends.claim(db, SendKey("digest", 0, "shared-id", "2026-W48", "teams"), now, now + timedelta(minutes=3))
        assert sends.claim(db, SendKey("digest", 0, "shared-id", "2026-W48", "teams"), now, now + timedelta(minutes=3)) is None
    db.close()


def _two_ideas(db_path):
    db = open_database(db_path)
    now = datetime.now(UTC)
    with write(db):
        insert_idea(db, Actor("slack", "U1"), Draft(text="A Slack idea"), now - timedelta(days=1))
        insert_idea(db, Actor("teams", aad("U1")), Draft(text="A Teams idea"), now - timedelta(days=1))
    db.close()


async def test_preview_per_platform(settings, fake_slack, tmp_path):
    _two_ideas(settings.db_path)
    env = _cli_env(settings, tmp_path)
    everything = run_cli("digest", "--preview", env=env)
    teams = run_cli("digest", "--preview", "--platform", "teams", env=env)
    assert "A Slack idea" in everything.stdout and "A Teams idea" in everything.stdout
    assert "A Teams idea" in teams.stdout and "A Slack idea" not in teams.stdout and "1 new idea " in teams.stdout


async def test_hero_digest_on_teams_previews_the_teams_digest(teams, fake_teams, db_path):
    _two_ideas(db_path)
    await teams.message("hero digest", channel=None)
    preview = (await fake_teams.wait_for("send", where=lambda c: "Weekly digest" in c.text()))[0]
    assert preview.conversation == "a:personal-29:U1"
    assert "A Teams idea" in preview.text() and "A Slack idea" not in preview.text()

"""herobot.toml: defaults, the documented keys, and errors that name the key."""

import tomllib
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, Settings
from bot.config_check import check_keys
from bot.model import Idea, Status
from bot.roles import managers_for
from tests.conftest import CONFIG


def test_missing_file_means_defaults(tmp_path):
    config = Config.load(tmp_path / "nope.toml")
    assert config.vote_reactions == ("+1", "thumbsup") and config.vote_threshold == 3
    assert config.channel("slack", "ideas") is None


def test_documented_keys_are_read():
    config = Config.from_dict(CONFIG)
    assert config.channel("slack", "ideas") == "C0IDEAS" and config.channel("slack", "wins") == "C0WINS"
    assert config.managers == ("U0MGR1",) and config.it_champions == ("U0IT1",)
    assert config.mission_goals == ("Resolve on first contact", "Shorter waits")


@pytest.mark.parametrize("text, key", [
    ('[voting]\nthreshold = 0', "[voting] threshold"),
    ('[roles]\nmanagers = "U1"', "[roles] managers"),
    ('[slack]\nideas_channel = 5', "[slack] ideas_channel"),
    ('slack = 3', "[slack]"),
    ('[voting\n', "cannot read"),
    ('[web]\ndashboard_workers = -1', "[web] dashboard_workers"),
])
def test_wrong_types_name_the_key(tmp_path, text, key):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        Config.load(path)


def test_routing_sends_a_goal_to_its_own_managers():
    config = Config.from_dict({**CONFIG, "routing": {"Shorter waits": ["U0MGR2"]}})
    idea = Idea(1, "slack", "t", "t", "U1", False, Status.OPEN, None, mission_goal="Shorter waits")
    assert managers_for(config, idea) == ("U0MGR2",)
    assert managers_for(config, Idea(2, "slack", "t", "t", "U1", False, Status.OPEN, None)) == ("U0MGR1",)


def test_settings_never_show_secrets():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_SIGNING_SECRET": "shh"})
    assert "xoxb-very-secret" not in repr(settings) and "shh" not in repr(settings) and settings.slack_enabled


def test_the_readmes_example_config_is_all_known_keys(tmp_path):
    """Every key README documents is one the strict check knows (a branch's new key must reach both)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "herobot.toml"
    path.write_text(example.replace("72f988bf-…", "72f988bf-0000"), encoding="utf-8")
    config = Config.load(path)
    check_keys(tomllib.loads(path.read_text(encoding="utf-8")))
    assert config.heavy_per_minute == 10 and config.web_min_group == 3 and config.hot_threshold == 3


def test_dashboard_workers_default_to_one_and_zero_computes_pages_in_the_server():
    assert Config.from_dict(CONFIG).web_dashboard_workers == 1
    assert Config.from_dict({**CONFIG, "web": {"dashboard_workers": 0}}).web_dashboard_workers == 0
    check_keys({"web": {"dashboard_workers": 2}})

"""herobot.toml: defaults, the documented keys, and errors that name the key."""

import pytest

from bot.config import Config, ConfigError, Settings
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

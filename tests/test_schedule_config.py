"""`[digest]`, `[nudges]` and `[roles] escalation`: defaults, the documented keys, errors naming the key."""

from datetime import time
from pathlib import Path

import pytest

from bot.config import Config, ConfigError
from bot.schedule import add_working_days, working_days_between

README = Path(__file__).parent.parent / "README.md"


def test_defaults_are_monday_0900_utc_three_and_seven_working_days():
    config = Config()
    assert (config.digest_day, config.digest_time, config.digest_timezone) == (0, time(9, 0), "UTC")
    assert (config.remind_after_days, config.escalate_after_days, config.escalation) == (3, 7, None)


def test_the_keys_are_read():
    config = Config.from_dict({"digest": {"day": "Friday", "time": "16:30", "timezone": "Europe/Paris"},
                               "nudges": {"remind_after_days": 2, "escalate_after_days": 5},
                               "roles": {"escalation": "U0BOSS"}})
    assert (config.digest_day, config.digest_time, config.digest_timezone) == (4, time(16, 30), "Europe/Paris")
    assert (config.remind_after_days, config.escalate_after_days, config.escalation) == (2, 5, "U0BOSS")


@pytest.mark.parametrize("data, key", [
    ({"digest": {"day": "funday"}}, "[digest] day"),
    ({"digest": {"time": "9am"}}, "[digest] time"),
    ({"digest": {"time": "24:00"}}, "[digest] time"),
    ({"digest": {"timezone": "Mars/Olympus"}}, "[digest] timezone"),
    ({"nudges": {"remind_after_days": 0}}, "[nudges] remind_after_days"),
    ({"nudges": {"escalate_after_days": "7"}}, "[nudges] escalate_after_days"),
    ({"roles": {"escalation": ["U1"]}}, "[roles] escalation"),
])
def test_wrong_values_name_the_key(data, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        Config.from_dict(data)


def test_the_readme_documents_every_key():
    text = README.read_text()
    for key in ("[digest]", "day =", "time =", "timezone =", "[nudges]", "remind_after_days =",
                "escalate_after_days =", "escalation =", "herobot digest --preview", "herobot digest --send",
                "/hero digest", "Remind me tomorrow"):
        assert key in text, key


def test_working_days_skip_weekends():
    from datetime import date
    thursday = date(2026, 11, 26)
    assert add_working_days(thursday, 3) == date(2026, 12, 1)
    assert add_working_days(thursday, 7) == date(2026, 12, 7)
    assert working_days_between(thursday, date(2026, 12, 7)) == 7
    assert working_days_between(date(2026, 11, 28), date(2026, 11, 29)) == 0  # a weekend
    for days in range(0, 30):
        assert working_days_between(thursday, add_working_days(thursday, days)) == days

"""Strict config: every section and key of herobot.toml must be one herobot reads, with the closest known
one named when it is not (`[role]` → `[roles]`)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from bot.config import ConfigError

CHANNEL_KEYS = ("ideas_channel", "wins_channel", "problems_channel")
# Besides each registered platform's section: its channels and its own keys (bot.platforms).
SECTIONS: dict[str, tuple[str, ...] | None] = {  # None: any key (a mission goal's name)
    "roles": ("managers", "it_champions", "escalation"),
    "voting": ("reactions", "threshold"),
    "mission": ("goals",),
    "routing": None,
    "digest": ("day", "time", "timezone", "combined"),
    "nudges": ("remind_after_days", "escalate_after_days"),
    "problems": ("self_service_threshold", "hot_threshold"),
    "storage": ("key_file",),
    "web": ("base_url", "min_group", "dashboard_workers"),
    "limits": ("heavy_per_minute", "heavy_cache_seconds"),
    "box": ("follow_up_days",),
}


def _closest(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.5)
    return f"; did you mean {close[0]}?" if close else f"; known: {', '.join(known)}"


def known_sections() -> dict[str, tuple[str, ...] | None]:
    from bot.platforms import registered

    return {**{p.name: (*CHANNEL_KEYS, *p.config_keys) for p in registered()}, **SECTIONS}


def check_keys(data: Mapping) -> None:
    """Raise ConfigError naming the first unknown section or key, and the closest known one."""
    known = known_sections()
    for section, table in data.items():
        if section not in known:
            close = difflib.get_close_matches(section, list(known), n=1, cutoff=0.5)
            hint = f"; did you mean [{close[0]}]?" if close else f"; known: {', '.join(f'[{s}]' for s in known)}"
            raise ConfigError(f"unknown section [{section}]{hint}")
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{section}] must be a table")
        keys = known[section]
        for key in table if keys is not None else ():
            if key not in keys:
                raise ConfigError(f"unknown key [{section}] {key}{_closest(key, keys)}")

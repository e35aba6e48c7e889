"""Settings from the environment (secrets, paths) and the bot's TOML config (channels, roles, rules)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(Exception):
    """The config file is unreadable or a key has the wrong type; the message names the key."""


@dataclass(frozen=True)
class Settings:
    """What comes from the environment. Secrets live here and nowhere else."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    db_path: str = "./herobot.db"
    config_path: str = "./herobot.toml"
    message_update_interval: float = 1.0  # seconds between two refreshes of one message
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_tenant_id: str | None = None
    teams_anonymous: bool = False  # no authentication in or out: local testing only
    teams_openid_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    teams_retry_delay: float = 0.5  # first backoff before resending to Teams; doubles each try

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            db_path=env.get("HEROBOT_DB") or "./herobot.db",
            config_path=env.get("HEROBOT_CONFIG") or "./herobot.toml",
            microsoft_app_id=env.get("MICROSOFT_APP_ID") or None,
            microsoft_app_password=env.get("MICROSOFT_APP_PASSWORD") or None,
            microsoft_app_tenant_id=env.get("MICROSOFT_APP_TENANT_ID") or None,
            teams_anonymous=env.get("HEROBOT_TEAMS_ANONYMOUS", "").strip().lower() in ("1", "true", "yes"),
            teams_openid_url=env.get("MICROSOFT_OPENID_METADATA_URL") or cls.teams_openid_url,
        )

    @property
    def slack_enabled(self) -> bool:
        """A bot token, and a way in: a signing secret (HTTP) or an app token (Socket Mode)."""
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def teams_enabled(self) -> bool:
        """The Entra app's id, secret and tenant; or the anonymous local-testing mode."""
        return self.teams_anonymous or bool(
            self.microsoft_app_id and self.microsoft_app_password and self.microsoft_app_tenant_id
        )

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return (f"Settings(db_path={self.db_path!r}, config_path={self.config_path!r}, "
                f"slack_enabled={self.slack_enabled}, teams_enabled={self.teams_enabled})")


@dataclass(frozen=True)
class Config:
    """The bot's behaviour, from `herobot.toml`. Every key is optional."""

    channels: Mapping[tuple[str, str], str] = field(default_factory=dict)
    managers: tuple[str, ...] = ()
    it_champions: tuple[str, ...] = ()
    vote_reactions: tuple[str, ...] = ("+1", "thumbsup")
    teams_vote_reactions: tuple[str, ...] = ("like",)  # Teams reaction types that count as a vote
    vote_threshold: int = 3
    mission_goals: tuple[str, ...] = ()
    routing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # mission goal -> its managers
    digest_day: int = 0  # Monday; also when weekly manager digests go out
    digest_time: time = time(9, 0)  # also the hour reminders and pilot check-ins are sent from
    digest_timezone: str = "UTC"
    digest_combined: bool = False  # `[digest] combined`: each platform's digest tells of every platform's ideas
    remind_after_days: int = 3  # working days without action before a manager is reminded
    escalate_after_days: int = 7
    escalation: str | None = None  # `[roles] escalation`: who hears about ideas stuck too long
    self_service_threshold: int = 5  # reporters in the hot-spots window that flag a self-service candidate
    box_follow_up_days: int = 7  # `[box] follow_up_days`: working days after a use of the box before "Did it work?"
    raw: Mapping = field(default_factory=dict, repr=False)

    def vote_reactions_on(self, platform: str) -> tuple[str, ...]:
        """Reactions that count as a vote on `platform`: Teams has its own reaction names."""
        return self.teams_vote_reactions if platform == "teams" else self.vote_reactions

    def channel(self, platform: str, kind: str) -> str | None:
        """The configured channel for `kind` ("ideas", "wins", ...) on `platform`, e.g. `[slack] ideas_channel`."""
        return self.channels.get((platform, kind))

    @classmethod
    def load(cls, path: str | Path) -> Config:
        """Read the TOML file; a missing file means all defaults."""
        path = Path(path)
        if not path.exists():
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read config {path}: {error}") from error
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping) -> Config:
        reader = _Reader(data)
        default = cls()
        return cls(
            channels=reader.channels(PLATFORMS),
            managers=reader.texts("roles", "managers") or default.managers,
            it_champions=reader.texts("roles", "it_champions") or default.it_champions,
            vote_reactions=tuple(r.strip(":") for r in reader.texts("voting", "reactions") or default.vote_reactions),
            teams_vote_reactions=reader.texts("teams", "vote_reactions") or default.teams_vote_reactions,
            vote_threshold=reader.positive_int("voting", "threshold") or default.vote_threshold,
            mission_goals=reader.texts("mission", "goals") or default.mission_goals,
            routing={goal: reader.texts("routing", goal) or () for goal in reader.keys("routing")},
            digest_day=reader.weekday("digest", "day", default.digest_day),
            digest_time=reader.clock_time("digest", "time") or default.digest_time,
            digest_timezone=reader.timezone("digest", "timezone") or default.digest_timezone,
            digest_combined=reader.boolean("digest", "combined", default.digest_combined),
            remind_after_days=reader.positive_int("nudges", "remind_after_days") or default.remind_after_days,
            escalate_after_days=reader.positive_int("nudges", "escalate_after_days") or default.escalate_after_days,
            escalation=reader.text("roles", "escalation"),
            self_service_threshold=reader.positive_int("problems", "self_service_threshold")
            or default.self_service_threshold,
            box_follow_up_days=reader.positive_int("box", "follow_up_days") or default.box_follow_up_days,
            raw=data,
        )


PLATFORMS = ("slack", "teams")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Reader:
    """Typed access to `[section] key`, with errors that name the key."""

    def __init__(self, data: Mapping):
        self.data = data

    def _get(self, section: str, key: str):
        table = self.data.get(section, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{section}] must be a table")
        return table.get(key)

    def text(self, section: str, key: str) -> str | None:
        value = self._get(section, key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"[{section}] {key} must be a string")
        return value or None

    def channels(self, platforms: tuple[str, ...]) -> dict[tuple[str, str], str]:
        found = {}
        for platform in platforms:
            for key in self.keys(platform):
                if key.endswith("_channel") and (value := self.text(platform, key)):
                    found[(platform, key.removesuffix("_channel"))] = value
        return found

    def keys(self, section: str) -> list[str]:
        table = self.data.get(section, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{section}] must be a table")
        return list(table)

    def texts(self, section: str, key: str) -> tuple[str, ...] | None:
        value = self._get(section, key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"[{section}] {key} must be a list of strings")
        return tuple(value)

    def boolean(self, section: str, key: str, default: bool) -> bool:
        value = self._get(section, key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ConfigError(f"[{section}] {key} must be true or false")
        return value

    def positive_int(self, section: str, key: str) -> int | None:
        value = self._get(section, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"[{section}] {key} must be a whole number of at least 1")
        return value

    def weekday(self, section: str, key: str, default: int) -> int:
        value = self.text(section, key)
        if value is None:
            return default
        if value.strip().lower() not in WEEKDAYS:
            raise ConfigError(f"[{section}] {key} must be a day of the week, monday to sunday")
        return WEEKDAYS.index(value.strip().lower())

    def clock_time(self, section: str, key: str) -> time | None:
        value = self.text(section, key)
        if value is None:
            return None
        hours, colon, minutes = value.strip().partition(":")
        if not (colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
                and int(hours) < 24 and int(minutes) < 60):
            raise ConfigError(f'[{section}] {key} must be a time of day as "HH:MM", e.g. "09:00"')
        return time(int(hours), int(minutes))

    def timezone(self, section: str, key: str) -> str | None:
        value = self.text(section, key)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"[{section}] {key} must be an IANA time zone name, e.g. Europe/Paris") from error
        return value

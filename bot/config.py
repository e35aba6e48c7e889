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
    config_named: bool = False  # HEROBOT_CONFIG was set: the file must exist
    message_update_interval: float = 1.0  # seconds between two refreshes of one message
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_tenant_id: str | None = None
    teams_anonymous: bool = False  # no authentication in or out: local testing only
    teams_openid_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    teams_retry_delay: float = 0.5  # first backoff before resending to Teams; doubles each try
    graph_url: str = "https://graph.microsoft.com/v1.0"  # MICROSOFT_GRAPH_URL: where Teams channels are read back
    # HEROBOT_SECRET_KEY: recognises and reaches anonymous authors; unset, a key file is used
    secret_key: str | None = field(default_factory=lambda: os.environ.get("HEROBOT_SECRET_KEY") or None)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            db_path=env.get("HEROBOT_DB") or "./herobot.db",
            config_path=env.get("HEROBOT_CONFIG") or "./herobot.toml",
            config_named=bool(env.get("HEROBOT_CONFIG")),
            microsoft_app_id=env.get("MICROSOFT_APP_ID") or None,
            microsoft_app_password=env.get("MICROSOFT_APP_PASSWORD") or None,
            microsoft_app_tenant_id=env.get("MICROSOFT_APP_TENANT_ID") or None,
            teams_anonymous=env.get("HEROBOT_TEAMS_ANONYMOUS", "").strip().lower() in ("1", "true", "yes"),
            teams_openid_url=env.get("MICROSOFT_OPENID_METADATA_URL") or cls.teams_openid_url,
            graph_url=env.get("MICROSOFT_GRAPH_URL") or cls.graph_url,
            secret_key=env.get("HEROBOT_SECRET_KEY") or None,
        )

    def key_file(self, config: Config) -> Path:
        """`[storage] key_file` (relative to the config file's folder), else herobot.key beside the config."""
        from storage.keys import key_file_path  # one rule, shared with storage's own default

        return key_file_path(self.config_path, config.key_file)

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
    teams_tenants: tuple[str, ...] = ()  # `[teams] tenants`: tenants whose activities are accepted
    teams_channels: tuple[str, ...] = ()  # `[teams] channels`: Bot Framework channels accepted besides msteams
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
    key_file: str | None = None  # `[storage] key_file`: where the secret lives when HEROBOT_SECRET_KEY is unset
    hot_threshold: int = 3  # `[problems] hot_threshold`: reporters in a week that earn a problem its 🔥
    web_base_url: str = "http://127.0.0.1:3000"  # `[web] base_url`: where links to the dashboard point
    web_min_group: int = 3  # `[web] min_group`: counts of fewer people are not broken down on the dashboard
    web_dashboard_workers: int = 1  # `[web] dashboard_workers`: processes computing its pages (0: server threads)
    heavy_per_minute: int = 10  # `[limits]`: hot spots, search, digest, top all per person a minute (0: no limit)
    heavy_cache_seconds: int = 30  # how long such an answer is reused while nothing is written (0: never)
    box_follow_up_days: int = 7  # `[box] follow_up_days`: working days after a use of the box before "Did it work?"
    raw: Mapping = field(default_factory=dict, repr=False)

    def vote_reactions_on(self, platform: str) -> tuple[str, ...]:
        """Reactions that count as a vote on `platform`: Teams has its own reaction names."""
        from bot.platforms import registered  # a platform with reactions of its own says where they are

        own = next((p.vote_reactions for p in registered() if p.name == platform and p.vote_reactions), None)
        return own(self) if own else self.vote_reactions

    def channel(self, platform: str, kind: str) -> str | None:
        """The configured channel for `kind` ("ideas", "wins", ...) on `platform`, e.g. `[slack] ideas_channel`."""
        return self.channels.get((platform, kind))

    @classmethod
    def of(cls, settings: Settings) -> Config:
        """The config `serve`, `shell`, `digest` and `check` run with: strict, and present when named."""
        return cls.load(settings.config_path, required=settings.config_named, strict=True)

    @classmethod
    def load(cls, path: str | Path, required: bool = False, strict: bool = False) -> Config:
        """Read the TOML file; a missing file means all defaults, unless it was named explicitly (`required`).
        `strict`: an unknown section or key is an error naming the closest known one."""
        path = Path(path)
        if not path.exists():
            if required:
                raise ConfigError(f"config file {path} does not exist (named by HEROBOT_CONFIG)")
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read config {path}: {error}") from error
        if strict:
            from bot.config_check import check_keys

            check_keys(data)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping) -> Config:
        reader = _Reader(data)
        default = cls()
        return cls(
            channels=reader.channels(_platform_names()),
            managers=reader.texts("roles", "managers") or default.managers,
            it_champions=reader.texts("roles", "it_champions") or default.it_champions,
            vote_reactions=tuple(r.strip(":") for r in reader.texts("voting", "reactions") or default.vote_reactions),
            teams_vote_reactions=reader.texts("teams", "vote_reactions") or default.teams_vote_reactions,
            teams_tenants=reader.texts("teams", "tenants") or default.teams_tenants,
            teams_channels=reader.texts("teams", "channels") or default.teams_channels,
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
            key_file=reader.text("storage", "key_file"),
            hot_threshold=reader.positive_int("problems", "hot_threshold") or default.hot_threshold,
            web_base_url=reader.base_url("web", "base_url") or default.web_base_url,
            web_min_group=reader.positive_int("web", "min_group") or default.web_min_group,
            web_dashboard_workers=reader.whole_number("web", "dashboard_workers", default.web_dashboard_workers),
            heavy_per_minute=reader.whole_number("limits", "heavy_per_minute", default.heavy_per_minute),
            heavy_cache_seconds=reader.whole_number("limits", "heavy_cache_seconds", default.heavy_cache_seconds),
            box_follow_up_days=reader.positive_int("box", "follow_up_days") or default.box_follow_up_days,
            raw=data,
        )


def _platform_names() -> tuple[str, ...]:
    """Each registered platform reads its channels from its own `[name]` section."""
    from bot.platforms import names  # the registry knows the platforms; it imports this module

    return names()


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

    def whole_number(self, section: str, key: str, default: int) -> int:
        value = self._get(section, key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"[{section}] {key} must be a whole number of at least 0")
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

    def base_url(self, section: str, key: str) -> str | None:
        value = self.text(section, key)
        if value is None:
            return None
        if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
            raise ConfigError(f'[{section}] {key} must be an http:// or https:// address, e.g. "https://herobot.example.com"')
        return value.rstrip("/")

    def timezone(self, section: str, key: str) -> str | None:
        value = self.text(section, key)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"[{section}] {key} must be an IANA time zone name, e.g. Europe/Paris") from error
        return value

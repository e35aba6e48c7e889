"""The platform registry: what each chat platform offers the composition root.

Each adapter package (handlers/slack, handlers/teams) defines one `PLATFORM = Platform(...)`;
`bot.platform_packages` (part of the composition root) names the packages. Config sections, the CLI's
sends and checks, the web routes and the export ask this registry for platform names instead of listing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # bot.config asks this registry for the platforms' sections
    from bot.chat import Chat
    from bot.config import Config, Settings
    from bot.conversations import ConversationStore

# Test doubles handed to a platform by name, e.g. {"teams_tokens": ...} instead of MSAL (tests only).
Overrides = Mapping[str, Any]
Check = Callable[["Settings", "Config", Overrides], Awaitable[list[tuple[bool, str]]]]
# The platform plugged into the core for as long as the web app runs, yielding its HTTP endpoint
# (an aiohttp handler; the core does not know its type).
Serve = Callable[["Wiring"], AbstractAsyncContextManager[Any]]
StandaloneChat = Callable[["Wiring"], AbstractAsyncContextManager["Chat"]]  # for one-off sends (CLI)


@dataclass(frozen=True)
class Wiring:
    """What the composition root hands a platform to plug into the core."""

    core: Any  # bot.core.Core
    settings: Settings
    conversations: ConversationStore  # conversation references and people's names (Teams keeps them)
    overrides: Overrides = field(default_factory=dict)
    session: Any = None  # the web app's shared aiohttp.ClientSession (serving only)
    channel_teams: Any = None  # bot.conversations.ChannelTeamsStore: which team each Teams channel is in



def _always(*_) -> bool:
    return True


def _nothing_missing() -> str | None:
    return None


@dataclass(frozen=True)
class Platform:
    """One chat platform. Callables import the platform's SDK lazily, so registering costs nothing
    and a missing optional extra is reported (`missing`) instead of failing on an import."""

    name: str  # as stored in the database (ideas.platform) and as the `[name]` config section
    title: str  # in messages: "Slack"
    credentials: str  # the environment variables that turn it on, for messages
    not_configured: str  # what `herobot check` says when it is off
    turn_on: str  # what to set to turn it on, for the log
    enabled: Callable[["Settings"], bool]  # has what serving needs
    can_send: Callable[["Settings"], bool]  # has what a one-off send (digest --send) or a check needs
    describe: Callable[["Settings"], str]  # its credentials in `herobot check`'s summary, secrets as set / not set
    config_keys: tuple[str, ...] = ()  # keys of its `[name]` section besides the *_channel ones
    vote_reactions: Callable[["Config"], tuple[str, ...]] | None = None  # its own, else [voting] reactions
    export_keys: tuple[str, str] = ("channel", "message")  # its message block's keys in `herobot export`
    route: str | None = None  # where its HTTP endpoint is served (POST)
    serve: Serve | None = None
    standalone_chat: StandaloneChat | None = None
    check: Check | None = None
    missing: Callable[[], str | None] = _nothing_missing  # why its SDK cannot load here, or None
    reachable: Callable[["ConversationStore"], bool] = _always  # has it heard of somewhere to send to yet
    unreachable: str = ""  # what to do when it is not


_registry: dict[str, Platform] = {}


def register(platform: Platform) -> Platform:
    _registry[platform.name] = platform
    return platform


def registered() -> tuple[Platform, ...]:
    """Every platform, in registration order; the packages are registered on first use."""
    if not _registry:
        from bot.platform_packages import register_all  # the one place that names the platform packages

        register_all(register)
    return tuple(_registry.values())


def names() -> tuple[str, ...]:
    return tuple(p.name for p in registered())


def platform(name: str) -> Platform:
    return {p.name: p for p in registered()}[name]

"""The Microsoft Teams adapter.

This package's own modules import the Agents SDK (the `teams` extra); this file must not,
so that `herobot` can say clearly that the extra is missing instead of failing on an import.
`PLATFORM` is what the package offers the composition root (bot/platform_packages.py names the package; bot.platforms registers it).
"""

from __future__ import annotations

import importlib

from bot.config import Config, Settings
from bot.conversations import ConversationStore
from bot.platforms import Platform, Wiring

# what the adapter imports from the `teams` extra (PyJWT comes with MSAL)
EXTRA_MODULES = ("microsoft_agents.activity", "microsoft_agents.hosting.core",
                 "microsoft_agents.authentication.msal", "jwt")
INSTALL_HINT = "pip install 'herobot[teams]' (in a checkout: pip install -e '.[teams]')"


def missing_extra(modules: tuple[str, ...] = EXTRA_MODULES) -> str | None:
    """Why Teams cannot run in this environment (a sentence for the log), or None when it can."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:
            return (f"Teams is configured but the Teams extra is not installed ({error}). "
                    f"Install it with {INSTALL_HINT}, or unset MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, "
                    f"MICROSOFT_APP_TENANT_ID and HEROBOT_TEAMS_ANONYMOUS to run without Teams.")
    return None


def _serve(wiring: Wiring):
    from handlers.teams.app import serving

    return serving(wiring.core, wiring.settings, wiring.session, wiring.conversations, wiring.channel_teams,
                   wiring.overrides.get("teams_tokens"))


def _standalone_chat(wiring: Wiring):
    from handlers.teams.app import standalone_chat

    return standalone_chat(wiring.settings, wiring.conversations, wiring.channel_teams, wiring.core.now,
                           wiring.overrides.get("teams_tokens"))



async def _check(settings: Settings, config: Config, overrides) -> list[tuple[bool, str]]:
    from handlers.teams.check import check_teams

    return await check_teams(settings, overrides.get("teams_tokens"))


def _reachable(conversations: ConversationStore) -> bool:
    return conversations.latest_conversation() is not None


PLATFORM = Platform(
    name="teams",
    title="Teams",
    credentials="MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID",
    turn_on="MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID",
    not_configured="not configured (MICROSOFT_APP_ID, _PASSWORD and _TENANT_ID are not all set)",
    enabled=lambda settings: settings.teams_enabled,
    can_send=lambda settings: settings.teams_enabled,
    describe=lambda settings: f"MICROSOFT_APP_ID {settings.microsoft_app_id or 'not set'}",
    config_keys=("vote_reactions", "tenants", "channels"),
    vote_reactions=lambda config: config.teams_vote_reactions,
    export_keys=("conversation_id", "activity_id"),
    route="/api/messages",
    serve=_serve,
    standalone_chat=_standalone_chat,
    check=_check,
    missing=missing_extra,
    reachable=_reachable,
    unreachable=("no Teams conversation is known yet, so there is no Bot Connector address to send to: install "
                 "the app in the team (or say `hero help` to the bot) with `herobot serve` running, then send again"),
)

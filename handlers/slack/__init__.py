"""The Slack adapter: Bolt listeners, Block Kit rendering and the Web API chat port.

`PLATFORM` is what this package offers the composition root (bot/platform_packages.py names the package; bot.platforms registers it); it imports
Slack's SDK only when one of its functions runs.
"""

from __future__ import annotations

from bot.config import Config, Settings
from bot.platforms import Platform, Wiring


def _serve(wiring: Wiring):
    from handlers.slack.app import serving

    return serving(wiring.core, wiring.settings, wiring.session)


def _standalone_chat(wiring: Wiring):
    from handlers.slack.app import standalone_chat

    return standalone_chat(wiring.settings)


async def _check(settings: Settings, config: Config, overrides) -> list[tuple[bool, str]]:
    from handlers.slack.check import check_slack

    return await check_slack(settings, config)


def _describe(settings: Settings) -> str:
    return (f"SLACK_BOT_TOKEN {'set' if settings.slack_bot_token else 'not set'}, "
            f"{'Socket Mode (SLACK_APP_TOKEN)' if settings.slack_app_token else 'HTTP (SLACK_SIGNING_SECRET)'}")


PLATFORM = Platform(
    name="slack",
    title="Slack",
    credentials="SLACK_BOT_TOKEN",
    turn_on="SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)",
    not_configured="not configured (SLACK_BOT_TOKEN is not set)",
    enabled=lambda settings: settings.slack_enabled,
    can_send=lambda settings: bool(settings.slack_bot_token),
    describe=_describe,
    export_keys=("channel", "ts"),
    route="/slack/events",
    serve=_serve,
    standalone_chat=_standalone_chat,
    check=_check,
)

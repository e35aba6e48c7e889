"""`herobot check` for Slack: the token works (`auth.test`) and the bot is in each configured channel.
Read-only: nothing is posted, joined or changed."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.config import Config, Settings
from handlers.slack.app import web_client


async def check_slack(settings: Settings, config: Config) -> list[tuple[bool, str]]:
    """(ok, what was verified) for the token and each `[slack] *_channel`."""
    async with aiohttp.ClientSession() as session:
        client = web_client(settings, session)
        try:
            me = await client.auth_test()
        except SlackApiError as error:
            return [(False, f"auth.test failed ({error.response.get('error')}): check SLACK_BOT_TOKEN")]
        except aiohttp.ClientError as error:
            return [(False, f"Slack could not be reached ({type(error).__name__})")]
        found = [(True, f"auth.test: workspace {me.get('team_id')} as @{me.get('user')} ({me.get('user_id')})")]
        for (platform, kind), channel in sorted(config.channels.items()):
            if platform == "slack":
                found.append(await _membership(client, kind, channel))
        return found


async def _membership(client, kind: str, channel: str) -> tuple[bool, str]:
    try:
        info = (await client.conversations_info(channel=channel))["channel"]
    except SlackApiError as error:
        return False, (f"{kind}_channel {channel}: {error.response.get('error')} (is it the channel id, "
                       "from the channel's details, and can the bot see it?)")
    if info.get("is_member"):
        return True, f"the bot is a member of {kind}_channel {channel} (#{info.get('name')})"
    return False, f"the bot is not a member of {kind}_channel {channel}: type `/invite @herobot` in that channel"

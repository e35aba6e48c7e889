"""`herobot check` for Teams: the app's credentials get a Bot Framework token. Read-only."""

from __future__ import annotations

from bot.config import Settings
from handlers.teams.tokens import BOT_FRAMEWORK, SCOPES, token_provider


async def check_teams(settings: Settings, tokens=None) -> list[tuple[bool, str]]:
    if settings.teams_anonymous:
        return [(True, "HEROBOT_TEAMS_ANONYMOUS is set: no credentials are used (local testing only)")]
    try:
        token = await token_provider(settings, tokens).get_access_token(BOT_FRAMEWORK, SCOPES)
    except Exception as error:  # MSAL raises its own types; never print the message (it may quote a secret)
        return [(False, f"no Bot Framework token for MICROSOFT_APP_ID {settings.microsoft_app_id} "
                        f"({type(error).__name__}): check the app id, password and tenant")]
    if not token:
        return [(False, "the Bot Framework token came back empty: check the app id, password and tenant")]
    return [(True, f"credentials of app {settings.microsoft_app_id} get a Bot Framework token "
                   f"(tenant {settings.microsoft_app_tenant_id})")]

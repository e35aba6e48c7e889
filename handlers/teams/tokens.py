"""Outbound authentication: the bearer token on calls to the Bot Connector and to Microsoft Graph.

In production the Agents SDK's `MsalAuth` gets an app-only token for the Bot
Framework (client credentials of the Entra app, cached by MSAL until it expires),
and one for Graph (scope https://graph.microsoft.com/.default), which carries the
resource-specific permissions the app was granted where it is installed.
"""

from __future__ import annotations

from typing import Protocol

from bot.config import Settings

BOT_FRAMEWORK = "https://api.botframework.com"
SCOPES = [f"{BOT_FRAMEWORK}/.default"]
GRAPH = "https://graph.microsoft.com"
GRAPH_SCOPES = [f"{GRAPH}/.default"]


class TokenProvider(Protocol):
    """The SDK's `AccessTokenProviderBase.get_access_token`, which `MsalAuth` implements."""

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str: ...


class Tokens:
    """Bearer tokens for the Bot Connector (or, `for_graph`, for Microsoft Graph); none at all in anonymous mode."""

    def __init__(self, provider: TokenProvider | None, for_graph: bool = False):
        self.provider = provider
        self.resource, self.scopes = (GRAPH, GRAPH_SCOPES) if for_graph else (BOT_FRAMEWORK, SCOPES)

    async def header(self, force_refresh: bool = False) -> dict[str, str]:
        if self.provider is None:
            return {}
        token = await self.provider.get_access_token(self.resource, list(self.scopes), force_refresh)
        return {"Authorization": f"Bearer {token}"}


def token_provider(settings: Settings, override: TokenProvider | None = None) -> TokenProvider | None:
    """Where Bot Connector tokens come from: nowhere in anonymous mode, else `override` (tests) or MSAL."""
    if settings.teams_anonymous:
        return None
    return override or msal_provider(settings)


def msal_provider(settings: Settings) -> TokenProvider:
    """MSAL's client-credentials flow for the Entra app: authority login.microsoftonline.com/<tenant>,
    scope https://api.botframework.com/.default. Nothing is fetched until the first token is needed."""
    from microsoft_agents.authentication.msal import MsalAuth
    from microsoft_agents.hosting.core import AgentAuthConfiguration, AuthTypes

    return MsalAuth(AgentAuthConfiguration(
        auth_type=AuthTypes.client_secret, client_id=settings.microsoft_app_id,
        tenant_id=settings.microsoft_app_tenant_id, client_secret=settings.microsoft_app_password,
        scopes=list(SCOPES),
    ))

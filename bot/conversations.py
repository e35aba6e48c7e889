"""How the bot reaches a conversation or a person again on a platform that needs references to do so
(Teams: a serviceUrl per conversation, a personal chat per person), and the port that keeps them.

The adapter gets a `ConversationStore` from the composition root; storage implements it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Reference:
    conversation_id: str
    service_url: str
    tenant_id: str | None
    bot_id: str
    kind: str


@dataclass(frozen=True)
class Person:
    aad_object_id: str
    teams_id: str
    name: str | None
    tenant_id: str | None
    service_url: str
    personal_conversation_id: str | None


class ConversationStore(Protocol):
    def conversation(self, conversation_id: str) -> Reference | None: ...

    def latest_conversation(self) -> Reference | None:
        """The most recently seen conversation: its serviceUrl, tenant and bot id serve one not seen yet."""

    def person(self, aad_object_id: str) -> Person | None: ...

    def names(self, aad_object_ids: set[str]) -> dict[str, str]: ...

    def remember(self, ref: Reference, person: Person | None, at: datetime, keep_known: bool = False) -> None:
        """Keep the conversation (unless `keep_known` and it is known already) and the person, in one transaction."""

    async def remember_personal_conversation(self, aad_object_id: str, ref: Reference, at: datetime) -> None:
        """The bot's chat with a person, opened just now."""


class ChannelTeamsStore(Protocol):
    """Which Teams team each channel belongs to, learnt from the activities Teams sends, so the adapter can read a
    channel back (Microsoft Graph) when an interrupted post must be looked for. Holds no one's identity."""

    def team_of(self, channel_id: str) -> tuple[str, str | None] | None:
        """(the team's thread id, its Microsoft 365 group id or None while unknown)."""

    def remember(self, channel_id: str, team_id: str, group_id: str | None) -> None:
        """Written only when it is news: every channel activity carries its team."""

    async def set_group(self, team_id: str, group_id: str) -> None: ...

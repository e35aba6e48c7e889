"""What the core needs from a chat platform. Each adapter implements `Chat`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.replies import Reply


@dataclass(frozen=True)
class Origin:
    """Where a request came from, so a later answer can reach the same person.

    `handle` is the platform's own way back (Slack: the response_url), opaque to the core.
    """

    platform: str
    user_id: str
    channel_id: str | None = None
    handle: str | None = None


class Chat(Protocol):
    platform: str

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> str:
        """Post a public message; returns its message id."""

    async def update(self, channel_id: str, message_id: str, reply: Reply) -> None:
        """Replace a message the bot posted."""

    async def send_direct(self, user_id: str, reply: Reply) -> tuple[str, str]:
        """A direct message to one person; returns (conversation id, message id)."""

    async def tell(self, origin: Origin, reply: Reply) -> None:
        """Answer the person behind `origin`, privately."""

    async def link(self, channel_id: str, message_id: str) -> str | None:
        """A URL people can follow to the message, when the platform has one."""

    def reaches(self, user_id: str) -> bool:
        """Whether `user_id` names a person on this platform (`[roles]` lists mix Slack and Teams ids)."""

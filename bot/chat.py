"""What the core needs from a chat platform. Each adapter implements `Chat`."""

from __future__ import annotations

from typing import Protocol

from bot.model import Origin
from bot.replies import Reply


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

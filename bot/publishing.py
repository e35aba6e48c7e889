"""Publishing a new item in the background and telling the poster: shared by ideas and problems (the
posting itself, retried until it lands, is bot.outbox)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.chat import Origin
from bot.core import Core
from bot.replies import Notice

log = logging.getLogger(__name__)

Posting = Coroutine[Any, Any, Notice | None]


async def publish(core: Core, origin: Origin, posting: Posting, name: str, answer_within: float = 0.0) -> Notice | None:
    """Run `posting` in the background. Its note for the poster is returned if it is ready within
    `answer_within` seconds, so that the answer to the request carries it (one message fewer);
    otherwise the poster is told once it is ready."""
    task = core.background.spawn(posting, name=name)
    if answer_within > 0:
        await asyncio.wait({task}, timeout=answer_within)
        if task.done() and not task.cancelled() and task.exception() is None:
            return task.result()
    core.background.spawn(_tell_when_posted(core, origin, task), name=f"tell about {name}")
    return None


async def _tell_when_posted(core: Core, origin: Origin, posting: asyncio.Task) -> None:
    try:
        note = await posting
    except Exception:
        return  # Background has logged it
    chat = core.chat(origin.platform)
    if note is not None and chat is not None:
        await chat.tell(origin, note)

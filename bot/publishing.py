"""Publishing a new item in the background and telling the poster: shared by ideas and problems (the
posting itself, retried until it lands, is bot.outbox), and posting a challenge's card once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sqlite_utils import Database

from bot.core import Core
from bot.model import Origin
from bot.replies import Notice, Reply
from storage.db import write

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


async def post_card(core: Core, platform: str, channel: str | None, card: Reply, name: str, where: str,
                    record: Callable[[Database, str], None]) -> tuple[bool, Notice | None]:
    """Post a card once and record its message. Whether it was posted, and the note for the poster:
    a link to the post, or that it is saved but could not be posted (None when there is nowhere to post)."""
    chat = core.chat(platform)
    if chat is None or channel is None:
        log.warning("%s has nowhere to be posted on %s", name, platform)
        return False, None
    try:
        message_id = await chat.post(channel, card)
    except Exception:
        log.exception("posting %s failed", name)
        return False, Notice(f"{name} is saved, but it could not be posted to the {where}. "
                             "Ask an admin to check that herobot is in that channel.")
    async with write(core.db) as db:
        record(db, message_id)
    return True, Notice(f"{name} is posted.", link=await chat.link(channel, message_id))

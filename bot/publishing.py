"""Posting a new item's card to its channel and telling the poster: shared by ideas and problems."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlite_utils import Database

from bot.chat import Origin
from bot.core import Core
from bot.replies import Notice, Reply
from storage.db import write

log = logging.getLogger(__name__)


async def post_and_confirm(core: Core, origin: Origin, platform: str, channel: str | None, card: Reply, name: str,
                           where: str, record: Callable[[Database, str], None]) -> bool:
    """Post a new item's card, record its message, and tell the poster
    (with a link), or tell them it is saved but not posted. False when it was not posted."""
    chat = core.chat(platform)
    if chat is None or channel is None:
        log.warning("%s has nowhere to be posted on %s", name, platform)
        return False
    try:
        message_id = await chat.post(channel, card)
    except Exception:
        log.exception("posting %s failed", name)
        await chat.tell(origin, Notice(f"{name} is saved, but it could not be posted to the {where}. "
                                       "Ask an admin to check that herobot is in that channel."))
        return False
    with write(core.db) as db:
        record(db, message_id)
    link = await chat.link(channel, message_id)
    await chat.tell(origin, Notice(f"{name} is posted.", link=link))
    return True
